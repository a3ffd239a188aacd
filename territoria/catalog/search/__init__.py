"""Catalogue full-text search in French, one API over two engines.

SQLite: an FTS5 table fed with folded, Snowball-stemmed words, ranked by BM25.
PostgreSQL: a tsvector table with the ``territoria_fr`` configuration
(french stemming after ``unaccent``), ranked by ts_rank_cd.
Both ignore accents and case, so « equipement » finds « Équipements ».
Fields are weighted: title first, then keywords, themes and publisher, then description.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection

from territoria.catalog.search import postgres, sqlite
from territoria.catalog.search.document import SearchDocument, document_for


def _engine() -> Any:
    return postgres if connection.vendor == "postgresql" else sqlite


def index(dataset: Any) -> None:
    """(Re)index one dataset."""
    _engine().index(document_for(dataset))


def remove(dataset_id: int) -> None:
    _engine().remove(dataset_id)


def ranked_ids(text: str, limit: int = 10_000) -> list[tuple[int, float]]:
    """Dataset ids matching ``text``, best first, with a relevance score (higher is better)."""
    if not text.strip():
        return []
    return _engine().ranked_ids(text, limit)


_state = threading.local()


@contextmanager
def deferred() -> Iterator[None]:
    """Skip signal-driven indexing inside the block; the caller indexes once at the end."""
    previous = getattr(_state, "deferred", False)
    _state.deferred = True
    try:
        yield
    finally:
        _state.deferred = previous


def is_deferred() -> bool:
    return bool(getattr(_state, "deferred", False))


def rebuild() -> int:
    from territoria.catalog.models import Dataset

    count = 0
    _engine().clear()
    for dataset in Dataset.objects.select_related("organisation").prefetch_related("themes", "keywords"):
        index(dataset)
        count += 1
    return count


__all__ = ["SearchDocument", "deferred", "index", "is_deferred", "ranked_ids", "rebuild", "remove"]
