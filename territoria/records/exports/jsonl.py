"""JSON Lines: one of the records API's objects per line (``_id`` included)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.http import QueryDict

from territoria.records import compiler
from territoria.records.exports import Job
from territoria.records.exports.json import objects

CONTENT_TYPE = "application/jsonl; charset=utf-8"
EXTENSION = "jsonl"
PARAMS: frozenset[str] = frozenset()
ARROW = False
DOC = "JSON Lines : un enregistrement (avec `_id`) par ligne."
EXAMPLE: str | None = '{"_id": 1, "nom": "Gymnase Nord", "ville": "Lyon", "quantite": 3}\n'


def prepare(params: QueryDict, compiled: compiler.Compiled) -> dict[str, Any]:
    return {}


def write(job: Job) -> Iterator[bytes]:
    return objects(job, array=False)
