"""Catalogue benchmark: Territoria's Explore API beside Datasette, same data, same run, over loopback HTTP.

Steps, all inside one temporary folder removed at the end:

1. generate a seeded catalogue (catalog_data.generate);
2. Territoria: ``territoria migrate`` on a fresh SQLite database, load every entry through
   ``catalog.services.save_dataset`` (bench/load_territoria.py), ``territoria serve`` (gunicorn, 2 workers);
3. Datasette: the same entries in one SQLite table via sqlite-utils, FTS5 with the accent-folding
   ``unicode61 remove_diacritics 2`` tokenizer, ``datasette serve -i`` (immutable, as ``datasette publish`` does);
4. per query: a few warm-up requests, then N timed requests per peer, the two peers interleaved so
   that a noisy neighbour hurts both alike; each answer's total and first page are checked against
   the other peer and against what the generator knows to be true;
5. a table on stdout and the figures as JSON.

Servers run in their own process group and are stopped (SIGTERM, then SIGKILL) whatever happens.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import catalog_data
import httpx
import sqlite_utils

BENCH_DIR = Path(__file__).resolve().parent
EXPLORE = "/api/explore/v2.1/catalog"
DATASETTE_TABLE = "/bench/datasets.json"
READY_TIMEOUT = 60.0
REQUEST_TIMEOUT = 30.0


# --- Servers -------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def tool(name: str, module: str) -> list[str]:
    """The venv's console script ``name`` when present, else ``python -m module``."""
    script = Path(sys.executable).parent / name
    return [str(script)] if script.exists() else [sys.executable, "-m", module]


@dataclass
class Server:
    name: str
    argv: list[str]
    env: dict[str, str]
    port: int
    ready_path: str
    log_path: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with open(self.log_path, "wb") as log:
            # Own session: stopping the group stops gunicorn's workers too. Output goes to a file, never a
            # pipe nobody reads (an access log line per request would fill it and block the server).
            self.process = subprocess.Popen(
                self.argv, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + READY_TIMEOUT
        with httpx.Client(base_url=self.base_url, timeout=5.0) as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"{self.name} exited with status {self.process.returncode}")
                with contextlib.suppress(httpx.TransportError):
                    if client.get(self.ready_path).status_code == 200:
                        return
                time.sleep(0.2)
        raise RuntimeError(f"{self.name} not ready after {READY_TIMEOUT:.0f} s")

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        for sig, grace in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, sig)
            try:
                process.wait(timeout=grace)
                break
            except subprocess.TimeoutExpired:
                continue
        # gunicorn workers are reaped by their master; make sure none of the group outlives it.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(f"  [{self.name}] {line}" for line in text.splitlines()[-lines:])


@contextlib.contextmanager
def signals_as_exit() -> Iterator[None]:
    """SIGTERM and SIGHUP unwind like Ctrl-C does, so every ``finally`` (servers, temporary folder) runs."""
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGHUP)}

    def interrupted(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    for sig in previous:
        signal.signal(sig, interrupted)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextlib.contextmanager
def running(servers: list[Server]) -> Iterator[None]:
    """Start ``servers``; stop them however the block ends (atexit as a last resort)."""
    atexit.register(lambda: [s.stop() for s in servers])
    try:
        for server in servers:
            server.start()
        yield
    except Exception:  # not on Ctrl-C or SIGTERM: the logs only help to understand a failure
        for server in servers:
            if server.process is not None:
                print(server.log_tail(), file=sys.stderr)
        raise
    finally:
        for server in servers:
            server.stop()


# --- The two peers ---------------------------------------------------------------------------------------


def territoria_env(data_dir: Path, port: int) -> dict[str, str]:
    """A production configuration (DEBUG off, manifest static files), plain HTTP on loopback."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TERRITORIA_")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "territoria.settings",
            "TERRITORIA_ENV": "production",
            "TERRITORIA_SECRET_KEY": secrets.token_urlsafe(64),
            "TERRITORIA_ALLOWED_HOSTS": "127.0.0.1",
            "TERRITORIA_SECURE_SSL_REDIRECT": "false",
            "TERRITORIA_LOG_LEVEL": "warning",
            "TERRITORIA_DATA_DIR": str(data_dir),
            "TERRITORIA_DATABASE_URL": f"sqlite:///{data_dir / 'territoria.sqlite3'}",
            "TERRITORIA_SERVE_WORKERS": "2",
            "TERRITORIA_SERVE_BIND": f"127.0.0.1:{port}",
        }
    )
    return env


def step(argv: list[str], env: dict[str, str], timeout: float) -> subprocess.CompletedProcess[str]:
    """Run one preparation command; on failure, say which and show the end of its output."""
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-20:])
        raise RuntimeError(f"{' '.join(argv)} → status {done.returncode}\n{tail}")
    return done


def prepare_territoria(workdir: Path, catalogue_path: Path) -> tuple[Server, float]:
    data_dir = workdir / "territoria"
    data_dir.mkdir()
    port = free_port()
    env = territoria_env(data_dir, port)
    territoria = tool("territoria", "territoria.cli")
    started = time.perf_counter()
    step([*territoria, "migrate", "--no-input"], env, timeout=300)
    loaded = step([sys.executable, str(BENCH_DIR / "load_territoria.py"), str(catalogue_path)], env, timeout=600)
    seconds = time.perf_counter() - started
    print(f"  Territoria : migrate + save_dataset × N en {seconds:.1f} s ({loaded.stdout.strip()})")
    (data_dir / "static").mkdir(exist_ok=True)  # empty STATIC_ROOT: WhiteNoise quiet
    gunicorn_version = tuple(int(part) for part in metadata.version("gunicorn").split(".")[:2])
    # gunicorn ≥ 25.1 opens a control socket in $HOME by default: two servers at once would share it.
    extra = ["--no-control-socket"] if gunicorn_version >= (25, 1) else []
    server = Server(
        "territoria",
        [*territoria, "serve", *extra],
        env,
        port,
        f"{EXPLORE}/datasets?limit=1",
        workdir / "territoria.log",
    )
    return server, seconds


def prepare_datasette(workdir: Path, catalogue: catalog_data.Catalogue) -> tuple[Server, float]:
    path = workdir / "bench.db"
    started = time.perf_counter()
    db = sqlite_utils.Database(path)
    rows = (
        {
            "id": index,  # the same ids as Territoria's primary keys: ties in a sort break the same way
            "slug": e.slug,
            "title": e.title,
            "description": e.description,
            "themes": e.themes,  # lists are stored as JSON text
            "keywords": e.keywords,
            "publisher": e.publisher,
            "licence": e.licence,
            "modified": e.modified,
        }
        for index, e in enumerate(catalogue.entries, start=1)
    )
    table = db.table("datasets")
    table.insert_all(rows, pk="id", batch_size=1000)
    table.enable_fts(["title", "description", "keywords"], tokenize="unicode61 remove_diacritics 2")
    for column in ("title", "publisher", "licence", "modified"):
        table.create_index([column])
    db.close()
    seconds = time.perf_counter() - started
    print(f"  Datasette  : sqlite-utils insert + FTS5 + index en {seconds:.1f} s")
    port = free_port()
    argv = [
        *tool("datasette", "datasette"),
        "serve",
        "-i",
        str(path),
        "-h",
        "127.0.0.1",
        "-p",
        str(port),
        "--setting",
        "suggest_facets",
        "off",
        "--setting",
        "sql_time_limit_ms",
        "10000",
        "--setting",
        "facet_time_limit_ms",
        "10000",
        "--setting",
        "default_page_size",
        "10",
    ]
    server = Server("datasette", argv, dict(os.environ), port, "/-/versions.json", workdir / "datasette.log")
    return server, seconds


# --- Queries ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """What must agree between peers: the total, and the first page (or every facet value)."""

    total: int | None
    page: tuple[str, ...] = ()
    facets: dict[str, int] = field(default_factory=dict)


def territoria_list(body: dict[str, Any]) -> Answer:
    return Answer(body["total_count"], tuple(d["dataset_id"] for d in body["results"]))


def territoria_facets(body: dict[str, Any]) -> Answer:
    (publisher,) = (f for f in body["facets"] if f["name"] == "publisher")
    values = {v["name"]: v["count"] for v in publisher["facets"]}
    return Answer(sum(values.values()), facets=values)


def datasette_list(body: dict[str, Any]) -> Answer:
    slug = body["columns"].index("slug")
    return Answer(body["filtered_table_rows_count"], tuple(row[slug] for row in body["rows"]))


def datasette_facets(body: dict[str, Any]) -> Answer:
    values = {v["value"]: v["count"] for v in body["facet_results"]["publisher"]["results"]}
    return Answer(sum(values.values()), facets=values)


@dataclass(frozen=True)
class Query:
    name: str
    territoria: tuple[str, dict[str, str]]
    datasette: tuple[str, dict[str, str]]
    read_territoria: Callable[[dict[str, Any]], Answer]
    read_datasette: Callable[[dict[str, Any]], Answer]
    expected: Answer


def queries(catalogue: catalog_data.Catalogue) -> list[Query]:
    entries = catalogue.entries
    by_title = sorted(range(len(entries)), key=lambda i: (entries[i].title, i))
    by_modified = sorted(range(len(entries)), key=lambda i: (entries[i].modified, -i), reverse=True)
    word = catalog_data.SEARCH_WORD
    matching = [i for i in by_title if catalog_data.fold(word) in catalog_data.searchable_words(entries[i])]
    cc0 = [i for i in by_title if entries[i].licence == "cc0-1.0"]
    publishers = Counter(e.publisher for e in entries)

    def page(indexes: list[int]) -> tuple[str, ...]:
        return tuple(entries[i].slug for i in indexes[:10])

    # Territoria sorts by title (then id) when no order is asked: Datasette is asked the same, not its rowid order.
    return [
        Query(
            "première page (10, par titre)",
            (f"{EXPLORE}/datasets", {"limit": "10"}),
            (DATASETTE_TABLE, {"_size": "10", "_sort": "title"}),
            territoria_list,
            datasette_list,
            Answer(len(entries), page(by_title)),
        ),
        Query(
            f"recherche « {word} »",
            (f"{EXPLORE}/datasets", {"where": f'"{word}"', "limit": "10"}),
            (DATASETTE_TABLE, {"_search": word, "_size": "10", "_sort": "title"}),
            territoria_list,
            datasette_list,
            Answer(len(matching), page(matching)),
        ),
        Query(
            "facette éditeur",
            (f"{EXPLORE}/facets", {"facet": "publisher"}),
            (DATASETTE_TABLE, {"_facet": "publisher", "_size": "0", "_nocount": "1", "_facet_size": "50"}),
            territoria_facets,
            datasette_facets,
            Answer(len(entries), facets=dict(publishers)),
        ),
        Query(
            "filtre licence cc0-1.0",
            (f"{EXPLORE}/datasets", {"refine": 'license:"cc0-1.0"', "limit": "10"}),
            (DATASETTE_TABLE, {"licence": "cc0-1.0", "_size": "10", "_sort": "title"}),
            territoria_list,
            datasette_list,
            Answer(len(cc0), page(cc0)),
        ),
        Query(
            "tri modified desc",
            (f"{EXPLORE}/datasets", {"order_by": "modified desc", "limit": "10"}),
            (DATASETTE_TABLE, {"_sort_desc": "modified", "_size": "10"}),
            territoria_list,
            datasette_list,
            Answer(len(entries), page(by_modified)),
        ),
    ]


# --- Measuring -------------------------------------------------------------------------------------------


@dataclass
class Timing:
    url: str
    samples_ms: list[float]
    answer: Answer
    size: int  # bytes of the response body

    @property
    def median(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p90(self) -> float:
        return statistics.quantiles(self.samples_ms, n=10, method="inclusive")[-1]


def fetch(client: httpx.Client, request: httpx.Request) -> tuple[float, httpx.Response]:
    started = time.perf_counter()
    response = client.send(request)  # the body is read before send() returns
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"GET {request.url} → {response.status_code}: {response.text[:500]}")
    return elapsed, response


def measure(query: Query, clients: dict[str, httpx.Client], requests: int, warmup: int) -> dict[str, Timing]:
    built = {
        "territoria": clients["territoria"].build_request("GET", query.territoria[0], params=query.territoria[1]),
        "datasette": clients["datasette"].build_request("GET", query.datasette[0], params=query.datasette[1]),
    }
    readers = {"territoria": query.read_territoria, "datasette": query.read_datasette}
    answers, sizes = {}, {}
    for peer, request in built.items():
        for _ in range(max(warmup, 1)):
            _elapsed, response = fetch(clients[peer], request)
        answers[peer] = readers[peer](response.json())
        sizes[peer] = len(response.content)
    samples: dict[str, list[float]] = {peer: [] for peer in built}
    order = list(built)
    for round_ in range(requests):
        for peer in order if round_ % 2 == 0 else reversed(order):  # alternate who goes first
            elapsed, _response = fetch(clients[peer], built[peer])
            samples[peer].append(elapsed)
    return {peer: Timing(str(built[peer].url), samples[peer], answers[peer], sizes[peer]) for peer in built}


def verdict(query: Query, timings: dict[str, Timing]) -> tuple[bool, str, str]:
    """(all agree, counts cell, first-page cell)."""
    t, d, e = timings["territoria"].answer, timings["datasette"].answer, query.expected
    counts_ok = t.total == d.total == e.total and t.facets == d.facets == e.facets
    if counts_ok:
        counts = f"✓ {e.total}" + (f" ({len(e.facets)} valeurs)" if e.facets else "")
    else:
        counts = f"✗ T={t.total} D={d.total} attendu={e.total}"
        if t.facets != d.facets:
            counts += " (facettes différentes)"
    if e.facets:
        return counts_ok, counts, "—"
    page_ok = t.page == d.page == e.page
    return counts_ok and page_ok, counts, "✓" if page_ok else "✗"


# --- Report ----------------------------------------------------------------------------------------------


def versions() -> dict[str, str]:
    found = {name: metadata.version(name) for name in ("territoria", "Django", "gunicorn", "datasette", "sqlite-utils")}
    found["httpx"] = metadata.version("httpx")
    found["sqlite"] = sqlite3.sqlite_version
    found["python"] = platform.python_version()
    return found


def table(rows: list[list[str]], headers: list[str], right: frozenset[int] | set[int] = frozenset({1, 2, 3, 6})) -> str:
    """A plain-text table; columns whose index is in ``right`` are right-aligned (the figures)."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]

    def line(cells: list[str]) -> str:
        return "  ".join(
            str(c).rjust(w) if i in right else str(c).ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return "\n".join([line(headers), "  ".join("-" * w for w in widths), *(line(r) for r in rows)])


def run(
    n: int = 5_000, seed: int = 42, requests: int = 30, warmup: int = 3, output: Path | None = None, keep: bool = False
) -> int:
    with signals_as_exit():
        return _run(n, seed, requests, warmup, output, keep)


def _run(n: int, seed: int, requests: int, warmup: int, output: Path | None, keep: bool) -> int:
    if not metadata.version("datasette").startswith("0."):
        # 1.0 answers {"ok", "rows": [objects]} and counts or facets only on ?_extra=: not read here yet.
        raise RuntimeError(f"datasette {metadata.version('datasette')}: this benchmark reads the 0.x JSON API")
    started = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="territoria-bench-"))
    try:
        print(f"Catalogue : {n} jeux générés (random.Random({seed})), dossier temporaire {workdir}")
        catalogue = catalog_data.generate(n, seed)
        collisions = catalog_data.prefix_collisions(catalogue)
        if collisions:
            raise RuntimeError(f"vocabulary words sharing the search prefix: {sorted(collisions)}")
        catalogue_path = workdir / "catalogue.json"
        catalogue_path.write_text(json.dumps(catalogue.as_json(), ensure_ascii=False), encoding="utf-8")
        territoria, territoria_load = prepare_territoria(workdir, catalogue_path)
        datasette, datasette_load = prepare_datasette(workdir, catalogue)
        results = []
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
                for query in queries(catalogue):
                    timings = measure(query, {"territoria": t_client, "datasette": d_client}, requests, warmup)
                    results.append((query, timings))
        report = build_report(results, n, seed, requests, warmup, territoria_load, datasette_load, datasette_versions)
        report["elapsed_seconds"] = round(time.perf_counter() - started, 1)
        print_report(report)
        output = output or BENCH_DIR / "results" / "catalog-latest.json"
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
    n: int,
    seed: int,
    requests: int,
    warmup: int,
    territoria_load: float,
    datasette_load: float,
    datasette_versions: dict[str, Any],
) -> dict[str, Any]:
    rows = []
    for query, timings in results:
        agree, counts, page = verdict(query, timings)
        t, d = timings["territoria"], timings["datasette"]
        rows.append(
            {
                "query": query.name,
                "territoria": {
                    "url": t.url,
                    "median_ms": t.median,
                    "p90_ms": t.p90,
                    "bytes": t.size,
                    "samples_ms": t.samples_ms,
                },
                "datasette": {
                    "url": d.url,
                    "median_ms": d.median,
                    "p90_ms": d.p90,
                    "bytes": d.size,
                    "samples_ms": d.samples_ms,
                },
                "ratio": d.median / t.median,
                "agree": agree,
                "counts": counts,
                "first_page": page,
                "answers": {"territoria": asdict(t.answer), "datasette": asdict(d.answer)},
            }
        )
    return {
        "benchmark": "catalog",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "machine": platform.machine()},
        "versions": {**versions(), "datasette_sqlite": datasette_versions.get("sqlite", {}).get("version", "")},
        "setup": {
            "datasets": n,
            "seed": seed,
            "requests": requests,
            "warmup": warmup,
            "territoria": "territoria serve: gunicorn, 2 sync workers, SQLite (WAL), TERRITORIA_ENV=production",
            "datasette": "datasette serve -i (immutable), FTS5 unicode61 remove_diacritics 2, "
            "indexes on the sort and filter columns",
            "load_seconds": {"territoria": round(territoria_load, 1), "datasette": round(datasette_load, 1)},
        },
        "results": rows,
        "all_agree": all(r["agree"] for r in rows),
    }


def print_report(report: dict[str, Any]) -> None:
    v = report["versions"]
    print(
        f"\nTerritoria {v['territoria']} (Django {v['Django']}, gunicorn {v['gunicorn']}) contre "
        f"Datasette {v['datasette']} (sqlite-utils {v['sqlite-utils']}) ; SQLite {v['sqlite']}, "
        f"Python {v['python']}, {report['machine']['cpus']} cœurs"
    )
    print("Médianes (p90) en ms sur HTTP loopback ; ratio = Datasette / Territoria (> 1 : Territoria plus rapide)\n")
    rows = [
        [
            r["query"],
            f"{r['territoria']['median_ms']:.1f} ({r['territoria']['p90_ms']:.1f})",
            f"{r['datasette']['median_ms']:.1f} ({r['datasette']['p90_ms']:.1f})",
            f"{r['ratio']:.2f}",
            r["counts"],
            r["first_page"],
            f"{r['territoria']['bytes'] / 1000:.1f} / {r['datasette']['bytes'] / 1000:.1f}",
        ]
        for r in report["results"]
    ]
    headers = [
        "requête",
        "Territoria ms",
        "Datasette ms",
        "ratio",
        "totaux concordants",
        "1re page",
        "réponse ko T / D",
    ]
    print(table(rows, headers))
    if not report["all_agree"]:
        print("\nATTENTION : des réponses diffèrent ; un chiffre rapide mais faux ne vaut rien.", file=sys.stderr)
