"""Ingestion benchmark: Territoria's pipeline beside sqlite-utils (Datasette's path) and raw DuckDB, same file.

Steps, all inside one temporary folder removed at the end:

1. generate N hourly air-quality readings (ingest_data.write), in two variants from the same rows:
   UTF-8 with ``,`` and decimal points, and the French-Excel export (``;``, cp1252, decimal commas,
   ``dd/mm/yyyy hh:mm``);
2. time (wall, and CPU: user + system) and measure the peak RSS (``os.wait4``, one process per run; ``--repeat``
   runs the whole sequence again, medians reported) of:
   - ``territoria ingest FILE --dataset bench --publish --organisation bench``, on a fresh data folder
     (migrated, one organisation), for each variant, no reading option given;
   - ``sqlite-utils insert db.sqlite readings FILE --csv --detect-types`` (plus ``--delimiter ';' --encoding
     cp1252`` for the French variant, which it cannot read otherwise);
   - raw DuckDB, ``COPY (SELECT * FROM read_csv(FILE)) TO out.parquet (FORMAT parquet)``, UTF-8 only;
3. split Territoria's time into its stages (the progress lines the command prints, read as they come,
   and the job's timestamps);
4. check correctness: the two published versions must be the same typed table, and equal to what the
   generator wrote (types, INSEE codes with their zeros, missing values, dates, a sample, the whole table);
5. a table on stdout, targets "atteint" / "non atteint" (never asserted), and the figures as JSON.

Measured commands run in their own process group and are stopped (SIGTERM, then SIGKILL) whatever happens.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import re
import secrets
import shlex
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from itertools import pairwise
from pathlib import Path
from typing import Any

import duckdb
import ingest_data
from catalog_bench import signals_as_exit, step, table, tool

BENCH_DIR = Path(__file__).resolve().parent
MIB = 1024 * 1024
SLUG = "bench"
# Targets from the issue: printed as "atteint" / "non atteint", never asserted.
TARGET_VS_SQLITE_UTILS = 15.0  # Territoria at least 15× faster than sqlite-utils
TARGET_VS_DUCKDB = 3.0  # Territoria within 3× of raw DuckDB
TARGET_RSS_MIB = 1024.0  # peak RSS ≤ 1 GiB
EXPECTED_TYPES = {
    "id": "integer",
    "station_id": "text",
    "station_name": "text",
    "commune": "text",
    "code_insee": "text",
    "timestamp": "datetime",
    "pollutant": "text",
    "value": "decimal",
    "unit": "text",
    "latitude": "decimal",
    "longitude": "decimal",
    "comment": "text",
    "geo_point_2d": "geo_point",
}
VARIANTS = {"utf8": "UTF-8 « , »", "french": "Excel FR « ; » cp1252"}

# Raw DuckDB as anyone would write it (no extension may be fetched: the benchmark stays offline).
DUCKDB_COPY = textwrap.dedent(
    """
    import sys, duckdb
    src, out = sys.argv[1:3]
    q = lambda s: "'" + s.replace("'", "''") + "'"
    con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    con.execute(f"COPY (SELECT * FROM read_csv({q(src)})) TO {q(out)} (FORMAT parquet)")
    """
)
CREATE_ORGANISATION = (
    "from territoria.accounts.models import Organisation; "
    f"Organisation.objects.create(slug={SLUG!r}, name=\"Banc d'essai de l'ingestion\", kind='other')"
)
# Read back what the import left: the dataset, its last job, the published version and its Parquet file.
INSPECT = textwrap.dedent(
    f"""
    import json
    from territoria.catalog.models import Dataset
    from territoria.ingest.models import Job
    d = Dataset.objects.get(slug={SLUG!r})
    job = Job.objects.filter(dataset=d).order_by("-created").first()
    v = d.published_version
    out = {{
        "dataset_created": d.created.isoformat(),
        "job": {{
            "status": job.status, "message": job.message, "version_id": job.version_id,
            "created": job.created.isoformat(), "started": job.started.isoformat() if job.started else None,
            "finished": job.finished.isoformat() if job.finished else None,
        }},
        "published": None if v is None else {{
            "id": v.pk, "number": v.number, "data_path": str(v.data_path()), "data_sha256": v.data_sha256,
            "data_size": v.data_size, "original_size": v.original_size, "row_count": v.row_count,
            "columns": [
                {{"name": c["name"], "type": c["type"], "sql_type": c["details"].get("sql_type"),
                  "details": c["details"]}}
                for c in v.columns
            ],
            "source_info": v.source_info,
            "issues": [
                {{"code": i.get("code"), "severity": i.get("severity"), "message": i.get("message")}}
                for i in v.report.get("issues", [])
            ],
            "pii": v.pii,
        }},
    }}
    print("BENCH-JSON " + json.dumps(out, default=str))
    """
)
PROGRESS_LINE = re.compile(r"^(?P<stage>[^:]+?) : (?P<rows>[0-9][0-9  ]*) lignes\s*$")
STAGE_LABELS = {
    "typage": "typage (classe de chaque valeur)",
    "géométrie": "géométrie",
    "écriture": "écriture du Parquet typé",
    "profil": "profil des colonnes",
    "contrôles": "contrôles qualité",
    "enregistrement": "enregistrement + publication",
}


# --- Running one measured command ------------------------------------------------------------------------


@dataclass
class Run:
    """One measured command: wall time, peak RSS, and its output lines with their arrival time."""

    name: str
    variant: str
    argv: list[str]
    shown: str  # the command as printed in the report
    repeat: int = 1
    output: Path | None = None  # removed before the run: every run starts from nothing
    folder: Path | None = None  # Territoria: its fresh data folder
    started: float = 0.0  # epoch seconds (comparable with the job's timestamps)
    wall: float = 0.0
    cpu: float = 0.0  # user + system seconds, every thread (DuckDB runs several)
    peak_rss_kib: int = 0
    returncode: int | None = None
    lines: list[tuple[float, str]] = field(default_factory=list)
    log: Path | None = None
    info: dict[str, Any] = field(default_factory=dict)  # Territoria: what the import left (inspect_territoria)

    @property
    def peak_rss_mib(self) -> float:
        return self.peak_rss_kib / 1024

    @property
    def progress(self) -> list[tuple[float, str, int]]:
        found = []
        for at, line in self.lines:
            match = PROGRESS_LINE.match(line.strip())
            if match:
                rows = int(re.sub(r"\D", "", match["rows"]))
                found.append((at, match["stage"].strip(), rows))
        return found

    def tail(self, count: int = 20) -> str:
        return "\n".join(f"  [{self.name}] {line}" for _at, line in self.lines[-count:])


def _stop_group(pid: int) -> None:
    """SIGTERM the group, give it 10 s, then SIGKILL; reap the leader."""
    for sig, grace in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, sig)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            with contextlib.suppress(ChildProcessError):
                if os.waitpid(pid, os.WNOHANG)[0]:
                    return
            time.sleep(0.1)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def measure(run: Run, env: dict[str, str], workdir: Path, timeout: float) -> Run:
    """Run ``run.argv`` alone in its process group; wall time from start to exit, ru_maxrss from wait4."""
    run.log = workdir / "logs" / f"{run.name}-{run.variant}-{run.repeat}.log"
    run.log.parent.mkdir(exist_ok=True)
    if run.output is not None:
        run.output.unlink(missing_ok=True)
    run.started = time.time()
    started = time.perf_counter()
    process = subprocess.Popen(
        run.argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    assert process.stdout is not None
    killer = threading.Timer(timeout, _kill_group, [process.pid])
    killer.start()
    reaped = False
    try:
        # A line is dated when its text arrives, not when its end does: the progress lines of
        # ``territoria ingest`` start with "\r", so each one ends only when the next one is written.
        pending, pending_at = b"", 0.0
        with open(run.log, "wb") as log:
            while chunk := os.read(process.stdout.fileno(), 1 << 16):
                now = time.time()
                log.write(chunk)
                *pieces, rest = re.split(rb"[\r\n]", chunk)
                if pieces:
                    dated = [(pending_at if pending else now, pending + pieces[0])]
                    dated += [(now, piece) for piece in pieces[1:]]
                    run.lines += [(at, p.decode("utf-8", "replace")) for at, p in dated if p.strip()]
                    pending = b""
                if rest and not pending:
                    pending_at = now
                pending += rest
        if pending.strip():
            run.lines.append((pending_at, pending.decode("utf-8", "replace")))
        _pid, status, usage = os.wait4(process.pid, 0)
        reaped = True
        run.wall = time.perf_counter() - started
        run.peak_rss_kib = usage.ru_maxrss  # KiB on Linux: this process and the descendants it waited for
        run.cpu = usage.ru_utime + usage.ru_stime
        run.returncode = process.returncode = os.waitstatus_to_exitcode(status)
    finally:
        killer.cancel()
        process.stdout.close()
        if not reaped:
            _stop_group(process.pid)
            process.returncode = -1
    if run.returncode != 0:
        why = " (délai dépassé)" if run.returncode == -signal.SIGKILL else ""
        raise RuntimeError(f"{run.shown} → status {run.returncode}{why}\n{run.tail()}")
    return run


# --- The peers -------------------------------------------------------------------------------------------


def plain_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("TERRITORIA_")}


def territoria_env(data_dir: Path) -> dict[str, str]:
    """A production configuration (DEBUG off), everything inside ``data_dir``."""
    env = plain_env()
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "territoria.settings",
            "TERRITORIA_ENV": "production",
            "TERRITORIA_SECRET_KEY": secrets.token_urlsafe(64),
            "TERRITORIA_ALLOWED_HOSTS": "127.0.0.1",
            "TERRITORIA_LOG_LEVEL": "warning",
            "TERRITORIA_DATA_DIR": str(data_dir),
            "TERRITORIA_DATABASE_URL": f"sqlite:///{data_dir / 'territoria.sqlite3'}",
        }
    )
    return env


def prepare_territoria(workdir: Path) -> Path:
    """One migrated data folder with the organisation, copied before each import (each starts fresh)."""
    template = workdir / "territoria-template"
    template.mkdir()
    env = territoria_env(template)
    territoria = tool("territoria", "territoria.cli")
    started = time.perf_counter()
    step([*territoria, "migrate", "--no-input"], env, timeout=600)
    step([*territoria, "shell", "-c", CREATE_ORGANISATION], env, timeout=120)
    print(f"  Territoria : migrate + organisation « {SLUG} » en {time.perf_counter() - started:.1f} s (non mesuré)")
    return template


def fresh_folder(template: Path, workdir: Path, variant: str, repeat: int) -> Path:
    folder = workdir / f"territoria-{variant}-{repeat}"
    shutil.copytree(template, folder)
    return folder


def inspect_territoria(data_dir: Path) -> dict[str, Any]:
    done = step([*tool("territoria", "territoria.cli"), "shell", "-c", INSPECT], territoria_env(data_dir), 300)
    line = next(x for x in reversed(done.stdout.splitlines()) if x.startswith("BENCH-JSON "))
    return json.loads(line.removeprefix("BENCH-JSON "))


def runs(files: dict[str, Path], template: Path, workdir: Path, repeat: int) -> Iterator[tuple[Run, dict[str, str]]]:
    """What is measured, in this order (the peers alternate, so that a noisy neighbour hurts all alike)."""
    territoria, sqlite_utils = tool("territoria", "territoria.cli"), tool("sqlite-utils", "sqlite_utils")

    def ingest(variant: str) -> tuple[Run, dict[str, str]]:
        argv = [*territoria, "ingest", str(files[variant]), "--dataset", SLUG, "--publish", "--organisation", SLUG]
        shown = f"territoria ingest {files[variant].name} --dataset {SLUG} --publish --organisation {SLUG}"
        folder = fresh_folder(template, workdir, variant, repeat)  # copied only when its turn comes
        return Run("territoria", variant, argv, shown, repeat, folder=folder), territoria_env(folder)

    def insert(variant: str, extra: list[str]) -> tuple[Run, dict[str, str]]:
        db = workdir / f"sqlite-utils-{variant}.db"
        argv = [*sqlite_utils, "insert", str(db), "readings", str(files[variant]), "--csv", "--detect-types", *extra]
        shown = (
            f"sqlite-utils insert db readings {files[variant].name} --csv --detect-types {shlex.join(extra)}".strip()
        )
        return Run("sqlite-utils", variant, argv, shown, repeat, db), plain_env()

    parquet = workdir / "duckdb-utf8.parquet"
    shown = "COPY (SELECT * FROM read_csv('" + files["utf8"].name + "')) TO 'out.parquet' (FORMAT parquet)"  # noqa: S608
    argv = [sys.executable, "-c", DUCKDB_COPY, str(files["utf8"]), str(parquet)]
    yield Run("duckdb", "utf8", argv, shown, repeat, parquet), plain_env()
    yield ingest("utf8")
    yield insert("utf8", [])
    yield ingest("french")
    yield insert("french", ["--delimiter", ";", "--encoding", "cp1252"])


# --- Stages of Territoria's pipeline ---------------------------------------------------------------------


def _epoch(iso: str | None) -> float | None:
    return datetime.fromisoformat(iso).timestamp() if iso else None


def stages(run: Run, info: dict[str, Any], rows: int) -> list[dict[str, Any]]:
    """Seconds per stage: process start, dataset created, job started, first progress line of each stage,
    job finished, process exit. A line is dated when its text reaches the pipe (the command flushes each one)."""
    job = info["job"]
    marks: list[tuple[str, float | None]] = [
        ("démarrage (Python, Django, jeu créé)", run.started),
        ("original conservé (copie, SHA-256, fsync)", _epoch(info["dataset_created"])),
        ("lecture (CSV → Parquet brut, tout en texte)", _epoch(job["started"])),
    ]
    progress = run.progress
    first: dict[str, float] = {}
    for at, stage, _rows in progress:
        first.setdefault(stage, at)
    marks += [(STAGE_LABELS.get(stage, stage), at) for stage, at in first.items() if stage != "lecture"]
    marks.append(("sortie du processus (après la fin du job)", _epoch(job["finished"])))
    known = [(label, at) for label, at in marks if at is not None]
    end = run.started + run.wall
    result = [
        {"stage": label, "seconds": round(max(nxt - at, 0.0), 3)}
        for (label, at), (_, nxt) in pairwise([*known, ("", end)])
    ]
    # Reading is two passes: Python (strict decoding, line checks, UTF-8 copy of a cp1252 file), then DuckDB.
    # Pass 1 reports every 200 000 lines; its last report is close to its end when it falls in the last chunks.
    reading = [(at, r) for at, stage, r in progress if stage == "lecture"]
    started = _epoch(job["started"])
    if len(reading) >= 2 and started and "typage" in first and reading[-2][1] >= 0.95 * rows:
        python_pass = reading[-2][0] - started
        result.insert(3, {"stage": "  dont passe 1, Python (≈)", "seconds": round(python_pass, 3), "part": True})
        duck_pass = first["typage"] - reading[-2][0]
        result.insert(4, {"stage": "  dont passe 2, DuckDB (≈)", "seconds": round(duck_pass, 3), "part": True})
    return result


# --- Correctness -----------------------------------------------------------------------------------------


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


def connect(workdir: Path) -> duckdb.DuckDBPyConnection:
    (workdir / "duckdb_tmp").mkdir(exist_ok=True)
    config: dict[str, Any] = {
        "memory_limit": "1GB",
        "threads": 2,
        "temp_directory": str(workdir / "duckdb_tmp"),
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
    }
    return duckdb.connect(config=config)


def expected_insee(rows: int) -> set[str]:
    series = ingest_data.series()
    return {station.insee for station, _ in series[: min(rows, len(series))]}


def check_versions(
    infos: dict[str, dict[str, Any]], generated: ingest_data.Generated, rows: int, workdir: Path
) -> list[Check]:
    """The two published versions: the same typed table, and the generator's table."""
    checks: list[Check] = []
    published = {v: info["published"] for v, info in infos.items()}
    ok = all(p is not None and p["id"] == infos[v]["job"]["version_id"] for v, p in published.items())
    checks.append(Check("versions publiées", ok, " ; ".join(f"{v} : {infos[v]['job']['message']}" for v in infos)))
    if not ok:
        return checks
    u, f = published["utf8"], published["french"]
    paths = {v: p["data_path"] for v, p in published.items()}
    con = connect(workdir)
    try:
        counts = {v: con.execute("SELECT count(*) FROM read_parquet(?)", [p]).fetchone()[0] for v, p in paths.items()}
        ok = u["row_count"] == f["row_count"] == rows and set(counts.values()) == {rows}
        checks.append(Check("nombre de lignes", ok, f"{u['row_count']} / {f['row_count']} (attendu {rows})"))

        types = {v: {c["name"]: c["type"] for c in p["columns"]} for v, p in published.items()}
        ok = types["utf8"] == types["french"] == EXPECTED_TYPES
        names = EXPECTED_TYPES.keys() | types["utf8"].keys() | types["french"].keys()
        differ = sorted(k for k in names if not EXPECTED_TYPES.get(k) == types["utf8"].get(k) == types["french"].get(k))
        checks.append(
            Check(
                "types Territoria",
                ok,
                "id entier, value/latitude/longitude décimaux, timestamp date et heure, code_insee texte, "
                "point géographique"
                if ok
                else "différences : "
                + ", ".join(f"{k} {types['utf8'].get(k)}/{types['french'].get(k)}" for k in differ),
            )
        )
        physical = {v: con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [p]).fetchall() for v, p in paths.items()}
        ok = physical["utf8"] == physical["french"]
        sql_types = {name: kind for name, kind, *_ in physical["utf8"]}
        wanted = {"code_insee": "VARCHAR", "value": "DOUBLE", "timestamp": "TIMESTAMP", "id": "BIGINT"}
        ok = ok and all(sql_types.get(k) == t for k, t in wanted.items())
        checks.append(
            Check("types Parquet identiques", ok, ", ".join(f"{k} {sql_types.get(k)}" for k in wanted) + " (les deux)")
        )

        want_codes = expected_insee(rows)
        codes = {
            v: {r[0] for r in con.execute("SELECT DISTINCT code_insee FROM read_parquet(?)", [p]).fetchall()}
            for v, p in paths.items()
        }
        ok = codes["utf8"] == codes["french"] == want_codes
        shown = sorted(c for c in want_codes if c.startswith("0") or c.startswith("2"))[:5]
        checks.append(Check("code_insee (zéros, Corse)", ok, f"{len(codes['utf8'])} codes, dont {', '.join(shown)}"))

        missing = {
            v: con.execute("SELECT count(*) FILTER (WHERE value IS NULL) FROM read_parquet(?)", [p]).fetchone()[0]
            for v, p in paths.items()
        }
        ok = missing["utf8"] == missing["french"] == generated.missing_values
        checks.append(
            Check(
                "value : valeurs manquantes",
                ok,
                f"{missing['utf8']} / {missing['french']} NULL (attendu {generated.missing_values})",
            )
        )

        bounds = {
            v: con.execute("SELECT min(timestamp), max(timestamp) FROM read_parquet(?)", [p]).fetchone()
            for v, p in paths.items()
        }
        want = (datetime.fromisoformat(generated.first_hour), datetime.fromisoformat(generated.last_hour))
        ok = bounds["utf8"] == bounds["french"] == want
        checks.append(Check("timestamp : première et dernière heure", ok, f"{want[0]} → {want[1]}"))

        checks.append(sample_check(con, paths, generated))

        differences = [
            con.execute(
                "SELECT count(*) FROM (SELECT * FROM read_parquet(?) EXCEPT ALL SELECT * FROM read_parquet(?))", [a, b]
            ).fetchone()[0]
            for a, b in ((paths["utf8"], paths["french"]), (paths["french"], paths["utf8"]))
        ]
        same_bytes = u["data_sha256"] == f["data_sha256"]
        checks.append(
            Check(
                "table entière (EXCEPT ALL, deux sens)",
                differences == [0, 0],
                f"{differences[0]} + {differences[1]} lignes différentes ; Parquet "
                + ("identique octet pour octet (même SHA-256)" if same_bytes else "différent octet à octet"),
            )
        )
    finally:
        con.close()

    quality = {v: [i for i in p["issues"] if i["severity"] in ("error", "warning")] for v, p in published.items()}
    ok = not any(quality.values()) and not u["pii"] and not f["pii"]
    detail = " ; ".join(
        f"{v} : {len(q)} erreur(s)/avertissement(s)" + (f" ({', '.join(i['code'] for i in q[:5])})" if q else "")
        for v, q in quality.items()
    )
    checks.append(Check("rapport qualité sans erreur ni donnée personnelle", ok, detail))
    return checks


def sample_check(con: duckdb.DuckDBPyConnection, paths: dict[str, str], generated: ingest_data.Generated) -> Check:
    """Evenly spaced rows, read back from each version, against the generator's expected values."""
    wanted = {row["id"]: row for row in generated.sample}
    columns = list(ingest_data.COLUMNS)
    select = ", ".join(f'"{c}"' for c in columns) + ", geo_point_2d.lon, geo_point_2d.lat"
    wrong: dict[str, list[str]] = {}
    for variant, path in paths.items():
        got = con.execute(
            f"SELECT {select} FROM read_parquet(?) WHERE id IN (SELECT unnest(?)) ORDER BY id",  # noqa: S608
            [path, sorted(wanted)],
        ).fetchall()
        bad = []
        for values in got:
            row = dict(zip([*columns, "lon", "lat"], values, strict=True))
            expected = {
                **wanted[row["id"]],
                "lon": wanted[row["id"]]["longitude"],
                "lat": wanted[row["id"]]["latitude"],
            }
            bad += [f"{row['id']}.{k}: {row[k]!r} ≠ {v!r}" for k, v in expected.items() if row[k] != v]
        if len(got) != len(wanted):
            bad.append(f"{len(got)} lignes relues sur {len(wanted)}")
        wrong[variant] = bad
    ok = not any(wrong.values())
    detail = f"{len(wanted)} lignes × {len(columns) + 1} colonnes, valeurs égales à celles du générateur"
    if not ok:
        detail = " ; ".join(f"{v} : {len(b)} écart(s), ex. {b[:3]}" for v, b in wrong.items() if b)
    return Check("échantillon contre le générateur", ok, detail)


# --- What the peers make of the same files ---------------------------------------------------------------


def sqlite_types(db: Path) -> dict[str, Any]:
    con = sqlite3.connect(db)
    try:
        columns = {row[1]: row[2] for row in con.execute("PRAGMA table_info(readings)")}
        rows = con.execute("SELECT count(*) FROM readings").fetchone()[0]
        # '' kept as text in a FLOAT column: SQLite reads it as 0 in sums and averages.
        empty = con.execute("SELECT count(*) FROM readings WHERE typeof(value) = 'text' AND value = ''").fetchone()[0]
        zero = con.execute("SELECT count(*) FROM readings WHERE code_insee LIKE '0%'").fetchone()[0]
    finally:
        con.close()
    return {"columns": columns, "rows": rows, "empty_value_text": empty, "code_insee_leading_zero": zero}


def probes(files: dict[str, Path], workdir: Path) -> dict[str, Any]:
    """Quick, unmeasured attempts: what the peers do with the French file, and with codes without Corsica."""
    found: dict[str, Any] = {}
    sqlite_utils = tool("sqlite-utils", "sqlite_utils")
    done = subprocess.run(
        [*sqlite_utils, "insert", str(workdir / "probe.db"), "readings", str(files["french"]), "--csv"],
        env=plain_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    said = [line.strip() for line in (done.stderr + done.stdout).splitlines() if line.strip()]
    found["sqlite_utils_french_no_option"] = {"returncode": done.returncode, "message": (said or [""])[0][:200]}

    # The same rows without the Corsican stations: does --detect-types keep "01053" as text?
    mainland = workdir / "mainland.csv"
    with open(files["utf8"], encoding="utf-8") as src, open(mainland, "w", encoding="utf-8") as dst:
        for number, line in enumerate(src):
            if number > 2_000:
                break
            if ",2A" not in line and ",2B" not in line:
                dst.write(line)
    db = workdir / "mainland.db"
    step([*sqlite_utils, "insert", str(db), "readings", str(mainland), "--csv", "--detect-types"], plain_env(), 300)
    con = sqlite3.connect(db)
    try:
        kind = {r[1]: r[2] for r in con.execute("PRAGMA table_info(readings)")}["code_insee"]
        first = con.execute("SELECT code_insee FROM readings ORDER BY id LIMIT 1").fetchone()[0]
    finally:
        con.close()
    found["sqlite_utils_without_corsica"] = {"code_insee_type": kind, "first_value": first, "source": "01053"}

    con = connect(workdir)
    attempts = {}
    try:
        for encoding in (None, "latin-1", "cp1252"):
            option = f", encoding = '{encoding}'" if encoding else ""
            try:
                con.execute(f"SELECT count(*) FROM read_csv(?{option})", [str(files["french"])]).fetchone()  # noqa: S608
                attempts[encoding or "auto"] = "lu"
            except duckdb.Error as error:
                said = [line.strip() for line in str(error).splitlines() if line.strip()]
                # The line that names the encoding problem, rather than "CSV Error on Line: 2".
                attempts[encoding or "auto"] = next((x for x in said if "encod" in x), said[0])[:200]
        found["duckdb_french"] = attempts
        found["duckdb_types_utf8"] = {
            name: kind
            for name, kind, *_ in con.execute(
                "DESCRIBE SELECT * FROM read_parquet(?)", [str(workdir / "duckdb-utf8.parquet")]
            ).fetchall()
        }
    finally:
        con.close()
    return found


# --- Report ----------------------------------------------------------------------------------------------


def versions() -> dict[str, str]:
    names = ("territoria", "Django", "duckdb", "pyarrow", "sqlite-utils")
    found = {name: metadata.version(name) for name in names}
    found["sqlite"] = sqlite3.sqlite_version
    found["python"] = platform.python_version()
    return found


def run(rows: int = 1_000_000, seed: int = 42, output: Path | None = None, keep: bool = False, repeat: int = 1) -> int:
    with signals_as_exit():
        return _run(rows, seed, output, keep, repeat)


def _run(rows: int, seed: int, output: Path | None, keep: bool, repeat: int) -> int:
    started = time.perf_counter()
    load_before = os.getloadavg()
    workdir = Path(tempfile.mkdtemp(prefix="territoria-ingest-bench-"))
    try:
        print(f"Ingestion : {rows} lignes générées (random.Random({seed})), dossier temporaire {workdir}")
        t = time.perf_counter()
        utf8_path, french_path, generated = ingest_data.write(rows, workdir, seed)
        files = {"utf8": utf8_path, "french": french_path}
        sizes = ", ".join(f"{files[v].name} {generated.bytes[v] / MIB:.1f} Mio" for v in files)
        print(f"  fichiers : {sizes} ({generated.series} séries horaires, en {time.perf_counter() - t:.1f} s)")
        template = prepare_territoria(workdir)
        timeout = 600 + rows / 500
        measured: list[Run] = []
        last: dict[str, Run] = {}  # the last Territoria import of each variant: its folder is kept for the checks
        print(f"Mesure : un processus par chemin, {repeat} fois ; temps réel, CPU et RSS maximal (os.wait4)")
        for number in range(1, repeat + 1):
            for todo, env in runs(files, template, workdir, number):
                done = measure(todo, env, workdir, timeout)
                measured.append(done)
                print(f"  {done.wall:7.1f} s  {done.cpu:7.1f} s CPU  {done.peak_rss_mib:5.0f} Mio  {done.shown}")
                if done.name == "territoria" and done.folder is not None:
                    done.info = inspect_territoria(done.folder)
                    previous = last.get(done.variant)
                    if previous is not None and previous.folder is not None and not keep:
                        shutil.rmtree(previous.folder)  # a copy of the file and its Parquet: disk
                    last[done.variant] = done
        infos = {v: last[v].info for v in VARIANTS}
        print("Vérification des versions publiées…")
        checks = check_versions(infos, generated, rows, workdir)
        found = probes(files, workdir)
        found["sqlite_utils"] = {v: sqlite_types(workdir / f"sqlite-utils-{v}.db") for v in VARIANTS}
        report = build_report(rows, seed, repeat, generated, measured, checks, found)
        report["load_average"] = {"before": list(load_before), "after": list(os.getloadavg())}
        report["elapsed_seconds"] = round(time.perf_counter() - started, 1)
        print_report(report)
        output = output or BENCH_DIR / "results" / "ingest-latest.json"
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
        print(f"\nRésultats : {output}  ({report['elapsed_seconds']} s au total)")
        return 0 if report["all_ok"] else 1
    finally:
        if keep:
            print(f"Dossier conservé : {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def median_run(group: list[Run]) -> Run:
    """The run with the median wall time (the lower middle one for an even count)."""
    return sorted(group, key=lambda r: r.wall)[(len(group) - 1) // 2]


def build_report(
    rows: int,
    seed: int,
    repeat: int,
    generated: ingest_data.Generated,
    measured: list[Run],
    checks: list[Check],
    found: dict[str, Any],
) -> dict[str, Any]:
    groups: dict[tuple[str, str], list[Run]] = {}
    for r in measured:
        groups.setdefault((r.name, r.variant), []).append(r)
    wall = {key: statistics.median(r.wall for r in group) for key, group in groups.items()}
    results = [
        {
            "path": name,
            "variant": variant,
            "command": group[0].shown,
            "wall_seconds": round(wall[name, variant], 3),
            "cpu_seconds": round(statistics.median(r.cpu for r in group), 3),
            "peak_rss_mib": round(max(r.peak_rss_mib for r in group), 1),
            "ratio_vs_territoria": round(wall[name, variant] / wall["territoria", variant], 3),
            "runs": [
                {"wall_seconds": round(r.wall, 3), "cpu_seconds": round(r.cpu, 3), "peak_rss_mib": r.peak_rss_mib}
                for r in group
            ],
        }
        for (name, variant), group in groups.items()
    ]
    territoria = {v: median_run(groups["territoria", v]) for v in VARIANTS}
    vs_sqlite = wall["sqlite-utils", "utf8"] / wall["territoria", "utf8"]
    vs_duckdb = wall["territoria", "utf8"] / wall["duckdb", "utf8"]
    rss = max(r.peak_rss_mib for v in VARIANTS for r in groups["territoria", v])
    targets = [
        {
            "target": f"Territoria ≥ {TARGET_VS_SQLITE_UTILS:g}× plus rapide que sqlite-utils (UTF-8)",
            "value": round(vs_sqlite, 2),
            "shown": f"{vs_sqlite:.1f}×",
            "met": vs_sqlite >= TARGET_VS_SQLITE_UTILS,
        },
        {
            "target": f"Territoria à moins de {TARGET_VS_DUCKDB:g}× de DuckDB brut (UTF-8)",
            "value": round(vs_duckdb, 2),
            "shown": f"{vs_duckdb:.1f}× le temps de DuckDB",
            "met": vs_duckdb <= TARGET_VS_DUCKDB,
        },
        {
            "target": f"RSS maximal de Territoria ≤ {TARGET_RSS_MIB:.0f} Mio (les deux fichiers)",
            "value": round(rss, 1),
            "shown": f"{rss:.0f} Mio",
            "met": rss <= TARGET_RSS_MIB,
        },
    ]
    return {
        "benchmark": "ingest",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "machine": platform.machine()},
        "versions": versions(),
        "setup": {"rows": rows, "seed": seed, "repeat": repeat, "data": generated.as_json()},
        "results": results,
        "targets": targets,
        # Stages of the median import of each variant, and its output lines (seconds from its start).
        "stages": {v: stages(r, r.info, rows) for v, r in territoria.items()},
        "territoria": {
            v: {
                "job": r.info["job"],
                "version": {k: val for k, val in (r.info["published"] or {}).items() if k != "data_path"},
                "output": [[round(at - r.started, 3), line.strip()] for at, line in r.lines][-40:],
            }
            for v, r in territoria.items()
        },
        "probes": found,
        "checks": [{"check": c.name, "ok": c.ok, "detail": c.detail} for c in checks],
        "all_ok": all(c.ok for c in checks),
    }


def print_report(report: dict[str, Any]) -> None:
    v = report["versions"]
    print(
        f"\nTerritoria {v['territoria']} (Django {v['Django']}, DuckDB {v['duckdb']}, pyarrow {v['pyarrow']}) contre "
        f"sqlite-utils {v['sqlite-utils']} (SQLite {v['sqlite']}) et DuckDB {v['duckdb']} brut ; "
        f"Python {v['python']}, {report['machine']['cpus']} cœurs"
    )
    data = report["setup"]["data"]
    print(
        f"{report['setup']['rows']} lignes ; UTF-8 {data['bytes']['utf8'] / MIB:.1f} Mio, "
        f"Excel FR {data['bytes']['french'] / MIB:.1f} Mio ; "
        "ratio = temps du chemin / temps de Territoria sur le même fichier ; CPU = utilisateur + système, "
        "tous les fils\n"
    )
    labels = {
        "territoria": "Territoria : ingest --publish (contrôles compris)",
        "sqlite-utils": "sqlite-utils insert --csv --detect-types",
        "duckdb": "DuckDB brut : read_csv → Parquet",
    }
    repeat = report["setup"]["repeat"]
    rows = []
    for r in sorted(report["results"], key=lambda r: (r["variant"] != "utf8", r["path"] != "territoria")):
        walls = [x["wall_seconds"] for x in r["runs"]]
        rows.append(
            [
                labels[r["path"]] + (" ¹" if r["path"] == "sqlite-utils" and r["variant"] == "french" else ""),
                VARIANTS[r["variant"]],
                f"{r['wall_seconds']:.1f}",
                *([f"{min(walls):.1f} – {max(walls):.1f}"] if repeat > 1 else []),
                f"{r['cpu_seconds']:.1f}",
                f"{r['peak_rss_mib']:.0f}",
                f"{r['ratio_vs_territoria']:.2f}",
            ]
        )
    wall = "temps s" if repeat == 1 else f"médiane s ({repeat})"
    headers = ["chemin", "fichier", wall, *(["min – max"] if repeat > 1 else []), "CPU s", "RSS max Mio", "ratio"]
    print(table(rows, headers, set(range(2, len(headers)))))
    print("¹ avec --delimiter ';' --encoding cp1252 : sans ces options, il ne lit pas le fichier")
    print("\nObjectifs (issue) :")
    for target in report["targets"]:
        print(f"  {target['target']} : {target['shown']} — {'atteint' if target['met'] else 'non atteint'}")

    stage_table = report["stages"]
    names = [s["stage"] for s in stage_table["utf8"]]
    names += [s["stage"] for s in stage_table.get("french", []) if s["stage"] not in names]
    seconds = {v: {s["stage"]: s["seconds"] for s in stages_} for v, stages_ in stage_table.items()}
    totals = {v: sum(s["seconds"] for s in stages_ if not s.get("part")) for v, stages_ in stage_table.items()}
    which = "" if repeat == 1 else "import médian, "
    print(f"\nÉtapes de Territoria ({which}s, part du total) :")
    stage_rows = []
    for name in names:
        cells = [name]
        for variant in VARIANTS:
            value = seconds.get(variant, {}).get(name)
            cells.append("—" if value is None else f"{value:.1f}  {100 * value / totals[variant]:3.0f} %")
        stage_rows.append(cells)
    print(table(stage_rows, ["étape", *VARIANTS.values()], {1, 2}))

    found = report["probes"]
    print("\nCe que font les autres des mêmes fichiers :")
    su = found["sqlite_utils"]
    columns = list(su["utf8"]["columns"])
    duck = found["duckdb_types_utf8"]
    t_types = {c["name"]: c["sql_type"] for c in report["territoria"]["utf8"]["version"].get("columns", [])}
    type_rows = [
        [c, t_types.get(c, "—"), duck.get(c, "—"), su["utf8"]["columns"][c], su["french"]["columns"].get(c, "—")]
        for c in columns
    ]
    headers = ["colonne", "Territoria (2 fichiers)", "DuckDB UTF-8", "sqlite-utils UTF-8", "sqlite-utils FR"]
    print(table(type_rows, headers, set()))
    print(
        f"  sqlite-utils : {su['utf8']['empty_value_text']} valeurs manquantes gardées en '' (texte) dans la colonne "
        "FLOAT value (SQLite les compte comme 0 dans sum/avg) ; sur le fichier FR, value, latitude, longitude et "
        "timestamp restent du texte (« 9,4 », « 01/01/2023 00:00 »)"
    )
    without = found["sqlite_utils_without_corsica"]
    print(
        f"  sqlite-utils sans les lignes corses : code_insee {without['code_insee_type']}, "
        f"« {without['source']} » devient {without['first_value']!r}"
    )
    french = found["sqlite_utils_french_no_option"]
    print(f"  sqlite-utils, fichier FR sans option : status {french['returncode']} — {french['message']}")
    for encoding, outcome in found["duckdb_french"].items():
        print(f"  DuckDB, fichier FR, encoding={encoding} : {outcome}")

    print("\nVérification (les deux versions publiées de Territoria) :")
    for check in report["checks"]:
        print(f"  {'✓' if check['ok'] else '✗'} {check['check']} : {check['detail']}")
    if not report["all_ok"]:
        print("\nATTENTION : une vérification échoue ; un chiffre rapide mais faux ne vaut rien.", file=sys.stderr)
