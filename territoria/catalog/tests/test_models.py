"""territoria.catalog.models: themes, licences, datasets and their resources."""

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from territoria.catalog.models import Dataset, Keyword, Licence, Resource, TableSchema, Theme, slug_validator
from territoria.catalog.vocabularies import EU_THEME_BASE, LICENCES, THEMES

pytestmark = pytest.mark.django_db


def test_the_thirteen_eu_themes_and_the_licences_are_seeded():
    assert set(Theme.objects.values_list("code", flat=True)) == {code for code, _fr, _en in THEMES}
    assert len(THEMES) == 13
    assert set(Licence.objects.values_list("identifier", flat=True)) == {row[0] for row in LICENCES}
    assert Licence.objects.get(identifier="etalab-2.0").is_open
    assert not Licence.objects.get(identifier="other-closed").is_open


def test_theme_label_follows_the_active_language():
    theme = Theme.objects.get(code="ENVI")
    with translation.override("fr"):
        assert theme.label == "Environnement"
        assert str(theme) == "Environnement"
    with translation.override("en"):
        assert theme.label == "Environment"
    with translation.override("en-gb"):
        assert theme.label == "Environment"


def test_theme_uri_is_the_eu_authority_uri():
    assert Theme.objects.get(code="TRAN").uri == EU_THEME_BASE + "TRAN"
    assert EU_THEME_BASE.startswith("http://publications.europa.eu/resource/authority/data-theme/")


def test_string_forms():
    assert str(Licence.objects.get(identifier="odbl-1.0")) == "Open Database License (ODbL) 1.0"
    assert str(Keyword(name="vélo")) == "vélo"
    assert str(TableSchema(name="scdl/budget", title="Budget", version="0.8.3")) == "Budget 0.8.3"


def test_dataset_basics(catalogue):
    public = catalogue["public"]
    assert str(public) == "Équipements sportifs"
    assert public.get_absolute_url() == "/datasets/equipements-sportifs/"
    assert public.is_published
    assert not catalogue["draft"].is_published
    assert sorted(public.keyword_names) == ["gymnase", "sport"]
    assert public.uid != catalogue["internal"].uid
    assert public.visibility == "public"
    assert public.frequency == "UNKNOWN"


def test_datasets_are_ordered_by_title(catalogue):
    titles = list(Dataset.objects.values_list("title", flat=True))
    assert titles == sorted(titles)


@pytest.mark.parametrize("slug", ["equipements-sportifs", "a", "2024-budget", "x1-y2"])
def test_valid_slugs(slug):
    slug_validator(slug)


@pytest.mark.parametrize("slug", ["Équipements", "UPPER", "-start", "with space", "under_score", "accentué", ""])
def test_invalid_slugs(slug):
    with pytest.raises(ValidationError):
        slug_validator(slug)


def test_dataset_formats_are_sorted_unique_and_skip_blank(catalogue):
    public = catalogue["public"]
    Resource.objects.create(dataset=public, title="b", format="GEOJSON")
    Resource.objects.create(dataset=public, title="a", format="CSV")
    Resource.objects.create(dataset=public, title="c", format="CSV")
    Resource.objects.create(dataset=public, title="lien", kind="link", url="https://example.org/")
    assert public.formats == ["CSV", "GEOJSON"]


def test_resources_are_ordered_by_position_then_creation(catalogue):
    public = catalogue["public"]
    second = Resource.objects.create(dataset=public, title="second", position=1)
    first = Resource.objects.create(dataset=public, title="first", position=0)
    third = Resource.objects.create(dataset=public, title="third", position=1)
    assert list(public.resources.all()) == [first, second, third]


def test_resource_checksum_and_download_url(catalogue):
    public = catalogue["public"]
    digest = hashlib.sha256(b"x").hexdigest()
    stored = Resource.objects.create(dataset=public, title="f", file_sha256=digest)
    assert stored.checksum == "sha256:" + digest
    assert stored.get_download_url() == f"/datasets/equipements-sportifs/resources/{stored.pk}/download"
    link = Resource.objects.create(dataset=public, title="l", kind="link", url="https://example.org/api")
    assert link.checksum == ""
    assert link.get_download_url() == "https://example.org/api"
    assert str(link) == "l"


def test_resource_open_reads_the_content_store(catalogue, demo_file):
    from territoria.catalog import services

    path = demo_file("friches.csv")
    resource = services.attach_file(catalogue["public"], path, title="Friches")
    with resource.open() as stream:
        assert stream.read() == path.read_bytes()


def test_resource_without_a_file_cannot_be_opened(catalogue):
    resource = Resource.objects.create(dataset=catalogue["public"], title="vide")
    with pytest.raises(ValueError):
        resource.open()


def test_deleting_a_dataset_deletes_its_resources(catalogue):
    public = catalogue["public"]
    Resource.objects.create(dataset=public, title="f")
    public.delete()
    assert not Resource.objects.exists()


def test_licence_in_use_is_protected(catalogue):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        Licence.objects.get(identifier="etalab-2.0").delete()
