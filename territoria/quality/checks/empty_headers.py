"""Empty headers: a column whose header cell is blank in the source."""

from __future__ import annotations

from territoria.quality.checks._base import Check, Table
from territoria.quality.report import Issue


def run(table: Table) -> list[Issue]:
    issues = []
    for position, column in enumerate(table.columns, start=1):
        if column.label.strip():
            continue
        issues.append(
            Issue(
                code="empty-header",
                severity="error",
                column=column.name,
                check=CHECK.name,
                message=(
                    f"L'en-tête de la colonne n° {position} est vide : elle a reçu le nom provisoire "
                    f"« {column.name} ». Écrivez un nom explicite dans la ligne d'en-tête du fichier, "
                    "ou supprimez la colonne si elle ne sert pas."
                ),
                details={"position": position, "name": column.name},
            )
        )
    return issues


CHECK = Check(
    name="empty-header",
    title="En-têtes vides",
    run=run,
    order=10,
    needs_rows=False,
)
