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
