"""Random and hostile ODSQL: never an uncaught exception, never database text, never another dataset's rows.

About 10,000 queries per run, derandomised (the same ones every run, so a failure is repeatable):

- the bulk drives the compiler and the DuckDB engine directly, on two Parquet files written here: ``a.parquet``,
  the dataset under query, and ``b.parquet``, another dataset whose values are sentinels (``ZZSENTINEL``,
  987654321) that must never come out unless the query itself wrote them;
- a smaller sample goes through the HTTP API on two datasets published by the ingest pipeline.

Queries are grammar-aware clauses (fields of both datasets and unknown ones, every literal kind, every function
and unknown ones, nesting) mixed with raw hostile text (quotes, comments, ``;``, unicode, NUL, huge numbers,
SQL keywords, deep nesting).
"""

from __future__ import annotations

import json
import logging
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from territoria.lib.odsql import OdsqlError
from territoria.records import compiler, engine

from .conftest import get

SENTINEL_TEXT = "ZZSENTINEL"
SENTINEL_NUMBER = "987654321"
ROWS_A = 40
DATABASE_WORDS = (
    "Binder Error", "Parser Error", "Conversion Error", "Catalog Error", "Invalid Input", "Out of Range",
    "duckdb", "read_parquet", "Traceback", "_duckdb", "struct_extract", "territoria_xy",
)  # fmt: skip
COLUMNS_A = [
    {"name": "_row", "type": "integer"},
    {"name": "nom", "type": "text"},
    {"name": "ville", "type": "text"},
    {"name": "montant", "type": "decimal"},
    {"name": "quantite", "type": "integer"},
    {"name": "date_ouverture", "type": "date"},
    {"name": "maj", "type": "datetime"},
    {"name": "actif", "type": "boolean"},
    {"name": "geo_point_2d", "type": "geo_point"},
    {"name": "geo_shape", "type": "geo_shape"},
]
COLUMNS_B = ["secret_b", "code_b", "montant_b"]
FIELDS = [c["name"] for c in COLUMNS_A] + COLUMNS_B + ["inconnu", "`nom`", "`and`", '`x"y`', "NOM", "é"]

FAST = {
    "deadline": None,
    "derandomize": True,
    "database": None,
    "suppress_health_check": [
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
}

# --- Generation --------------------------------------------------------------------------------------------

hostile_strings = st.sampled_from(
    [
        '"Lyon"',
        "'Bron'",
        '"vélo"',
        '""',
        '"\\""',
        "'\\''",
        '"%"',
        '"_"',
        '"*"',
        '"\\\\"',
        f'"{SENTINEL_TEXT}"',
        '"\'; DROP TABLE t; --"',
        '"/* x */"',
        '"\\u0000"',
        '"😀"',
        '"\u202e"',
        "'a''b'",
        '"a\nb"',
    ]
)
numbers = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.sampled_from(["0", "-0", "1.5", "-3.5", "1e308", "9" * 400, "0.000001", "2147483648", SENTINEL_NUMBER]),
    st.floats(allow_nan=False, allow_infinity=False).map(lambda f: repr(f) if "e" not in repr(f) else "1"),
)
dates = st.sampled_from(
    ["date'2024'", "date'2024-03'", "date'2024/03/15'", "date'2024-13-45'", "date''", "date'2024-03-15T10:00:00Z'",
     "date'x'", "date'99999-01-01'", 'date"2023-12-31"']
)  # fmt: skip
geometries = st.sampled_from(
    [
        "geom'POINT(4.83 45.76)'", "geom'POINT(999 999)'", "geom'POLYGON((4.8 45.7, 4.9 45.7, 4.9 45.8, 4.8 45.7))'",
        "geom'POLYGON((0 0, 1 1, 1 0, 0 1, 0 0))'", "geom'LINESTRING(4.8 45.7, 4.9 45.8)'", "geom'garbage'",
        "geom'{\"type\": \"Point\", \"coordinates\": [4.8, 45.7]}'", "geom'{\"type\": \"Polygon\"}'", "geom''",
        "geom'POINT(nan nan)'", "geom'MULTIPOINT((4.8 45.7), (4.9 45.8))'",
    ]
)  # fmt: skip
literals = st.one_of(
    hostile_strings, numbers, dates, geometries, st.sampled_from(["true", "false", "null", "5km", "1.5mi"])
)
fields = st.sampled_from(FIELDS)
FUNCTIONS = [
    "count", "avg", "sum", "min", "max", "median", "percentile", "envelope", "now", "year", "month", "day", "hour",
    "minute", "second", "date_format", "length", "range", "within_distance", "distance", "in_bbox", "intersects",
    "disjoint", "within", "search", "suggest", "startswith", "read_parquet", "read_csv", "pragma_version", "glob",
    "getenv", "current_setting", "territoria_xy", "struct_extract",
]  # fmt: skip


def _expressions() -> st.SearchStrategy[str]:
    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*", "/"]), inner).map(" ".join),
            st.tuples(inner, st.sampled_from(["=", "!=", "<>", "<", ">", "<=", ">="]), inner).map(" ".join),
            st.tuples(inner, st.sampled_from(["and", "or", "AND", "Or"]), inner).map(" ".join),
            inner.map(lambda e: f"not {e}"),
            inner.map(lambda e: f"({e})"),
            inner.map(lambda e: f"-{e}"),
            st.tuples(inner, st.lists(inner, min_size=1, max_size=4)).map(lambda t: f"{t[0]} in ({', '.join(t[1])})"),
            st.tuples(inner, inner, inner).map(lambda t: f"{t[0]} in [{t[1]}..{t[2]}]"),
            st.tuples(inner, hostile_strings).map(lambda t: f"{t[0]} like {t[1]}"),
            inner.map(lambda e: f"{e} is null"),
            inner.map(lambda e: f"{e} is not true"),
            st.tuples(st.sampled_from(FUNCTIONS), st.lists(inner, max_size=5)).map(
                lambda t: f"{t[0]}({', '.join(t[1])})"
            ),
        )

    return st.recursive(st.one_of(fields, literals, st.just("*")), extend, max_leaves=6)


expressions = _expressions()
SPECIFIC = st.sampled_from(
    [
        "within_distance(geo_point_2d, geom'POINT(4.83 45.76)', 5km)", "in_bbox(geo_point_2d, 45, 4, 46, 5)",
        "intersects(geo_point_2d, geom'POLYGON((4.8 45.7, 4.9 45.7, 4.9 45.8, 4.8 45.7))')",
        "within(geo_shape, geom'POLYGON((4.8 45.7, 4.9 45.7, 4.9 45.8, 4.8 45.7))')",
        "disjoint(geo_shape, geom'POINT(4.85 45.75)')", 'search(nom, "a")', "year(maj) = 2024",
        "date_format(date_ouverture, 'yyyy-MM') = '2024-03'", "maj >= date'2024-01-01'", "actif", '"Lyon"',
        "quantite in [1..10]", "montant > 3", "secret_b = 1", f'nom = "{SENTINEL_TEXT}"',
    ]
)  # fmt: skip
TOKENS = [
    "nom", "ville", "montant", "quantite", "date_ouverture", "maj", "actif", "geo_point_2d", "geo_shape", "_row",
    "secret_b", "=", "!=", "<", ">=", "and", "or", "not", "in", "like", "is", "null", "(", ")", "[", "]", "..",
    ",", "*", "+", "-", "/", '"Lyon"', "'x'", "1", "1e308", "date'2024'", "geom'POINT(4.8 45.7)'", "5km", "year(",
    "count(*)", "search(", "now()", "select", "from", "union", "--", "/*", "*/", ";", "'", '"', "`", "\\", "\x00",
    "é", "😀", "read_parquet('/etc/passwd')", "'; DROP TABLE x; --", "as", "asc", "desc", "as x", "range(",
]  # fmt: skip
raw = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.sampled_from(list("\"'`;-/*()[]., =<>!\\\x00é😀\u202eaz09")), max_size=60),
    st.lists(st.sampled_from(TOKENS), min_size=1, max_size=12).map(" ".join),
    # Around the nesting limit (MAX_DEPTH = 50), and far beyond it once.
    st.sampled_from([45, 49, 50, 51, 60, 2000]).map(lambda n: "(" * n + "nom" + ")" * n),
    st.sampled_from([24, 25, 26, 60]).map(lambda n: "not " * n + "actif"),
    st.sampled_from([48, 49, 50, 51, 200]).map(lambda n: " + ".join(["1"] * n) + " = quantite"),
    st.sampled_from([23, 24, 25, 26, 40]).map(lambda n: "year(" * n + "maj" + ")" * n),
)
wheres = st.one_of(expressions, SPECIFIC, raw, st.tuples(SPECIFIC, expressions).map(" and ".join))
selects = st.one_of(
    st.lists(st.tuples(expressions, st.sampled_from(["", " as x", " as `y z`", " as and", " as nom"])).map("".join),
             min_size=1, max_size=4).map(", ".join),
    raw,
)  # fmt: skip
GROUPS = st.sampled_from(
    ["ville", "year(date_ouverture)", "month(maj) as m", "range(quantite, 5) as r", "date_format(maj, 'yyyy-MM')",
     "ville, actif", "range(montant, 0)", "range(nom, 2)", "date_format(maj, '%Y')", "geo_point_2d", "secret_b"]
)  # fmt: skip
group_bys = st.one_of(GROUPS, expressions, raw)
order_bys = st.one_of(
    st.lists(st.tuples(expressions, st.sampled_from(["", " asc", " desc", " DESC"])).map("".join), min_size=1,
             max_size=3).map(", ".join),
    raw,
)  # fmt: skip
facet_names = st.sampled_from([*FIELDS, "", " ", "a:b"])
refines = st.lists(
    st.one_of(
        st.tuples(facet_names, st.one_of(st.text(max_size=30), hostile_strings, numbers, dates)).map(":".join), raw
    ),
    max_size=3,
)
timezones = st.sampled_from(["", "UTC", "Europe/Paris", "America/St_Johns", "Pacific/Kiritimati"])


# --- The two files -----------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def quiet_engine():  # type: ignore[no-untyped-def]
    """The engine logs each refused query; thousands of them would only slow the run down."""
    logger = logging.getLogger("territoria.records.engine")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


@pytest.fixture(scope="module")
def files(tmp_path_factory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("fuzz")
    a, b = str(folder / "a.parquet"), str(folder / "b.parquet")
    con = duckdb.connect()
    con.execute(
        "COPY (SELECT i AS _row, 'nom ' || i AS nom, ['Lyon', 'Bron', 'Écully', NULL][i % 4 + 1] AS ville, "  # noqa: S608
        "CAST(i AS DOUBLE) / 4 AS montant, i % 13 AS quantite, DATE '2023-01-01' + INTERVAL (i * 11) DAY AS "
        "date_ouverture, TIMESTAMP '2023-12-31 20:00:00' + INTERVAL (i * 5) HOUR AS maj, i % 2 = 0 AS actif, "
        "struct_pack(lon := 4.80 + i / 400.0, lat := 45.70 + i / 400.0) AS geo_point_2d, "
        '\'{"type": "Point", "coordinates": [\' || (4.80 + i / 400.0) || \', 45.75]}\' AS geo_shape '
        f"FROM range(1, {ROWS_A + 1}) t(i)) TO '{a}' (FORMAT parquet)"
    )
    con.execute(
        f"COPY (SELECT i AS _row, '{SENTINEL_TEXT}' || i AS secret_b, {SENTINEL_NUMBER} AS code_b, "  # noqa: S608
        f"{SENTINEL_NUMBER}.5 AS montant_b FROM range(1, 6) t(i)) TO '{b}' (FORMAT parquet)"
    )
    con.close()
    engine.clear_caches()
    return a, b


def _no_database_words(message: str, clauses: str) -> None:
    lowered = clauses.lower()
    leaked = [w for w in DATABASE_WORDS if w.lower() in message.lower() and w.lower() not in lowered]
    assert not leaked, message


def run(files: tuple[str, str], query: compiler.Query, limit: int = 20) -> None:
    """Compile and run one query: an OdsqlError with a clean French message, an EngineError, or safe rows."""
    a, b = files
    clauses = " ".join([query.select, query.where, query.group_by, query.order_by, *query.refine, *query.exclude])
    try:
        compiled = compiler.compile_query(COLUMNS_A, a, query, limit=limit, offset=0)
    except OdsqlError as error:
        assert isinstance(error.message, str) and error.message.startswith(error.clause)
        text = {"where": query.where, "select": query.select, "group_by": query.group_by, "order_by": query.order_by}
        if error.position is not None and error.clause in text:
            assert 1 <= error.position <= len(text[error.clause]) + 1, (error.position, error.message)
        _no_database_words(error.message, clauses)
        return
    for params in (compiled.params, compiled.count_params, compiled.window_params):
        assert b not in params  # only the dataset's own file is ever read
    assert compiled.sql.count("?") == len(compiled.params)
    try:
        rows = engine.fetch(compiled)
        total = engine.total(compiled, len(rows))
    except engine.EngineError as error:
        _no_database_words(str(error), clauses)
        return
    assert len(rows) <= limit and total >= 0
    text = json.dumps(rows, ensure_ascii=False, default=str)
    for sentinel in (SENTINEL_TEXT, SENTINEL_NUMBER):
        assert sentinel in clauses or sentinel not in text, (query, rows)
    assert all(1 <= row["_id"] <= ROWS_A for row in rows if "_id" in row)


# Each example runs a batch of queries: Hypothesis' own cost per example is shared by the batch.
BATCH = 4


def batch(*strategies: st.SearchStrategy[Any]) -> st.SearchStrategy[list[tuple[Any, ...]]]:
    return st.lists(st.tuples(*strategies), min_size=BATCH, max_size=BATCH)


@settings(max_examples=3500 // BATCH, **FAST)  # type: ignore[arg-type]
@given(queries=batch(wheres, timezones))
def test_fuzz_where(files, queries):
    for where, timezone in queries:
        run(files, compiler.Query(where=where, timezone=timezone))


@settings(max_examples=1500 // BATCH, **FAST)  # type: ignore[arg-type]
@given(queries=batch(selects, st.one_of(st.just(""), SPECIFIC)))
def test_fuzz_select(files, queries):
    for select, where in queries:
        run(files, compiler.Query(select=select, where=where))


@settings(max_examples=1200 // BATCH, **FAST)  # type: ignore[arg-type]
@given(queries=batch(group_bys, st.one_of(st.just(""), selects), timezones))
def test_fuzz_group_by(files, queries):
    for group_by, select, timezone in queries:
        run(files, compiler.Query(select=select, group_by=group_by, timezone=timezone))


@settings(max_examples=1000 // BATCH, **FAST)  # type: ignore[arg-type]
@given(queries=batch(order_bys, st.one_of(st.just(""), GROUPS)))
def test_fuzz_order_by(files, queries):
    for order_by, group_by in queries:
        run(files, compiler.Query(order_by=order_by, group_by=group_by))


@settings(max_examples=1000 // BATCH, **FAST)  # type: ignore[arg-type]
@given(queries=batch(refines, refines, timezones))
def test_fuzz_refine_exclude(files, queries):
    for refine, exclude, timezone in queries:
        run(files, compiler.Query(refine=refine, exclude=exclude, timezone=timezone))


@settings(max_examples=1300 // BATCH, **FAST)  # type: ignore[arg-type]
@given(queries=batch(selects, wheres, st.one_of(st.just(""), group_bys), order_bys, refines))
def test_fuzz_whole_queries(files, queries):
    for select, where, group_by, order_by, refine in queries:
        run(files, compiler.Query(select=select, where=where, group_by=group_by, order_by=order_by, refine=refine))


@settings(max_examples=300, **FAST)  # type: ignore[arg-type]
@given(where=wheres, refine=refines, name=st.sampled_from(["nom", "ville", "quantite", "actif", "date_ouverture"]))
def test_fuzz_facets(files, where, refine, name):
    from territoria.records import facets

    a, b = files
    query = compiler.Query(where=where, refine=refine, timezone="Europe/Paris")
    try:
        entries = facets.values(COLUMNS_A, a, query, name, 50)
    except OdsqlError as error:
        _no_database_words(error.message, where + " ".join(refine))
        return
    except engine.EngineError:
        return
    text = json.dumps(entries, ensure_ascii=False)
    assert SENTINEL_TEXT not in text or SENTINEL_TEXT in where + " ".join(refine)


# --- Through HTTP, on datasets published by the pipeline -----------------------------------------------------


def _answer_is_safe(response: Any, clause: str) -> None:
    assert response.status_code in (200, 400), (clause, response.status_code)
    data = b"".join(response.streaming_content) if response.streaming else response.content
    body = data.decode()
    if response.status_code == 400:
        payload = json.loads(body)
        assert payload["error_code"] in {"ODSQLError", "QueryError", "InvalidParameter"}
        _no_database_words(payload["message"], clause)
    else:
        # A selected literal is echoed back; the other dataset's values never come from its rows.
        assert all(word in clause or word not in body for word in ("Zzsecret", "Quimper")), body


@pytest.mark.django_db
@pytest.mark.urls("territoria.records.tests.urls")
@settings(max_examples=200, **FAST)  # type: ignore[arg-type]
@given(where=wheres, timezone=timezones)
def test_hostile_where_over_http(equipements, other_dataset, where, timezone):
    params = {"where": where, "limit": 100, **({"timezone": timezone} if timezone else {})}
    response = get(None, "equipements", **params)
    _answer_is_safe(response, where)
    if response.status_code == 200:
        body = response.json()
        assert body["total_count"] <= 6
        assert all(1 <= r.get("_id", 1) <= 6 for r in body["results"])


@pytest.mark.django_db
@pytest.mark.urls("territoria.records.tests.urls")
@settings(max_examples=150, **FAST)  # type: ignore[arg-type]
@given(
    parameter=st.sampled_from(["select", "group_by", "order_by", "refine", "exclude"]),
    clause=st.one_of(selects, group_bys, raw),
)
def test_hostile_other_clauses_over_http(equipements, other_dataset, parameter, clause):
    for endpoint in ("records", "facets", "exports/jsonl"):
        if endpoint != "records" and parameter == "group_by":
            continue
        if endpoint == "facets" and parameter in {"select", "order_by"}:
            continue
        _answer_is_safe(get(None, "equipements", endpoint, **{parameter: clause}), clause)
