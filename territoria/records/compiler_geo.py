"""Geographic ODSQL functions: ``in_bbox``, ``within_distance``, ``intersects``, ``within``, ``disjoint``,
``envelope``.

Points (``geo_point`` columns, a STRUCT(lon, lat)) are filtered by a bounding box in plain SQL, which DuckDB
checks against the Parquet statistics, then tested exactly: by the haversine distance for ``within_distance``,
by shapely through :mod:`territoria.records.spatial` for the geometry predicates. Shapes (``geo_shape``
columns, GeoJSON text) go to shapely directly. Every coordinate, distance and geometry is a ``?`` parameter.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any, Protocol

import shapely

from territoria.lib import odsql
from territoria.lib.odsql import Call, Expr, Field, Literal, Node

SQL = tuple[str, list[Any]]
EARTH_RADIUS_M = 6_371_008.8
MAX_DISTANCE_M = 20_000_000
MAX_VERTICES = 10_000
GEO_PREDICATES = {"in_bbox", "within_distance", "intersects", "within", "disjoint"}
_POINT_RE = re.compile(r"\s*POINT\s*\(\s*(-?\d+(?:\.\d+)?)\s+(-?\d+(?:\.\d+)?)\s*\)\s*", re.IGNORECASE)


class Fields(Protocol):
    """What these functions need of the compiler: the column types and a checked, typed field."""

    types: dict[str, str]

    def typed_field(self, node: Expr, clause: str, kinds: set[str], what: str) -> tuple[str, str]: ...


def _error(clause: str, reason: str, node: Node | None = None) -> odsql.OdsqlError:
    return odsql.OdsqlError(clause, reason, node.pos if node is not None and node.pos else None)


def _lat_lon(column: str) -> tuple[str, str]:
    return f"struct_extract({column}, 'lat')", f"struct_extract({column}, 'lon')"


def geometry(node: Expr, clause: str, function: str) -> Any:
    """The shapely geometry of a ``geom'…'`` literal (WKT or GeoJSON), checked: WGS 84 degrees, bounded size."""
    if not (isinstance(node, Literal) and node.kind == "geometry"):
        raise _error(clause, f"{function}() attend une géométrie geom'…' (WKT ou GeoJSON) en deuxième argument", node)
    text = str(node.value)
    try:
        shape = shapely.from_geojson(text) if text.lstrip().startswith("{") else shapely.from_wkt(text)
    except (shapely.errors.ShapelyError, ValueError, TypeError):
        shape = None
    if shape is None or shape.is_empty:
        raise _error(clause, f"{function}() : géométrie illisible (WKT ou GeoJSON attendu)", node)
    if shapely.get_num_coordinates(shape) > MAX_VERTICES:
        raise _error(clause, f"{function}() : géométrie trop grande ({MAX_VERTICES} sommets au plus)", node)
    minx, miny, maxx, maxy = shape.bounds
    if not all(math.isfinite(v) for v in (minx, miny, maxx, maxy)) or not (
        -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90
    ):
        raise _error(clause, f"{function}() : coordonnées hors limites (longitude, latitude en degrés)", node)
    if not shape.is_valid:
        shape = shapely.make_valid(shape)
    return shape


def relation(node: Call, clause: str, fields: Fields) -> SQL:
    """``intersects``, ``within`` or ``disjoint`` of a point or shape field and a geometry."""
    target = node.args[0]
    sql, name = fields.typed_field(target, clause, {"geo_point", "geo_shape"}, node.name)
    shape = geometry(node.args[1], clause, node.name)
    wkt = shapely.to_wkt(shape, rounding_precision=-1)
    if fields.types[name] == "geo_shape":
        return f"(territoria_shape({sql}, ?, ?))", [wkt, node.name]
    lat, lon = _lat_lon(sql)
    test = f"territoria_xy({lon}, {lat}, ?, ?)"
    minx, miny, maxx, maxy = shape.bounds
    box = f"{lon} BETWEEN ? AND ? AND {lat} BETWEEN ? AND ?"
    if node.name == "disjoint":
        # Outside the box is disjoint for sure; inside, the exact test decides.
        return (
            f"({lon} IS NOT NULL AND {lat} IS NOT NULL AND (NOT ({box}) OR {test}))",
            [minx, maxx, miny, maxy, wkt, node.name],
        )
    return f"({box} AND {test})", [minx, maxx, miny, maxy, wkt, node.name]


def in_bbox(node: Call, clause: str, fields: Fields) -> SQL:
    geo, _ = fields.typed_field(node.args[0], clause, {"geo_point"}, node.name)
    lat, lon = _lat_lon(geo)
    values = []
    for arg in node.args[1:]:
        if not (isinstance(arg, Literal) and arg.kind == "number"):
            raise _error(clause, "in_bbox() attend quatre nombres : lat1, lon1, lat2, lon2", arg)
        value = float(arg.value)  # type: ignore[arg-type]
        if not math.isfinite(value):
            raise _error(clause, "in_bbox() : nombre invalide", arg)
        values.append(value)
    lat1, lon1, lat2, lon2 = values
    return (
        f"({lat} BETWEEN ? AND ? AND {lon} BETWEEN ? AND ?)",
        [min(lat1, lat2), max(lat1, lat2), min(lon1, lon2), max(lon1, lon2)],
    )


def within_distance(node: Call, clause: str, fields: Fields) -> SQL:
    geo, _ = fields.typed_field(node.args[0], clause, {"geo_point"}, node.name)
    lat, lon = _lat_lon(geo)
    point, distance = node.args[1], node.args[2]
    if not (isinstance(point, Literal) and point.kind == "geometry"):
        raise _error(clause, "within_distance() attend geom'POINT(lon lat)' en deuxième argument", point)
    match = _POINT_RE.fullmatch(str(point.value))
    if match is None:
        raise _error(clause, "within_distance() : seul geom'POINT(lon lat)' est pris en charge", point)
    plon, plat = float(match.group(1)), float(match.group(2))
    if not (-180 <= plon <= 180 and -90 <= plat <= 90):
        raise _error(clause, "within_distance() : coordonnées hors limites", point)
    if not (isinstance(distance, Literal) and distance.kind in {"distance", "number"}):
        raise _error(clause, "within_distance() attend une distance, ex. 5km", distance)
    meters = float(distance.value)  # type: ignore[arg-type]
    if not (0 <= meters <= MAX_DISTANCE_M):
        raise _error(clause, "within_distance() : distance hors limites", distance)
    dlat = math.degrees(meters / EARTH_RADIUS_M)
    dlon = dlat / max(math.cos(math.radians(min(abs(plat) + dlat, 89.9))), 1e-6)
    haversine = (
        f"2 * {EARTH_RADIUS_M} * asin(sqrt(pow(sin(radians({lat} - ?) / 2), 2)"
        f" + cos(radians(?)) * cos(radians({lat})) * pow(sin(radians({lon} - ?) / 2), 2)))"
    )
    return (
        f"({lat} BETWEEN ? AND ? AND {lon} BETWEEN ? AND ? AND {haversine} <= ?)",
        [plat - dlat, plat + dlat, plon - dlon, plon + dlon, plat, plat, plon, meters],
    )


PREDICATES: dict[str, Callable[[Call, str, Fields], SQL]] = {
    "in_bbox": in_bbox,
    "within_distance": within_distance,
    "intersects": relation,
    "within": relation,
    "disjoint": relation,
}


def predicate(node: Call, clause: str, fields: Fields) -> SQL:
    return PREDICATES[node.name](node, clause, fields)


def envelope(node: Call, clause: str, fields: Fields) -> SQL:
    """The bounding box of a point field's values, as a GeoJSON Polygon (NULL when there is no point)."""
    target = node.args[0]
    if not isinstance(target, Field):
        raise _error(clause, "envelope() attend un champ géographique (point)", target)
    geo, _ = fields.typed_field(target, clause, {"geo_point"}, "envelope")
    lat, lon = _lat_lon(geo)
    x0, y0, x1, y1 = f"min({lon})", f"min({lat})", f"max({lon})", f"max({lat})"
    ring = f"[[{x0}, {y0}], [{x1}, {y0}], [{x1}, {y1}], [{x0}, {y1}], [{x0}, {y0}]]"
    return (
        f"CASE WHEN count({geo}) = 0 THEN NULL ELSE CAST(json_object('type', 'Polygon', 'coordinates', [{ring}])"
        " AS VARCHAR) END",
        [],
    )
