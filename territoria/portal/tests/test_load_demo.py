"""``territoria demo`` (management command load_demo): the demo collectivité and its real public files."""

import hashlib
import io
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.management import call_command
from django.test import Client

from territoria.accounts.models import Organisation
from territoria.catalog import search, services
from territoria.catalog.models import Dataset, Keyword, Resource, TableSchema
from territoria.conftest import client_for
from territoria.portal.demo.content import DATASETS
from territoria.portal.demo.loader import FILES
from territoria.portal.demo.people import ACCOUNTS, DEMO_PASSWORD, VISIBILITY

pytestmark = pytest.mark.django_db


def load(*options: str) -> str:
    """The demo without its data versions (fast); test_demo_data_* load them once."""
    out = io.StringIO()
    call_command("load_demo", *(options or ("--without-data",)), stdout=out)
    return out.getvalue()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def snapshot() -> dict:
    return {
        "organisations": Organisation.objects.count(),
        "datasets": Dataset.objects.count(),
        "resources": Resource.objects.count(),
        "keywords": Keyword.objects.count(),
        "schemas": TableSchema.objects.count(),
        "stored files": sorted(p.name for p in settings.FILES_DIR.rglob("*") if p.is_file()),
        "resource rows": sorted(Resource.objects.values_list("dataset__slug", "title", "file_sha256")),
    }


@pytest.fixture
def demo():
    message = load()
    return message


def test_reports_what_it_loaded(demo):
    match = re.search(r"(\d+) organisations, (\d+) jeux de données, (\d+) fichiers", demo)
    assert match, demo
    assert int(match[1]) == Organisation.objects.count()
    assert int(match[2]) == Dataset.objects.count()
    assert int(match[3]) == Resource.objects.count()


def test_at_least_eight_public_datasets_anyone_can_see(demo):
    public = services.readable_datasets(AnonymousUser())
    assert public.count() >= 8
    assert set(public.values_list("slug", flat=True)) == {d["slug"] for d in DATASETS} - set(VISIBILITY)


def test_one_dataset_of_each_non_public_visibility_with_its_reason(demo):
    kinds = {}
    for slug, (visibility, why) in VISIBILITY.items():
        dataset = Dataset.objects.get(slug=slug)
        assert dataset.visibility == visibility
        assert why in dataset.description
        kinds[visibility] = slug
    assert set(kinds) == {"internal", "restricted", "metadata"}


def test_every_dataset_is_fully_described(demo):
    for dataset in Dataset.objects.all():
        assert dataset.licence_id, dataset.slug
        assert dataset.themes.exists(), dataset.slug
        assert dataset.keywords.exists(), dataset.slug
        assert dataset.description.strip(), dataset.slug
        assert dataset.source_url.startswith("https://"), dataset.slug
        assert dataset.attribution.strip(), dataset.slug
        assert dataset.published is not None and dataset.published < dataset.modified, dataset.slug
        assert dataset.organisation.slug.endswith("-demo"), dataset.slug


def test_every_dataset_has_a_downloadable_file_matching_the_shipped_one(demo):
    client = client_for(User.objects.get(username="demo-admin"))
    for dataset in Dataset.objects.all():
        files = list(dataset.resources.filter(kind="file"))
        assert files, dataset.slug
        for resource in files:
            shipped = (FILES / resource.file_name).read_bytes()
            assert resource.file_sha256 == sha256(shipped), resource.file_name
            assert resource.size == len(shipped)
            assert resource.format, resource.file_name
            response = client.get(resource.get_download_url())
            assert response.status_code == 200, resource.file_name
            downloaded = b"".join(response.streaming_content)
            assert sha256(downloaded) == sha256(shipped), resource.file_name


def test_every_file_named_in_the_content_is_shipped(demo):
    for spec in DATASETS:
        for name, _title in spec["files"]:
            assert (FILES / name).is_file(), name


def test_every_shipped_file_has_its_origin_in_attribution_md():
    attribution = (FILES / "ATTRIBUTION.md").read_text(encoding="utf-8")
    for path in FILES.iterdir():
        if path.name != "ATTRIBUTION.md":
            assert path.name in attribution, path.name


def test_running_it_twice_creates_no_duplicates(demo):
    before = snapshot()
    load()
    assert snapshot() == before


def test_rerun_after_local_edits_restores_the_demo_without_doubling(demo):
    dataset = Dataset.objects.get(slug=DATASETS[0]["slug"])
    dataset.title = "Titre modifié"
    dataset.save()
    load()
    assert Dataset.objects.get(slug=DATASETS[0]["slug"]).title == DATASETS[0]["title"]
    assert Dataset.objects.filter(slug=DATASETS[0]["slug"]).count() == 1


def test_demo_is_searchable_and_browsable(demo):
    first = DATASETS[0]
    assert Dataset.objects.get(slug=first["slug"]).pk in [pk for pk, _ in search.ranked_ids(first["title"])]
    client = client_for(None)
    assert client.get("/").status_code == 200
    assert client.get(f"/datasets/{first['slug']}/").status_code == 200
    body = client.get("/api/explore/v2.1/catalog/datasets?limit=-1").json()
    assert body["total_count"] == len(DATASETS) - sum(v in {"internal", "restricted"} for v, _w in VISIBILITY.values())


def test_most_viewed_is_meaningful(demo):
    counts = list(Dataset.objects.values_list("view_count", flat=True))
    assert len(set(counts)) > 1
    assert min(counts) > 0


def test_demo_data_every_dataset_gets_a_published_checked_version():
    message = load("-v", "1")
    assert "13 versions de données créées" in message, message
    for dataset in Dataset.objects.select_related("published_version"):
        version = dataset.published_version
        assert version is not None, dataset.slug
        assert version.row_count > 0 and version.columns, dataset.slug
        assert "issues" in version.report
    # The friches file holds a service mailbox: the personal-data guard caught it; the dataset is restricted,
    # so publishing needed no justification (a public one would: see catalog/tests).
    friches = Dataset.objects.get(slug="friches")
    assert friches.visibility == "restricted"
    assert friches.published_version.pii and not friches.published_version.pii_justification
    # Reloading creates no new version.
    assert "0 versions de données créées" in load("-v", "1")
    assert sum(d.versions.count() for d in Dataset.objects.all()) == Dataset.objects.count()


def test_demo_accounts_sign_in_and_see_what_their_role_allows(demo):
    for username in ACCOUNTS:
        client = Client()
        response = client.post("/compte/connexion/", {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, username
        assert client.get("/compte/").status_code == 200, username
    seen = {
        name: set(services.visible_datasets(User.objects.get(username=name)).values_list("visibility", flat=True))
        for name in ACCOUNTS
    }
    readable = {
        name: set(services.readable_datasets(User.objects.get(username=name)).values_list("slug", flat=True))
        for name in ACCOUNTS
    }
    assert seen["demo-externe"] == {"public", "metadata"}
    assert "aires-de-livraison" not in readable["demo-externe"]
    assert {"internal", "restricted", "metadata"} <= seen["demo-agent"]  # restricted through the group
    assert {"friches", "aires-de-livraison", "delinquance-departements"} <= readable["demo-agent"]
    own = set(Dataset.objects.filter(organisation__slug="ca-val-de-loire-demo").values_list("slug", flat=True))
    assert own <= readable["demo-editeur"]
    assert "aires-de-livraison" not in own or "aires-de-livraison" in readable["demo-editeur"]


def test_the_command_prints_the_demo_accounts(demo):
    assert DEMO_PASSWORD in demo
    for username in ACCOUNTS:
        assert username in demo


def test_no_demo_account_in_production(settings):
    settings.PRODUCTION = True
    message = load()
    assert not User.objects.filter(username__in=list(ACCOUNTS)).exists()
    assert "non créés" in message
    assert Dataset.objects.count() == len(DATASETS)


def test_referents_look_after_demo_datasets(demo):
    from territoria.accounts.models import Referent

    assert Referent.objects.count() >= 3
    for referent in Referent.objects.all():
        assert referent.datasets.exists(), referent.name
    assert Dataset.objects.filter(referent__isnull=True).count() < Dataset.objects.count() // 2
