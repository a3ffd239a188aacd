"""Map data for a bounding box: the points, or grid clusters when there are too many, or simplified shapes.

Everything runs in DuckDB over the published version's Parquet file, through the records layer
(:mod:`territoria.viz.data`): column names are checked identifiers, the person's conditions are compiled by
the records compiler, and every value is a ``?`` parameter.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import shapely
from django.utils.translation import gettext as _

from territoria.catalog.models import Version
from territoria.viz import data

MAX_POINTS = 5000  # above this many points in the box, the server sends grid clusters
MAX_SHAPES = 2000  # above this many shapes in the box, the server sends clusters of their points
MAX_CLUSTERS = 5000
CELL_PIXELS = 60  # cluster cell, in screen pixels
TILE_PIXELS = 256
MAX_ZOOM = 22
LABEL_NAMES = ("nom", "name", "libelle", "label", "titre", "title", "intitule")
QUANTILES = "[0.2, 0.4, 0.6, 0.8]"  # choropleth classes: five of about the same size


class BBoxError(ValueError):
    pass


@dataclass(frozen=True)
class BBox:
    west: float
    south: float
    east: float
    north: float

    def as_list(self) -> list[float]:
        return [self.west, self.south, self.east, self.north]


WORLD = BBox(-180.0, -90.0, 180.0, 90.0)


def parse_bbox(text: str) -> BBox:
    """``west,south,east,north`` in degrees (WGS 84), clamped to the world; BBoxError in French otherwise."""
    expected = _(
        "« bbox » attend quatre nombres séparés par des virgules : ouest,sud,est,nord (ex. -1.8,47.9,-1.5,48.2)."
    )
    parts = text.split(",")
    if len(parts) != 4:
        raise BBoxError(expected)
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise BBoxError(expected) from None
    if not all(math.isfinite(v) for v in values):
        raise BBoxError(expected)
    west, south, east, north = values
    west, east = max(-180.0, min(180.0, west)), max(-180.0, min(180.0, east))
    south, north = max(-90.0, min(90.0, south)), max(-90.0, min(90.0, north))
    if west > east or south > north:
        raise BBoxError(_("« bbox » : l'ouest doit être inférieur à l'est et le sud au nord (ouest,sud,est,nord)."))
    return BBox(west, south, east, north)


def cell_size(zoom: int, middle_latitude: float = 0.0) -> tuple[float, float]:
    """Width and height in degrees of a cluster cell of CELL_PIXELS on screen at ``zoom`` (Web Mercator)."""
    width = 360.0 / (TILE_PIXELS * 2**zoom) * CELL_PIXELS
    height = width * max(math.cos(math.radians(middle_latitude)), 0.05)
    return width, height


def label_column(columns: list[dict[str, Any]]) -> str | None:
    """The text column that names a feature best (nom, name, libellé…), if any."""
    texts = [c["name"] for c in columns if c.get("type") == "text"]
    for wanted in LABEL_NAMES:
        for name in texts:
            if name.lower() == wanted or name.lower().startswith(wanted + "_"):
                return name
    return texts[0] if texts else None


def numeric_columns(columns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c for c in columns if c.get("type") in data.NUMERIC_TYPES and c["name"] != "_row"]


def _simplify(geometries: list[str | None], tolerance: float) -> list[Any]:
    """GeoJSON texts simplified for the screen (shapely), as parsed JSON; an unreadable one is left out (None)."""
    parsed = shapely.from_geojson([g if isinstance(g, str) else None for g in geometries], on_invalid="ignore")
    simple = shapely.simplify(parsed, tolerance, preserve_topology=True)
    out: list[Any] = []
    for original, geometry in zip(geometries, simple, strict=True):
        if geometry is None or shapely.is_empty(geometry):
            out.append(None)
            continue
        try:
            out.append(json.loads(shapely.to_geojson(geometry, indent=None)))
        except (ValueError, shapely.errors.GEOSException):  # pragma: no cover - shapely wrote it
            out.append(json.loads(original) if isinstance(original, str) else None)
    return out


def legend(version: Version, value: str, query: data.Query) -> dict[str, Any]:
    """Choropleth classes of ``value`` over every matching row (not only the box): stable while panning."""
    column = data.ident(version, value)
    condition, params = data.where_sql(version, query)
    sql = (
        f"SELECT min({column}), max({column}), quantile_cont({column}, {QUANTILES}), count({column}) "  # noqa: S608
        f"FROM read_parquet(?) WHERE {column} IS NOT NULL AND ({condition})"
    )
    low, high, quantiles, count = data.raw(sql, [data.path_of(version), *params])[0]
    label = next((c.get("label") or value for c in version.columns if c["name"] == value), value)
    if not count:
        return {"column": value, "label": label, "breaks": [], "count": 0}
    breaks = sorted({float(low), *(float(q) for q in quantiles or []), float(high)})
    return {"column": value, "label": label, "breaks": breaks, "count": int(count)}


def map_data(
    version: Version, bbox: BBox, zoom: int, query: data.Query, value: str = "", limit: int = MAX_POINTS
) -> dict[str, Any]:
    """What the map shows in ``bbox`` at ``zoom``: points, clusters or shapes (see docs/visualisation.md)."""
    geo = version.geo or {}
    point = data.ident(version, geo["point_column"])
    lon, lat = f"struct_extract({point}, 'lon')", f"struct_extract({point}, 'lat')"
    condition, condition_params = data.where_sql(version, query)
    source = (
        f"FROM read_parquet(?) WHERE {point} IS NOT NULL AND {lat} BETWEEN ? AND ? "  # noqa: S608
        f"AND {lon} BETWEEN ? AND ? AND ({condition})"
    )
    params: list[Any] = [data.path_of(version), bbox.south, bbox.north, bbox.west, bbox.east, *condition_params]
    total = int(data.raw(f"SELECT count(*) {source}", params)[0][0])
    shape_column = geo.get("shape_column")
    body: dict[str, Any] = {"total": total, "zoom": zoom, "bbox": bbox.as_list(), "threshold": limit}
    if value and shape_column:
        body["legend"] = legend(version, value, query)

    label_name = label_column(version.columns)
    label = f"CAST({data.ident(version, label_name)} AS VARCHAR)" if label_name else "NULL"
    if shape_column and total <= min(limit, MAX_SHAPES):
        shape = data.ident(version, shape_column)
        measure = data.ident(version, value) if value else "NULL"
        rows = data.raw(
            f"SELECT _row, {shape}, {measure}, {label} {source} ORDER BY _row LIMIT ?",  # noqa: S608
            [*params, MAX_SHAPES],
        )
        tolerance = 360.0 / (TILE_PIXELS * 2**zoom) * 0.75
        geometries = _simplify([r[1] for r in rows], tolerance)
        features = [
            {
                "type": "Feature",
                "id": row[0],
                "geometry": geometry,
                "properties": {"_id": row[0], "value": data.to_json(row[2]), "label": data.to_json(row[3])},
            }
            for row, geometry in zip(rows, geometries, strict=True)
            if geometry is not None
        ]
        body.update(kind="shapes", features={"type": "FeatureCollection", "features": features})
        return body

    if total <= limit:
        rows = data.raw(
            f"SELECT _row, round({lon}, 6), round({lat}, 6), {label} {source} ORDER BY _row LIMIT ?",  # noqa: S608
            [*params, limit],
        )
        body.update(kind="points", points=[[r[0], r[1], r[2], r[3]] for r in rows])
        return body

    width, height = cell_size(zoom, (bbox.south + bbox.north) / 2)
    rows = data.raw(
        f"SELECT count(*) AS n, avg({lon}), avg({lat}), min({lon}), min({lat}), max({lon}), max({lat}), "  # noqa: S608
        f"min(_row), min({label}) {source} GROUP BY floor({lon} / ?), floor({lat} / ?) ORDER BY n DESC LIMIT ?",
        [*params, width, height, MAX_CLUSTERS],
    )
    clusters, singles = [], []
    for n, x, y, x0, y0, x1, y1, first, name in rows:
        if n == 1:
            singles.append([first, round(x, 6), round(y, 6), name])
        else:
            clusters.append({"lon": round(x, 6), "lat": round(y, 6), "count": int(n), "bbox": [x0, y0, x1, y1]})
    body.update(kind="clusters", clusters=clusters, points=singles, cell=[width, height])
    return body
