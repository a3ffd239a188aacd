"""Parquet: DuckDB's Arrow record batches written one after the other by a ParquetWriter (typed columns)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from django.http import QueryDict

from territoria.records import compiler
from territoria.records.exports import Job, _files

CONTENT_TYPE = "application/vnd.apache.parquet"
EXTENSION = "parquet"
PARAMS: frozenset[str] = frozenset()
ARROW = True
DOC = (
    "Apache Parquet : colonnes typées (dates, nombres, booléens ; geo_point en structure lon/lat, "
    "geo_shape en texte GeoJSON)."
)
EXAMPLE: str | None = None


def prepare(params: QueryDict, compiled: compiler.Compiled) -> dict[str, Any]:
    return {}


def write(job: Job) -> Iterator[bytes]:
    compiled, stream = job.compiled, job.rows
    start = 1 if compiled.has_id else 0
    fields = list(stream.schema)[start : start + len(compiled.names)]
    schema = pa.schema([field.with_name(name) for field, name in zip(fields, compiled.names, strict=True)])
    with _files.folder() as folder:
        path = folder / f"{job.slug}.parquet"
        with pq.ParquetWriter(path, schema, compression="zstd") as writer:
            for batch in stream.batches:
                columns = batch.columns[start : start + len(compiled.names)]
                writer.write_batch(pa.RecordBatch.from_arrays(columns, schema=schema))
        yield from _files.pieces(path)
