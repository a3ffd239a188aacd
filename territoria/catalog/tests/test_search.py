"""territoria.catalog.search: French full-text search, same behaviour on SQLite (FTS5) and PostgreSQL."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from territoria.catalog import search, services
from territoria.catalog.models import Dataset, Keyword, Theme

pytestmark = pytest.mark.django_db


def ids(text: str) -> list[int]:
    return [pk for pk, _score in search.ranked_ids(text)]


@pytest.mark.parametrize(
    "text",
    ["equipement", "EQUIPEMENTS", "équipements", "Équipement", "equipements sportifs", "SPORTIF", "Sportifs"],
)
def test_accents_case_and_plurals_are_ignored(text, catalogue):
    assert catalogue["public"].pk in ids(text)


def test_engine_in_use_matches_the_database():
    engine = search._engine().__name__.rsplit(".", 1)[-1]
    assert engine == ("postgres" if connection.vendor == "postgresql" else "sqlite")


def test_keywords_are_searched(make_dataset):
    dataset = make_dataset("piscines", "Bassins municipaux", keywords=["natation"])
    assert ids("natation") == [dataset.pk]


def test_description_is_searched(catalogue):
    # « stades » is only in the description of the public dataset.
    assert ids("stades") == [catalogue["public"].pk]


def test_theme_labels_in_both_languages_are_searched(make_dataset):
    dataset = make_dataset("velos", "Comptages", themes=["TRAN"])
    assert dataset.pk in ids("transports")
    assert dataset.pk in ids("transport")


def test_publisher_and_coverage_are_searched(make_dataset):
    dataset = make_dataset("cadastre", "Cadastre", spatial_coverage="Quimperlé", producer="DGFiP")
    assert dataset.pk in ids("quimperle")
    assert dataset.pk in ids("dgfip")
    assert dataset.pk in ids("ville de test")  # the publisher's name


def test_every_word_must_match(catalogue):
    assert ids("gymnase budget") == []
    assert ids("gymnase stades") == [catalogue["public"].pk]


def test_title_matches_rank_above_description_only_matches(make_dataset):
    in_description = make_dataset("aires-de-jeux", "Aires de jeux", description="À côté des piscines municipales.")
    in_title = make_dataset("piscines", "Piscines municipales")
    assert ids("piscine") == [in_title.pk, in_description.pk]
    scores = dict(search.ranked_ids("piscine"))
    assert scores[in_title.pk] > scores[in_description.pk]


def test_keyword_matches_rank_above_description_only_matches(make_dataset):
    in_description = make_dataset("a-desc", "Alpha", description="Un inventaire des arbres.")
    in_keywords = make_dataset("b-kw", "Bravo", keywords=["arbres"])
    assert ids("arbres") == [in_keywords.pk, in_description.pk]


def test_nothing_to_search_gives_nothing(catalogue):
    assert search.ranked_ids("") == []
    assert search.ranked_ids("   ") == []
    assert search.ranked_ids("de la les") == []  # stop words only


@pytest.mark.parametrize(
    "text",
    [
        '"',
        "'",
        "*",
        "NEAR(equipement sportif)",
        'title:"x" OR body:y',
        "equip* AND -sport",
        "'; DROP TABLE catalog_dataset; --",
        "^sport",
        "(((",
        "a" * 300,
        "\x00sport",
    ],
)
def test_search_syntax_of_either_engine_is_not_interpreted(text, catalogue):
    result = search.ranked_ids(text)
    assert isinstance(result, list)
    assert Dataset.objects.count() == 5


def test_limit_caps_the_number_of_results(make_dataset):
    for n in range(5):
        make_dataset(f"arbres-{n}", f"Arbres {n}")
    assert len(search.ranked_ids("arbres", limit=3)) == 3
    assert len(search.ranked_ids("arbres")) == 5


# The index follows every change (signals)


def test_renaming_a_dataset_reindexes_it(catalogue):
    public = catalogue["public"]
    public.title = "Terrains de pétanque"
    public.save()
    assert public.pk in ids("petanque")
    assert public.pk not in ids("equipements")


def test_adding_and_removing_keywords_reindexes(catalogue):
    public = catalogue["public"]
    keyword = Keyword.objects.create(name="skatepark")
    public.keywords.add(keyword)
    assert ids("skatepark") == [public.pk]
    public.keywords.remove(keyword)
    assert ids("skatepark") == []


def test_changing_themes_reindexes(catalogue):
    public = catalogue["public"]
    public.themes.set([Theme.objects.get(code="HEAL")])
    assert public.pk in ids("santé")
    assert public.pk not in ids("culture")


def test_renaming_the_organisation_reindexes_its_datasets(catalogue, org):
    org.name = "Commune de Plougastel"
    org.save()
    found = set(ids("plougastel"))
    assert found == {catalogue[k].pk for k in ("public", "internal", "restricted", "draft")}


def test_deleting_a_dataset_removes_it_from_the_index(catalogue):
    pk = catalogue["public"].pk
    catalogue["public"].delete()
    assert pk not in ids("equipements")


def test_rebuild_restores_a_cleared_index(catalogue):
    search._engine().clear()
    assert ids("equipements") == []
    assert search.rebuild() == Dataset.objects.count()
    assert ids("equipements") == [catalogue["public"].pk]


def test_bulk_update_bypasses_signals_until_rebuild(catalogue):
    Dataset.objects.filter(pk=catalogue["public"].pk).update(title="Bibliothèques")
    assert ids("bibliotheque") == []
    search.rebuild()
    assert ids("bibliotheque") == [catalogue["public"].pk]


# Search through the catalogue service: the access policy always applies


@pytest.fixture
def people(owner, member, outsider, admin_user):
    return {"anonymous": AnonymousUser(), "outsider": outsider, "member": member, "owner": owner, "admin": admin_user}


EXPECTED = {
    "anonymous": {"public", "other"},
    "outsider": {"public", "other"},
    "member": {"public", "internal", "other"},
    "owner": {"public", "internal", "restricted", "draft", "other"},
    "admin": {"public", "internal", "restricted", "draft", "other"},
}


@pytest.mark.parametrize("kind", list(EXPECTED))
def test_text_search_never_returns_datasets_the_user_may_not_see(kind, people, catalogue):
    # « ville » is in every dataset's publisher name (« Ville de Test », « Autre Ville »).
    assert set(ids("ville")) == {d.pk for d in catalogue.values()}
    query = services.DatasetSearch(people[kind], text="ville")
    found = {d.pk for d in query.page(0, 100)}
    assert found == {catalogue[k].pk for k in EXPECTED[kind]}
    assert query.count() == len(EXPECTED[kind])


@pytest.mark.parametrize(("kind", "found"), [("anonymous", 0), ("outsider", 0), ("member", 1), ("owner", 1)])
def test_searching_an_internal_title_reveals_nothing_to_outsiders(kind, found, people, catalogue):
    assert services.DatasetSearch(people[kind], text="budget prévisionnel").count() == found
