"""The DuckDB runner: bounded settings and JSON-ready values."""

from __future__ import annotations

import datetime as dt
import decimal

import duckdb
import pytest

from territoria.records import engine, values
from territoria.records.compiler import Query, compile_query


def test_connection_is_bounded_and_per_thread():
    con = engine.connection()
    assert con is engine.connection()
    assert con.execute("SELECT current_setting('threads')").fetchone() == (2,)
    limit = con.execute("SELECT current_setting('memory_limit')").fetchone()
    assert limit is not None and str(limit[0]).startswith(("488", "512"))
    assert con.execute("SELECT current_setting('autoload_known_extensions')").fetchone() == (False,)


def test_threads_have_their_own_cursor_on_one_bounded_database():
    import threading

    mine = engine.connection()
    seen: dict[str, object] = {}

    def other() -> None:
        con = engine.connection()
        seen["same"] = con is mine
        seen["settings"] = con.execute(
            "SELECT current_setting('threads'), current_setting('parquet_metadata_cache'), current_setting('TimeZone')"
        ).fetchone()
        # The geometry functions registered once on the database are seen from every thread's cursor.
        seen["geo"] = con.execute(
            "SELECT function_name FROM duckdb_functions() WHERE function_name LIKE 'territoria%' LIMIT 1"
        ).fetchone()

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert seen["same"] is False
    assert seen["settings"] == (2, True, "UTC")
    assert seen["geo"] is not None


def test_values_become_json_ready():
    assert values.to_json(dt.date(2024, 3, 1)) == "2024-03-01"
    assert values.to_json(dt.datetime(2024, 3, 1, 12, 30)) == "2024-03-01T12:30:00"
    assert values.to_json(decimal.Decimal("12.50")) == 12.5
    assert values.to_json(float("nan")) is None
    assert values.to_json({"lon": 4.8, "lat": 45.7}) == {"lon": 4.8, "lat": 45.7}
    shape = '{"type": "Point", "coordinates": [4.8, 45.7]}'
    assert values.to_json(shape, "geo_shape") == {"type": "Point", "coordinates": [4.8, 45.7]}
    assert values.to_json(shape, "text") == shape


# --- Row windows, kept counts and facts, per-column conversions ----------------------------------------------

BLOCK = 2048  # DuckDB's smallest row group
ROWS = 5 * BLOCK
FILE_COLUMNS = [
    {"name": "_row", "type": "integer"},
    {"name": "n", "type": "integer"},
    {"name": "ville", "type": "text"},
    {"name": "v", "type": "decimal"},
]
VILLES = ["Lyon", "Bron", "Écully"]


def write_parquet(path, rows: int = ROWS, start: int = 1):  # type: ignore[no-untyped-def]
    """Rows numbered ``start``.., written block by block out of order (blocks 0, 3, 1, 4, 2), so that row groups
    cover ranges of ``_row`` that are neither in order nor the whole file, like a Parquet written by threads."""
    con = duckdb.connect(config={"threads": 1})
    con.execute(
        "COPY (SELECT i AS _row, i * 10 AS n, ['Lyon', 'Bron', 'Écully'][i % 3 + 1] AS ville, (i % 97) / 4.0 AS v "  # noqa: S608
        f"FROM range({start}, {start + rows}) t(i) ORDER BY ((i - {start}) // {BLOCK} * 3) % 5, i) "
        f"TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE {BLOCK})"
    )
    con.close()
    return str(path)


def reference(where=lambda i: True, start: int = 1, rows: int = ROWS):  # type: ignore[no-untyped-def]
    return [
        {"_id": i, "n": i * 10, "ville": VILLES[i % 3], "v": (i % 97) / 4.0}
        for i in range(start, start + rows)
        if where(i)
    ]


@pytest.fixture
def parquet(tmp_path):  # type: ignore[no-untyped-def]
    engine.clear_caches()
    yield write_parquet(tmp_path / "data.parquet")
    engine.clear_caches()


def test_the_file_is_really_out_of_order(parquet):
    groups = duckdb.execute(
        "SELECT stats_min::BIGINT FROM parquet_metadata(?) WHERE path_in_schema = '_row' ORDER BY row_group_id",
        [parquet],
    ).fetchall()
    firsts = [g[0] for g in groups]
    assert len(firsts) >= 5 and firsts != sorted(firsts)


@pytest.mark.parametrize(
    ("where", "keep"),
    [
        ("", lambda i: True),
        ("ville = 'Bron'", lambda i: i % 3 == 1),
        ("n >= 90000", lambda i: i >= 9000),  # matches only in the last block, written in the middle
        ("v = 0", lambda i: i % 97 == 0),  # 1 %: sparse matches
        ("n = 30", lambda i: i == 3),
        ("n < 0", lambda i: False),
    ],
)
@pytest.mark.parametrize(
    ("limit", "offset"), [(100, 0), (10, 0), (7, 33), (100, 4950), (1, 0), (0, 0), (100, 9900), (50, 10230)]
)
def test_pages_in_id_order_are_those_of_the_whole_file(parquet, where, keep, limit, offset):
    compiled = compile_query(FILE_COLUMNS, parquet, Query(where=where), limit=limit, offset=offset)
    expected = reference(keep)
    assert compiled.window_sql
    assert engine.fetch(compiled) == expected[offset : offset + limit]
    assert engine.total(compiled, len(engine.fetch(compiled))) == len(expected)


def test_first_page_reads_one_window_and_no_count(parquet, executed):
    compiled = compile_query(FILE_COLUMNS, parquet, Query(), limit=100, offset=0)
    rows = engine.fetch(compiled)
    assert [r["_id"] for r in rows] == list(range(1, 101))
    assert engine.total(compiled, len(rows)) == ROWS
    # Facts (count and _row bounds, from the statistics), then one window; no count(*) of the rows.
    assert executed[-1] == compiled.window_sql and compiled.count_sql not in executed


def test_filtered_page_counts_once_then_sizes_its_window(parquet, executed):
    compiled = compile_query(FILE_COLUMNS, parquet, Query(where="ville = 'Bron'"), limit=10, offset=0)
    rows = engine.fetch(compiled)
    assert [r["_id"] for r in rows] == [1, 4, 7, 10, 13, 16, 19, 22, 25, 28]
    assert engine.total(compiled, len(rows)) == len(reference(lambda i: i % 3 == 1))
    assert executed.count(compiled.count_sql) == 1 and executed.count(compiled.window_sql) == 1
    assert compiled.sql not in executed
    again = compile_query(FILE_COLUMNS, parquet, Query(where="ville = 'Bron'"), limit=10, offset=10)
    engine.total(again, len(engine.fetch(again)))
    assert executed.count(compiled.count_sql) == 1  # the next page's count is the one kept


def test_user_order_and_aggregates_have_no_window(parquet):
    for query in (Query(order_by="n desc"), Query(select="count(*) as c"), Query(group_by="ville")):
        compiled = compile_query(FILE_COLUMNS, parquet, query, limit=10, offset=0)
        assert not compiled.window_sql
    compiled = compile_query(FILE_COLUMNS, parquet, Query(order_by="n desc"), limit=3, offset=0)
    assert [r["n"] for r in engine.fetch(compiled)] == [ROWS * 10, ROWS * 10 - 10, ROWS * 10 - 20]


def test_a_page_that_is_not_full_gives_its_total_without_counting(parquet, executed):
    compiled = compile_query(FILE_COLUMNS, parquet, Query(group_by="ville", select="ville, count(*) as c"), limit=10)
    rows = engine.fetch(compiled)
    assert engine.total(compiled, len(rows)) == 3 and compiled.count_sql not in executed
    beyond = compile_query(FILE_COLUMNS, parquet, Query(group_by="ville"), limit=10, offset=5)
    assert engine.fetch(beyond) == [] and engine.total(beyond, 0) == 3  # an empty page past the end: counted


def test_counts_with_now_are_not_kept(tmp_path, executed):
    engine.clear_caches()
    columns = [{"name": "_row", "type": "integer"}, {"name": "d", "type": "datetime"}]
    path = str(tmp_path / "dates.parquet")
    duckdb.sql(
        "COPY (SELECT i AS _row, TIMESTAMP '2000-01-01' + INTERVAL (i) DAY AS d FROM range(1, 5) t(i)) "  # noqa: S608
        f"TO '{path}'"
    )
    compiled = compile_query(columns, path, Query(where="d < now()"), limit=1)
    assert engine.count(compiled) == engine.count(compiled) == 4
    assert executed.count(compiled.count_sql) == 2
    kept = compile_query(columns, path, Query(where="d < date'2000-01-03'"), limit=1)
    assert engine.count(kept) == engine.count(kept) == 1
    assert executed.count(kept.count_sql) == 1


def test_facts_and_counts_belong_to_one_file(tmp_path):
    engine.clear_caches()
    first = write_parquet(tmp_path / "a.parquet")
    second = write_parquet(tmp_path / "b.parquet", rows=2 * BLOCK, start=101)
    assert engine.file_facts(first) == engine.FileFacts(ROWS, 1, ROWS)
    assert engine.file_facts(second) == engine.FileFacts(2 * BLOCK, 101, 100 + 2 * BLOCK)
    query = Query(where="ville = 'Lyon'")
    counts = [engine.count(compile_query(FILE_COLUMNS, p, query, limit=1)) for p in (first, second)]
    assert counts == [len(reference(lambda i: i % 3 == 0)), len(reference(lambda i: i % 3 == 0, 101, 2 * BLOCK))]
    compiled = compile_query(FILE_COLUMNS, second, Query(), limit=5, offset=0)
    assert [r["_id"] for r in engine.fetch(compiled)] == [101, 102, 103, 104, 105]
    assert engine.file_facts(str(tmp_path / "missing.parquet")) is None


def test_facet_rows_are_kept_only_without_conditions(parquet, executed):
    sql, params = "SELECT ville, count(*) FROM read_parquet(?) GROUP BY ville ORDER BY ville", [parquet]
    first = engine.facet_rows(sql, params, parquet, conditions=False)
    assert engine.facet_rows(sql, params, parquet, conditions=False) == first
    assert executed.count(sql) == 1
    engine.facet_rows(sql, params, parquet, conditions=True)
    assert executed.count(sql) == 2


def test_exports_walk_windows_in_id_order(parquet, monkeypatch, executed):
    monkeypatch.setattr(engine, "EXPORT_WINDOW", 700)
    monkeypatch.setattr(engine, "CHUNK", 64)
    compiled = compile_query(FILE_COLUMNS, parquet, Query(where="ville <> 'Lyon'"))
    assert list(engine.stream(compiled)) == reference(lambda i: i % 3 != 0)
    assert executed.count(compiled.window_sql) == -(-ROWS // 700) and compiled.sql not in executed
    ordered = compile_query(FILE_COLUMNS, parquet, Query(order_by="n desc"))
    assert [r["_id"] for r in engine.stream(ordered)] == list(range(ROWS, 0, -1))


def test_per_column_conversions_equal_to_json(tmp_path):
    path = str(tmp_path / "types.parquet")
    con = duckdb.connect()
    con.execute(
        """CREATE TABLE t AS SELECT * FROM (VALUES
            (1, 1::BIGINT, 'texte', 1.5::DOUBLE, TRUE, DATE '2024-03-01', TIMESTAMP '2024-03-01 12:30:00',
             {'lon': 4.8::DOUBLE, 'lat': 45.7::DOUBLE}, 12.50::DECIMAL(6, 2), '{"type": "Point"}', TIME '08:15'),
            (2, NULL, NULL, 'nan'::DOUBLE, FALSE, NULL, NULL, {'lon': 'inf'::DOUBLE, 'lat': NULL}, NULL, 'x', NULL),
            (3, -7, '=1+2', '-inf'::DOUBLE, NULL, DATE '1999-12-31', TIMESTAMP '1999-12-31 23:59:59.5', NULL,
             -0.25, NULL, TIME '23:59:59.123')
        ) t(_row, i, s, d, b, dt, ts, geo, dec, shape, tm)"""
    )
    con.execute(f"COPY t TO '{path}' (FORMAT parquet)")
    con.close()
    columns = [
        {"name": "_row", "type": "integer"},
        {"name": "i", "type": "integer"},
        {"name": "s", "type": "text"},
        {"name": "d", "type": "decimal"},
        {"name": "b", "type": "boolean"},
        {"name": "dt", "type": "date"},
        {"name": "ts", "type": "datetime"},
        {"name": "geo", "type": "geo_point"},
        {"name": "dec", "type": "decimal"},
        {"name": "shape", "type": "geo_shape"},
        {"name": "tm", "type": "text"},
    ]
    compiled = compile_query(columns, path, Query(), limit=10)
    raw = engine.connection().execute(compiled.sql, compiled.params)
    kinds = compiled.types
    expected = [
        {"_id": row[0], **{n: values.to_json(v, k) for n, k, v in zip(compiled.names, kinds, row[1:], strict=True)}}
        for row in raw.fetchall()
    ]
    assert engine.fetch(compiled) == expected
    assert expected[0]["geo"] == {"lon": 4.8, "lat": 45.7} and expected[1]["geo"] == {"lon": None, "lat": None}
    assert expected[1]["d"] is None and expected[0]["shape"] == {"type": "Point"}
