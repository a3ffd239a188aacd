"""PostgreSQL full-text engine. Configuration and table are created by migration catalog 0002."""

from __future__ import annotations

from django.db import connection

from territoria.catalog.search.document import SearchDocument
from territoria.lib.text import words

TABLE = "catalog_dataset_search"
CONFIG = "territoria_fr"
CREATE = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    f"""DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{CONFIG}') THEN
            CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = french);
            ALTER TEXT SEARCH CONFIGURATION {CONFIG}
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
        END IF;
    END $$""",
    f"CREATE TABLE IF NOT EXISTS {TABLE} (dataset_id bigint PRIMARY KEY, document tsvector NOT NULL)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_document ON {TABLE} USING gin (document)",
]
DROP = [f"DROP TABLE IF EXISTS {TABLE}"]


def index(doc: SearchDocument) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {TABLE} (dataset_id, document) VALUES (%s,
                   setweight(to_tsvector('{CONFIG}', %s), 'A')
                || setweight(to_tsvector('{CONFIG}', %s), 'B')
                || setweight(to_tsvector('{CONFIG}', %s), 'C'))
                ON CONFLICT (dataset_id) DO UPDATE SET document = EXCLUDED.document""",  # noqa: S608
            [doc.dataset_id, doc.title, doc.tags, doc.body],
        )


def remove(dataset_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE dataset_id = %s", [dataset_id])  # noqa: S608


def clear() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608


def to_tsquery_text(text: str) -> str:
    """Each folded word becomes a quoted prefix term ('velo':*), all required.

    Words come from ``lib.text.words`` (letters and digits only), so nothing of the
    user's text can be read as tsquery syntax.
    """
    return " & ".join(f"'{word}':*" for word in dict.fromkeys(words(text)))


def ranked_ids(text: str, limit: int) -> list[tuple[int, float]]:
    query_text = to_tsquery_text(text)
    if not query_text:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT dataset_id, ts_rank_cd(document, query) AS score
                FROM {TABLE}, to_tsquery('{CONFIG}', %s) AS query
                WHERE document @@ query ORDER BY score DESC, dataset_id LIMIT %s""",
            [query_text, limit],
        )
        return [(int(row[0]), float(row[1])) for row in cursor.fetchall()]
