"""JSON: one array of the records API's objects (``_id`` included), written a chunk of rows at a time."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from django.http import QueryDict

from territoria.records import compiler, values
from territoria.records.exports import Job

CONTENT_TYPE = "application/json; charset=utf-8"
EXTENSION = "json"
PARAMS: frozenset[str] = frozenset()
ARROW = False
DOC = "Un tableau JSON des enregistrements (avec `_id`), tels que les renvoie `/records`."
EXAMPLE: str | None = '[{"_id": 1, "nom": "Gymnase Nord", "ville": "Lyon", "quantite": 3}]'


def prepare(params: QueryDict, compiled: compiler.Compiled) -> dict[str, Any]:
    return {}


def objects(job: Job, array: bool) -> Iterator[bytes]:
    """One JSON object per row (a JSON array, or one per line), written a chunk of rows at a time."""
    rows = job.rows
    make = values.row_maker(job.compiled, rows.sql_types)
    first = True
    if array:
        yield b"["
    for chunk in rows.chunks:
        texts = [json.dumps(make(row), ensure_ascii=False) for row in chunk]
        if array:
            yield (("" if first else ",") + ",".join(texts)).encode("utf-8")
        else:
            yield ("\n".join(texts) + "\n").encode("utf-8")
        first = first and not texts
    if array:
        yield b"]"


def write(job: Job) -> Iterator[bytes]:
    return objects(job, array=True)
