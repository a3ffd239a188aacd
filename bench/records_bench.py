"""Records benchmark: Territoria's records API beside Datasette, same 1M rows, same run, over loopback HTTP.

Steps, all inside one temporary folder removed at the end:

1. generate N hourly air-quality readings (ingest_data.readings, the ingestion benchmark's rows), in one pass:
   the UTF-8 CSV for Territoria, the same typed rows into SQLite with sqlite-utils for Datasette, and the
   answers every query must give, computed in Python from the generator (a third, independent reference);
2. Territoria: ``territoria migrate``, one organisation, then the real pipeline,
   ``territoria ingest readings.csv --dataset qualite-air --publish`` (typing, checks, published Parquet version),
   served by ``territoria serve`` (gunicorn, 2 sync workers, production settings);
3. Datasette: the SQLite table with the indexes and full-text index a careful user would add (commune,
   pollutant, value; FTS5 ``unicode61 remove_diacritics 2`` on station_name, commune, comment; ANALYZE), served
   by ``datasette serve -i`` (immutable) with suggest_facets off and raised time limits;
4. eight queries: a few warm-up requests, then N timed requests per peer, the two peers interleaved; each
   answer (total, first rows, groups) checked against the other peer and the generator;
5. throughput: T client threads for D seconds on the first page and on the equality filter, each peer alone
   (loopback, bounded loops);
6. a streamed export of every row as CSV from each peer, the server processes' resident memory sampled
   during the download (it must stay flat: the export is not held in memory);
7. a table on stdout, the issue's targets "atteint" / "non atteint" (never asserted), and the figures as JSON.

Servers run in their own process group and are stopped (SIGTERM, then SIGKILL) whatever happens.
"""

from __future__ import annotations

import contextlib
import csv
import heapq
import json
import math
import os
import platform
import shutil
import sqlite3
import statistics
import tempfile
import textwrap
import threading
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import duckdb
import httpx
import ingest_data
import sqlite_utils
from catalog_bench import Server, fetch, free_port, running, signals_as_exit, step, territoria_env, tool

BENCH_DIR = Path(__file__).resolve().parent
SLUG = "qualite-air"
ORGANISATION = "bench"
RECORDS = f"/api/explore/v2.1/catalog/datasets/{SLUG}"
DATASETTE_DB = "bench"
DATASETTE_TABLE = f"/{DATASETTE_DB}/readings.json"
REQUEST_TIMEOUT = 60.0
EXPORT_TIMEOUT = 600.0
PAGE = 100
MIB = 1024 * 1024
MAX_REQUESTS_PER_THREAD = 200_000  # throughput loops stop at the deadline or here, whichever comes first
RATE_LIMIT = "100000000/m"
SERVE_TIMEOUT = 300
GUNICORN_DEFAULT_TIMEOUT = 30

# The queried values: a commune with two stations, a value range, a word only found in comments, with an accent
# the query leaves out (both peers fold accents).
COMMUNE = "Lyon"
RANGE = (100.0, 150.0)
WORD = "etalonnage"
TEXT_COLUMNS = ("station_id", "station_name", "commune", "code_insee", "pollutant", "unit", "comment")
FTS_COLUMNS = ("station_name", "commune", "comment")
INDEXES = ("commune", "pollutant", "value")

# Targets from the issue: printed as "atteint" / "non atteint", never asserted.
TARGET_MS = {"page": 15.0, "eq": 20.0, "eq_rotate": 20.0, "range": 20.0, "facet": 30.0, "group": 30.0, "avg": 30.0}
TARGET_RATIO = {"facet": 10.0, "group": 10.0, "avg": 10.0, "sort": 10.0}
TARGET_RPS = {"page": 300.0, "eq": 200.0}
# "Flat" memory for the export: the serving process grows by at most FLAT_TOTAL_MIB over the whole export (a sort
# of the whole table before the first byte takes ~220 Mio here) and by at most FLAT_STREAMING_MIB once 10 % of it
# is sent (nothing piles up while rows stream).
FLAT_TOTAL_MIB = 64.0
FLAT_STREAMING_MIB = 16.0

KEPT_COUNT = (
    "Territoria garde par version le total d'une requête filtrée (la pagination le redemande) : la colonne "
    "« 1re » montre le comptage, les suivantes le relisent ; voir aussi « une autre à chaque fois »"
)
CREATE_ORGANISATION = (
    "from territoria.accounts.models import Organisation; "
    f"Organisation.objects.create(slug={ORGANISATION!r}, name='Banc d\\'essai des enregistrements', kind='other')"
)
INSPECT = textwrap.dedent(
    f"""
    import json
    from territoria.catalog.models import Dataset
    d = Dataset.objects.get(slug={SLUG!r})
    v = d.published_version
    print("BENCH-JSON " + json.dumps({{
        "visibility": d.visibility, "published": d.published is not None,
        "version": None if v is None else {{"number": v.number, "row_count": v.row_count,
            "data_size": v.data_size, "data_path": str(v.data_path()),
            "columns": {{c["name"]: c["type"] for c in v.columns}}}},
    }}))
    """
)


# --- Data: one pass, three outputs -----------------------------------------------------------------------


def fold(text: str) -> str:
    """Lower case without accents, as both peers compare text (DuckDB strip_accents, FTS5 remove_diacritics)."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


Row = tuple[int, str, str, float | None]  # (id, commune, timestamp, value): compared between peers


@dataclass
class Expected:
    """What each query must answer, computed from the generator's rows (not by either peer)."""

    rows: int = 0
    first: list[Row] = field(default_factory=list)
    eq_total: int = 0
    eq_first: list[Row] = field(default_factory=list)
    range_total: int = 0
    range_first: list[Row] = field(default_factory=list)
    word_total: int = 0
    word_first: list[Row] = field(default_factory=list)
    top: list[tuple[float, int, Row]] = field(default_factory=list)  # heap of (value, -id, row)
    communes: Counter[str] = field(default_factory=Counter)
    sums: dict[tuple[str, int], list[float]] = field(default_factory=dict)  # (pollutant, month) → [sum, count]

    def add(self, r: ingest_data.Reading) -> None:
        row: Row = (r.id, r.station.commune, r.hour.isoformat(), r.value)
        self.rows += 1
        if len(self.first) < PAGE:
            self.first.append(row)
        if r.station.commune == COMMUNE:
            self.eq_total += 1
            if len(self.eq_first) < PAGE:
                self.eq_first.append(row)
        self.communes[r.station.commune] += 1
        if r.value is not None:
            if RANGE[0] <= r.value < RANGE[1]:
                self.range_total += 1
                if len(self.range_first) < PAGE:
                    self.range_first.append(row)
            item = (r.value, -r.id, row)
            if len(self.top) < PAGE:
                heapq.heappush(self.top, item)
            elif item > self.top[0]:
                heapq.heapreplace(self.top, item)
            total = self.sums.setdefault((r.pollutant, r.hour.month), [0.0, 0])
            total[0] += r.value
            total[1] += 1
        s = r.station
        texts = (s.code, s.name, s.commune, s.insee, r.pollutant, ingest_data.UNIT, r.comment)
        if any(WORD in fold(t) for t in texts):
            self.word_total += 1
            if len(self.word_first) < PAGE:
                self.word_first.append(row)

    def sorted_top(self) -> list[Row]:
        return [row for _value, _id, row in sorted(self.top, reverse=True)]


def write_data(n: int, seed: int, workdir: Path) -> tuple[Path, Path, Expected, float]:
    """The UTF-8 CSV (Territoria), the SQLite database (Datasette) and the expected answers, from the same rows."""
    csv_path, db_path = workdir / "readings.csv", workdir / f"{DATASETTE_DB}.db"
    expected = Expected()
    started = time.perf_counter()
    with open(csv_path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(ingest_data.COLUMNS)

        def rows() -> Iterator[dict[str, Any]]:
            chunk: list[list[str]] = []
            for reading in ingest_data.readings(n, seed):
                expected.add(reading)
                chunk.append(ingest_data.row(reading, french=False))
                if len(chunk) == ingest_data.CHUNK_ROWS:
                    writer.writerows(chunk)
                    chunk.clear()
                # Typed as Territoria types them: empty cells are NULL, the timestamp ISO text (sqlite-utils
                # stores a datetime that way), the values numbers.
                s = reading.station
                yield {
                    "id": reading.id,
                    "station_id": s.code,
                    "station_name": s.name,
                    "commune": s.commune,
                    "code_insee": s.insee,
                    "timestamp": reading.hour.isoformat(),
                    "pollutant": reading.pollutant,
                    "value": reading.value,
                    "unit": ingest_data.UNIT,
                    "latitude": s.latitude,
                    "longitude": s.longitude,
                    "comment": reading.comment or None,
                }
            writer.writerows(chunk)

        db = sqlite_utils.Database(db_path)
        table = db.table("readings")
        numbers = {"id": int, "value": float, "latitude": float, "longitude": float}
        columns = {c: numbers.get(c, str) for c in ingest_data.COLUMNS}
        table.insert_all(rows(), pk="id", batch_size=10_000, columns=columns)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    for column in INDEXES:
        table.create_index([column])
    table.enable_fts(list(FTS_COLUMNS), tokenize="unicode61 remove_diacritics 2")
    db.analyze()
    db.close()
    indexed = time.perf_counter() - started
    print(
        f"  données : {n} lignes générées (random.Random({seed})) → CSV {csv_path.stat().st_size / MIB:.1f} Mio "
        f"+ SQLite par sqlite-utils en {generated:.1f} s ; index et FTS5 en {indexed:.1f} s"
    )
    return csv_path, db_path, expected, indexed


# --- The two peers ---------------------------------------------------------------------------------------


def prepare_territoria(workdir: Path, csv_path: Path) -> tuple[Server, Server, dict[str, Any], float]:
    data_dir = workdir / "territoria"
    data_dir.mkdir()
    port = free_port()
    env = territoria_env(data_dir, port)
    # Production defaults, but the API rate limit (600/min per address) would refuse the throughput runs, which
    # all come from 127.0.0.1: still counted (the cost stays in the figures), never refused.
    env["TERRITORIA_API_RATE_LIMIT"] = RATE_LIMIT
    territoria = tool("territoria", "territoria.cli")
    step([*territoria, "migrate", "--no-input"], env, timeout=600)
    step([*territoria, "shell", "-c", CREATE_ORGANISATION], env, timeout=120)
    started = time.perf_counter()
    argv = [*territoria, "ingest", str(csv_path), "--dataset", SLUG, "--publish", "--organisation", ORGANISATION]
    step([*argv, "--title", "Qualité de l'air (banc d'essai)"], env, timeout=1800)
    seconds = time.perf_counter() - started
    done = step([*territoria, "shell", "-c", INSPECT], env, timeout=120)
    line = next(x for x in reversed(done.stdout.splitlines()) if x.startswith("BENCH-JSON "))
    info = json.loads(line.removeprefix("BENCH-JSON "))
    version = info["version"]
    if version is None or not info["published"] or info["visibility"] != "public":
        raise RuntimeError(f"the imported dataset is not published and public: {info}")
    print(
        f"  Territoria : territoria ingest --publish en {seconds:.1f} s → version {version['number']} publiée, "
        f"{version['row_count']} lignes, Parquet {version['data_size'] / MIB:.1f} Mio"
    )
    (data_dir / "static").mkdir(exist_ok=True)  # empty STATIC_ROOT: WhiteNoise quiet
    gunicorn_version = tuple(int(part) for part in metadata.version("gunicorn").split(".")[:2])
    extra = ["--no-control-socket"] if gunicorn_version >= (25, 1) else []
    # gunicorn's sync workers are killed after --timeout seconds (30 by default) without finishing a request:
    # a long export would be cut there. Raised here; the report says how long the export took.
    extra += ["--timeout", str(SERVE_TIMEOUT)]
    server = Server(
        "territoria", [*territoria, "serve", *extra], env, port, f"{RECORDS}/records?limit=1", workdir / "t.log"
    )
    # The same files served by a second server that keeps no page (TERRITORIA_RECORDS_PAGE_CACHE=0): what a
    # page costs when it is computed, beside what it costs when a worker has already answered it.
    cold_port = free_port()
    cold_env = {**env, **territoria_env(data_dir, cold_port), "TERRITORIA_RECORDS_PAGE_CACHE": "0"}
    cold_env["TERRITORIA_API_RATE_LIMIT"] = RATE_LIMIT
    cold = Server(
        "territoria-cold",
        [*territoria, "serve", *extra],
        cold_env,
        cold_port,
        f"{RECORDS}/records?limit=1",
        workdir / "t-cold.log",
    )
    return server, cold, info, seconds


DATASETTE_SETTINGS = {
    "suggest_facets": "off",
    "sql_time_limit_ms": "60000",
    "facet_time_limit_ms": "60000",
    "default_cache_ttl": "0",
    "max_csv_mb": "0",  # no size cap on the streamed CSV (100 Mo by default: the export would stop there)
}


def prepare_datasette(workdir: Path, db_path: Path) -> Server:
    port = free_port()
    settings = [arg for name, value in DATASETTE_SETTINGS.items() for arg in ("--setting", name, value)]
    argv = [*tool("datasette", "datasette"), "serve", "-i", str(db_path), "-h", "127.0.0.1", "-p", str(port)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("TERRITORIA_")}
    return Server("datasette", [*argv, *settings], env, port, "/-/versions.json", workdir / "d.log")


# --- Answers ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """What must agree: the total, the first rows (or groups) in order."""

    total: int | None
    rows: tuple[tuple[Any, ...], ...] = ()


def utc_naive(stamp: str) -> str:
    """Territoria answers date-times with their offset, as Opendatasoft does (``…T00:00:00+00:00``); the
    generated file and Datasette hold them without one, in UTC."""
    return stamp.removesuffix("+00:00").removesuffix("Z")


def t_rows(body: dict[str, Any]) -> Answer:
    rows = tuple((r["id"], r["commune"], utc_naive(r["timestamp"]), r["value"]) for r in body["results"])
    return Answer(body["total_count"], rows)


def d_rows(body: dict[str, Any]) -> Answer:
    index = [body["columns"].index(c) for c in ("id", "commune", "timestamp", "value")]
    rows = tuple(tuple(row[i] for i in index) for row in body["rows"])
    return Answer(body["filtered_table_rows_count"], rows)


def t_facet(body: dict[str, Any]) -> Answer:
    (commune,) = (f for f in body["facets"] if f["name"] == "commune")
    values = sorted((v["name"], v["count"]) for v in commune["facets"])
    return Answer(sum(count for _, count in values), tuple(values))


def d_facet(body: dict[str, Any]) -> Answer:
    values = sorted((v["value"], v["count"]) for v in body["facet_results"]["commune"]["results"])
    return Answer(sum(count for _, count in values), tuple(values))


def t_groups(*names: str) -> Callable[[dict[str, Any]], Answer]:
    def read(body: dict[str, Any]) -> Answer:
        return Answer(body["total_count"], tuple(tuple(r[n] for n in names) for r in body["results"]))

    return read


def d_groups(*names: str) -> Callable[[Any], Answer]:
    def read(body: list[dict[str, Any]]) -> Answer:
        return Answer(len(body), tuple(tuple(r[n] for n in names) for r in body))

    return read


def same(a: Any, b: Any) -> bool:
    """Equal, floats within 1e-9 (an average's last digits depend on the order of the additions)."""
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, int | float) and isinstance(b, int | float) and math.isclose(a, b, rel_tol=1e-9)
    if isinstance(a, tuple | list) and isinstance(b, tuple | list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


@dataclass(frozen=True)
class Query:
    key: str
    name: str
    territoria: tuple[str, dict[str, str]]
    datasette: tuple[str, dict[str, str]]
    read_territoria: Callable[[Any], Answer]
    read_datasette: Callable[[Any], Answer]
    expected: Answer
    # Datasette's _sort_desc orders by the column only (its own pages add the key after the first): rows of
    # equal value come in any order. Its rows are then compared on the sorted column alone.
    datasette_values_only: bool = False
    # Timed rounds cycle through these (Territoria params, Datasette params, expected total) instead of repeating
    # the query: no answer kept by either peer is asked twice in a row. Every total is checked.
    rotate: tuple[tuple[dict[str, str], dict[str, str], int], ...] = ()
    note: str = ""


def queries(e: Expected) -> list[Query]:
    avg_sql = (
        "select pollutant, cast(strftime('%m', timestamp) as integer) as month, avg(value) as avg_value "
        "from readings group by pollutant, month order by pollutant, month"
    )
    count_sql = "select commune, count(*) as n from readings group by commune order by commune"
    sql = f"/{DATASETTE_DB}.json"
    averages = tuple((p, m, s / c) for (p, m), (s, c) in sorted(e.sums.items()))
    return [
        Query(
            "page",
            "première page (100)",
            (f"{RECORDS}/records", {"limit": str(PAGE)}),
            (DATASETTE_TABLE, {"_size": str(PAGE)}),
            t_rows,
            d_rows,
            Answer(e.rows, tuple(e.first)),
        ),
        Query(
            "eq",
            f"filtre commune = {COMMUNE}",
            (f"{RECORDS}/records", {"where": f"commune = '{COMMUNE}'", "limit": str(PAGE)}),
            (DATASETTE_TABLE, {"commune": COMMUNE, "_size": str(PAGE)}),
            t_rows,
            d_rows,
            Answer(e.eq_total, tuple(e.eq_first)),
            note=KEPT_COUNT,
        ),
        Query(
            "eq_rotate",
            "filtre commune, une autre à chaque fois",
            (f"{RECORDS}/records", {"where": f"commune = '{COMMUNE}'", "limit": str(PAGE)}),
            (DATASETTE_TABLE, {"commune": COMMUNE, "_size": str(PAGE)}),
            t_rows,
            d_rows,
            Answer(e.eq_total, tuple(e.eq_first)),
            rotate=tuple(
                (
                    {"where": f"commune = '{commune}'", "limit": str(PAGE)},
                    {"commune": commune, "_size": str(PAGE)},
                    count,
                )
                for commune, count in sorted(e.communes.items())
            ),
            note=f"chaque requête chronométrée demande une autre des {len(e.communes)} communes, à tour de rôle : "
            "aucun total déjà compté n'est redemandé avant que toutes l'aient été (chaque worker de Territoria "
            "compte donc la plupart de ses totaux lui-même) ; chaque total est vérifié",
        ),
        Query(
            "range",
            f"intervalle {RANGE[0]:g} ≤ value < {RANGE[1]:g}",
            (f"{RECORDS}/records", {"where": f"value >= {RANGE[0]:g} and value < {RANGE[1]:g}", "limit": str(PAGE)}),
            (DATASETTE_TABLE, {"value__gte": f"{RANGE[0]:g}", "value__lt": f"{RANGE[1]:g}", "_size": str(PAGE)}),
            t_rows,
            d_rows,
            Answer(e.range_total, tuple(e.range_first)),
            note=KEPT_COUNT,
        ),
        Query(
            "sort",
            "tri value desc (100)",
            (f"{RECORDS}/records", {"order_by": "value desc", "limit": str(PAGE)}),
            (DATASETTE_TABLE, {"_sort_desc": "value", "_size": str(PAGE)}),
            t_rows,
            d_rows,
            Answer(e.rows, tuple(e.sorted_top())),
            datasette_values_only=True,
        ),
        Query(
            "facet",
            "facette commune",
            (f"{RECORDS}/facets", {"facet": "commune"}),
            (DATASETTE_TABLE, {"_facet": "commune", "_size": "0", "_nocount": "1", "_facet_size": "50"}),
            t_facet,
            d_facet,
            Answer(sum(e.communes.values()), tuple(sorted(e.communes.items()))),
            note="Territoria garde par version (fichier immuable) les comptes d'une facette sans condition : "
            "la colonne « 1re » montre leur calcul, les suivantes les relisent",
        ),
        Query(
            "group",
            "nombre par commune",
            (f"{RECORDS}/records", {"select": "commune, count(*) as n", "group_by": "commune", "limit": str(PAGE)}),
            (sql, {"sql": count_sql, "_shape": "array"}),
            t_groups("commune", "n"),
            d_groups("commune", "n"),
            Answer(len(e.communes), tuple(sorted(e.communes.items()))),
        ),
        Query(
            "avg",
            "moyenne par polluant et mois",
            (
                f"{RECORDS}/records",
                {
                    "select": "pollutant, month(timestamp) as month, avg(value) as avg_value",
                    "group_by": "pollutant, month(timestamp) as month",
                    "limit": str(PAGE),
                },
            ),
            (sql, {"sql": avg_sql, "_shape": "array"}),
            t_groups("pollutant", "month", "avg_value"),
            d_groups("pollutant", "month", "avg_value"),
            Answer(len(averages), averages),
        ),
        Query(
            "word",
            f"plein texte « {WORD} »",
            (f"{RECORDS}/records", {"where": f'"{WORD}"', "limit": str(PAGE)}),
            (DATASETTE_TABLE, {"_search": WORD, "_size": str(PAGE)}),
            t_rows,
            d_rows,
            Answer(e.word_total, tuple(e.word_first)),
            note=KEPT_COUNT,
        ),
    ]


# --- Latency ---------------------------------------------------------------------------------------------


def quantile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    if len(ordered) == 1:
        return ordered[0]
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass
class Timing:
    url: str
    first_ms: float  # the very first request of the run: caches cold in the worker that answered
    samples_ms: list[float]
    answer: Answer
    size: int
    rotation_errors: list[str] = field(default_factory=list)  # rotated rounds whose total was wrong

    @property
    def median(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p95(self) -> float:
        return quantile(self.samples_ms, 0.95)


PEERS = ("territoria", "territoria_cold", "datasette")  # territoria_cold: the same server keeping no page


def _request(query: Query, peer: str) -> tuple[str, dict[str, str]]:
    return query.datasette if peer == "datasette" else query.territoria


def measure(query: Query, clients: dict[str, httpx.Client], requests: int, warmup: int) -> dict[str, Timing]:
    built = {
        peer: clients[peer].build_request("GET", _request(query, peer)[0], params=_request(query, peer)[1])
        for peer in PEERS
    }
    readers = {peer: query.read_datasette if peer == "datasette" else query.read_territoria for peer in PEERS}
    answers, sizes, first = {}, {}, {}
    for peer, request in built.items():
        for attempt in range(max(warmup, 1)):
            elapsed, response = fetch(clients[peer], request)
            if attempt == 0:
                first[peer] = elapsed
        answers[peer] = readers[peer](response.json())
        sizes[peer] = len(response.content)
    samples: dict[str, list[float]] = {peer: [] for peer in built}
    errors: dict[str, list[str]] = {peer: [] for peer in built}
    order = list(built)
    for round_ in range(requests):
        requests_now, expected_total = built, None
        if query.rotate:
            t_params, d_params, expected_total = query.rotate[round_ % len(query.rotate)]
            requests_now = {
                peer: clients[peer].build_request(
                    "GET", _request(query, peer)[0], params=d_params if peer == "datasette" else t_params
                )
                for peer in PEERS
            }
        for peer in order if round_ % 2 == 0 else reversed(order):  # alternate who goes first
            elapsed, response = fetch(clients[peer], requests_now[peer])
            samples[peer].append(elapsed)
            if expected_total is not None:
                got = readers[peer](response.json()).total
                if got != expected_total:
                    errors[peer].append(f"{requests_now[peer].url}: {got} ≠ {expected_total}")
    return {
        peer: Timing(str(built[peer].url), first[peer], samples[peer], answers[peer], sizes[peer], errors[peer])
        for peer in built
    }


def verdict(query: Query, timings: dict[str, Timing]) -> tuple[bool, str, str]:
    """(all agree, totals cell, rows cell)."""
    t, d, e = timings["territoria"].answer, timings["datasette"].answer, query.expected
    cold = timings["territoria_cold"].answer
    rotated_ok = not any(timing.rotation_errors for timing in timings.values())
    totals_ok = t.total == d.total == e.total == cold.total and rotated_ok
    totals = f"✓ {e.total}" if totals_ok else f"✗ T={t.total} D={d.total} attendu={e.total}"
    if query.rotate:
        totals = f"✓ {len(query.rotate)} totaux" if totals_ok else "✗ totaux (voir le JSON)"
    t_ok = same(t.rows, e.rows) and same(cold.rows, e.rows)
    key: Callable[[tuple[Any, ...]], Any] = (lambda r: r[3]) if query.datasette_values_only else (lambda r: r)
    d_ok = same([key(r) for r in d.rows], [key(r) for r in e.rows])
    if t_ok and d_ok:
        rows = f"✓ {len(e.rows)}" + (" (D : valeurs)" if query.datasette_values_only else "")
    else:
        rows = f"✗ T {'✓' if t_ok else '✗'} D {'✓' if d_ok else '✗'}"
    return t_ok and d_ok, totals, rows


# --- Throughput ------------------------------------------------------------------------------------------


@dataclass
class Throughput:
    peer: str
    query: str
    threads: int
    seconds: float
    ok: int
    errors: int
    latencies_ms: list[float]

    @property
    def rps(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0


def throughput(base_url: str, request: tuple[str, dict[str, str]], threads: int, duration: float) -> Throughput:
    """``threads`` clients, each its own connection, requesting in a loop until the deadline (or a cap)."""
    latencies: list[list[float]] = [[] for _ in range(threads)]
    errors = [0] * threads
    start = threading.Barrier(threads + 1)
    deadline = [0.0]

    def client(index: int) -> None:
        with httpx.Client(base_url=base_url, timeout=REQUEST_TIMEOUT) as http:
            built = http.build_request("GET", request[0], params=request[1])
            start.wait()
            for _ in range(MAX_REQUESTS_PER_THREAD):
                began = time.perf_counter()
                if began >= deadline[0]:
                    return
                try:
                    response = http.send(built)
                except httpx.HTTPError:
                    errors[index] += 1
                    continue
                if response.status_code == 200:
                    latencies[index].append((time.perf_counter() - began) * 1000)
                else:
                    errors[index] += 1

    workers = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(threads)]
    for worker in workers:
        worker.start()
    began = time.perf_counter()
    deadline[0] = began + duration
    start.wait()
    for worker in workers:
        worker.join(duration + REQUEST_TIMEOUT + 5)
    elapsed = time.perf_counter() - began
    merged = [x for part in latencies for x in part]
    return Throughput("", "", threads, elapsed, len(merged), sum(errors), merged)


# --- Streamed export and memory --------------------------------------------------------------------------


def group_pids(pgid: int) -> list[int]:
    """Processes of one process group (the server and, for gunicorn, its workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError, IndexError):
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            if int(fields[2]) == pgid:  # state, ppid, pgrp
                found.append(int(entry.name))
    return sorted(found)


def memory_kib(pid: int) -> dict[str, int]:
    """VmRSS (now) and VmHWM (peak since the process started) of ``pid``, KiB."""
    values = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0])
    return values


def export(server: Server, path: str, params: dict[str, str]) -> dict[str, Any]:
    """Download ``path`` to nowhere, counting bytes and lines, while sampling the server's RSS every 20 ms."""
    assert server.process is not None
    pids = group_pids(server.process.pid)
    before = {pid: memory_kib(pid) for pid in pids}
    samples: list[tuple[float, int, dict[int, int]]] = []  # (seconds, bytes so far, rss KiB per pid)
    received = [0]
    done = threading.Event()
    began = time.perf_counter()

    def sample() -> None:
        while not done.is_set():
            rss = {pid: memory_kib(pid).get("VmRSS", 0) for pid in pids}
            samples.append((time.perf_counter() - began, received[0], rss))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    lines = 0
    head = b""
    try:
        with (
            httpx.Client(base_url=server.base_url, timeout=EXPORT_TIMEOUT) as client,
            client.stream("GET", path, params=params) as response,
        ):
            if response.status_code != 200:
                raise RuntimeError(f"GET {path} → {response.status_code}")
            for chunk in response.iter_raw(1 << 16):
                if len(head) < 4096:
                    head += chunk[:4096]
                received[0] += len(chunk)
                lines += chunk.count(b"\n")
    finally:
        done.set()
        sampler.join()
    seconds = time.perf_counter() - began
    after = {pid: memory_kib(pid) for pid in pids}
    # The process that served the export is the one whose resident memory moved the most.
    growth = {pid: max(s[2].get(pid, 0) for s in samples) - before[pid].get("VmRSS", 0) for pid in pids}
    serving = max(growth, key=lambda pid: growth[pid])
    total = received[0]

    def rss_at(share: float) -> float:
        point = next((s for s in samples if s[1] >= share * total), samples[-1])
        return point[2].get(serving, 0) / 1024

    peak = max(s[2].get(serving, 0) for s in samples) / 1024
    at_10 = rss_at(0.10)
    return {
        "url": f"{server.base_url}{path}?{httpx.QueryParams(params)}",
        "seconds": round(seconds, 2),
        "bytes": total,
        "lines": lines,
        "head": head.decode("utf-8", "replace").splitlines()[:2],
        "processes": len(pids),
        "serving_pid_rss_mib": {
            "before": round(before[serving].get("VmRSS", 0) / 1024, 1),
            "at_10_percent": round(at_10, 1),
            "at_50_percent": round(rss_at(0.5), 1),
            "at_90_percent": round(rss_at(0.9), 1),
            "peak_sampled": round(peak, 1),
            "after": round(after[serving].get("VmRSS", 0) / 1024, 1),
            "vm_hwm_after": round(after[serving].get("VmHWM", 0) / 1024, 1),
        },
        "growth_after_10_percent_mib": round(peak - at_10, 1),
        "growth_mib": round(peak - before[serving].get("VmRSS", 0) / 1024, 1),
        "samples": len(samples),
    }


# --- Report ----------------------------------------------------------------------------------------------


def versions() -> dict[str, str]:
    names = ("territoria", "Django", "gunicorn", "duckdb", "datasette", "sqlite-utils", "httpx")
    found = {name: metadata.version(name) for name in names}
    found["sqlite"] = sqlite3.sqlite_version
    found["python"] = platform.python_version()
    found["duckdb_runtime"] = duckdb.__version__
    return found


def run(
    n: int = 1_000_000,
    seed: int = 42,
    requests: int = 30,
    warmup: int = 3,
    threads: int = 4,
    duration: float = 10.0,
    output: Path | None = None,
    keep: bool = False,
) -> int:
    with signals_as_exit():
        return _run(n, seed, requests, warmup, threads, duration, output, keep)


def _run(
    n: int, seed: int, requests: int, warmup: int, threads: int, duration: float, output: Path | None, keep: bool
) -> int:
    if not metadata.version("datasette").startswith("0."):
        raise RuntimeError(f"datasette {metadata.version('datasette')}: this benchmark reads the 0.x JSON API")
    started = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="territoria-bench-records-"))
    try:
        print(f"Enregistrements : {n} relevés, dossier temporaire {workdir}")
        csv_path, db_path, expected, datasette_index = write_data(n, seed, workdir)
        territoria, territoria_cold, info, territoria_load = prepare_territoria(workdir, csv_path)
        datasette = prepare_datasette(workdir, db_path)
        results: list[tuple[Query, dict[str, Timing]]] = []
        loads: list[Throughput] = []
        exports: dict[str, dict[str, Any]] = {}
        servers = {"territoria": territoria, "territoria_cold": territoria_cold, "datasette": datasette}
        with running(list(servers.values())):
            print(
                f"  serveurs : Territoria {territoria.base_url} (gunicorn, 2 workers), la même sans pages gardées "
                f"{territoria_cold.base_url}, Datasette {datasette.base_url}"
            )
            print(f"Latence : {warmup} requêtes d'échauffement, puis {requests} chronométrées par pair et par requête")
            with contextlib.ExitStack() as stack:
                clients = {
                    peer: stack.enter_context(httpx.Client(base_url=server.base_url, timeout=REQUEST_TIMEOUT))
                    for peer, server in servers.items()
                }
                datasette_versions = clients["datasette"].get("/-/versions.json").json()
                all_queries = queries(expected)
                for query in all_queries:
                    timings = measure(query, clients, requests, warmup)
                    results.append((query, timings))
                    t, c, d = (timings[peer] for peer in PEERS)
                    print(f"  {query.name} : T {t.median:.1f} ms, T sans pages {c.median:.1f} ms, D {d.median:.1f} ms")
            print(f"Débit : {threads} fils clients pendant {duration:g} s, chaque pair seul")
            by_key = {q.key: q for q in all_queries}
            for key in ("page", "eq"):
                for peer, server in servers.items():
                    query = by_key[key]
                    request = _request(query, peer)
                    measured = throughput(server.base_url, request, threads, duration)
                    measured.peer, measured.query = peer, key
                    loads.append(measured)
                    print(f"  {query.name}, {peer} : {measured.rps:.0f} req/s ({measured.errors} erreurs)")
            print("Export CSV de toutes les lignes, mémoire des serveurs relevée toutes les 20 ms")
            exports["territoria"] = export(territoria, f"{RECORDS}/exports/csv", {})
            print(f"  Territoria : {exports['territoria']['seconds']} s")
            exports["datasette"] = export(datasette, f"/{DATASETTE_DB}/readings.csv", {"_stream": "on", "_size": "max"})
            print(f"  Datasette : {exports['datasette']['seconds']} s")
        import records_report  # the report's tables (records_report.py imports this module)

        report = records_report.build_report(
            results, loads, exports, expected, info, n, seed, requests, warmup, threads, duration, datasette_versions
        )
        report["setup"]["load_seconds"] = {
            "territoria_ingest": round(territoria_load, 1),
            "datasette_indexes_fts_analyze": round(datasette_index, 1),
        }
        report["elapsed_seconds"] = round(time.perf_counter() - started, 1)
        records_report.print_report(report)
        output = output or BENCH_DIR / "results" / "records-latest.json"
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"\nRésultats : {output}  ({report['elapsed_seconds']} s au total)")
        return 0 if report["all_agree"] else 1
    finally:
        if keep:
            print(f"Dossier conservé : {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
