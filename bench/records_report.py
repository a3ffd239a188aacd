"""The records benchmark's report: the JSON document, the issue's targets, and the tables it prints.

Split from ``records_bench.py`` (which measures): ``records_bench._run`` calls ``build_report`` then
``print_report``.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
from datetime import UTC, datetime
from typing import Any

import ingest_data
from catalog_bench import table
from records_bench import (
    DATASETTE_SETTINGS,
    FLAT_STREAMING_MIB,
    FLAT_TOTAL_MIB,
    FTS_COLUMNS,
    GUNICORN_DEFAULT_TIMEOUT,
    INDEXES,
    MAX_REQUESTS_PER_THREAD,
    MIB,
    PEERS,
    RATE_LIMIT,
    SERVE_TIMEOUT,
    TARGET_MS,
    TARGET_RATIO,
    TARGET_RPS,
    Expected,
    Query,
    Throughput,
    Timing,
    quantile,
    verdict,
    versions,
)


def _peer(timing: Timing) -> dict[str, Any]:
    return {
        "url": timing.url,
        "first_ms": round(timing.first_ms, 2),
        "median_ms": round(timing.median, 2),
        "p95_ms": round(timing.p95, 2),
        "bytes": timing.size,
        "samples_ms": [round(x, 3) for x in timing.samples_ms],
    }


def build_report(
    results: list[tuple[Query, dict[str, Timing]]],
    loads: list[Throughput],
    exports: dict[str, dict[str, Any]],
    expected: Expected,
    info: dict[str, Any],
    n: int,
    seed: int,
    requests: int,
    warmup: int,
    threads: int,
    duration: float,
    datasette_versions: dict[str, Any],
) -> dict[str, Any]:
    rows = []
    for query, timings in results:
        agree, totals, first = verdict(query, timings)
        t, c, d = (timings[peer] for peer in PEERS)
        rows.append(
            {
                "key": query.key,
                "query": query.name,
                "territoria": _peer(t),
                "territoria_cold": _peer(c),
                "datasette": _peer(d),
                "ratio": d.median / t.median,
                "ratio_cold": d.median / c.median,
                "agree": agree,
                "totals": totals,
                "rows": first,
                "note": query.note,
                "rotation_errors": {peer: timing.rotation_errors[:5] for peer, timing in timings.items()},
                "answers": {
                    peer: {"total": timing.answer.total, "first_rows": [list(r) for r in timing.answer.rows[:5]]}
                    for peer, timing in timings.items()
                },
            }
        )
    by_key = {r["key"]: r for r in rows}
    rates = {
        f"{load.query}/{load.peer}": {
            "rps": round(load.rps, 1),
            "requests": load.ok,
            "errors": load.errors,
            "seconds": round(load.seconds, 2),
            "median_ms": round(statistics.median(load.latencies_ms), 2) if load.latencies_ms else None,
            "p95_ms": round(quantile(load.latencies_ms, 0.95), 2) if load.latencies_ms else None,
        }
        for load in loads
    }
    export_t = exports["territoria"]
    export_ok = export_t["lines"] == n + 1 and export_t["head"][:1] == [",".join(ingest_data.COLUMNS) + ",geo_point_2d"]
    datasette_export_ok = exports["datasette"]["lines"] == n + 1
    targets = []

    def target(text: str, value: str, met: bool, cold: str = "", cold_met: bool | None = None) -> None:
        targets.append({"target": text, "value": value, "met": met, "value_cold": cold, "met_cold": cold_met})

    # Each target twice: as served (pages kept by the worker that answered), and with no page kept.
    for key, limit in TARGET_MS.items():
        ms, cold = by_key[key]["territoria"]["median_ms"], by_key[key]["territoria_cold"]["median_ms"]
        target(f"{by_key[key]['query']} ≤ {limit:g} ms", f"{ms:.1f} ms", ms <= limit, f"{cold:.1f} ms", cold <= limit)
    for key, limit in TARGET_RATIO.items():
        ratio, cold = by_key[key]["ratio"], by_key[key]["ratio_cold"]
        target(
            f"{by_key[key]['query']} ≥ {limit:g}× Datasette",
            f"{ratio:.2f}×",
            ratio >= limit,
            f"{cold:.2f}×",
            cold >= limit,
        )
    for key, limit in TARGET_RPS.items():
        rps, cold = rates[f"{key}/territoria"]["rps"], rates[f"{key}/territoria_cold"]["rps"]
        target(
            f"débit {by_key[key]['query']} ≥ {limit:g} req/s",
            f"{rps:.0f} req/s",
            rps >= limit,
            f"{cold:.0f} req/s",
            cold >= limit,
        )
    growth, streaming = export_t["growth_mib"], export_t["growth_after_10_percent_mib"]
    target(
        f"export CSV de {n} lignes en mémoire plate (≤ +{FLAT_TOTAL_MIB:g} Mio en tout, "
        f"≤ +{FLAT_STREAMING_MIB:g} Mio après 10 %)",
        f"+{growth:.1f} Mio, +{streaming:.1f} Mio après 10 % "
        f"(pic {export_t['serving_pid_rss_mib']['peak_sampled']:.0f} Mio)",
        growth <= FLAT_TOTAL_MIB and streaming <= FLAT_STREAMING_MIB and export_ok,
    )
    return {
        "benchmark": "records",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "machine": platform.machine(),
            "load_average": os.getloadavg(),
        },
        "versions": {**versions(), "datasette_sqlite": datasette_versions.get("sqlite", {}).get("version", "")},
        "setup": {
            "rows": n,
            "seed": seed,
            "requests": requests,
            "warmup": warmup,
            "throughput": {"threads": threads, "seconds": duration, "cap_per_thread": MAX_REQUESTS_PER_THREAD},
            "territoria": "territoria ingest --publish (the real pipeline) → published Parquet version; "
            f"territoria serve --timeout {SERVE_TIMEOUT}: gunicorn, 2 sync workers, TERRITORIA_ENV=production, "
            f"TERRITORIA_API_RATE_LIMIT={RATE_LIMIT} (counted, never reached); territoria_cold: the same files "
            "served by a second such server with TERRITORIA_RECORDS_PAGE_CACHE=0 (no page kept)",
            "territoria_version": info["version"],
            "datasette": "datasette serve -i (immutable) "
            + " ".join(f"--setting {k} {v}" for k, v in DATASETTE_SETTINGS.items()),
            "datasette_indexes": [f"readings({c})" for c in INDEXES],
            "datasette_fts": f"FTS5 on {', '.join(FTS_COLUMNS)}, tokenize unicode61 remove_diacritics 2",
            "datasette_analyze": True,
        },
        "results": rows,
        "throughput": rates,
        "exports": {**exports, "territoria_complete": export_ok, "datasette_complete": datasette_export_ok},
        "targets": targets,
        "expected": {
            "rows": expected.rows,
            "eq_total": expected.eq_total,
            "range_total": expected.range_total,
            "word_total": expected.word_total,
            "communes": len(expected.communes),
        },
        "all_agree": all(r["agree"] for r in rows) and export_ok and datasette_export_ok,
    }


def print_report(report: dict[str, Any]) -> None:
    v, setup = report["versions"], report["setup"]
    print(
        f"\nTerritoria {v['territoria']} (Django {v['Django']}, gunicorn {v['gunicorn']}, DuckDB {v['duckdb']}) "
        f"contre Datasette {v['datasette']} (sqlite-utils {v['sqlite-utils']}, SQLite {v['datasette_sqlite']}) ; "
        f"Python {v['python']}, {report['machine']['cpus']} cœurs, charge {report['machine']['load_average'][0]:.1f}"
    )
    print(
        f"Datasette : index {', '.join(setup['datasette_indexes'])} ; {setup['datasette_fts']} ; ANALYZE ; "
        f"{setup['datasette']}"
    )
    print(
        "Médianes (p95) en ms sur HTTP loopback, une requête à la fois ; 1re = toute première requête (à froid) ; "
        "ratio = Datasette / Territoria (> 1 : Territoria plus rapide)\n"
    )
    rows = [
        [
            r["query"],
            f"{r['territoria']['median_ms']:.1f} ({r['territoria']['p95_ms']:.1f})",
            f"{r['territoria']['first_ms']:.0f}",
            f"{r['territoria_cold']['median_ms']:.1f} ({r['territoria_cold']['p95_ms']:.1f})",
            f"{r['datasette']['median_ms']:.1f} ({r['datasette']['p95_ms']:.1f})",
            f"{r['datasette']['first_ms']:.0f}",
            f"{r['ratio']:.2f}",
            f"{r['ratio_cold']:.2f}",
            r["totals"],
            r["rows"],
        ]
        for r in report["results"]
    ]
    headers = [
        "requête",
        "Territoria ms",
        "1re",
        "T sans pages ms",
        "Datasette ms",
        "1re",
        "ratio",
        "ratio sans pages",
        "totaux concordants",
        "lignes",
    ]
    print(table(rows, headers, {1, 2, 3, 4, 5, 6, 7}))
    notes = [r for r in report["results"] if r["note"]]
    if notes:
        print()
    for r in notes:
        print(f"  {r['query']} : {r['note']}.")
    throughput = report["setup"]["throughput"]
    print(f"\nDébit, {throughput['threads']} fils clients, {throughput['seconds']:g} s par pair et par requête :\n")
    rates = report["throughput"]
    names = {r["key"]: r["query"] for r in report["results"]}
    rows = []
    for key in ("page", "eq"):
        t, c, d = (rates[f"{key}/{peer}"] for peer in PEERS)
        rows.append(
            [
                names[key],
                f"{t['rps']:.0f}",
                f"{t['median_ms']} ({t['p95_ms']})",
                f"{c['rps']:.0f}",
                f"{d['rps']:.0f}",
                f"{d['median_ms']} ({d['p95_ms']})",
                f"{t['rps'] / d['rps']:.2f}" if d["rps"] else "—",
                f"{t['errors']} / {c['errors']} / {d['errors']}",
            ]
        )
    headers = [
        "requête",
        "T req/s",
        "T ms méd. (p95)",
        "T sans pages req/s",
        "D req/s",
        "D ms méd. (p95)",
        "ratio T/D",
        "erreurs T / T0 / D",
    ]
    print(table(rows, headers, {1, 2, 3, 4, 5, 6}))
    print("\nExport CSV de toutes les lignes (mémoire résidente du processus qui sert l'export, Mio) :\n")
    rows = []
    for peer, e in report["exports"].items():
        if not isinstance(e, dict):
            continue
        m = e["serving_pid_rss_mib"]
        rows.append(
            [
                peer,
                f"{e['lines'] - 1}",
                f"{e['bytes'] / MIB:.0f}",
                f"{e['seconds']:.1f}",
                f"{m['before']:.0f}",
                f"{m['at_10_percent']:.0f}",
                f"{m['at_50_percent']:.0f}",
                f"{m['at_90_percent']:.0f}",
                f"{m['peak_sampled']:.0f}",
                f"+{e['growth_mib']:.1f}",
                f"+{e['growth_after_10_percent_mib']:.1f}",
            ]
        )
    headers = ["pair", "lignes", "Mio", "s", "avant", "à 10 %", "à 50 %", "à 90 %", "pic", "croissance", "après 10 %"]
    print(table(rows, headers, set(range(1, 11))))
    seconds = report["exports"]["territoria"]["seconds"]
    verdict = "il tiendrait" if seconds < GUNICORN_DEFAULT_TIMEOUT else "il serait coupé"
    print(
        f"\nL'export de Territoria a duré {seconds:.1f} s : avec le délai par défaut des workers de gunicorn "
        f"(--timeout {GUNICORN_DEFAULT_TIMEOUT}), {verdict} (le banc lance territoria serve --timeout {SERVE_TIMEOUT})."
    )
    print("\nObjectifs (issue), tels que servis puis sans pages gardées :")
    for target in report["targets"]:
        line = f"  {target['target']} : {target['value']} — {'atteint' if target['met'] else 'non atteint'}"
        if target.get("value_cold"):
            line += f" ; sans pages : {target['value_cold']} — {'atteint' if target['met_cold'] else 'non atteint'}"
        print(line)
    if not report["all_agree"]:
        print("\nATTENTION : des réponses diffèrent ; un chiffre rapide mais faux ne vaut rien.", file=sys.stderr)
