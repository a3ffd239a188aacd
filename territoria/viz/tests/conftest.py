"""Datasets ingested through the real pipeline for the visualisation tests, and the people who look at them."""

from __future__ import annotations

import csv
import random
import shutil
from pathlib import Path

import pytest

from territoria.conftest import SHARED_DATA
from territoria.ingest import pipeline
from territoria.ingest import services as ingest

HEADER = ["nom", "ville", "montant", "quantite", "date_ouverture", "latitude", "longitude", "actif"]
ROWS = [
    ("Gymnase Nord", "Lyon", "12,5", "3", "2024-03-15", "45.7640", "4.8357", "oui"),
    ("Stade Sud", "Villeurbanne", "100,25", "10", "2024-07-01", "45.7719", "4.8902", "non"),
    ("Piscine Été", "Lyon", "7,75", "1", "2023-12-31", "45.7500", "4.8500", "oui"),
    ("Médiathèque", "Bron", "0,5", "5", "2023-01-20", "45.7380", "4.9130", "non"),
    ("Salle des fêtes", "Écully", "42", "8", "2024-03-02", "45.7745", "4.7770", "oui"),
    ("Dojo", "Lyon", "3,5", "2", "2022-06-10", "45.7600", "4.8400", "non"),
]
COMMUNES = "communes-35-ille-et-vilaine.geojson"


def write_csv(path: Path, rows, header=HEADER) -> Path:  # type: ignore[no-untyped-def]
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


def communes_file() -> Path:
    """The communes of Ille-et-Vilaine from the project's shared data (the demo keeps a copy of the same file)."""
    shared = SHARED_DATA / "geo" / COMMUNES
    if shared.is_file():
        return shared
    return Path(__file__).resolve().parents[2] / "portal" / "demo" / "files" / COMMUNES


@pytest.fixture
def equipements(make_dataset, tmp_path):  # type: ignore[no-untyped-def]
    dataset = make_dataset("equipements", "Équipements")
    return publish(dataset, write_csv(tmp_path / "equipements.csv", ROWS))


@pytest.fixture
def metadata_only(make_dataset, tmp_path):  # type: ignore[no-untyped-def]
    """A dataset whose catalogue entry is public but whose rows are restricted (can_view, not can_read_data)."""
    dataset = make_dataset("fiche-seule", "Fiche publique seule", visibility="metadata")
    return publish(dataset, write_csv(tmp_path / "fiche.csv", ROWS))


@pytest.fixture
def hidden(make_dataset, tmp_path):  # type: ignore[no-untyped-def]
    """A restricted dataset: nobody but its organisation's editors knows it exists."""
    dataset = make_dataset("dossiers-caches", "Dossiers cachés Zzq", visibility="restricted")
    return publish(dataset, write_csv(tmp_path / "caches.csv", ROWS))


@pytest.fixture
def communes(make_dataset, tmp_path):  # type: ignore[no-untyped-def]
    dataset = make_dataset("communes-35", "Communes d'Ille-et-Vilaine")
    source = tmp_path / COMMUNES
    shutil.copyfile(communes_file(), source)
    return publish(dataset, source)


def random_points(count: int, seed: int = 35) -> list[tuple[str, ...]]:
    """``count`` points spread over Ille-et-Vilaine, with a category and a number (reproducible)."""
    rng = random.Random(seed)
    kinds = ["banc", "fontaine", "arbre", "lampadaire"]
    return [
        (
            f"P{i}",
            kinds[i % len(kinds)],
            str(rng.randint(1, 100)),
            f"{rng.uniform(47.7, 48.6):.5f}",
            f"{rng.uniform(-2.2, -1.1):.5f}",
        )
        for i in range(count)
    ]


POINT_HEADER = ["nom", "type", "valeur", "latitude", "longitude"]


@pytest.fixture
def many_points(make_dataset, tmp_path):  # type: ignore[no-untyped-def]
    dataset = make_dataset("mobilier-urbain", "Mobilier urbain")
    return publish(dataset, write_csv(tmp_path / "mobilier.csv", random_points(3000), POINT_HEADER))


@pytest.fixture
def make_dashboard(org):  # type: ignore[no-untyped-def]
    """Factory: make_dashboard(slug, title, visibility=..., published=True, filters={...}, blocks=[...]).

    Each block is a dict of Block fields (kind, config, title, width); positions follow the list."""
    from django.utils import timezone

    from territoria.viz.models import Block, Dashboard

    def make(slug="tableau", title="Tableau", *, visibility="public", published=True, organisation=None, **fields):  # type: ignore[no-untyped-def]
        blocks = fields.pop("blocks", [])
        dashboard = Dashboard.objects.create(
            organisation=organisation or org,
            slug=slug,
            title=title,
            visibility=visibility,
            published=timezone.now() if published else None,
            **fields,
        )
        for position, spec in enumerate(blocks):
            Block.objects.create(dashboard=dashboard, position=position, **spec)
        return dashboard

    return make
