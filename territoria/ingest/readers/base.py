"""The contract every reader fulfils: any file in, one raw table of text out.

A reader streams its source into a Parquet file whose columns are all text (VARCHAR),
in source order, without guessing types: typing happens afterwards over whole columns
(territoria.ingest.typing). Adding a format is adding a module with ``FORMATS`` and
``read()`` to this package and listing it in ``readers/__init__.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from territoria.lib.tables import RawColumn, RawTable

__all__ = ["Progress", "RawColumn", "RawTable", "ReadError", "ReadOptions", "no_progress"]

# progress(stage, rows_done): called now and then while reading ("lecture", 120000).
Progress = Callable[[str, int], None]


def no_progress(stage: str, rows: int) -> None:
    """Default progress callback: ignores reports."""


@dataclass(frozen=True)
class ReadOptions:
    """What a person may force when sniffing guessed wrong; None means "sniff it"."""

    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    header_row: int | None = None  # 1-based; 0 = the file has no header row
    layer: str | None = None
    source_crs: str | None = None  # e.g. "EPSG:2154" when a layer declares none
    file_name: str | None = None  # name shown in messages (the upload's name); None = the path's name
    max_bytes: int | None = None  # refuse bigger files (and decompressed content); None = MAX_BYTES
    max_row_bytes: int | None = None  # refuse longer lines / records; None = MAX_ROW_BYTES


DEFAULT_OPTIONS = ReadOptions()  # the frozen default, shared
MAX_BYTES = 5 * 1024**3  # 5 GiB
MAX_ROW_BYTES = 1024**2  # 1 MiB


class ReadError(ValueError):
    """The file cannot be read. ``message`` is French and says what to do; row/column when known."""

    def __init__(self, message: str, *, row: int | None = None, column: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.row = row
        self.column = column
