"""Kept pages (records/engine.py): a page is computed once per file and query, and only for that file and query."""

from __future__ import annotations

import duckdb

from territoria.records import engine
from territoria.records.compiler import Query, compile_query
from territoria.records.tests.test_engine import FILE_COLUMNS, reference, write_parquet


def test_a_page_asked_again_is_not_computed_again(tmp_path, executed, settings):
    settings.RECORDS_PAGE_CACHE = 8
    path = write_parquet(tmp_path / "a.parquet")
    compiled = compile_query(FILE_COLUMNS, path, Query(order_by="v desc"), limit=5)
    first = engine.fetch(compiled)
    runs = len(executed)
    assert engine.fetch(compile_query(FILE_COLUMNS, path, Query(order_by="v desc"), limit=5)) == first
    assert len(executed) == runs
    expected = sorted(reference(), key=lambda r: (-r["v"], r["_id"]))[:5]
    assert first == expected


def test_pages_are_told_apart_by_file_query_names_and_zone(tmp_path, executed, settings):
    settings.RECORDS_PAGE_CACHE = 8
    first = write_parquet(tmp_path / "a.parquet")
    second = write_parquet(tmp_path / "b.parquet", rows=4096, start=101)
    assert [r["_id"] for r in engine.fetch(compile_query(FILE_COLUMNS, first, Query(), limit=3))] == [1, 2, 3]
    assert [r["_id"] for r in engine.fetch(compile_query(FILE_COLUMNS, second, Query(), limit=3))] == [101, 102, 103]
    named = engine.fetch(compile_query(FILE_COLUMNS, first, Query(select="n as a"), limit=1))
    renamed = engine.fetch(compile_query(FILE_COLUMNS, first, Query(select="n as b"), limit=1))
    assert named == [{"_id": 1, "a": 10}] and renamed == [{"_id": 1, "b": 10}]
    offset = engine.fetch(compile_query(FILE_COLUMNS, first, Query(), limit=3, offset=3))
    assert [r["_id"] for r in offset] == [4, 5, 6]


def test_a_replaced_file_is_read_again(tmp_path, executed, settings):
    settings.RECORDS_PAGE_CACHE = 8
    path = tmp_path / "a.parquet"
    write_parquet(path)
    query = Query(where="ville = 'Bron'")
    assert engine.fetch(compile_query(FILE_COLUMNS, str(path), query, limit=2))[0]["_id"] == 1
    path.unlink()
    write_parquet(path, rows=4096, start=501)  # another size: another file's identity
    assert engine.fetch(compile_query(FILE_COLUMNS, str(path), query, limit=2))[0]["_id"] == 502


def test_pages_with_now_or_with_the_cache_off_are_computed_each_time(tmp_path, executed, settings):
    columns = [{"name": "_row", "type": "integer"}, {"name": "d", "type": "datetime"}]
    path = str(tmp_path / "dates.parquet")
    duckdb.sql(
        "COPY (SELECT i AS _row, TIMESTAMP '2000-01-01' + INTERVAL (i) DAY AS d FROM range(1, 5) t(i)) "  # noqa: S608
        f"TO '{path}'"
    )
    settings.RECORDS_PAGE_CACHE = 8
    with_now = compile_query(columns, path, Query(where="d < now()", order_by="d desc"), limit=2)
    engine.fetch(with_now)
    engine.fetch(with_now)
    assert executed.count(with_now.sql) == 2
    settings.RECORDS_PAGE_CACHE = 0
    plain = compile_query(columns, path, Query(order_by="d desc"), limit=2)
    first = engine.fetch(plain)
    runs = len(executed)
    assert engine.fetch(plain) == first and [r["_id"] for r in first] == [4, 3]
    assert len(executed) > runs  # computed again


def test_the_number_of_kept_pages_is_bounded(tmp_path, executed, settings):
    settings.RECORDS_PAGE_CACHE = 2
    path = write_parquet(tmp_path / "a.parquet")
    pages = [compile_query(FILE_COLUMNS, path, Query(order_by="v desc"), limit=2, offset=o) for o in (0, 2, 4)]
    for compiled in pages:
        engine.fetch(compiled)
    runs = len(executed)
    engine.fetch(pages[2])
    engine.fetch(pages[1])
    assert len(executed) == runs  # the last two are kept
    engine.fetch(pages[0])
    assert len(executed) == runs + 1  # the first was dropped
    assert len(engine._pages) == 2
