"""Ingestion API: uploads, jobs, versions, publication — rights and error shape."""

from __future__ import annotations

import pytest

from territoria.conftest import SHARED_DATA, client_for
from territoria.ingest.models import Job

pytestmark = pytest.mark.django_db
CSV = SHARED_DATA / "exemples-schemas" / "lieux-covoiturage" / "exemple-valide.csv"


def upload(client, slug, path=CSV, **data):  # type: ignore[no-untyped-def]
    with open(path, "rb") as stream:
        return client.post(f"/api/ingest/v1/datasets/{slug}/uploads", {"file": stream, **data})


def test_editor_uploads_and_follows_the_job(catalogue, owner, run_on_commit):
    client = client_for(owner)
    with run_on_commit():
        response = upload(client, "equipements-sportifs", publish="true")
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued" and body["source"]["name"] == CSV.name
    job = client.get(body["links"]["self"]).json()
    assert job["status"] == "succeeded" and job["version"] == 1 and job["published"] is True
    versions = client.get("/api/ingest/v1/datasets/equipements-sportifs/versions").json()
    assert versions["published_version"] == 1 and versions["results"][0]["row_count"] > 0
    detail = client.get("/api/ingest/v1/datasets/equipements-sportifs/versions/1").json()
    assert detail["columns"] and "issues" in detail["report"]


@pytest.mark.parametrize("who", [None, "member", "outsider"])
def test_only_editors_may_upload(catalogue, who, request, api_error):
    user = request.getfixturevalue(who) if who else None
    response = upload(client_for(user), "equipements-sportifs")
    expected = 401 if who is None else 403
    api_error(response, expected)
    assert not Job.objects.exists()


def test_hidden_dataset_is_a_404_for_outsiders(catalogue, outsider, api_error):
    api_error(upload(client_for(outsider), "budget-interne"), 404)


def test_missing_file_names_the_parameter(catalogue, owner, api_error):
    response = client_for(owner).post("/api/ingest/v1/datasets/equipements-sportifs/uploads", {})
    api_error(response, 400, parameter="file")


def test_bad_url_is_refused(catalogue, owner, api_error):
    response = client_for(owner).post(
        "/api/ingest/v1/datasets/equipements-sportifs/fetches", {"url": "file:///etc/passwd"}
    )
    api_error(response, 400, parameter="url")


def test_jobs_are_private_to_editors(catalogue, owner, member, run_on_commit, api_error):
    with run_on_commit():
        job_id = upload(client_for(owner), "equipements-sportifs").json()["job_id"]
    api_error(client_for(member).get(f"/api/ingest/v1/jobs/{job_id}"), 404)
    api_error(client_for(None).get(f"/api/ingest/v1/jobs/{job_id}"), 404)
    api_error(client_for(owner).get("/api/ingest/v1/jobs/999999"), 404)


def test_retry_of_a_succeeded_job_is_a_conflict(catalogue, owner, run_on_commit, api_error):
    with run_on_commit():
        job_id = upload(client_for(owner), "equipements-sportifs").json()["job_id"]
    api_error(client_for(owner).post(f"/api/ingest/v1/jobs/{job_id}/retry"), 409, "Conflict")


def test_publish_and_roll_back_through_the_api(catalogue, owner, run_on_commit):
    client = client_for(owner)
    with run_on_commit():
        upload(client, "equipements-sportifs", publish="true")
        upload(
            client,
            "equipements-sportifs",
            path=SHARED_DATA / "exemples-schemas" / "lieux-covoiturage" / "exemple-valide.xls",
        )
    base = "/api/ingest/v1/datasets/equipements-sportifs"
    assert client.get(f"{base}/versions").json()["published_version"] == 1
    assert client.post(f"{base}/versions/2/publish").status_code == 200
    assert client.get(f"{base}/versions").json()["published_version"] == 2
    assert client.post(f"{base}/versions/1/publish").status_code == 200
    assert client.get(f"{base}/versions").json()["published_version"] == 1


def test_unknown_version_is_a_404(catalogue, owner, api_error):
    api_error(client_for(owner).get("/api/ingest/v1/datasets/equipements-sportifs/versions/7"), 404)


def test_personal_data_column_removed_through_the_api(make_dataset, owner, tmp_path, api_error):
    from territoria.ingest import pipeline, services

    dataset = make_dataset("annuaire-public", "Annuaire")
    path = tmp_path / "annuaire.csv"
    path.write_text("service;telephone\n" + "\n".join(f"Service {i};06 12 34 56 {i:02d}" for i in range(20)) + "\n")
    pipeline.run(services.submit_path(dataset, path, queue=False).pk)
    client = client_for(owner)
    base = "/api/ingest/v1/datasets/annuaire-public/versions"
    api_error(client.post(f"{base}/1/publish"), 409, "PublicationRefused")
    response = client.post(f"{base}/1/personal-data", {"column": "telephone", "action": "drop"})
    assert response.status_code == 201 and response.json()["version"] == 2
    assert response.json()["personal_data"] == []
    assert client.post(f"{base}/2/publish").status_code == 200
    api_error(client.post(f"{base}/1/personal-data", {"column": "x", "action": "drop"}), 400, parameter="column")
    api_error(client.post(f"{base}/1/personal-data", {"column": "telephone", "action": "brûler"}), 400)
