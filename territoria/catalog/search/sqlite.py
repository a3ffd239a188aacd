"""SQLite FTS5 engine. The table is created by migration catalog 0002."""

from __future__ import annotations

from django.db import connection

from territoria.catalog.search.document import SearchDocument
from territoria.lib.text import stems

TABLE = "catalog_dataset_fts"
CREATE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} "
    "USING fts5(title, tags, body, tokenize='unicode61 remove_diacritics 2')"
)
DROP = f"DROP TABLE IF EXISTS {TABLE}"


def _prepare(text: str) -> str:
    return " ".join(stems(text))


def index(doc: SearchDocument) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE rowid = %s", [doc.dataset_id])  # noqa: S608
        cursor.execute(
            f"INSERT INTO {TABLE} (rowid, title, tags, body) VALUES (%s, %s, %s, %s)",  # noqa: S608
            [doc.dataset_id, _prepare(doc.title), _prepare(doc.tags), _prepare(doc.body)],
        )


def remove(dataset_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE rowid = %s", [dataset_id])  # noqa: S608


def clear() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608


def ranked_ids(text: str, limit: int) -> list[tuple[int, float]]:
    terms = stems(text)
    if not terms:
        return []
    # Each stem becomes a quoted FTS5 prefix term: user text never reaches FTS5 syntax unquoted.
    match = " ".join(f'"{term}"*' for term in dict.fromkeys(terms))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid, bm25({TABLE}, 10.0, 4.0, 1.0) AS score FROM {TABLE} "  # noqa: S608
            f"WHERE {TABLE} MATCH %s ORDER BY score LIMIT %s",
            [match, limit],
        )
        return [(int(row[0]), -float(row[1])) for row in cursor.fetchall()]
