"""Territoria benchmarks, run by ``make bench``. Speed is measured, not asserted: see bench/README.md.

Usage: .venv/bin/python bench/run.py [--datasets N] [--requests N] [--warmup N] [--seed N] [--output FILE] [--keep]

Exit status: 0 when every answer agrees between the peers, 1 when one differs, 2 on error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import catalog_bench


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Catalogue benchmark: Territoria beside Datasette, same data.")
    parser.add_argument("--datasets", type=int, default=5_000, help="catalogue entries to generate (5000)")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per peer and query (30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests first (3)")
    parser.add_argument("--seed", type=int, default=42, help="random.Random seed (42)")
    parser.add_argument("--output", type=Path, help="JSON results (bench/results/catalog-latest.json)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (databases, server logs)")
    args = parser.parse_args(argv)
    if args.datasets < 10 or args.requests < 2 or args.warmup < 0:
        parser.error("--datasets ≥ 10, --requests ≥ 2, --warmup ≥ 0")
    try:
        return catalog_bench.run(args.datasets, args.seed, args.requests, args.warmup, args.output, args.keep)
    except KeyboardInterrupt:
        print("interrompu", file=sys.stderr)
        return 130
    except Exception as error:  # a readable line rather than a traceback; servers are already stopped
        print(f"bench: {type(error).__name__}: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
