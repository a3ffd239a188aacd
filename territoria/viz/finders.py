"""A staticfiles finder for the files of :mod:`territoria.viz.vendor`, and only those."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import CheckMessage, Error
from django.core.files.storage import FileSystemStorage

from territoria.viz.vendor import LIBRARIES, Library


class VendorFinder(BaseFinder):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.libraries: list[tuple[Library, FileSystemStorage]] = []
        for library in LIBRARIES:
            try:
                location = library.base_dir()
            except LookupError:
                continue  # reported by check()
            storage = FileSystemStorage(location=str(location))
            storage.prefix = library.prefix  # type: ignore[attr-defined]
            self.libraries.append((library, storage))

    def check(self, **kwargs: Any) -> list[CheckMessage]:
        errors: list[CheckMessage] = []
        for library in LIBRARIES:
            try:
                base = library.base_dir()
            except LookupError as error:
                errors.append(Error(str(error), id="viz.E001"))
                continue
            missing = [name for name in library.files if not (base / name).is_file()]
            if missing:
                errors.append(Error(f"{library.package}: missing {', '.join(missing)} in {base}", id="viz.E002"))
        return errors

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> str | list[str]:  # type: ignore[override]
        matches: list[str] = []
        for library, storage in self.libraries:
            prefix = library.prefix + "/"
            name = path[len(prefix) :] if path.startswith(prefix) else None
            if name in library.files and storage.exists(name):
                found = storage.path(name)
                if not find_all:
                    return found
                matches.append(found)
        return matches

    def list(self, ignore_patterns: Any) -> Iterator[tuple[str, FileSystemStorage]]:
        for library, storage in self.libraries:
            for name in library.files:
                if storage.exists(name):
                    yield name, storage
