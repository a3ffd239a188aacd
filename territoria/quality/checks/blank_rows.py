"""Blank rows: every cell of the row is empty (NULL, "" or only spaces)."""

from __future__ import annotations

from territoria.quality import _fr
from territoria.quality.checks._base import ROW, VIEW, Check, Table
from territoria.quality.report import Issue

SHOWN = 10


def run(table: Table) -> list[Issue]:
    if table.full_columns():
        return []  # a column is filled on every row: no row can be blank
    where = " AND ".join(table.blank(c.name) for c in table.columns)
    (count,) = table.fetchall(f"SELECT count(*) FROM {VIEW} WHERE {where}")[0]  # noqa: S608
    count = int(count)
    if not count:
        return []
    sql = f"SELECT {ROW} FROM {VIEW} WHERE {where} ORDER BY {ROW} LIMIT {SHOWN}"  # noqa: S608
    first = [int(r[0]) for r in table.fetchall(sql)]
    if count == 1:
        what = f"La ligne de données n° {first[0]} est entièrement vide"
    else:
        what = f"{_fr.plural(count, 'ligne')} sont entièrement vides (lignes de données {_fr.rows(first, count)})"
    return [
        Issue(
            code="blank-row",
            severity="warning",
            row=first[0],
            check=CHECK.name,
            message=(
                f"{what}. Supprimez-les du fichier source : une ligne vide ne décrit rien et fausse les comptages."
            ),
            details={"count": count, "rows": first},
        )
    ]


CHECK = Check(name="blank-row", title="Lignes vides", run=run, order=20)
