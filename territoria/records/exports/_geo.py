"""The geometry of an export's rows: the query's geo_shape column if it has one, else its geo_point column."""

from __future__ import annotations

import math
from typing import Any

from territoria.records import compiler


def geometry_column(compiled: compiler.Compiled) -> int | None:
    """Index (among the output names) of the column giving each row's geometry; None without one."""
    kinds = list(compiled.types or [])
    for kind in ("geo_shape", "geo_point"):
        if kind in kinds:
            return kinds.index(kind)
    return None


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def geometry(value: Any) -> dict[str, Any] | None:
    """A GeoJSON geometry from a value as the records API gives it ({"lon", "lat"} or a parsed GeoJSON shape)."""
    if not isinstance(value, dict):
        return None
    if value.keys() == {"lon", "lat"}:
        lon, lat = value["lon"], value["lat"]
        return {"type": "Point", "coordinates": [lon, lat]} if _number(lon) and _number(lat) else None
    if value.get("type") == "Feature":
        return geometry(value.get("geometry"))
    return value if isinstance(value.get("type"), str) else None
