"""territoria.catalog.facets: the facet registry shared by the search page and the Explore API."""

import pytest
from django.utils import translation

from territoria.catalog.facets import FACETS, FacetValue
from territoria.catalog.models import Dataset, Resource

pytestmark = pytest.mark.django_db


@pytest.fixture
def themed(make_dataset):
    return {
        "both": make_dataset("both", "Both", themes=["ENVI", "TRAN"], keywords=["vélo", "air"]),
        "envi": make_dataset("envi", "Envi", themes=["ENVI"], keywords=["air"], licence="odbl-1.0"),
        "tran": make_dataset("tran", "Tran", themes=["TRAN"]),
        "none": make_dataset("none", "None"),
    }


def refine(*pairs) -> set[str]:
    queryset = Dataset.objects.all()
    for name, value in pairs:
        queryset = FACETS[name].refine(queryset, value)
    return set(queryset.values_list("slug", flat=True))


def exclude(*pairs) -> set[str]:
    queryset = Dataset.objects.all()
    for name, value in pairs:
        queryset = FACETS[name].exclude(queryset, value)
    return set(queryset.values_list("slug", flat=True))


def counts(name, queryset=None, limit=50) -> dict[str, int]:
    return {v.value: v.count for v in FACETS[name].count(queryset or Dataset.objects.all(), limit)}


def test_registry_names():
    assert list(FACETS) == ["theme", "publisher", "keyword", "format", "license"]
    assert all(f.name == key for key, f in FACETS.items())


@pytest.mark.parametrize("value", ["ENVI", "Environnement", "ENVIRONNEMENT", "environment", "Environment"])
def test_theme_refine_by_code_or_label_in_either_language(value, themed):
    assert refine(("theme", value)) == {"both", "envi"}


def test_repeated_refines_on_a_multi_valued_facet_mean_all_of_them(themed):
    assert refine(("theme", "ENVI"), ("theme", "TRAN")) == {"both"}
    assert refine(("keyword", "air"), ("keyword", "vélo")) == {"both"}
    assert refine(("theme", "ENVI"), ("license", "odbl-1.0")) == {"envi"}


def test_refine_on_an_unknown_value_gives_nothing(themed):
    assert refine(("theme", "NOPE")) == set()


def test_refine_does_not_match_part_of_a_value(themed):
    assert refine(("theme", "Environ")) == set()


def test_exclude_removes_every_dataset_with_the_value(themed):
    assert exclude(("theme", "ENVI")) == {"tran", "none"}
    assert exclude(("theme", "ENVI"), ("theme", "TRAN")) == {"none"}
    assert exclude(("keyword", "AIR")) == {"tran", "none"}


def test_publisher_and_license_facets_accept_identifier_or_name(themed, catalogue):
    assert refine(("publisher", "autre-ville")) == {"arbres-autre-ville"}
    assert refine(("publisher", "Autre Ville")) == {"arbres-autre-ville"}
    assert refine(("license", "odbl-1.0")) == {"envi"}
    assert refine(("license", "Open Database License (ODbL) 1.0")) == {"envi"}


def test_theme_counts_are_by_distinct_dataset_and_sorted_by_count(themed):
    assert counts("theme") == {"ENVI": 2, "TRAN": 2}


def test_counts_are_sorted_by_count_descending(make_dataset):
    for n in range(3):
        make_dataset(f"e{n}", f"E{n}", themes=["ECON"])
    make_dataset("h", "H", themes=["HEAL"])
    for n in range(2):
        make_dataset(f"a{n}", f"A{n}", themes=["AGRI"])
    assert [v.value for v in FACETS["theme"].count(Dataset.objects.all())] == ["ECON", "AGRI", "HEAL"]


def test_counts_only_cover_the_given_queryset(themed):
    assert counts("theme", Dataset.objects.filter(slug__in=["envi", "none"])) == {"ENVI": 1}


def test_count_limit(make_dataset):
    make_dataset("x", "X", themes=["ECON", "AGRI", "HEAL", "TECH"])
    assert len(FACETS["theme"].count(Dataset.objects.all(), limit=2)) == 2


def test_theme_names_follow_the_language(themed):
    with translation.override("fr"):
        names = {v.value: v.name for v in FACETS["theme"].count(Dataset.objects.all())}
        assert names["ENVI"] == "Environnement"
    with translation.override("en"):
        names = {v.value: v.name for v in FACETS["theme"].count(Dataset.objects.all())}
        assert names["TRAN"] == "Transport"


def test_other_facet_values_and_names(themed, org):
    values = {v.value: v for v in FACETS["publisher"].count(Dataset.objects.all())}
    assert values == {"ville-test": FacetValue("ville-test", "Ville de Test", 4)}
    licences = {v.value: v.name for v in FACETS["license"].count(Dataset.objects.all())}
    assert licences == {
        "etalab-2.0": "Licence Ouverte / Open Licence 2.0",
        "odbl-1.0": "Open Database License (ODbL) 1.0",
    }
    assert counts("keyword") == {"air": 2, "vélo": 1}


def test_format_facet_uses_format_labels(themed):
    Resource.objects.create(dataset=themed["envi"], title="shp", format="SHP")
    Resource.objects.create(dataset=themed["envi"], title="csv", format="CSV")
    Resource.objects.create(dataset=themed["tran"], title="csv", format="CSV")
    values = {v.value: (v.name, v.count) for v in FACETS["format"].count(Dataset.objects.all())}
    assert values == {"CSV": ("CSV", 2), "SHP": ("Shapefile (zip)", 1)}
    assert refine(("format", "csv")) == {"envi", "tran"}


def test_datasets_without_a_value_are_not_counted(themed):
    assert counts("format") == {}
    assert "" not in counts("keyword")


def test_a_link_without_format_does_not_hide_the_dataset_from_format_counts(themed):
    Resource.objects.create(dataset=themed["envi"], title="csv", format="CSV")
    Resource.objects.create(dataset=themed["envi"], title="portail", kind="link", url="https://example.org/")
    assert counts("format") == {"CSV": 1}
