"""Fixed-window counters in files, shared by processes on one machine, without a lock and without rewriting.

Each hit appends one byte to the file of its key and window (``O_APPEND`` writes are atomic), then reads the
file's size: the count so far. Two processes hitting at the same moment may both read the larger size, never
a smaller one: a count is never under the true number of hits. Windows are folders; the first hit of a new
window removes the folders of windows that are over. No framework import: see ``accounts/ratelimit.py``.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

SAFE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class FileCounters:
    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)

    def hit(self, scope: str, key: str, window: int) -> int:
        """Count one hit of ``key`` (a digest: letters, digits, ``-`` and ``_``) in ``window`` of ``scope``."""
        if not SAFE.match(scope) or not SAFE.match(key):
            raise ValueError("scope and key must be 1 to 64 letters, digits, '-' or '_'")
        folder = self.folder / scope / str(window)
        path = folder / key
        try:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        except FileNotFoundError:
            folder.mkdir(parents=True, exist_ok=True)
            self._drop_windows_before(scope, window)
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, b"\x01")
            return os.fstat(fd).st_size
        finally:
            os.close(fd)

    def _drop_windows_before(self, scope: str, window: int) -> None:
        for entry in (self.folder / scope).iterdir():
            if entry.name.isdigit() and int(entry.name) < window:
                shutil.rmtree(entry, ignore_errors=True)
