"""Helpers for the typing tests: raw tables written as all-text Parquet, typed and read back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from territoria.ingest.readers.base import RawColumn, RawTable
from territoria.ingest.typing import TypedTable, type_table


def make_raw(
    directory: Path, columns: dict[str, list[str | None]], *, labels: dict[str, str] | None = None, **kw: Any
) -> RawTable:
    """A RawTable like the readers make: a Parquet file whose columns are all VARCHAR."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "raw.parquet"
    table = pa.table({name: pa.array(values, type=pa.string()) for name, values in columns.items()})
    pq.write_table(table, path)
    labels = labels or {}
    raw_columns = [RawColumn(name, labels.get(name, name.replace("_", " ").capitalize())) for name in columns]
    return RawTable(path=path, columns=raw_columns, row_count=table.num_rows, **kw)


def run(directory: Path, columns: dict[str, list[str | None]], **kw: Any) -> tuple[TypedTable, pa.Table]:
    """Type a small table; returns the result and the typed Parquet read back with pyarrow."""
    raw = make_raw(directory / "in", columns, **kw)
    result = type_table(raw, directory / "typed.parquet", workdir=directory / "work")
    return result, pq.read_table(result.path)


def column(result: TypedTable, name: str) -> Any:
    return next(c for c in result.columns if c.name == name)


def values(table: pa.Table, name: str) -> list[Any]:
    return table.column(name).to_pylist()


def issues(result: TypedTable, code: str) -> list[Any]:
    return [i for i in result.issues if i.code == code]
