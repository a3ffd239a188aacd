"""Values from DuckDB as JSON-ready Python values: one conversion per output column, chosen from its SQL type.

Used by the records engine for pages and by the exporters for streamed rows.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import math
import uuid
import zoneinfo
from collections.abc import Callable
from typing import Any

from territoria.records.compiler import Compiled


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


# SQL types whose Python values to_json() returns unchanged (text only when it is not a geo_shape).
UNCHANGED_TYPES = {
    "BIGINT",
    "INTEGER",
    "SMALLINT",
    "TINYINT",
    "UBIGINT",
    "UINTEGER",
    "USMALLINT",
    "UTINYINT",
    "BOOLEAN",
}
TEMPORAL_TYPES = {"DATE", "TIMESTAMP", "TIME", "TIMESTAMP WITH TIME ZONE", "TIMESTAMP_NS", "TIMESTAMP_MS"}
TEMPORAL_TYPES.add("TIMESTAMP_S")


def _finite(value: Any) -> Any:
    if type(value) is float:
        return value if math.isfinite(value) else None
    return to_json(value)


def _iso(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    return to_json(value)


GEO_POINT_SQL = "STRUCT(lon DOUBLE, lat DOUBLE)"


def _geo_point(value: Any) -> Any:
    if isinstance(value, dict) and value.keys() == {"lon", "lat"}:
        return {"lon": _finite(value["lon"]), "lat": _finite(value["lat"])}
    return to_json(value)


DATETIME_TYPES = TEMPORAL_TYPES - {"DATE", "TIME"}


def _in_zone(zone: zoneinfo.ZoneInfo) -> Callable[[Any], Any]:
    """ISO text of a date-time in ``zone`` (a value without an offset is UTC), as Opendatasoft gives them."""

    def convert(value: Any) -> Any:
        if isinstance(value, dt.datetime):
            aware = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
            return aware.astimezone(zone).isoformat()
        return _iso(value)

    return convert


def _converter(sql_type: str, kind: str | None, zone: zoneinfo.ZoneInfo | None = None) -> Callable[[Any], Any] | None:
    """A function equal to ``to_json(value, kind)`` for every value of ``sql_type``; None when it is identity.

    With ``zone``, date-times are given in that zone, with their offset."""
    if zone is not None and sql_type in DATETIME_TYPES:
        return _in_zone(zone)
    if sql_type in UNCHANGED_TYPES or (sql_type == "VARCHAR" and kind != "geo_shape"):
        return None
    if sql_type in {"DOUBLE", "FLOAT"}:
        return _finite
    if sql_type in TEMPORAL_TYPES:
        return _iso
    if sql_type == GEO_POINT_SQL:
        return _geo_point
    return lambda value: to_json(value, kind)


def result_types(compiled: Compiled, description: list[Any] | None) -> list[str]:
    """The SQL type of each output column of a result, after ``_id``."""
    return [str(d[1]) for d in (description or [])][1 if compiled.has_id else 0 :]


def converters(compiled: Compiled, sql_types: list[str]) -> list[Callable[[Any], Any] | None]:
    """Per output column, a function equal to ``to_json(value, kind)`` for its values (None: unchanged)."""
    names = compiled.names
    kinds = compiled.types or [None] * len(names)
    if len(sql_types) != len(names):  # not expected; the generic conversion is always right
        sql_types = ["?"] * len(names)
    zone = zoneinfo.ZoneInfo(compiled.timezone) if compiled.timezone else None
    return [_converter(t, k, zone) for t, k in zip(sql_types, kinds, strict=False)]


def row_maker(compiled: Compiled, sql_types: list[str]) -> Callable[[tuple[Any, ...]], dict[str, Any]]:
    """Turn one result tuple into the answer's dict; conversions chosen once per query from the result types."""
    start = 1 if compiled.has_id else 0
    names = list(compiled.names)
    convert_all = converters(compiled, sql_types)
    pairs = list(zip(names, convert_all, strict=False))
    if all(c is None for c in convert_all):
        if compiled.has_id:
            return lambda row: {"_id": row[0], **dict(zip(names, row[1:], strict=False))}
        return lambda row: dict(zip(names, row, strict=False))

    def make(row: tuple[Any, ...]) -> dict[str, Any]:
        result: dict[str, Any] = {"_id": row[0]} if compiled.has_id else {}
        for (name, convert), value in zip(pairs, row[start:], strict=False):
            result[name] = value if convert is None else convert(value)
        return result

    return make
