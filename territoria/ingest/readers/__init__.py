"""Readers by format, and ``read_any``: detect the format from the bytes, unwrap gzip or a one-file zip, read."""

from __future__ import annotations

import contextlib
import gzip
import zipfile
from dataclasses import replace
from pathlib import Path, PurePosixPath
from types import ModuleType

from territoria.ingest.readers import csv_reader, excel_reader, geo_reader, json_reader, parquet_reader
from territoria.ingest.readers.base import DEFAULT_OPTIONS, Progress, RawTable, ReadError, ReadOptions, no_progress
from territoria.ingest.readers.common import check_size, checked_zip_members, human_size, max_bytes
from territoria.ingest.sniff import detect_format, is_gzip

READERS: dict[str, ModuleType] = {
    fmt: module
    for module in (csv_reader, excel_reader, json_reader, geo_reader, parquet_reader)
    for fmt in module.FORMATS
}
DATA_SUFFIXES = (
    ".csv",
    ".tsv",
    ".txt",
    ".json",
    ".jsonl",
    ".ndjson",
    ".geojson",
    ".kml",
    ".gpkg",
    ".xlsx",
    ".xls",
    ".ods",
    ".parquet",
)
_CHUNK = 1 << 20

__all__ = ["READERS", "ReadError", "ReadOptions", "RawTable", "read_any"]


def _copy_limited(source: object, target: Path, limit: int, name: str) -> None:
    """Stream ``source`` (a binary file object) into ``target``, refusing content above ``limit`` bytes."""
    written = 0
    with open(target, "wb") as out:
        while chunk := source.read(_CHUNK):  # type: ignore[attr-defined]
            written += len(chunk)
            if written > limit:
                out.close()
                target.unlink(missing_ok=True)
                raise ReadError(
                    f"Une fois décompressé, « {name} » dépasse {human_size(limit)}. Découpez-le en plusieurs fichiers "
                    "ou demandez à l'administrateur de relever la limite."
                )
            out.write(chunk)


def _unpacked(workdir: Path, inner_name: str) -> Path:
    folder = workdir / "unpacked"
    folder.mkdir(parents=True, exist_ok=True)
    suffix = "".join(c for c in PurePosixPath(inner_name).suffix.lower() if c.isalnum() or c == ".")
    return folder / f"source{suffix}"


def _cleanup(inner: Path) -> None:
    inner.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        inner.parent.rmdir()


def _gunzip(path: Path, workdir: Path, options: ReadOptions, name: str) -> tuple[Path, str]:
    inner_name = name[:-3] if name.lower().endswith(".gz") else name
    target = _unpacked(workdir, inner_name)
    try:
        with gzip.open(path, "rb") as source:
            _copy_limited(source, target, max_bytes(options), name)
    except (OSError, EOFError) as exc:
        target.unlink(missing_ok=True)
        raise ReadError(
            f"L'archive gzip « {name} » est endommagée ({exc}). Recompressez le fichier puis rechargez-le."
        ) from exc
    return target, inner_name


def _unzip_single(path: Path, workdir: Path, options: ReadOptions, name: str) -> tuple[Path, str]:
    members = [
        i
        for i in checked_zip_members(path, options)
        if not i.is_dir()
        and not i.filename.startswith("__MACOSX/")
        and not PurePosixPath(i.filename).name.startswith(".")
        and i.filename.lower().endswith(DATA_SUFFIXES)
    ]
    if len(members) != 1:
        found = ", ".join(i.filename for i in members[:10]) or "aucun fichier de données"
        raise ReadError(
            f"L'archive « {name} » doit contenir un seul fichier de données (ou un Shapefile) ; elle contient : "
            f"{found}. Envoyez les fichiers un par un."
        )
    member = members[0]
    target = _unpacked(workdir, member.filename)
    with zipfile.ZipFile(path) as zf, zf.open(member) as source:
        _copy_limited(source, target, max_bytes(options), name)
    return target, PurePosixPath(member.filename).name


def read_any(
    path: Path,
    workdir: Path,
    *,
    declared_name: str = "",
    options: ReadOptions = DEFAULT_OPTIONS,
    progress: Progress = no_progress,
) -> RawTable:
    """Read any supported file into ``workdir/raw.parquet``, whatever its extension says."""
    options = replace(options, file_name=options.file_name or declared_name or path.name)
    name = options.file_name or path.name
    check_size(path, options)
    workdir.mkdir(parents=True, exist_ok=True)
    if is_gzip(path):
        inner, inner_name = _gunzip(path, workdir, options, name)
        try:
            table = read_any(inner, workdir, options=replace(options, file_name=inner_name), progress=progress)
        finally:
            _cleanup(inner)
        table.source["compression"] = "gzip"
        table.source["file_name"] = name
        return table
    fmt = detect_format(path, name)
    if fmt == "zip":
        inner, inner_name = _unzip_single(path, workdir, options, name)
        try:
            table = read_any(inner, workdir, options=replace(options, file_name=inner_name), progress=progress)
        finally:
            _cleanup(inner)
        table.source["archive"] = name
        return table
    reader = READERS.get(fmt)
    if reader is None:
        raise ReadError(
            f"Le format de « {name} » n'est pas pris en charge ({fmt}). Formats acceptés : CSV, TSV, XLSX, XLS, ODS, "
            "JSON, JSON Lines, GeoJSON, Shapefile zippé, GeoPackage, KML, Parquet (éventuellement compressés en gzip)."
        )
    result: RawTable = reader.read(path, workdir, options=options, progress=progress)
    result.source.setdefault("format", fmt)
    return result
