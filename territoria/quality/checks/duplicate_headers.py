"""Duplicated headers: two columns with the same header (ignoring case and surrounding spaces)."""

from __future__ import annotations

import re
import unicodedata

from territoria.quality import _fr
from territoria.quality.checks._base import Check, Table
from territoria.quality.report import Issue


def normalise(label: str) -> str:
    """The header as a person reads it: NFC, no surrounding spaces, single spaces, case folded."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", label)).strip().casefold()


def run(table: Table) -> list[Issue]:
    groups: dict[str, list[int]] = {}
    for position, column in enumerate(table.columns, start=1):
        key = normalise(column.label)
        if key:  # blank headers are the empty-header check's business
            groups.setdefault(key, []).append(position)
    issues = []
    for positions in groups.values():
        if len(positions) < 2:
            continue
        columns = [table.columns[p - 1] for p in positions]
        labels = [c.label for c in columns]
        first = labels[0]
        variants = sorted(set(labels))
        nuance = ""
        if len(variants) > 1:
            nuance = " (à la casse ou aux espaces près : " + _fr.join(_fr.quote(v) for v in variants) + ")"
        issues.append(
            Issue(
                code="duplicate-header",
                severity="error",
                column=first,
                check=CHECK.name,
                message=(
                    f"L'en-tête {_fr.quote(first.strip())} apparaît {len(positions)} fois{nuance}, en colonnes "
                    f"n° {_fr.join(str(p) for p in positions)}. Chaque colonne doit porter un nom unique : "
                    "renommez les colonnes en double ou supprimez celles qui répètent une autre."
                ),
                details={"positions": positions, "labels": labels, "names": [c.name for c in columns]},
            )
        )
    return issues


CHECK = Check(
    name="duplicate-header",
    title="En-têtes en double",
    run=run,
    order=11,
    needs_rows=False,
)
