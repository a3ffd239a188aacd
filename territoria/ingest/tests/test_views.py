"""Upload page, job page and publication buttons."""

from __future__ import annotations

import pytest

from territoria.conftest import SHARED_DATA, client_for
from territoria.ingest.models import Job

pytestmark = pytest.mark.django_db
CSV = SHARED_DATA / "exemples-schemas" / "stationnement" / "exemple-valide.csv"


def test_upload_page_is_for_editors_only(catalogue, owner, member):
    assert client_for(owner).get("/datasets/equipements-sportifs/upload").status_code == 200
    assert client_for(member).get("/datasets/equipements-sportifs/upload").status_code == 404
    anonymous = client_for(None).get("/datasets/equipements-sportifs/upload")
    assert anonymous.status_code == 302


def test_form_upload_without_javascript_goes_to_the_job_page(catalogue, owner, run_on_commit):
    client = client_for(owner)
    with run_on_commit(), open(CSV, "rb") as stream:
        response = client.post("/datasets/equipements-sportifs/upload", {"file": stream, "publish": "on"})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/ingest/jobs/{job.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Terminé" in page and "Version 1 créée" in page
    dataset_page = client.get("/datasets/equipements-sportifs/").content.decode()
    assert "Colonnes" in dataset_page and "Qualité" in dataset_page


def test_empty_form_says_what_to_do(catalogue, owner):
    response = client_for(owner).post("/datasets/equipements-sportifs/upload", {})
    assert response.status_code == 400
    assert "Choisissez un fichier" in response.content.decode()


def test_job_page_is_private(catalogue, owner, member, run_on_commit):
    with run_on_commit(), open(CSV, "rb") as stream:
        client_for(owner).post("/datasets/equipements-sportifs/upload", {"file": stream})
    job = Job.objects.get()
    assert client_for(member).get(f"/ingest/jobs/{job.pk}/").status_code == 404


def test_publish_button_publishes_and_rolls_back(catalogue, owner, run_on_commit):
    client = client_for(owner)
    for publish in ("on", ""):
        with run_on_commit(), open(CSV, "rb") as stream:
            client.post("/datasets/equipements-sportifs/upload", {"file": stream, "publish": publish})
    page = client.get("/datasets/equipements-sportifs/").content.decode()
    assert "/datasets/equipements-sportifs/versions/2/publish" in page
    response = client.post("/datasets/equipements-sportifs/versions/2/publish")
    assert response.status_code == 302
    catalogue["public"].refresh_from_db()
    assert catalogue["public"].published_version.number == 2
    client.post("/datasets/equipements-sportifs/versions/1/publish")
    catalogue["public"].refresh_from_db()
    assert catalogue["public"].published_version.number == 1
