"""Temporary files of the exports written whole before they are sent (XLSX, Parquet, Shapefile).

Each export gets a folder of its own, removed when the writing generator ends: after the last piece, on an
error, or when the response is closed before the end (the client went away: the server closes the response,
which closes the generator).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TEMP_DIR: str | None = None  # None: the system's temporary folder
PIECE = 1 << 20  # bytes per piece sent


@contextmanager
def folder() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="territoria-export-", dir=TEMP_DIR))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def pieces(path: Path) -> Iterator[bytes]:
    with path.open("rb") as f:
        while piece := f.read(PIECE):
            yield piece
