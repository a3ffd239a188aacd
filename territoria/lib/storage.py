"""Content-addressed file store: a file is kept once, under the SHA-256 of its bytes.

Framework-free. The root folder is given by the caller (settings.FILES_DIR).
Writing goes to a temporary file first and is renamed into place, so a
crash never leaves a half-written object under its final name.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Protocol

CHUNK = 1024 * 1024


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class ContentStore:
    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    def path_for(self, digest: str) -> Path:
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise ValueError(f"not a SHA-256 hex digest: {digest!r}")
        return self.root / "sha256" / digest[:2] / digest[2:4] / digest

    def exists(self, digest: str) -> bool:
        return self.path_for(digest).is_file()

    def put_stream(self, stream: Readable) -> tuple[str, int]:
        """Store the bytes read from ``stream``; return (sha256 hex digest, size in bytes)."""
        self.root.mkdir(parents=True, exist_ok=True)
        sha = hashlib.sha256()
        size = 0
        fd, tmp_name = tempfile.mkstemp(dir=self.root, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as tmp:
                while chunk := stream.read(CHUNK):
                    sha.update(chunk)
                    size += len(chunk)
                    tmp.write(chunk)
                tmp.flush()
                os.fsync(tmp.fileno())
            digest = sha.hexdigest()
            final = self.path_for(digest)
            final.parent.mkdir(parents=True, exist_ok=True)
            if final.exists():
                os.unlink(tmp_name)
            else:
                os.replace(tmp_name, final)
                os.chmod(final, 0o444)
        except BaseException:
            if os.path.exists(tmp_name):
                os.unlink(tmp_name)
            raise
        return digest, size

    def put_path(self, path: Path | str) -> tuple[str, int]:
        with open(path, "rb") as stream:
            return self.put_stream(stream)

    def open(self, digest: str) -> BinaryIO:
        return open(self.path_for(digest), "rb")
