"""Headers with leading or trailing whitespace (spaces, tabs, non-breaking spaces, line breaks)."""

from __future__ import annotations

from territoria.quality import _fr
from territoria.quality.checks._base import Check, Table
from territoria.quality.report import Issue

SPACES = " \t\r\n\u00a0\u202f\u2007\ufeff"


def run(table: Table) -> list[Issue]:
    issues = []
    for position, column in enumerate(table.columns, start=1):
        label = column.label
        stripped = label.strip(SPACES)
        if not stripped or stripped == label:
            continue
        where = []
        if label[0] in SPACES:
            where.append("au début")
        if label[-1] in SPACES:
            where.append("à la fin")
        issues.append(
            Issue(
                code="header-whitespace",
                severity="warning",
                column=label,
                check=CHECK.name,
                message=(
                    f"L'en-tête de la colonne n° {position} ({_fr.quote(stripped)}) contient des espaces "
                    f"{_fr.join(where)} : {label!r}. Un schéma ou une réutilisation qui attend "
                    f"{_fr.quote(stripped)} ne le reconnaîtra pas ; retirez ces espaces dans le fichier source."
                ),
                details={"position": position, "label": label, "expected": stripped},
            )
        )
    return issues


CHECK = Check(
    name="header-whitespace",
    title="Espaces autour des en-têtes",
    run=run,
    order=12,
    needs_rows=False,
)
