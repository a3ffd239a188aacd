"""Exports benchmark: every export format of one published N-row version, time and the server's memory.

Usage: .venv/bin/python bench/exports_bench.py [--rows N] [--seed N] [--formats csv,xlsx,...] [--output FILE]

The machinery is the records benchmark's (records_bench.py): the same generated air-quality readings
(ingest_data.readings, with latitude and longitude, hence a geo_point_2d), ingested by ``territoria ingest
--publish`` and served by ``territoria serve`` (gunicorn, 2 sync workers, production settings). Each format is
downloaded whole over loopback HTTP while the serving worker's resident memory is sampled every 20 ms
(records_bench.export). Figures are printed and written as JSON; nothing is asserted.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import ingest_data
import records_bench
from catalog_bench import running, signals_as_exit

BENCH_DIR = Path(__file__).resolve().parent
FORMATS = ("csv", "json", "jsonl", "geojson", "xlsx", "parquet", "shp")


def write_csv(n: int, seed: int, workdir: Path) -> Path:
    path = workdir / "readings.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(ingest_data.COLUMNS)
        writer.writerows(ingest_data.row(r, french=False) for r in ingest_data.readings(n, seed))
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "results" / "exports-latest.json")
    args = parser.parse_args(argv)
    formats = [f for f in args.formats.split(",") if f]
    # An XLSX of a million rows takes minutes (xlsxwriter writes ~100,000 cells a second): measured, not cut.
    records_bench.SERVE_TIMEOUT = records_bench.EXPORT_TIMEOUT = 1800
    workdir = Path(tempfile.mkdtemp(prefix="territoria-bench-exports-"))
    results: dict[str, dict[str, object]] = {}
    try:
        with signals_as_exit():
            print(f"Exports : {args.rows} relevés, dossier temporaire {workdir}")
            csv_path = write_csv(args.rows, args.seed, workdir)
            server, _cold, info, load = records_bench.prepare_territoria(workdir, csv_path)
            with running([server]):
                for fmt in formats:
                    try:
                        measured = records_bench.export(server, f"{records_bench.RECORDS}/exports/{fmt}", {})
                    except Exception as error:  # noqa: BLE001 - reported, the other formats still measured
                        results[fmt] = {"error": repr(error)}
                        print(f"  {fmt:8} échec : {error!r}")
                        continue
                    measured.pop("head", None)
                    results[fmt] = measured
                    rss = measured["serving_pid_rss_mib"]
                    print(
                        f"  {fmt:8} {measured['seconds']:7.1f} s  {measured['bytes'] / records_bench.MIB:8.1f} Mio  "
                        f"RSS du worker : avant {rss['before']} Mio, pic {rss['peak_sampled']} Mio "  # type: ignore[index]
                        f"(+{measured['growth_mib']} Mio)"
                    )
        report = {"rows": args.rows, "seed": args.seed, "version": info["version"], "ingest_seconds": round(load, 1)}
        report["exports"] = results
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"Résultats : {args.output}")
        return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    started = time.perf_counter()
    status = main()
    print(f"({time.perf_counter() - started:.0f} s au total)")
    sys.exit(status)
