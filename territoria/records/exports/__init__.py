"""Export formats of the records API: one small module per format, found by its name.

``exports/{format}`` is answered by the module of this package named ``{format}`` (``csv.py`` answers
``exports/csv``). Adding a format is adding a module; each one holds:

- ``CONTENT_TYPE`` and ``EXTENSION`` (of the downloaded file), ``DOC`` and ``EXAMPLE`` (French description and
  example body, or None for a binary file, shown in the OpenAPI document);
- ``PARAMS``: the query parameters of its own it reads (``delimiter``…), accepted for every format;
- ``ARROW``: True to receive Arrow record batches (:func:`engine.stream_arrow`), False for tuples in chunks
  (:func:`engine.stream_raw`);
- ``prepare(params, compiled) -> dict``: checks its parameters and the query (a Shapefile needs a geometry),
  raising :class:`ApiError` before anything is sent;
- ``write(job) -> Iterator[bytes]``: the file, piece by piece, in constant memory. A format that must be written
  whole first (XLSX, Parquet, Shapefile) writes a temporary file (:mod:`._files`) and streams it.

Modules whose name starts with ``_`` are helpers, not formats.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol, cast

from django.http import QueryDict

from territoria.records import compiler, engine


@dataclass
class Job:
    """What an exporter writes: the compiled query, its rows as they come, and the dataset's names."""

    compiled: compiler.Compiled
    rows: Any  # engine.Stream (ARROW False) or engine.ArrowStream (ARROW True)
    slug: str
    title: str
    options: dict[str, Any] = field(default_factory=dict)


class Exporter(Protocol):
    CONTENT_TYPE: str
    EXTENSION: str
    PARAMS: frozenset[str]
    ARROW: bool
    DOC: str
    EXAMPLE: str | None

    def prepare(self, params: QueryDict, compiled: compiler.Compiled) -> dict[str, Any]: ...

    def write(self, job: Job) -> Iterator[bytes]: ...


def _discover() -> dict[str, Exporter]:
    found: dict[str, Exporter] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if not info.name.startswith("_"):
            found[info.name] = cast(Exporter, importlib.import_module(f"{__name__}.{info.name}"))
    return found


EXPORTERS: dict[str, Exporter] = _discover()
PARAMS: frozenset[str] = frozenset().union(*(e.PARAMS for e in EXPORTERS.values()))


def get(name: str) -> Exporter | None:
    return EXPORTERS.get(name)


def rows(exporter: Exporter, compiled: compiler.Compiled) -> Any:
    """The rows an exporter reads; the first query runs now (raises engine.EngineError)."""
    return engine.stream_arrow(compiled) if exporter.ARROW else engine.stream_raw(compiled)
