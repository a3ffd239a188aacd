"""Geographic columns for typing: lat/lon pairs, "lat, lon" point columns, GeoJSON shapes.

Pairs and point columns are found by name, checked by value in the typing pass and turned into a
``geo_point_2d`` STRUCT(lon DOUBLE, lat DOUBLE) in SQL. GeoJSON shapes need a representative
point, which DuckDB cannot compute without its spatial extension: :func:`shape_points` streams the
geometry column through shapely in small batches and writes one (lon, lat) row per source row to
a Parquet file that the writing pass joins by position.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from territoria.ingest.readers.base import Progress
from territoria.ingest.typing_rules import NULL_TOKENS, WHITESPACE, lit, name_tokens
from territoria.quality.report import Issue

if TYPE_CHECKING:
    import numpy as np

# numpy, pyarrow and shapely are imported by the functions that need them (GeoJSON shapes only):
# importing them costs ~0.4 s at the start of every ingestion.

LAT_TOKENS = {"latitude": "word", "lat": "word", "y": "xy"}
LON_TOKENS = {"longitude": "word", "lon": "word", "lng": "word", "long": "word", "x": "xy"}
POINT_COLUMN_NAMES = frozenset(
    {"geo_point", "geo_point_2d", "geopoint", "coordonnees", "coordonnees_gps", "coordinates", "geo_coordinates"}
)
RE_POINT = r"\[?\s*([+-]?[0-9]{1,3}(?:\.[0-9]+)?)\s*,\s*([+-]?[0-9]{1,3}(?:\.[0-9]+)?)\s*\]?"
IN_RANGE_SHARE = 0.9  # share of values in range for a pair or a point column to become a point
ISSUES_PER_PROBLEM = 10  # rows named one by one before a summary issue
BATCH_ROWS = 2048


def pair_candidates(names: list[str]) -> list[tuple[str, str]]:
    """(lat, lon) column pairs, by name: latitude/longitude, lat/lon|lng|long, y/x, same other tokens."""
    pairs = []
    for lat in names:
        toks = name_tokens(lat)
        for i, tok in enumerate(toks):
            if tok not in LAT_TOKENS:
                continue
            rest = toks[:i] + toks[i + 1 :]
            for lon in names:
                lt = name_tokens(lon)
                for j, tok2 in enumerate(lt):
                    if LON_TOKENS.get(tok2) == LAT_TOKENS[tok] and lt[:j] + lt[j + 1 :] == rest and lon != lat:
                        pairs.append((lat, lon))
    return list(dict.fromkeys(pairs))


def point_candidates(names: list[str]) -> list[str]:
    return [n for n in names if n in POINT_COLUMN_NAMES or n.startswith("coordonnees")]


def lenient_double_sql(v: str) -> str:
    return f"TRY_CAST(replace({v}, ',', '.') AS DOUBLE)"


def in_range_sql(lon: str, lat: str) -> str:
    return f"({lat} BETWEEN -90 AND 90 AND {lon} BETWEEN -180 AND 180)"


def point_sql(lon: str, lat: str) -> str:
    """STRUCT(lon, lat) when both are in range, else NULL."""
    pack = f"struct_pack(lon := CAST({lon} AS DOUBLE), lat := CAST({lat} AS DOUBLE))"
    return f"CASE WHEN {in_range_sql(lon, lat)} THEN {pack} END"


def text_point_parts(v: str) -> tuple[str, str]:
    """(lon, lat) SQL of a "lat, lon" / "[lat, lon]" text value."""
    lat = f"TRY_CAST(regexp_extract({v}, {lit('^' + RE_POINT + '$')}, 1) AS DOUBLE)"
    lon = f"TRY_CAST(regexp_extract({v}, {lit('^' + RE_POINT + '$')}, 2) AS DOUBLE)"
    return lon, lat


@dataclass
class ShapeResult:
    features: int = 0
    bbox: tuple[float, float, float, float] | None = None
    bad: list[tuple[int, str]] = field(default_factory=list)  # (row, "invalid" | "out-of-range"), first ones
    bad_counts: dict[str, int] = field(default_factory=lambda: {"invalid": 0, "out-of-range": 0})


def _normalize(values: list[Any]) -> np.ndarray:
    import numpy as np

    out = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):
        s = v.strip(WHITESPACE) if isinstance(v, str) else None
        out[i] = None if s is None or s in NULL_TOKENS else s
    return out


def _representative_points(geoms: np.ndarray) -> np.ndarray:
    import numpy as np
    import shapely

    try:
        return shapely.point_on_surface(geoms)
    except shapely.errors.GEOSException:  # an invalid geometry: go one by one, centroid as last resort
        out = np.empty(len(geoms), dtype=object)
        for i, g in enumerate(geoms):
            try:
                out[i] = shapely.point_on_surface(g)
            except shapely.errors.GEOSException:
                out[i] = shapely.centroid(g) if g is not None else None
        return out


def shape_points(raw_path: Path, column: str, points_path: Path, progress: Progress) -> ShapeResult:
    """Stream a GeoJSON text column into a Parquet file of representative points (lon, lat), row by row."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq
    import shapely

    result = ShapeResult()
    mins = np.array([np.inf, np.inf])
    maxs = np.array([-np.inf, -np.inf])
    schema = pa.schema([("lon", pa.float64()), ("lat", pa.float64())])
    pf = pq.ParquetFile(raw_path, pre_buffer=False, buffer_size=1 << 20)
    row = 0
    with pq.ParquetWriter(points_path, schema) as writer:
        for batch in pf.iter_batches(batch_size=BATCH_ROWS, columns=[column]):
            text = _normalize(batch.column(0).to_pylist())
            geoms = shapely.from_geojson(text, on_invalid="ignore")
            bounds = shapely.bounds(geoms)  # NaN for missing or empty geometries
            ok = ~np.isnan(bounds).any(axis=1)
            inside = ok & (bounds[:, 0] >= -180) & (bounds[:, 2] <= 180) & (bounds[:, 1] >= -90) & (bounds[:, 3] <= 90)
            kept = geoms.copy()
            kept[~inside] = None
            pts = shapely.bounds(_representative_points(kept))
            lon = np.where(inside, pts[:, 0], np.nan)
            lat = np.where(inside, pts[:, 1], np.nan)
            has_text = np.fromiter((t is not None for t in text), dtype=bool, count=len(text))
            invalid = np.flatnonzero(has_text & shapely.is_missing(geoms))
            outside = np.flatnonzero(ok & ~inside)
            for kind, idx in (("invalid", invalid), ("out-of-range", outside)):
                room = ISSUES_PER_PROBLEM - result.bad_counts[kind]
                result.bad.extend((row + int(i) + 1, kind) for i in idx[: max(room, 0)])
                result.bad_counts[kind] += len(idx)
            if inside.any():
                mins = np.minimum(mins, bounds[inside][:, :2].min(axis=0))
                maxs = np.maximum(maxs, bounds[inside][:, 2:].max(axis=0))
                result.features += int(inside.sum())
            mask = np.isnan(lon)
            writer.write_table(
                pa.table({"lon": pa.array(lon, mask=mask), "lat": pa.array(lat, mask=mask)}, schema=schema)
            )
            row += len(text)
            progress("géométrie", row)
    if result.features:
        result.bbox = (float(mins[0]), float(mins[1]), float(maxs[0]), float(maxs[1]))
    result.bad.sort()
    return result


def _fr(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


def geo_issues(label: str, bad: list[dict[str, Any]], counts: dict[str, int]) -> list[Issue]:
    """Issues for rows whose point was left empty: one per row for the first ones, then a summary."""
    issues: list[Issue] = []
    messages = {
        "out-of-range": "coordonnées hors limites (latitude entre -90 et 90, longitude entre -180 et 180 attendues) :"
        " le point de cette ligne est laissé vide. Vérifiez qu'elles sont en degrés WGS84 et non inversées.",
        "invalid": "géométrie ou coordonnées illisibles : le point de cette ligne est laissé vide."
        " Corrigez la valeur (GeoJSON, ou « latitude, longitude » en degrés).",
    }
    codes = {"out-of-range": "geo-out-of-range", "invalid": "geo-invalid"}
    for kind, total in counts.items():
        rows = [b for b in bad if b["kind"] == kind][:ISSUES_PER_PROBLEM]
        for b in rows:
            value = f" (valeur « {b['value']} »)" if b.get("value") else ""
            issues.append(
                Issue(
                    code=codes[kind],
                    message=f"Colonne « {label} », ligne {_fr(b['row'])}{value} : {messages[kind]}",
                    row=b["row"],
                    column=label,
                    check="typing",
                    details={"row_basis": "data_row", "value": b.get("value")},
                )
            )
        if total > len(rows):
            issues.append(
                Issue(
                    code=codes[kind],
                    message=f"Colonne « {label} » : {_fr(total)} lignes au total ont un point laissé vide"
                    f" ({messages[kind].split(' :')[0]}) ; seules les {len(rows)} premières sont détaillées.",
                    column=label,
                    check="typing",
                    details={"rows_total": total, "row_basis": "data_row"},
                )
            )
    return issues
