"""Territoria benchmarks, run by ``make bench``. Speed is measured, not asserted: see bench/README.md.

Usage: .venv/bin/python bench/run.py [all|catalog|ingest|records] [options]
       (default: all: catalog, then ingest, then records)

  catalog: [--datasets N] [--requests N] [--warmup N]   Explore API beside Datasette
  ingest:  [--rows N] [--repeat N]                       one CSV to a published version, beside sqlite-utils
                                                         and raw DuckDB
  records: [--rows N] [--requests N] [--warmup N]       records API on a published 1M-row version beside
           [--threads N] [--duration S]                  Datasette: latency, throughput, streamed export
  atlas:   [--actions N] [--requests N] [--warmup N]   atlas API and pages on N generated actions beside
           [--texts N] [--fit-timeout S] [--fit-sample N] Datasette; classification in process
  all:     [--seed N] [--output FILE] [--keep]          (--output only with one benchmark)

Exit status: 0 when every answer agrees (every check passes), 1 when one differs, 2 on error; with several
benchmarks, the worst of them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import atlas_bench
import catalog_bench
import ingest_bench
import records_bench

BENCHMARKS = ("catalog", "ingest", "records", "atlas")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Territoria benchmarks: catalogue (Explore API beside Datasette), ingestion "
        "(one CSV to a published version, beside sqlite-utils and raw DuckDB) and records (records API on a "
        "published 1M-row version beside Datasette), same data, same run."
    )
    parser.add_argument(
        "benchmark", nargs="?", choices=("all", *BENCHMARKS), default="all", help="which one to run (all)"
    )
    parser.add_argument("--datasets", type=int, default=5_000, help="catalog: entries to generate (5000)")
    parser.add_argument(
        "--requests", type=int, help="catalog, records, atlas: timed requests per peer and query (30; atlas 15)"
    )
    parser.add_argument("--warmup", type=int, default=3, help="catalog, records, atlas: untimed requests first (3)")
    parser.add_argument("--rows", type=int, default=1_000_000, help="ingest, records: rows to generate (1000000)")
    parser.add_argument("--threads", type=int, default=4, help="records: client threads for throughput (4)")
    parser.add_argument("--duration", type=float, default=10.0, help="records: seconds per throughput run (10)")
    parser.add_argument("--repeat", type=int, default=1, help="ingest: runs of each command, median reported (1)")
    parser.add_argument("--actions", type=int, default=25_000, help="atlas: actions to generate (25000)")
    parser.add_argument("--texts", type=int, default=200, help="atlas: texts whose proposal is timed (200)")
    parser.add_argument("--fit-timeout", type=float, default=120.0, help="atlas: cap of the production fit, s (120)")
    parser.add_argument(
        "--fit-sample",
        type=int,
        default=300,
        help="atlas: confirmed actions of the model timed when the production fit is capped (300)",
    )
    parser.add_argument("--seed", type=int, default=42, help="random.Random seed (42)")
    parser.add_argument("--output", type=Path, help="JSON results (bench/results/{catalog,ingest,records}-latest.json)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (databases, files, logs)")
    args = parser.parse_args(argv)
    requests = args.requests or 30
    if args.datasets < 10 or requests < 2 or args.warmup < 0 or args.rows < 200 or args.repeat < 1:
        parser.error("--datasets ≥ 10, --requests ≥ 2, --warmup ≥ 0, --rows ≥ 200, --repeat ≥ 1")
    if args.actions < 200 or args.texts < 2 or args.fit_sample < 1 or args.fit_timeout <= 0:
        parser.error("--actions ≥ 200, --texts ≥ 2, --fit-sample ≥ 1, --fit-timeout > 0")
    if not 1 <= args.threads <= 64 or not 0.5 <= args.duration <= 600:
        parser.error("1 ≤ --threads ≤ 64, 0.5 ≤ --duration ≤ 600")
    chosen = BENCHMARKS if args.benchmark == "all" else (args.benchmark,)
    if args.output and len(chosen) > 1:
        parser.error("--output needs one benchmark: bench/run.py catalog|ingest|records --output …")
    jobs: dict[str, Callable[[], int]] = {
        "catalog": lambda: catalog_bench.run(args.datasets, args.seed, requests, args.warmup, args.output, args.keep),
        "ingest": lambda: ingest_bench.run(args.rows, args.seed, args.output, args.keep, args.repeat),
        "records": lambda: records_bench.run(
            args.rows, args.seed, requests, args.warmup, args.threads, args.duration, args.output, args.keep
        ),
        "atlas": lambda: atlas_bench.run(
            args.actions,
            args.seed,
            args.requests or 15,
            args.warmup,
            args.texts,
            args.fit_timeout,
            args.fit_sample,
            args.output,
            args.keep,
        ),
    }
    status = 0
    for position, name in enumerate(chosen):
        if position:
            print("\n" + "=" * 100 + "\n")
        try:
            status = max(status, jobs[name]())
        except KeyboardInterrupt:
            print("interrompu", file=sys.stderr)
            return 130
        except Exception as error:  # a readable line rather than a traceback; processes are already stopped
            print(f"bench {name}: {type(error).__name__}: {error}", file=sys.stderr)
            status = 2
    return status


if __name__ == "__main__":
    sys.exit(main())
