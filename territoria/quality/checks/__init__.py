"""Structural checks over a raw table: one small module per check, found by this registry.

Adding a check is adding a file here: a module (name not starting with "_") that defines
``CHECK = Check(name=..., title=..., run=...)``. ``run`` receives a :class:`Table` (the raw
Parquet opened in DuckDB as the view ``raw_rows``, with the 1-based data row number in
``__territoria_row``) and returns a list of :class:`~territoria.quality.report.Issue`.
See docs/quality.md.
"""

from __future__ import annotations

import importlib
import pkgutil

from territoria.lib.tables import RawTable
from territoria.quality.checks._base import Check, Table, open_table
from territoria.quality.report import Issue

__all__ = ["CHECKS", "Check", "Table", "discover", "run_structural"]


def discover() -> list[Check]:
    """Every ``CHECK`` of the modules of this package, in (order, name) order."""
    found: list[Check] = []
    for module in pkgutil.iter_modules(__path__):
        if module.name.startswith("_"):
            continue
        mod = importlib.import_module(f"{__name__}.{module.name}")
        check = getattr(mod, "CHECK", None)
        if not isinstance(check, Check):
            raise TypeError(f"{mod.__name__} must define CHECK = Check(...)")
        found.append(check)
    names = [c.name for c in found]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"two structural checks share a name: {duplicates}")
    return sorted(found, key=lambda c: (c.order, c.name))


CHECKS: list[Check] = discover()


def run_structural(raw: RawTable, checks: list[Check] | None = None, *, table: Table | None = None) -> list[Issue]:
    """Run the structural checks (all of ``CHECKS`` by default) over ``raw``; issues in check order.

    ``table``: ``raw`` already opened by :func:`open_table` (to share it with the personal-data guard).
    """
    if table is None:
        with open_table(raw) as opened:
            return run_structural(raw, checks, table=opened)
    issues: list[Issue] = []
    for check in CHECKS if checks is None else checks:
        if check.needs_rows and (raw.row_count == 0 or not raw.columns):
            continue
        issues.extend(check.run(table))
    return issues
