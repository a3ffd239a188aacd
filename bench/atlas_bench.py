"""Atlas benchmark (issue #7): 25,000 generated fiches-actions, Territoria's atlas beside Datasette, same data,
same run, over loopback HTTP; then the classifier, in process.

Steps, all inside one temporary folder removed at the end:

1. generate N actions (atlas_data.generate, seeded) and compute from the generator the answer of every query;
2. Territoria: ``territoria migrate`` (installs the default referential), the actions loaded fast by
   bench/atlas_load.py (derived fields from ``actions.place`` and ``refresh_search_text``, then ``bulk_create``,
   published, confirmed classifications), ``collectstatic`` (the pages need the manifest), ``territoria serve``
   (gunicorn, 2 sync workers, production settings);
3. Datasette: the same actions in one ``actions`` table via sqlite-utils (enjeu, services as a JSON array),
   FTS5 ``unicode61 remove_diacritics 2`` on the texts the atlas search reads, indexes on the facet columns,
   ``datasette serve -i`` with suggest_facets off, raised time limits and max_returned_rows;
4. six queries (map points, search, search + facets, facets, filtered facets, the explore page), warm-up then N
   timed requests per peer, interleaved; totals, facet counts and map points checked against the other peer and
   the generator; the issue's target (≤ 300 ms server time) marked "atteint" / "non atteint", never asserted;
5. classification, servers stopped: the production fit (every confirmed action) under a time cap, then
   ``proposals.propose_text`` on K actions' texts (median, p95; target ≤ 200 ms);
6. a table on stdout and bench/results/atlas-latest.json.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import atlas_data
import httpx
import sqlite_utils
from catalog_bench import Server, fetch, free_port, running, signals_as_exit, step, table, territoria_env, tool

from territoria.lib.text import stems

BENCH_DIR = Path(__file__).resolve().parent
API = "/api/atlas/v1"
DATASETTE_DB = "bench"
DATASETTE_TABLE = f"/{DATASETTE_DB}/actions"
WORD = "mediatheque"  # typed without accents, as people do
ENJEU = "E15"
FACET_TOP = 30  # explore.FACET_TOP: both peers give the 30 most frequent values of each facet
TARGET_MS = 300.0
TARGET_CLASSIFY_MS = 200.0
REQUEST_TIMEOUT = 60.0
RATE_LIMIT = "100000000/m"
# Datasette column → Territoria facet name (api/atlas/v1/facets).
FACETS = {
    "enjeu": "enjeu",
    "services": "service",
    "territory_type": "territoire",
    "population_band": "population",
    "year": "annee",
    "status": "statut",
    "departement": "departement",
}
FTS_COLUMNS = ("title", "summary", "description", "results", "tools", "collectivite", "commune", "contact_service")
NOISY = "machine partagée et bruyante (2 cœurs, d'autres suites de tests tournaient en même temps)"


# --- Data and expected answers ---------------------------------------------------------------------------


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fts_match(action: atlas_data.Action, word: str) -> bool:
    """A word of the texts starts with ``word`` (accents folded): FTS5 ``word*`` with remove_diacritics."""
    return any(w.startswith(word) for text in action.search_fields() for w in re.findall(r"\w+", fold(text)))


def stem_match(action: atlas_data.Action, word: str) -> bool:
    """The atlas search: a stem of the texts starts with the stem of ``word`` (explore.apply)."""
    (stem,) = stems(word)
    return any(s.startswith(stem) for s in stems(" ".join(action.search_fields())))


def facet_values(action: atlas_data.Action) -> dict[str, list[str]]:
    return {
        "enjeu": [action.enjeu],
        "service": list(action.services),
        "territoire": [action.territory_type],
        "population": [action.population_band] if action.population_band else [],
        "annee": [str(action.year)],
        "statut": [action.status],
        "departement": [action.departement],
    }


def expected_facets(actions: Iterable[atlas_data.Action]) -> dict[str, dict[str, int]]:
    counts: dict[str, Counter[str]] = {name: Counter() for name in FACETS.values()}
    for action in actions:
        for name, values in facet_values(action).items():
            counts[name].update(values)
    # The 30 most frequent, ties by value (years as numbers, the rest as text), as both peers order them.
    return {
        name: dict(sorted(c.items(), key=lambda kv: (-kv[1], int(kv[0]) if name == "annee" else kv[0]))[:FACET_TOP])
        for name, c in counts.items()
    }


@dataclass(frozen=True)
class Answer:
    total: int | None
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    points: dict[int, tuple[float, float, str]] = field(default_factory=dict)


@dataclass
class Data:
    actions: list[atlas_data.Action]
    matching: list[atlas_data.Action]
    stem_only: list[int]  # ids the atlas search finds and a prefix search does not (or the reverse)
    enjeu: list[atlas_data.Action]


def prepare_data(n: int, seed: int, db_path: Path) -> tuple[Data, float]:
    started = time.perf_counter()
    actions = list(atlas_data.generate(n, seed))
    by_fts = {a.id for a in actions if fts_match(a, WORD)}
    by_stem = {a.id for a in actions if stem_match(a, WORD)}
    data = Data(
        actions,
        [a for a in actions if a.id in by_fts],
        sorted(by_fts ^ by_stem),
        [a for a in actions if a.enjeu == ENJEU],
    )
    db = sqlite_utils.Database(db_path)
    rows = (
        {
            "id": a.id,
            "title": a.title,
            "summary": a.summary,
            "description": a.description,
            "results": a.results,
            "tools": a.tools,
            "status": a.status,
            "year": a.year,
            "start_date": a.start_date.isoformat(),
            "collectivite": a.collectivite,
            "territory_type": a.territory_type,
            "insee": a.insee,
            "commune": a.commune,
            "departement": a.departement,
            "population": a.population,
            "population_band": a.population_band or None,
            "lat": a.lat,
            "lon": a.lon,
            "enjeu": a.enjeu,
            "services": list(a.services),
            "contact_service": a.contact_service,
        }
        for a in actions
    )
    table_ = db.table("actions")
    assert isinstance(table_, sqlite_utils.db.Table)
    table_.insert_all(rows, pk="id", batch_size=2_000)
    table_.enable_fts(list(FTS_COLUMNS), tokenize="unicode61 remove_diacritics 2")
    for column in FACETS:
        if column != "services":
            table_.create_index([column])
    db.analyze()
    db.close()
    seconds = time.perf_counter() - started
    print(
        f"  données : {n} actions générées (random.Random({seed})) + SQLite, FTS5, index par sqlite-utils en "
        f"{seconds:.1f} s ; « {WORD} » : {len(data.matching)} actions, enjeu {ENJEU} : {len(data.enjeu)}"
    )
    return data, seconds


# --- The two peers ---------------------------------------------------------------------------------------


def bench_json(done: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    line = next(x for x in reversed(done.stdout.splitlines()) if x.startswith("BENCH-JSON "))
    return dict(json.loads(line.removeprefix("BENCH-JSON ")))


def prepare_territoria(workdir: Path, n: int, seed: int) -> tuple[Server, dict[str, Any], dict[str, str]]:
    data_dir = workdir / "territoria"
    data_dir.mkdir()
    port = free_port()
    env = territoria_env(data_dir, port)
    env["TERRITORIA_API_RATE_LIMIT"] = RATE_LIMIT  # counted, never refused: every request comes from 127.0.0.1
    territoria = tool("territoria", "territoria.cli")
    started = time.perf_counter()
    step([*territoria, "migrate", "--no-input"], env, timeout=600)
    migrated = time.perf_counter() - started
    loaded = bench_json(
        step([sys.executable, str(BENCH_DIR / "atlas_load.py"), "load", str(n), str(seed)], env, timeout=1200)
    )
    step([*territoria, "collectstatic", "--no-input"], env, timeout=300)  # the pages need the manifest
    loaded["migrate_seconds"] = round(migrated, 1)
    print(
        f"  Territoria : migrate {migrated:.1f} s ; {loaded['actions']} actions et {loaded['classifications']} "
        f"classements en {loaded['seconds']:.1f} s (champs dérivés {loaded['derive_seconds']:.1f} s, "
        f"bulk_create {loaded['write_seconds']:.1f} s, ANALYZE {loaded['analyze_seconds']:.1f} s)"
    )
    gunicorn_version = tuple(int(part) for part in metadata.version("gunicorn").split(".")[:2])
    extra = ["--no-control-socket"] if gunicorn_version >= (25, 1) else []
    server = Server(
        "territoria", [*territoria, "serve", *extra], env, port, f"{API}/map?annee=1900", workdir / "territoria.log"
    )
    return server, loaded, env


DATASETTE_SETTINGS = {
    "suggest_facets": "off",
    "sql_time_limit_ms": "60000",
    "facet_time_limit_ms": "60000",
    "default_cache_ttl": "0",
    "default_page_size": "20",
    "max_returned_rows": "30000",  # the map: every point in one answer, as Territoria gives it
}


def prepare_datasette(workdir: Path, db_path: Path) -> Server:
    port = free_port()
    settings = [arg for name, value in DATASETTE_SETTINGS.items() for arg in ("--setting", name, value)]
    argv = [*tool("datasette", "datasette"), "serve", "-i", str(db_path), "-h", "127.0.0.1", "-p", str(port)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("TERRITORIA_")}
    return Server("datasette", [*argv, *settings], env, port, "/-/versions.json", workdir / "datasette.log")


# --- Answers ---------------------------------------------------------------------------------------------


def _facets(groups: Iterable[tuple[str, Iterable[tuple[Any, int]]]]) -> dict[str, dict[str, int]]:
    return {name: {str(value): int(count) for value, count in values} for name, values in groups}


def t_list(response: httpx.Response) -> Answer:
    body = response.json()
    groups = body.get("facets", {})
    return Answer(body["total_count"], _facets((n, ((v["value"], v["count"]) for v in vs)) for n, vs in groups.items()))


def t_facets(response: httpx.Response) -> Answer:
    body = response.json()
    groups = ((f["name"], ((v["value"], v["count"]) for v in f["facets"])) for f in body["facets"])
    return Answer(body["total_count"], _facets(groups))


def t_map(response: httpx.Response) -> Answer:
    body = response.json()
    points = {p[0]: (p[1], p[2], p[3]) for p in body["points"]}
    return Answer(body["count"], points=points)


def t_page(response: httpx.Response) -> Answer:
    found = re.search(r'id="atlas-results-title"[^>]*>\s*([\d\s\u00a0\u202f.,]+?)\s*actions?\b', response.text)
    return Answer(int(re.sub(r"\D", "", found.group(1))) if found else None)


def d_table(response: httpx.Response) -> Answer:
    body = response.json()
    results = body.get("facet_results", {})
    groups = ((FACETS[c], ((v["value"], v["count"]) for v in r["results"])) for c, r in results.items())
    return Answer(body.get("filtered_table_rows_count"), _facets(groups))


def d_map(response: httpx.Response) -> Answer:
    rows = response.json()
    return Answer(len(rows), points={r["id"]: (round(r["lat"], 5), round(r["lon"], 5), r["enjeu"]) for r in rows})


def d_page(response: httpx.Response) -> Answer:
    found = re.search(r"<h3>\s*([\d,]+) rows?\b", response.text)
    return Answer(int(found.group(1).replace(",", "")) if found else None)


@dataclass(frozen=True)
class Query:
    key: str
    name: str
    territoria: tuple[str, dict[str, Any]]
    datasette: tuple[str, dict[str, Any]]
    read_territoria: Callable[[httpx.Response], Answer]
    read_datasette: Callable[[httpx.Response], Answer]
    expected: Answer


def queries(data: Data) -> list[Query]:
    facet_params = {
        "_facet": [c for c in FACETS if c != "services"],
        "_facet_array": "services",
        "_facet_size": str(FACET_TOP),
    }
    search = {"_search": f"{WORD}*", "_searchmode": "raw"}  # a word start, as the atlas search finds it
    everything = expected_facets(data.actions)
    points = {a.id: (round(a.lat, 5), round(a.lon, 5), a.enjeu) for a in data.actions}
    return [
        Query(
            "map",
            f"carte : {len(data.actions)} points",
            (f"{API}/map", {}),
            (
                f"{DATASETTE_TABLE}.json",
                {"_shape": "array", "_nocount": "1", "_col": ["lat", "lon", "enjeu"], "_size": "max"},
            ),
            t_map,
            d_map,
            Answer(len(data.actions), points=points),
        ),
        Query(
            "search",
            f"recherche « {WORD} » (20)",
            (f"{API}/actions", {"q": WORD}),
            (f"{DATASETTE_TABLE}.json", {**search, "_size": "20", "_sort_desc": "year"}),
            t_list,
            d_table,
            Answer(len(data.matching)),
        ),
        Query(
            "search_facets",
            f"recherche « {WORD} » + facettes",
            (f"{API}/actions", {"q": WORD, "facets": "true"}),
            (f"{DATASETTE_TABLE}.json", {**search, **facet_params, "_size": "20", "_sort_desc": "year"}),
            t_list,
            d_table,
            Answer(len(data.matching), expected_facets(data.matching)),
        ),
        Query(
            "facets",
            "facettes (7, tout l'atlas)",
            (f"{API}/facets", {}),
            (f"{DATASETTE_TABLE}.json", {**facet_params, "_size": "0"}),
            t_facets,
            d_table,
            Answer(len(data.actions), everything),
        ),
        Query(
            "facets_enjeu",
            f"facettes, filtre enjeu = {ENJEU}",
            (f"{API}/facets", {"enjeu": ENJEU}),
            (f"{DATASETTE_TABLE}.json", {"enjeu": ENJEU, **facet_params, "_size": "0"}),
            t_facets,
            d_table,
            Answer(len(data.enjeu), expected_facets(data.enjeu)),
        ),
        Query(
            "page",
            f"page /atlas/?q={WORD} (HTML)",
            ("/atlas/", {"q": WORD}),
            (DATASETTE_TABLE, {**search, **facet_params, "_size": "20", "_sort_desc": "year"}),
            t_page,
            d_page,
            Answer(len(data.matching)),
        ),
    ]


# --- Measuring -------------------------------------------------------------------------------------------


@dataclass
class Timing:
    url: str
    first_ms: float
    samples_ms: list[float]
    answer: Answer
    size: int

    @property
    def median(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p90(self) -> float:
        return statistics.quantiles(self.samples_ms, n=10, method="inclusive")[-1]


def measure(query: Query, clients: dict[str, httpx.Client], requests: int, warmup: int) -> dict[str, Timing]:
    built = {
        "territoria": clients["territoria"].build_request("GET", query.territoria[0], params=query.territoria[1]),
        "datasette": clients["datasette"].build_request("GET", query.datasette[0], params=query.datasette[1]),
    }
    readers = {"territoria": query.read_territoria, "datasette": query.read_datasette}
    answers, sizes, first = {}, {}, {}
    for peer, request in built.items():
        for attempt in range(max(warmup, 1)):
            elapsed, response = fetch(clients[peer], request)
            if attempt == 0:
                first[peer] = elapsed
        answers[peer] = readers[peer](response)
        sizes[peer] = len(response.content)
    samples: dict[str, list[float]] = {peer: [] for peer in built}
    order = list(built)
    for round_ in range(requests):
        for peer in order if round_ % 2 == 0 else reversed(order):  # alternate who goes first
            elapsed, _response = fetch(clients[peer], built[peer])
            samples[peer].append(elapsed)
    return {
        peer: Timing(str(built[peer].url), first[peer], samples[peer], answers[peer], sizes[peer]) for peer in built
    }


def verdict(query: Query, timings: dict[str, Timing]) -> tuple[bool, str]:
    t, d, e = timings["territoria"].answer, timings["datasette"].answer, query.expected
    problems = []
    if not t.total == d.total == e.total:
        problems.append(f"totaux T={t.total} D={d.total} attendu={e.total}")
    for name in e.facets:
        for peer, got in (("T", t.facets.get(name)), ("D", d.facets.get(name))):
            if got != e.facets[name]:
                problems.append(f"facette {name} ({peer})")
    for peer, points in (("T", t.points), ("D", d.points)):
        if e.points and points != e.points:
            wrong = sum(points.get(k) != v for k, v in e.points.items())
            problems.append(f"points ({peer}: {len(points)}, {wrong} différents)")
    if problems:
        return False, "✗ " + "; ".join(problems)
    cell = f"✓ {e.total}"
    if e.facets:
        cell += f" + {len(e.facets)} facettes"
    if e.points:
        cell += " (id, lat, lon, enjeu)"
    return True, cell


# --- Classification --------------------------------------------------------------------------------------


def classification(
    env: dict[str, str], n: int, seed: int, texts: int, sample: int, fit_timeout: float
) -> dict[str, Any]:
    """The production fit under a time cap, then propose_text timed (with the production model when the fit
    finished in time, else with a model fitted on ``sample`` confirmed actions)."""
    script = [sys.executable, str(BENCH_DIR / "atlas_load.py")]
    result: dict[str, Any] = {"fit_timeout_seconds": fit_timeout}
    started = time.perf_counter()
    try:
        result["production_fit"] = bench_json(step([*script, "fit", str(n), str(seed)], env, timeout=fit_timeout))
    except subprocess.TimeoutExpired:  # subprocess.run killed it
        result["production_fit"] = {"finished": False, "seconds": round(time.perf_counter() - started, 1)}
    finished = "fit_seconds" in result["production_fit"]
    if finished:
        print(f"  apprentissage (toutes les actions confirmées) : {result['production_fit']['fit_seconds']:.1f} s")
    else:
        print(
            f"  apprentissage (toutes les actions confirmées) : interrompu après {fit_timeout:.0f} s "
            f"(plafond --fit-timeout) ; propositions chronométrées avec un modèle appris sur {sample} actions"
        )
    argv = [*script, "classify", str(n), str(seed), str(texts)] + ([] if finished else [str(sample)])
    result["proposals"] = bench_json(step(argv, env, timeout=1800))
    return result


# --- Report ----------------------------------------------------------------------------------------------


def versions() -> dict[str, str]:
    names = ("territoria", "Django", "gunicorn", "datasette", "sqlite-utils", "httpx", "scikit-learn")
    found = {name: metadata.version(name) for name in names}
    found["sqlite"] = sqlite3.sqlite_version
    found["python"] = platform.python_version()
    return found


def run(
    n: int = 25_000,
    seed: int = 42,
    requests: int = 15,
    warmup: int = 3,
    texts: int = 200,
    fit_timeout: float = 120.0,
    sample: int = 300,
    output: Path | None = None,
    keep: bool = False,
) -> int:
    with signals_as_exit():
        return _run(n, seed, requests, warmup, texts, fit_timeout, sample, output, keep)


def _run(
    n: int,
    seed: int,
    requests: int,
    warmup: int,
    texts: int,
    fit_timeout: float,
    sample: int,
    output: Path | None,
    keep: bool,
) -> int:
    if not metadata.version("datasette").startswith("0."):
        raise RuntimeError(f"datasette {metadata.version('datasette')}: this benchmark reads the 0.x JSON API")
    started = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="territoria-atlas-bench-"))
    try:
        print(f"Atlas : {n} actions, dossier temporaire {workdir}")
        db_path = workdir / f"{DATASETTE_DB}.db"
        data, datasette_load = prepare_data(n, seed, db_path)
        if data.stem_only:
            print(
                f"  attention : {len(data.stem_only)} actions trouvées par une seule des deux recherches "
                f"(radicaux / début de mot), ex. {data.stem_only[:5]}"
            )
        territoria, loaded, env = prepare_territoria(workdir, n, seed)
        datasette = prepare_datasette(workdir, db_path)
        results = []
        load_before = os.getloadavg()
        with running([territoria, datasette]):
            print(
                f"  serveurs : Territoria {territoria.base_url} (gunicorn, 2 workers), Datasette {datasette.base_url}"
            )
            print(f"Mesure : {warmup} requêtes d'échauffement, puis {requests} chronométrées par pair et par requête")
            with (
                httpx.Client(base_url=territoria.base_url, timeout=REQUEST_TIMEOUT) as t_client,
                httpx.Client(base_url=datasette.base_url, timeout=REQUEST_TIMEOUT) as d_client,
            ):
                datasette_versions = d_client.get("/-/versions.json").json()
                for query in queries(data):
                    timings = measure(query, {"territoria": t_client, "datasette": d_client}, requests, warmup)
                    results.append((query, timings))
                    print(
                        f"  {query.name} : T {timings['territoria'].median:.1f} ms, "
                        f"D {timings['datasette'].median:.1f} ms"
                    )
        load_during = os.getloadavg()
        print("Classement (serveurs arrêtés, en processus)")
        classified = classification(env, n, seed, texts, sample, fit_timeout)
        report = build_report(
            results,
            classified,
            n,
            seed,
            requests,
            warmup,
            loaded,
            datasette_load,
            datasette_versions,
            data,
            (load_before, load_during),
        )
        report["elapsed_seconds"] = round(time.perf_counter() - started, 1)
        print_report(report)
        output = output or BENCH_DIR / "results" / "atlas-latest.json"
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"\nRésultats : {output}  ({report['elapsed_seconds']} s au total)")
        return 0 if report["all_agree"] else 1
    finally:
        if keep:
            print(f"Dossier conservé : {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def build_report(
    results: list[tuple[Query, dict[str, Timing]]],
    classified: dict[str, Any],
    n: int,
    seed: int,
    requests: int,
    warmup: int,
    loaded: dict[str, Any],
    datasette_load: float,
    datasette_versions: dict[str, Any],
    data: Data,
    loads: tuple[Any, Any],
) -> dict[str, Any]:
    rows = []
    for query, timings in results:
        agree, counts = verdict(query, timings)
        t, d = timings["territoria"], timings["datasette"]
        rows.append(
            {
                "key": query.key,
                "query": query.name,
                "territoria": {
                    "url": t.url,
                    "first_ms": t.first_ms,
                    "median_ms": t.median,
                    "p90_ms": t.p90,
                    "bytes": t.size,
                    "samples_ms": t.samples_ms,
                },
                "datasette": {
                    "url": d.url,
                    "first_ms": d.first_ms,
                    "median_ms": d.median,
                    "p90_ms": d.p90,
                    "bytes": d.size,
                    "samples_ms": d.samples_ms,
                },
                "ratio": d.median / t.median,
                "target_ms": TARGET_MS,
                "met": t.median <= TARGET_MS,
                "agree": agree,
                "counts": counts,
                "answers": {
                    peer: {"total": x.answer.total, "facets": x.answer.facets, "points": len(x.answer.points)}
                    for peer, x in timings.items()
                },
            }
        )
    proposals = classified["proposals"]["propose_text"]
    return {
        "benchmark": "atlas",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "machine": platform.machine(),
            "load_average_before_and_after_http": [list(x) for x in loads],
            "note": NOISY,
        },
        "versions": {**versions(), "datasette_sqlite": datasette_versions.get("sqlite", {}).get("version", "")},
        "setup": {
            "actions": n,
            "seed": seed,
            "requests": requests,
            "warmup": warmup,
            "search_word": WORD,
            "search_matches": len(data.matching),
            "search_semantics_differ_on": data.stem_only,
            "territoria": "territoria serve: gunicorn, 2 sync workers, SQLite, TERRITORIA_ENV=production",
            "datasette": "datasette serve -i (immutable), FTS5 unicode61 remove_diacritics 2 on "
            + ", ".join(FTS_COLUMNS)
            + "; indexes on the facet columns; "
            + json.dumps(DATASETTE_SETTINGS),
            "load": {"territoria": loaded, "datasette_seconds": round(datasette_load, 1)},
        },
        "results": rows,
        "classification": {
            **classified,
            "target_ms": TARGET_CLASSIFY_MS,
            "met": proposals["median_ms"] <= TARGET_CLASSIFY_MS,
        },
        "all_agree": all(r["agree"] for r in rows),
    }


def print_report(report: dict[str, Any]) -> None:
    v = report["versions"]
    print(
        f"\nTerritoria {v['territoria']} (Django {v['Django']}, gunicorn {v['gunicorn']}) contre Datasette "
        f"{v['datasette']} (sqlite-utils {v['sqlite-utils']}) ; SQLite {v['sqlite']}, Python {v['python']}, "
        f"{report['machine']['cpus']} cœurs — {NOISY}"
    )
    before, after = report["machine"]["load_average_before_and_after_http"]
    print(f"Charge moyenne (1 min) avant / après les requêtes : {before[0]:.1f} / {after[0]:.1f}")
    print(
        "Médianes (p90) en ms de bout en bout sur HTTP loopback ; ratio = Datasette / Territoria "
        "(> 1 : Territoria plus rapide)\n"
    )
    rows = [
        [
            r["query"],
            f"{r['territoria']['median_ms']:.1f} ({r['territoria']['p90_ms']:.1f})",
            f"{r['datasette']['median_ms']:.1f} ({r['datasette']['p90_ms']:.1f})",
            f"{r['ratio']:.2f}",
            f"≤ {r['target_ms']:.0f} ms",
            "atteint" if r["met"] else "non atteint",
            r["counts"],
            f"{r['territoria']['bytes'] / 1000:.0f} / {r['datasette']['bytes'] / 1000:.0f}",
        ]
        for r in report["results"]
    ]
    headers = ["requête", "Territoria ms", "Datasette ms", "ratio", "objectif", "Territoria", "réponses", "ko T / D"]
    print(table(rows, headers, right={1, 2, 3, 7}))
    c = report["classification"]
    fit, p = c["production_fit"], c["proposals"]
    print("\nClassement d'une action (en processus, CPU) :")
    if "fit_seconds" in fit:
        print(
            f"  apprentissage sur les {fit['examples']} actions confirmées : {fit['fit_seconds']:.1f} s, "
            f"RSS max {fit['rss_mib']:.0f} Mio"
        )
    else:
        print(
            f"  apprentissage sur toutes les actions confirmées : non terminé en {c['fit_timeout_seconds']:.0f} s "
            f"(interrompu) ; modèle des mesures : référentiel + {p['fit_examples']} actions confirmées, appris en "
            f"{p['fit_seconds']:.1f} s (lecture des exemples comprise)"
        )
    pt, mo = p["propose_text"], p["model_only"]
    print(
        f"  proposals.propose_text sur {p['texts']} textes (≈ {p['mean_chars']} caractères) : médiane "
        f"{pt['median_ms']:.1f} ms, p95 {pt['p95_ms']:.1f} ms, max {pt['max_ms']:.1f} ms — objectif ≤ "
        f"{c['target_ms']:.0f} ms : {'atteint' if c['met'] else 'non atteint'}"
    )
    print(
        f"  dont Classifier.propose seul : médiane {mo['median_ms']:.1f} ms, p95 {mo['p95_ms']:.1f} ms "
        "(le reste : la requête de signature du modèle, à chaque appel)"
    )
    print(
        f"  1er enjeu / 1er service proposés = ceux confirmés : {p['top1']['enjeu_top1']:.0%} / "
        f"{p['top1']['service_top1']:.0%} (actions déjà vues à l'apprentissage ou voisines : pas une évaluation)"
    )
    if not report["all_agree"]:
        print("\nATTENTION : des réponses diffèrent ; un chiffre rapide mais faux ne vaut rien.", file=sys.stderr)


if __name__ == "__main__":
    sys.exit("run it with: .venv/bin/python bench/run.py atlas [--actions N] …")
