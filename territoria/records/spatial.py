"""Exact geometry tests for the records engine, without DuckDB's spatial extension.

The compiler writes a bounding-box pre-filter in plain SQL, then calls one of the functions below on the rows
that pass it. They are DuckDB *vectorised* Python functions (Arrow batches of ~2,048 rows): the query stays
one streaming SQL query (counts, pages, facets and exports all use it), memory holds one batch, and the test is
shapely's (GEOS), exact on the geometry the user gave.

- ``territoria_xy(lon, lat, geometry, relation)``: a point column (``geo_point_2d``) against a geometry;
- ``territoria_shape(shape, geometry, relation)``: a GeoJSON shape column (``geo_shape``) against a geometry.

``geometry`` is WKT written by the compiler (from the user's WKT or GeoJSON, parsed and checked by shapely);
``relation`` is one of :data:`RELATIONS`. Both are query parameters, constant over a query. Parsed geometries are
kept per thread (GEOS prepared geometries are not shared between threads).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import shapely

RELATIONS = ("intersects", "within", "disjoint")
_CACHE_SIZE = 64
_local = threading.local()


def _geometry(wkt: str) -> Any:
    """The prepared shapely geometry of ``wkt``, parsed once per thread."""
    cache: OrderedDict[str, Any] | None = getattr(_local, "cache", None)
    if cache is None:
        cache = _local.cache = OrderedDict()
    geometry = cache.get(wkt)
    if geometry is None:
        geometry = shapely.from_wkt(wkt)
        shapely.prepare(geometry)
        cache[wkt] = geometry
        while len(cache) > _CACHE_SIZE:
            cache.popitem(last=False)
    else:
        cache.move_to_end(wkt)
    return geometry


def _constant(values: pa.Array) -> str:
    return str(values[0].as_py()) if len(values) else ""


def _relate(records: Any, geometry: Any, relation: str) -> np.ndarray:
    """``relation`` of each record geometry to ``geometry`` (records: a shapely array)."""
    if relation == "within":
        return np.asarray(shapely.within(records, geometry), dtype=bool)
    hits = np.asarray(shapely.intersects(records, geometry), dtype=bool)
    return ~hits if relation == "disjoint" else hits


def points_relate(lon: pa.Array, lat: pa.Array, geometry: pa.Array, relation: pa.Array) -> pa.Array:
    """Vectorised: each (lon, lat) point against the geometry; NULL where the point is NULL."""
    shape, how = _geometry(_constant(geometry)), _constant(relation)
    missing = np.asarray(pc.or_(pc.is_null(lon), pc.is_null(lat)), dtype=bool)
    xs = np.asarray(lon.fill_null(0.0).to_numpy(zero_copy_only=False), dtype=float)
    ys = np.asarray(lat.fill_null(0.0).to_numpy(zero_copy_only=False), dtype=float)
    if how == "within":
        result = _relate(shapely.points(xs, ys), shape, how)
    else:
        hits = np.asarray(shapely.intersects_xy(shape, xs, ys), dtype=bool)
        result = ~hits if how == "disjoint" else hits
    return pa.array(result, mask=missing, type=pa.bool_())


def shapes_relate(shapes: pa.Array, geometry: pa.Array, relation: pa.Array) -> pa.Array:
    """Vectorised: each GeoJSON shape against the geometry; NULL where the shape is NULL or unreadable."""
    shape, how = _geometry(_constant(geometry)), _constant(relation)
    texts = np.asarray(shapes.to_pylist(), dtype=object)
    records = np.full(len(texts), None, dtype=object)
    present = np.array([t is not None for t in texts], dtype=bool)
    if present.any():
        records[present] = shapely.from_geojson(texts[present], on_invalid="ignore")
    missing = np.asarray(shapely.is_missing(records), dtype=bool)
    result = np.zeros(len(texts), dtype=bool)
    if (~missing).any():
        result[~missing] = _relate(records[~missing], shape, how)
    return pa.array(result, mask=missing, type=pa.bool_())


def register(con: Any) -> None:
    """Declare the functions on a DuckDB connection (its cursors see them too)."""
    try:
        from duckdb import sqltypes as types
    except ImportError:  # DuckDB < 1.4
        from duckdb import typing as types  # type: ignore[no-redef,attr-defined]
    double, varchar, boolean = types.DOUBLE, types.VARCHAR, types.BOOLEAN
    options: dict[str, Any] = {"type": "arrow", "null_handling": "special", "side_effects": False}
    con.create_function("territoria_xy", points_relate, [double, double, varchar, varchar], boolean, **options)
    con.create_function("territoria_shape", shapes_relate, [varchar, varchar, varchar], boolean, **options)
