"""Blank columns: a column with no value on any row."""

from __future__ import annotations

from territoria.quality import _fr
from territoria.quality.checks._base import Check, Table
from territoria.quality.report import Issue


def run(table: Table) -> list[Issue]:
    columns = table.columns
    filled = [table.filled()[c.name] for c in columns]
    issues = []
    rows = table.raw.row_count
    for position, (column, n) in enumerate(zip(columns, filled, strict=True), start=1):
        if n:
            continue
        label = table.label(column)
        issues.append(
            Issue(
                code="blank-column",
                severity="warning",
                column=label,
                check=CHECK.name,
                message=(
                    f"La colonne {_fr.quote(label)} (n° {position}) est entièrement vide sur "
                    f"{_fr.plural(rows, 'ligne')}. Remplissez-la, ou supprimez-la si elle ne sert pas."
                ),
                details={"position": position, "rows": rows},
            )
        )
    return issues


CHECK = Check(name="blank-column", title="Colonnes vides", run=run, order=21)
