"""A small DuckDB runner: one connection per thread, bounded resources, JSON-ready rows."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import logging
import math
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import duckdb

from territoria.records.compiler import Compiled

logger = logging.getLogger(__name__)
_local = threading.local()
CONFIG = {
    "threads": 2,
    "memory_limit": "512MB",
    "autoload_known_extensions": False,
    "autoinstall_known_extensions": False,
}
CHUNK = 1000


class EngineError(Exception):
    """The database refused or failed a query; the text is logged, never shown."""


def connection() -> duckdb.DuckDBPyConnection:
    con: duckdb.DuckDBPyConnection | None = getattr(_local, "con", None)
    if con is None:
        con = duckdb.connect(":memory:", config=CONFIG)  # type: ignore[arg-type]
        _local.con = con
    return con


def to_json(value: Any, kind: str | None = None) -> Any:
    """A DuckDB value as a JSON-ready Python value."""
    if value is None:
        return None
    if isinstance(value, bool | int | str):
        if kind == "geo_shape" and isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dict):
        if set(value) == {"lon", "lat"}:
            return {"lon": to_json(value["lon"]), "lat": to_json(value["lat"])}
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def _row_dict(compiled: Compiled, row: tuple[Any, ...]) -> dict[str, Any]:
    start = 1 if compiled.has_id else 0
    types = compiled.types or [None] * len(compiled.names)
    result: dict[str, Any] = {}
    if compiled.has_id:
        result["_id"] = row[0]
    for name, kind, value in zip(compiled.names, types, row[start:], strict=False):
        result[name] = to_json(value, kind)
    return result


def _execute(cursor: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> duckdb.DuckDBPyConnection:
    try:
        return cursor.execute(sql, params)
    except duckdb.Error as error:
        logger.warning("records query failed: %s", error)
        raise EngineError(type(error).__name__) from None


def fetch(compiled: Compiled) -> list[dict[str, Any]]:
    rows = _execute(connection(), compiled.sql, compiled.params).fetchall()
    return [_row_dict(compiled, row) for row in rows]


def count(compiled: Compiled) -> int:
    row = _execute(connection(), compiled.count_sql, compiled.count_params).fetchone()
    return int(row[0]) if row else 0


def raw(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    return _execute(connection(), sql, params).fetchall()


def stream(compiled: Compiled) -> Iterator[dict[str, Any]]:
    """Rows in chunks from a cursor of their own: constant memory, any number of rows.

    The query runs now, so that a failure is an error answer and not a broken download.
    """
    cursor = connection().cursor()
    try:
        result = _execute(cursor, compiled.sql, compiled.params)
    except EngineError:
        cursor.close()
        raise
    return _chunks(compiled, cursor, result)


def _chunks(
    compiled: Compiled, cursor: duckdb.DuckDBPyConnection, result: duckdb.DuckDBPyConnection
) -> Iterator[dict[str, Any]]:
    try:
        while True:
            try:
                chunk = result.fetchmany(CHUNK)
            except duckdb.Error as error:
                logger.warning("records export failed: %s", error)
                raise EngineError(type(error).__name__) from None
            if not chunk:
                return
            for row in chunk:
                yield _row_dict(compiled, row)
    finally:
        cursor.close()
