"""Duplicate rows: a row identical, cell for cell, to an earlier row (blank rows left aside)."""

from __future__ import annotations

from territoria.quality import _fr
from territoria.quality.checks._base import ROW, VIEW, Check, Table, ident
from territoria.quality.report import Issue

SHOWN = 3


def run(table: Table) -> list[Issue]:
    columns = table.columns
    partition = ", ".join(ident(c.name) for c in columns)
    not_blank = " OR ".join(f"NOT {table.blank(c.name)}" for c in columns)
    # Cheap exact pre-check: equal rows have equal hashes, so if no two rows share a hash there is no
    # duplicate (a hash collision only sends us to the full query below, it never hides a duplicate).
    hashed = f"SELECT count(*), count(DISTINCT hash({partition})) FROM {VIEW} WHERE {not_blank}"  # noqa: S608
    rows, hashes = table.fetchall(hashed)[0]
    if rows == hashes:
        return []
    sql = f"""
        WITH numbered AS (
            SELECT {ROW} AS row_number,
                   min({ROW}) OVER (PARTITION BY {partition}) AS first_row,
                   count(*) OVER (PARTITION BY {partition}) AS copies
            FROM {VIEW} WHERE {not_blank}
        )
        SELECT row_number, first_row, count(*) OVER () AS total
        FROM numbered WHERE copies > 1 AND row_number > first_row
        ORDER BY row_number LIMIT {SHOWN}
    """  # noqa: S608
    found = table.fetchall(sql)
    if not found:
        return []
    total = int(found[0][2])
    pairs = [(int(r[0]), int(r[1])) for r in found]
    row, original = pairs[0]
    if total == 1:
        what = f"La ligne de données n° {row} est une copie exacte de la ligne n° {original}"
    else:
        what = (
            f"{_fr.plural(total, 'ligne')} sont des copies exactes d'une ligne précédente "
            f"(lignes de données {_fr.rows([p[0] for p in pairs], total)} ; "
            f"par ex. la ligne {row} répète la ligne {original})"
        )
    return [
        Issue(
            code="duplicate-row",
            severity="warning",
            row=row,
            check=CHECK.name,
            message=(
                f"{what}. Supprimez les doublons, ou ajoutez une colonne d'identifiant si ces lignes "
                "décrivent bien des objets distincts."
            ),
            details={"count": total, "rows": [p[0] for p in pairs], "first_rows": [p[1] for p in pairs]},
        )
    ]


CHECK = Check(name="duplicate-row", title="Lignes en double", run=run, order=22)
