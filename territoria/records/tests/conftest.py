"""A small real dataset, ingested through the pipeline, for the records API tests."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from territoria.ingest import pipeline
from territoria.ingest import services as ingest

ROWS = [
    # nom, ville, montant (decimal comma), quantite, date, lat, lon, actif, commentaire
    ("Gymnase Nord", "Lyon", "12,5", "3", "2024-03-15", "45.7640", "4.8357", "oui", "RAS"),
    ("Stade Sud", "Villeurbanne", "100,25", "10", "2024-07-01", "45.7719", "4.8902", "non", "=1+2"),
    ("Piscine Été", "Lyon", "7,75", "1", "2023-12-31", "45.7500", "4.8500", "oui", "@SOMME(A1)"),
    ("Médiathèque", "Bron", "0,5", "5", "2023-01-20", "45.7380", "4.9130", "non", "ouverte"),
    ("Salle des fêtes", "Écully", "42", "8", "2024-03-02", "45.7745", "4.7770", "oui", "-2"),
    ("Dojo", "Lyon", "3,5", "2", "2022-06-10", "45.7600", "4.8400", "non", "fermé; travaux"),
]
HEADER = ["nom", "ville", "montant", "quantite", "date_ouverture", "latitude", "longitude", "actif", "commentaire"]


def write_csv(path: Path, rows: list[tuple[str, ...]], header: list[str] = HEADER) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def publish(dataset, path):  # type: ignore[no-untyped-def]
    job = ingest.submit_path(dataset, path, publish=True, queue=False)
    job = pipeline.run(job.pk)
    assert job.published, job.message
    dataset.refresh_from_db()
    return dataset


@pytest.fixture
def equipements(make_dataset, tmp_path):  # type: ignore[no-untyped-def]
    dataset = make_dataset("equipements", "Équipements")
    return publish(dataset, write_csv(tmp_path / "equipements.csv", ROWS))


@pytest.fixture
def other_dataset(make_dataset, tmp_path):  # type: ignore[no-untyped-def]
    """A second dataset with values that never appear in ``equipements``."""
    dataset = make_dataset("secret-voisin", "Autre jeu")
    rows = [("Zzsecret Alpha", "Quimper", "999,5", "77", "2001-01-01", "48.0", "-4.1", "oui", "x")]
    return publish(dataset, write_csv(tmp_path / "autre.csv", rows))


def get(client, dataset: str, endpoint: str = "records", **params):  # type: ignore[no-untyped-def]
    from django.test import Client

    client = client or Client()
    return client.get(f"/api/explore/v2.1/catalog/datasets/{dataset}/{endpoint}", params)


def expected_rows() -> list[dict[str, object]]:
    """ROWS as typed Python values, computed here independently of the engine."""
    out = []
    for i, (nom, ville, montant, quantite, date, lat, lon, actif, commentaire) in enumerate(ROWS, start=1):
        out.append(
            {
                "_id": i,
                "nom": nom,
                "ville": ville,
                "montant": float(montant.replace(",", ".")),
                "quantite": int(quantite),
                "date_ouverture": date,
                "latitude": float(lat),
                "longitude": float(lon),
                "actif": actif == "oui",
                "commentaire": commentaire,
            }
        )
    return out


def content(response) -> bytes:  # type: ignore[no-untyped-def]
    """The whole body of a streamed export (asserting it is a streamed 200)."""
    assert response.status_code == 200, response.content
    assert response.streaming
    return b"".join(response.streaming_content)


def records_of(dataset: str, client=None, **params) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    """What the records API answers for a query (every row of the small test datasets)."""
    import json

    response = get(client, dataset, "records", limit=100, **params)
    assert response.status_code == 200, response.content
    return json.loads(response.content)["results"]


ZONES = [
    # (nom_de_la_zone, nom_de_la_zone_courte, surface, geometry)
    ("Zone A", "A", 12.5, {"type": "Polygon", "coordinates": [[[4.8, 45.7], [4.9, 45.7], [4.9, 45.8], [4.8, 45.7]]]}),
    (
        "Zone B",
        "B",
        3.0,
        {
            "type": "MultiPolygon",
            "coordinates": [
                [[[4.7, 45.6], [4.75, 45.6], [4.75, 45.65], [4.7, 45.6]]],
                [[[4.76, 45.6], [4.78, 45.6], [4.78, 45.62], [4.76, 45.6]]],
            ],
        },
    ),
    ("=Zone C", "C", 7.25, {"type": "Polygon", "coordinates": [[[5.0, 45.0], [5.1, 45.0], [5.1, 45.1], [5.0, 45.0]]]}),
]


@pytest.fixture
def zones(make_dataset, tmp_path):  # type: ignore[no-untyped-def]
    """A GeoJSON dataset of shapes (polygons and a multipolygon), with long property names."""
    import json

    features = [
        {
            "type": "Feature",
            "geometry": geometry,
            "properties": {"nom_de_la_zone": nom, "nom_de_la_zone_courte": court, "surface_m2": surface},
        }
        for nom, court, surface, geometry in ZONES
    ]
    path = tmp_path / "zones.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return publish(make_dataset("zones", "Zones à faibles émissions"), path)


@pytest.fixture
def executed(monkeypatch):  # type: ignore[no-untyped-def]
    """The SQL texts the engine runs, in order; the engine's kept answers are cleared before and after."""
    from territoria.records import engine

    seen: list[str] = []
    original = engine._execute

    def spy(cursor, sql, params):  # type: ignore[no-untyped-def]
        seen.append(sql)
        return original(cursor, sql, params)

    monkeypatch.setattr(engine, "_execute", spy)
    engine.clear_caches()
    yield seen
    engine.clear_caches()
