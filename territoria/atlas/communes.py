"""The commune table shipped with the atlas (data/communes.csv), geocoding from a commune's centre, the check
that a point lies in France, and population bands."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.utils.translation import gettext_lazy as _
from shapely import STRtree
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

DATA = Path(__file__).resolve().parent / "data"
OUTLINES = Path(__file__).resolve().parent / "static" / "atlas" / "departements.geojson"
# Overseas départements, as boxes (lat_min, lon_min, lat_max, lon_max): the shipped polygons are metropolitan.
OVERSEAS = {
    "971": (15.8, -61.9, 16.6, -60.9),
    "972": (14.3, -61.3, 14.9, -60.7),
    "973": (2.0, -54.7, 5.9, -51.5),
    "974": (-21.45, 55.2, -20.85, 55.9),
    "976": (-13.1, 44.9, -12.6, 45.35),
}
# A point this far (degrees, ~2 km) outside the simplified coastline still counts as in France.
COAST_TOLERANCE = 0.02
POPULATION_BANDS = [
    (0, 500, "lt500", _("moins de 500 habitants")),
    (500, 2_000, "500-2k", _("500 à 2 000 habitants")),
    (2_000, 10_000, "2k-10k", _("2 000 à 10 000 habitants")),
    (10_000, 50_000, "10k-50k", _("10 000 à 50 000 habitants")),
    (50_000, 200_000, "50k-200k", _("50 000 à 200 000 habitants")),
    (200_000, 10**9, "200k+", _("plus de 200 000 habitants")),
]
BAND_LABELS = {code: label for _low, _high, code, label in POPULATION_BANDS}


@dataclass(frozen=True)
class Commune:
    insee: str
    name: str
    departement: str
    population: int | None
    lat: float
    lon: float


@lru_cache(maxsize=1)
def table() -> dict[str, Commune]:
    with (DATA / "communes.csv").open(encoding="utf-8", newline="") as handle:
        return {
            row["insee"]: Commune(
                insee=row["insee"],
                name=row["nom"],
                departement=row["departement"],
                population=int(row["population"]) if row["population"] else None,
                lat=float(row["lat"]),
                lon=float(row["lon"]),
            )
            for row in csv.DictReader(handle)
        }


def lookup(insee: str) -> Commune | None:
    return table().get((insee or "").strip().upper())


def departement_of(insee: str) -> str:
    """The département code an INSEE commune code starts with (2A/2B, 97x kept whole)."""
    code = (insee or "").strip().upper()
    if code.startswith("97"):
        return code[:3]
    return code[:2]


@lru_cache(maxsize=1)
def _departements() -> tuple[list[str], list[str], list[BaseGeometry], STRtree]:
    features = json.loads(OUTLINES.read_text(encoding="utf-8"))["features"]
    codes = [f["properties"]["code"] for f in features]
    names = [f["properties"]["nom"] for f in features]
    shapes = [shape(f["geometry"]) for f in features]
    return codes, names, shapes, STRtree(shapes)


def departement_names() -> dict[str, str]:
    codes, names, _shapes, _tree = _departements()
    result = dict(zip(codes, names, strict=True))
    result.update({"971": "Guadeloupe", "972": "Martinique", "973": "Guyane", "974": "La Réunion", "976": "Mayotte"})
    return result


def departement_at(lat: float, lon: float) -> str | None:
    """The code of the département holding the point, None outside France."""
    for code, (la1, lo1, la2, lo2) in OVERSEAS.items():
        if la1 <= lat <= la2 and lo1 <= lon <= lo2:
            return code
    codes, _names, shapes, tree = _departements()
    point = Point(lon, lat)
    for index in tree.query(point, predicate="intersects"):
        return codes[int(index)]
    nearest = tree.query_nearest(point, max_distance=COAST_TOLERANCE)
    return codes[int(nearest[0])] if len(nearest) else None


def in_france(lat: float, lon: float) -> bool:
    return departement_at(lat, lon) is not None


def population_band(population: int | None) -> str:
    if population is None:
        return ""
    for low, high, code, _label in POPULATION_BANDS:
        if low <= population < high:
            return code
    return ""
