"""/datasets/<slug>/resources/<pk>/download: stored files and links, through the access policy."""

import hashlib

import pytest
from django.conf import settings

from territoria.catalog import services
from territoria.catalog.models import Dataset, Resource
from territoria.conftest import SHARED_DATA, client_for
from territoria.lib.storage import ContentStore

pytestmark = pytest.mark.django_db

needs_shared_data = pytest.mark.skipif(
    not SHARED_DATA.is_dir(), reason=f"shared public files not found at {SHARED_DATA}"
)


def url(dataset, resource) -> str:
    return f"/datasets/{dataset.slug}/resources/{resource.pk}/download"


def fetch(path: str, user=None):
    return client_for(user).get(path)


def content(response) -> bytes:
    # Consuming streaming_content closes the response (test client wrapper); closing it again would
    # fire request_finished and drop the PostgreSQL connection of the test transaction.
    return b"".join(response.streaming_content)


def downloads(dataset) -> int:
    return Dataset.objects.get(pk=dataset.pk).download_count


@needs_shared_data
@pytest.mark.parametrize(
    ("relative", "media_type"),
    [
        ("csv-fr/bal-strasbourg-extrait.cp1252.csv", "text/csv"),
        ("geo/departements-version-simplifiee.geojson", "application/geo+json"),
        ("csv-fr/ssmsi-delinquance-departements-2016-2022.csv.gz", "application/gzip"),
        ("geo/amenagements-cyclables-template-shp-lambert93.zip", "application/zip"),
        ("geo/cnig-sites-economiques-modele-vide.gpkg", "application/geopackage+sqlite3"),
    ],
)
def test_bytes_are_exactly_the_stored_file(relative, media_type, catalogue):
    path = SHARED_DATA / relative
    resource = services.attach_file(catalogue["public"], path, title="Fichier")
    response = fetch(url(catalogue["public"], resource))
    assert response.status_code == 200
    assert response["Content-Type"] == media_type
    data = content(response)
    assert data == path.read_bytes()
    assert hashlib.sha256(data).hexdigest() == resource.file_sha256
    assert response["Content-Disposition"] == f'attachment; filename="{path.name}"'
    assert int(response["Content-Length"]) == path.stat().st_size


def test_filename_with_accents_is_encoded(catalogue, tmp_path):
    path = tmp_path / "données été.csv"
    path.write_bytes(b"a;b\n1;2\n")
    resource = services.attach_file(catalogue["public"], path, title="Accents")
    response = fetch(url(catalogue["public"], resource))
    assert "filename*=utf-8''donn%C3%A9es%20%C3%A9t%C3%A9.csv" in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("attachment;")
    assert content(response) == path.read_bytes()


def test_resource_without_file_name_gets_a_fallback(catalogue, demo_file):
    resource = services.attach_file(catalogue["public"], demo_file("friches.csv"), title="F")
    Resource.objects.filter(pk=resource.pk).update(file_name="")
    response = fetch(url(catalogue["public"], resource))
    assert f'filename="resource-{resource.pk}"' in response["Content-Disposition"]
    assert content(response) == demo_file("friches.csv").read_bytes()


def test_each_download_is_counted(catalogue, demo_file):
    resource = services.attach_file(catalogue["public"], demo_file("friches.csv"), title="F")
    for expected in (1, 2, 3):
        content(fetch(url(catalogue["public"], resource)))
        assert downloads(catalogue["public"]) == expected


def test_link_resources_redirect_and_are_counted(catalogue):
    link = Resource.objects.create(
        dataset=catalogue["public"], title="API", kind="link", url="https://api.example.org/v1/equipements"
    )
    response = fetch(url(catalogue["public"], link))
    assert response.status_code == 302
    assert response["Location"] == "https://api.example.org/v1/equipements"
    assert downloads(catalogue["public"]) == 1


@pytest.mark.parametrize(
    ("kind", "key", "status"),
    [
        ("anonymous", "internal", 404),
        ("anonymous", "restricted", 404),
        ("anonymous", "draft", 404),
        ("outsider", "internal", 404),
        ("member", "internal", 200),
        ("member", "restricted", 404),
        ("member", "draft", 404),
        ("owner", "restricted", 200),
        ("owner", "draft", 200),
        ("admin_user", "draft", 200),
        ("anonymous", "other", 200),
    ],
)
def test_downloads_follow_the_access_policy(kind, key, status, catalogue, demo_file, request):
    user = None if kind == "anonymous" else request.getfixturevalue(kind)
    dataset = catalogue[key]
    resource = services.attach_file(dataset, demo_file("friches.csv"), title="F")
    response = fetch(url(dataset, resource), user)
    assert response.status_code == status
    if status == 200:
        assert content(response) == demo_file("friches.csv").read_bytes()
    assert downloads(dataset) == (1 if status == 200 else 0)


def test_resource_of_another_dataset_is_not_reachable_through_a_visible_one(catalogue, demo_file):
    secret = services.attach_file(catalogue["restricted"], demo_file("friches.csv"), title="Secret")
    response = fetch(f"/datasets/equipements-sportifs/resources/{secret.pk}/download")
    assert response.status_code == 404
    assert downloads(catalogue["public"]) == 0


def test_unknown_resource_or_dataset(catalogue):
    assert fetch("/datasets/equipements-sportifs/resources/999999/download").status_code == 404
    assert fetch("/datasets/nope/resources/1/download").status_code == 404
    assert fetch("/datasets/equipements-sportifs/resources/abc/download").status_code == 404


def test_missing_file_in_the_store_is_a_404_not_a_500(catalogue, demo_file):
    resource = services.attach_file(catalogue["public"], demo_file("friches.csv"), title="F")
    path = ContentStore(settings.FILES_DIR).path_for(resource.file_sha256)
    path.chmod(0o644)
    path.unlink()
    response = fetch(url(catalogue["public"], resource))
    assert response.status_code == 404
    assert "introuvable" in response.content.decode()


def test_a_failed_download_is_not_counted(catalogue, demo_file):
    resource = services.attach_file(catalogue["public"], demo_file("friches.csv"), title="F")
    path = ContentStore(settings.FILES_DIR).path_for(resource.file_sha256)
    path.chmod(0o644)
    path.unlink()
    assert fetch(url(catalogue["public"], resource)).status_code == 404
    assert downloads(catalogue["public"]) == 0


def test_file_resource_without_digest_is_a_404(catalogue):
    resource = Resource.objects.create(dataset=catalogue["public"], title="Vide", kind="file")
    assert fetch(url(catalogue["public"], resource)).status_code == 404


def test_post_is_not_allowed(catalogue, demo_file):
    resource = services.attach_file(catalogue["public"], demo_file("friches.csv"), title="F")
    assert client_for(None).post(url(catalogue["public"], resource)).status_code == 405
    assert downloads(catalogue["public"]) == 0
