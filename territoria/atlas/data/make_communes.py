"""Builds communes.csv, the commune table the atlas ships (run from the repository root, by hand, when the
sources change): python territoria/atlas/data/make_communes.py ../shared/data/geo

- every commune of Ille-et-Vilaine (35) and of the Territoire de Belfort (90): IGN Admin Express COG 2018 via
  gregoiredavid/france-geojson (Licence Ouverte); the point is a point inside the commune's polygon
  (shapely's representative_point, always inside, unlike a centroid);
- the préfectures and largest communes of France (communes_principales.csv, written for Territoria: town-hall
  coordinates and rounded legal populations).
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

from shapely.geometry import shape

HERE = Path(__file__).resolve().parent


def main(geo_dir: Path) -> None:
    rows: dict[str, dict[str, object]] = {}
    principal = HERE / "communes_principales.csv"
    if principal.exists():
        with principal.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                rows[row["insee"]] = {**row, "source": "principales"}
    for name, dep in (
        ("communes-35-ille-et-vilaine.geojson", "35"),
        ("communes-90-territoire-de-belfort.geojson", "90"),
    ):
        for feature in json.loads((geo_dir / name).read_text(encoding="utf-8"))["features"]:
            code = feature["properties"]["code"]
            point = shape(feature["geometry"]).representative_point()
            known = rows.get(code, {})
            rows[code] = {
                "insee": code,
                "nom": feature["properties"]["nom"],
                "departement": dep,
                "population": known.get("population", ""),
                "lat": known.get("lat") or f"{point.y:.5f}",
                "lon": known.get("lon") or f"{point.x:.5f}",
                "source": "admin-express",
            }
    with (HERE / "communes.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["insee", "nom", "departement", "population", "lat", "lon"])
        for code in sorted(rows):
            r = rows[code]
            writer.writerow([r["insee"], r["nom"], r["departement"], r["population"], r["lat"], r["lon"]])
    print(f"{len(rows)} communes written to {HERE / 'communes.csv'}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/geo"))
