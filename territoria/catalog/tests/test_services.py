"""territoria.catalog.services: reading through the access policy, writing datasets and files."""

import hashlib
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.utils import timezone

from territoria.catalog import services
from territoria.catalog.models import Dataset, Keyword, Licence, Resource, TableSchema, Theme
from territoria.lib.storage import ContentStore

pytestmark = pytest.mark.django_db


def slugs(datasets) -> set[str]:
    return {d.slug for d in datasets}


def test_visible_datasets_and_get_visible_dataset(catalogue, member):
    assert slugs(services.visible_datasets(AnonymousUser())) == {"equipements-sportifs", "arbres-autre-ville"}
    assert services.get_visible_dataset(AnonymousUser(), "budget-interne") is None
    assert services.get_visible_dataset(AnonymousUser(), "nope") is None
    assert services.get_visible_dataset(member, "budget-interne") == catalogue["internal"]
    assert services.get_visible_dataset(member, "dossiers-sociaux") is None


def test_latest_is_by_modification_date_and_visible_only(make_dataset, catalogue):
    later = timezone.now() + timedelta(days=1)  # after the catalogue fixture's datasets
    for n in range(8):
        make_dataset(f"d{n}", f"Jeu {n}", modified=later - timedelta(minutes=n))
    latest = services.latest(AnonymousUser(), limit=3)
    assert [d.slug for d in latest] == ["d0", "d1", "d2"]
    assert "budget-interne" not in slugs(services.latest(AnonymousUser(), limit=100))


def test_most_viewed(catalogue, make_dataset):
    services.set_view_count(catalogue["public"], 5)
    services.set_view_count(catalogue["other"], 50)
    services.set_view_count(catalogue["internal"], 500)
    assert [d.slug for d in services.most_viewed(AnonymousUser(), limit=2)] == [
        "arbres-autre-ville",
        "equipements-sportifs",
    ]


def test_record_view_and_download_increment_atomically(catalogue):
    public = catalogue["public"]
    services.record_view(public)
    services.record_view(public)
    services.record_download(public)
    public.refresh_from_db()
    assert (public.view_count, public.download_count) == (2, 1)


def test_themes_with_counts_lists_every_theme_with_visible_counts(catalogue, member):
    anonymous = {t.code: n for t, n in services.themes_with_counts(AnonymousUser())}
    assert len(anonymous) == 13
    assert anonymous["EDUC"] == 1 and anonymous["ENVI"] == 1
    assert anonymous["ECON"] == 0  # only the internal budget
    assert {t.code: n for t, n in services.themes_with_counts(member)}["ECON"] == 1


def test_facet_lookup():
    assert services.facet("theme").name == "theme"
    assert services.facet("nope") is None


# DatasetSearch


def test_search_combines_policy_where_refine_and_exclude(catalogue, owner):
    query = services.DatasetSearch(
        owner, where=Q(title__icontains="s"), exclude=[("theme", "SOCI"), ("theme", "Transports")]
    )
    assert slugs(query.page(0, 10)) == {"equipements-sportifs", "budget-interne", "arbres-autre-ville"}
    query = services.DatasetSearch(owner, refine=[("publisher", "ville-test")], where=Q(keywords__name="budget"))
    assert slugs(query.page(0, 10)) == {"budget-interne"}


def test_where_cannot_widen_the_policy(catalogue):
    query = services.DatasetSearch(AnonymousUser(), where=Q(visibility="internal") | Q(published__isnull=True))
    assert query.count() == 0


def test_default_order_is_by_title_then_pk(make_dataset):
    for slug, title in [("c", "Charlie"), ("a", "Alpha"), ("b", "Bravo")]:
        make_dataset(slug, title)
    assert [d.slug for d in services.DatasetSearch(AnonymousUser()).page(0, 10)] == ["a", "b", "c"]


def test_order_by_and_paging(make_dataset):
    now = timezone.now()
    for n in range(5):
        make_dataset(f"d{n}", f"Jeu {n}", modified=now - timedelta(days=n))
    query = services.DatasetSearch(AnonymousUser(), order_by=["modified"])
    assert [d.slug for d in query.page(0, 2)] == ["d4", "d3"]
    assert [d.slug for d in query.page(2, 2)] == ["d2", "d1"]
    assert [d.slug for d in query.page(4, 2)] == ["d0"]
    assert query.page(10, 2) == []


def test_text_search_pages_by_relevance(make_dataset):
    make_dataset("desc", "Aaa", description="piscine")
    make_dataset("title", "Piscine")
    query = services.DatasetSearch(AnonymousUser(), text="piscine")
    assert [d.slug for d in query.page(0, 10)] == ["title", "desc"]
    assert [d.slug for d in query.page(1, 10)] == ["desc"]
    assert [d.slug for d in services.DatasetSearch(AnonymousUser(), text="piscine", order_by=["title"]).page(0, 9)] == [
        "desc",
        "title",
    ]


def test_page_loads_relations_in_a_fixed_number_of_queries(make_dataset, django_assert_max_num_queries):
    for n in range(12):
        make_dataset(f"d{n}", f"Jeu {n}", themes=["ENVI", "TRAN"], keywords=["a", "b"])
    query = services.DatasetSearch(AnonymousUser())
    with django_assert_max_num_queries(6):
        for dataset in query.page(0, 12):
            _ = [t.label for t in dataset.themes.all()], dataset.keyword_names, dataset.organisation.name
            _ = dataset.licence.title, list(dataset.resources.all())


# Writing


def test_save_dataset_creates_then_updates_by_slug(org, other_org):
    created = services.save_dataset(
        organisation=org, slug="velos", licence="odbl-1.0", title="Vélos", themes=["TRAN"], keywords=["vélo"]
    )
    assert created.licence.identifier == "odbl-1.0"
    assert [t.code for t in created.themes.all()] == ["TRAN"]
    updated = services.save_dataset(
        organisation=other_org, slug="velos", licence="etalab-2.0", title="Vélos 2", themes=["ENVI", "TRAN"]
    )
    assert updated.pk == created.pk
    assert Dataset.objects.count() == 1
    updated.refresh_from_db()
    assert (updated.title, updated.organisation, updated.licence.identifier) == ("Vélos 2", other_org, "etalab-2.0")
    assert sorted(t.code for t in updated.themes.all()) == ["ENVI", "TRAN"]
    assert updated.keyword_names == []  # keywords are replaced, not merged


def test_save_dataset_reuses_keywords_and_ignores_unknown_themes(org):
    services.save_dataset(organisation=org, slug="a", licence="etalab-2.0", title="A", keywords=["vélo"])
    b = services.save_dataset(
        organisation=org, slug="b", licence="etalab-2.0", title="B", keywords=["vélo"], themes=["NOPE"]
    )
    assert Keyword.objects.filter(name="vélo").count() == 1
    assert list(b.themes.all()) == []


def test_save_dataset_with_an_unknown_licence_fails(org):
    with pytest.raises(Licence.DoesNotExist):
        services.save_dataset(organisation=org, slug="x", licence="wtfpl", title="X")
    assert not Dataset.objects.exists()


def test_save_dataset_table_schema_is_shared_by_name(org):
    schema = {"name": "scdl/subventions", "title": "Subventions", "version": "2.1.1", "url": "https://s.example/"}
    a = services.save_dataset(organisation=org, slug="a", licence="etalab-2.0", title="A", table_schema=schema)
    b = services.save_dataset(
        organisation=org, slug="b", licence="etalab-2.0", title="B", table_schema={**schema, "version": "2.1.2"}
    )
    assert TableSchema.objects.count() == 1
    assert a.table_schema_id == b.table_schema_id
    assert TableSchema.objects.get().version == "2.1.2"


def test_attach_file_stores_content_and_guesses_the_format(catalogue, demo_file):
    path = demo_file("amenagements-cyclables-lambert93.shp.zip")
    resource = services.attach_file(catalogue["public"], path, title="Couche", description="Lambert 93", position=3)
    data = path.read_bytes()
    assert resource.file_sha256 == hashlib.sha256(data).hexdigest()
    assert resource.size == len(data)
    assert (resource.format, resource.media_type) == ("SHP", "application/zip")
    assert resource.file_name == path.name
    assert (resource.description, resource.position, resource.kind) == ("Lambert 93", 3, "file")
    assert ContentStore(settings.FILES_DIR).exists(resource.file_sha256)


def test_attach_gzipped_csv_is_csv_in_gzip(catalogue, demo_file):
    resource = services.attach_file(
        catalogue["public"], demo_file("ssmsi-delinquance-departements-2016-2022.csv.gz"), title="Délinquance"
    )
    assert (resource.format, resource.media_type) == ("CSV", "application/gzip")


def test_attach_file_with_the_same_title_replaces(catalogue, demo_file):
    public = catalogue["public"]
    services.attach_file(public, demo_file("friches.csv"), title="Données")
    second = services.attach_file(public, demo_file("departements.geojson"), title="Données")
    assert Resource.objects.filter(dataset=public).count() == 1
    assert (second.format, second.file_name) == ("GEOJSON", "departements.geojson")


def test_attach_an_unknown_format_leaves_format_blank(catalogue, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("bonjour", encoding="utf-8")
    resource = services.attach_file(catalogue["public"], path, title="Notes")
    assert (resource.format, resource.media_type) == ("", "")


def test_every_theme_is_reachable_by_code():
    assert Theme.objects.filter(code__in=["AGRI", "TECH"]).count() == 2
