"""Pages sorted by one column read through a bound from the column's first values (records/engine.py)."""

from __future__ import annotations

import duckdb
import pytest

from territoria.records import engine
from territoria.records.compiler import Query, compile_query

COLUMNS = [
    {"name": "_row", "type": "integer"},
    {"name": "v", "type": "decimal"},
    {"name": "n", "type": "integer"},
    {"name": "d", "type": "date"},
    {"name": "ville", "type": "text"},
    {"name": "u", "type": "integer"},
]
ROWS = 6000


@pytest.fixture
def path(tmp_path):  # type: ignore[no-untyped-def]
    """Many ties (v has 37 values), nulls (every 11th v, every 13th d), unique values (u), rows out of order."""
    file = str(tmp_path / "sorted.parquet")
    duckdb.sql(
        "COPY (SELECT i AS _row, CASE WHEN i % 11 = 0 THEN NULL ELSE (i * 7 % 37) / 2.0 END AS v, "  # noqa: S608
        "i % 5 AS n, CASE WHEN i % 13 = 0 THEN NULL ELSE DATE '2020-01-01' + (i % 400)::INTEGER END AS d, "
        "['Lyon', 'Bron'][i % 2 + 1] AS ville, i * 7919 % 6007 AS u "
        f"FROM range(1, {ROWS + 1}) t(i) ORDER BY hash(i)) TO '{file}' (FORMAT parquet, ROW_GROUP_SIZE 2048)"
    )
    engine.clear_caches()
    yield file
    engine.clear_caches()


def plain(compiled):  # type: ignore[no-untyped-def]
    """The page as the unbounded query gives it."""
    result = duckdb.connect().execute(compiled.sql, compiled.params)
    return [row[0] for row in result.fetchall()]


@pytest.mark.parametrize("order_by", ["v desc", "v", "n desc", "d", "d desc", "u", "u desc"])
@pytest.mark.parametrize(("offset", "limit"), [(0, 100), (0, 1), (250, 100), (5400, 100), (5900, 100)])
def test_bounded_pages_are_the_pages_of_the_whole_query(path, settings, order_by, offset, limit):
    settings.RECORDS_PAGE_CACHE = 0
    compiled = compile_query(COLUMNS, path, Query(order_by=order_by), limit=limit, offset=offset)
    assert compiled.sort_column is not None
    assert [r["_id"] for r in engine.fetch(compiled)] == plain(compiled)


def test_the_bound_is_used_and_the_first_values_kept(path, settings, monkeypatch):
    settings.RECORDS_PAGE_CACHE = 0
    seen: list[str] = []
    original = engine._execute
    monkeypatch.setattr(engine, "_execute", lambda c, sql, p: seen.append(sql) or original(c, sql, p))
    for offset in (0, 100, 200):
        compiled = compile_query(COLUMNS, path, Query(order_by="v desc"), limit=100, offset=offset)
        assert [r["_id"] for r in engine.fetch(compiled)] == plain(compiled)
    assert sum("IS NOT NULL ORDER BY" in sql for sql in seen) == 1  # the first values, once for three pages
    assert sum('WHERE "v" >= ?' in sql for sql in seen) == 3


def test_pages_reaching_the_nulls_use_the_whole_query(path, settings):
    settings.RECORDS_PAGE_CACHE = 0
    compiled = compile_query(COLUMNS, path, Query(order_by="v desc"), limit=100, offset=5500)  # 545 nulls last
    assert engine._sort_bound(compiled) is None
    rows = engine.fetch(compiled)
    assert [r["_id"] for r in rows] == plain(compiled) and rows[-1]["v"] is None


@pytest.mark.parametrize(
    "query",
    [Query(order_by="ville"), Query(order_by="v desc, n"), Query(order_by="v desc", where="n = 1"), Query()],
)
def test_other_orders_are_not_bounded(path, query):
    assert compile_query(COLUMNS, path, query, limit=10).sort_column is None
