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
    # The preview reads the records API, like any reuser.
    assert 'data-preview="/api/explore/v2.1/catalog/datasets/equipements-sportifs/records?limit=20"' in dataset_page
    records = client.get("/api/explore/v2.1/catalog/datasets/equipements-sportifs/records?limit=20").json()
    assert records["total_count"] > 0


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


def test_personal_data_column_dropped_or_masked_into_a_publishable_version(make_dataset, owner, tmp_path, org):
    from territoria.ingest import pipeline, services

    dataset = make_dataset("contacts", "Contacts")
    path = tmp_path / "contacts.csv"
    path.write_text("association;courriel\n" + "\n".join(f"Asso {i};contact{i}@exemple.fr" for i in range(20)) + "\n")
    job = pipeline.run(services.submit_path(dataset, path, publish=True, queue=False).pk)
    assert not job.published and job.version.pii
    client = client_for(owner)
    page = client.get("/datasets/contacts/").content.decode()
    assert "/datasets/contacts/versions/1/personal-data" in page
    client.post("/datasets/contacts/versions/1/personal-data", {"column": "courriel", "action": "drop"})
    client.post("/datasets/contacts/versions/1/personal-data", {"column": "courriel", "action": "mask"})
    dropped, masked = dataset.versions.get(number=2), dataset.versions.get(number=3)
    assert [c["name"] for c in dropped.columns] == ["association"] and not dropped.pii
    import pyarrow.parquet as pq

    assert "courriel" not in pq.read_table(dropped.data_path()).column_names
    assert set(pq.read_table(masked.data_path()).column("courriel").to_pylist()) == {"***"}
    assert client.post("/datasets/contacts/versions/2/publish").status_code == 302
    dataset.refresh_from_db()
    assert dataset.published_version == dropped
    # Unknown column: a message, no new version.
    client.post("/datasets/contacts/versions/1/personal-data", {"column": "inconnue", "action": "drop"})
    assert dataset.versions.count() == 3
