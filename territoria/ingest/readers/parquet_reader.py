"""Parquet → raw Parquet: every column cast to text by DuckDB (nested values as JSON, binary as base64)."""

from __future__ import annotations

import contextlib
from pathlib import Path

import duckdb

from territoria.ingest.readers.base import DEFAULT_OPTIONS, Progress, RawTable, ReadError, ReadOptions, no_progress
from territoria.ingest.readers.common import (
    RAW_PARQUET,
    check_size,
    duckdb_connect,
    file_label,
    make_columns,
    sql_string,
)
from territoria.quality.report import Issue

FORMATS = ("parquet",)


def _as_text(column: str, kind: str) -> str:
    quoted = '"' + column.replace('"', '""') + '"'
    if kind.endswith("]") or kind.startswith(("STRUCT", "MAP", "UNION")):
        return f"to_json({quoted})::VARCHAR"
    if kind in ("BLOB", "GEOMETRY"):
        return f"to_base64({quoted}::BLOB)"
    if kind.startswith("TIMESTAMP"):
        return f"replace(CAST({quoted} AS VARCHAR), ' ', 'T')"
    return f"CAST({quoted} AS VARCHAR)"


def read(
    path: Path, workdir: Path, *, options: ReadOptions = DEFAULT_OPTIONS, progress: Progress = no_progress
) -> RawTable:
    """Copy a Parquet file into ``workdir/raw.parquet`` with every column as VARCHAR."""
    name = file_label(path, options)
    check_size(path, options)
    workdir.mkdir(parents=True, exist_ok=True)
    out = workdir / RAW_PARQUET
    con = duckdb_connect(workdir)
    try:
        source = f"read_parquet({sql_string(path)})"
        try:
            described = con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()  # noqa: S608
        except duckdb.Error as exc:
            raise ReadError(
                f"Le fichier Parquet « {name} » est illisible ({str(exc).splitlines()[0]}). Réexportez-le puis "
                "rechargez-le."
            ) from exc
        labels = [str(r[0]) for r in described]
        columns, issues = make_columns(labels)
        body = ", ".join(
            f'{_as_text(label, str(r[1]))} AS "{c.name}"'
            for label, r, c in zip(labels, described, columns, strict=True)
        )
        result = con.execute(
            f"COPY (SELECT {body} FROM {source}) TO {sql_string(out)} (FORMAT parquet, COMPRESSION zstd)"  # noqa: S608
        ).fetchone()
        row_count = int(result[0]) if result else 0
    finally:
        con.close()
        with contextlib.suppress(OSError):
            (workdir / "duckdb_tmp").rmdir()
    progress("lecture", row_count)
    types = {c.name: str(r[1]) for c, r in zip(columns, described, strict=True)}
    issues_out: list[Issue] = list(issues)
    return RawTable(
        path=out,
        columns=columns,
        row_count=row_count,
        source={"format": "parquet", "file_name": name, "types": types},
        issues=issues_out,
    )
