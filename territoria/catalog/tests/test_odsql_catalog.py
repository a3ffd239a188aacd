"""territoria.catalog.odsql: ODSQL where/order_by over catalogue metadata, compiled to Django queries."""

from datetime import UTC, date, datetime

import pytest

from territoria.catalog import services
from territoria.catalog.models import Dataset, Resource
from territoria.catalog.odsql import FIELDS, compile_order_by, compile_where
from territoria.lib.odsql import OdsqlError

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(make_dataset):
    alpha = make_dataset(
        "alpha",
        "Alpha parc",
        themes=["ENVI"],
        keywords=["parc"],
        producer="INSEE",
        frequency="ANNUAL",
        spatial_coverage="Rennes",
        spatial_code="35238",
        temporal_start=date(2020, 1, 1),
        temporal_end=date(2020, 12, 31),
        modified=datetime(2024, 3, 15, 12, 0, tzinfo=UTC),
    )
    bravo = make_dataset(
        "bravo",
        "Bravo voirie",
        themes=["TRAN"],
        keywords=["voirie"],
        licence="odbl-1.0",
        frequency="MONTHLY",
        spatial_coverage="Brest",
        modified=datetime(2023, 6, 1, 12, 0, tzinfo=UTC),
    )
    charlie = make_dataset("charlie", "Charlie", modified=datetime(2022, 1, 10, 12, 0, tzinfo=UTC))
    services.set_view_count(alpha, 10)
    services.set_view_count(bravo, 200)
    Resource.objects.create(dataset=bravo, title="csv", format="CSV")
    return alpha, bravo, charlie


def where(expression: str) -> set[str]:
    return set(Dataset.objects.filter(compile_where(expression)).values_list("slug", flat=True))


def error(compile_, expression: str) -> OdsqlError:
    with pytest.raises(OdsqlError) as info:
        compile_(expression)
    return info.value


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('title = "alpha parc"', {"alpha"}),
        ("title = 'ALPHA PARC'", {"alpha"}),
        ('title != "Alpha parc"', {"bravo", "charlie"}),
        ('dataset_id = "bravo"', {"bravo"}),
        ('theme = "ENVI"', {"alpha"}),
        ('theme = "Environnement"', {"alpha"}),
        ('theme = "environment"', {"alpha"}),
        ('keyword in ("parc", "voirie")', {"alpha", "bravo"}),
        ('keyword = "voirie"', {"bravo"}),
        ('publisher = "Ville de Test"', {"alpha", "bravo", "charlie"}),
        ('publisher = "ville-test"', {"alpha", "bravo", "charlie"}),
        ('license = "Open Database License (ODbL) 1.0"', {"bravo"}),
        ('license = "odbl-1.0"', {"bravo"}),
        ('license_id = "etalab-2.0"', {"alpha", "charlie"}),
        ('frequency = "MONTHLY"', {"bravo"}),
        ('territory = "35238"', {"alpha"}),
        ('territory = "brest"', {"bravo"}),
        ('producer = "insee"', {"alpha"}),
        ('format = "CSV"', {"bravo"}),
        ("popularity > 100", {"bravo"}),
        ("popularity >= 10", {"alpha", "bravo"}),
        ("popularity < 10", {"charlie"}),
        ("popularity <= 10", {"alpha", "charlie"}),
        ("100 < popularity", {"bravo"}),
        ("popularity = 0", {"charlie"}),
        ("downloads = 0", {"alpha", "bravo", "charlie"}),
        ("popularity in [10..200]", {"alpha", "bravo"}),
        ("popularity in ]10..200]", {"bravo"}),
        ("popularity in [0 TO 10[", {"charlie"}),
    ],
)
def test_comparisons(expression, expected, three):
    assert where(expression) == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("modified >= date'2024-01-01'", {"alpha"}),
        ("modified = date'2024-03-15'", {"alpha"}),  # a bare date means that whole day
        ("modified != date'2024-03-15'", {"bravo", "charlie"}),
        ('modified < "2023"', {"charlie"}),
        ('modified >= "2023-06"', {"alpha", "bravo"}),
        ("modified >= '2023/06/01'", {"alpha", "bravo"}),
        ("modified > date'2024-03-15T11:00:00+00:00'", {"alpha"}),
        ("year(modified) = 2023", {"bravo"}),
        ("month(modified) = 3", {"alpha"}),
        ("day(modified) = 10", {"charlie"}),
        ("year(modified) >= 2023", {"alpha", "bravo"}),
        ("2023 = year(modified)", {"bravo"}),
        ("temporal_coverage_start = date'2020-01-01'", {"alpha"}),
        ("temporal_coverage_end < date'2021-01-01'", {"alpha"}),
        ("temporal_coverage_start is null", {"bravo", "charlie"}),
    ],
)
def test_dates(expression, expected, three):
    assert where(expression) == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('title like "alpha*"', {"alpha"}),
        ('title like "*VOIRIE"', {"bravo"}),
        ('title like "*arl*"', {"charlie"}),
        ('title like "B*o*e"', {"bravo"}),
        ('title like "charlie"', {"charlie"}),
        ('title like "a.p*"', set()),  # regex characters are literal
        ('title not like "*a*"', set()),
        ('title not like "alpha*"', {"bravo", "charlie"}),
        ("producer is null", {"bravo", "charlie"}),
        ("producer is not null", {"alpha"}),
        ('keyword not in ("parc")', {"bravo", "charlie"}),
    ],
)
def test_like_null_and_in(expression, expected, three):
    assert where(expression) == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('theme = "ENVI" or theme = "TRAN"', {"alpha", "bravo"}),
        ('theme = "ENVI" and popularity > 5', {"alpha"}),
        ('not theme = "ENVI"', {"bravo", "charlie"}),
        ('(popularity > 5 or title = "charlie") and not format = "CSV"', {"alpha", "charlie"}),
        ("true", {"alpha", "bravo", "charlie"}),
        ("false", set()),
        ('"voirie"', {"bravo"}),
        ('"PARC"', {"alpha"}),
        ('search("voiries")', {"bravo"}),
        ('search(title, "parcs")', {"alpha"}),
        ('startswith(title, "cha")', {"charlie"}),
        ('"voirie" or "parc"', {"alpha", "bravo"}),
    ],
)
def test_logic_and_functions(expression, expected, three):
    assert where(expression) == expected


def test_values_are_parameters_not_sql(three):
    assert where("title = \"x' OR '1'='1\"") == set()
    assert Dataset.objects.count() == 3


def test_unknown_field_suggests_the_closest_one():
    found = error(compile_where, 'title = "x" and titl = "y"')
    assert found.position == 17
    assert "champ inconnu « titl »" in found.message
    assert "vouliez-vous dire « title » ?" in found.message
    assert found.expected == sorted(FIELDS)


def test_unknown_field_far_from_everything_has_no_suggestion():
    found = error(compile_where, 'zzzzzzzz = "y"')
    assert "vouliez-vous dire" not in found.message
    assert found.position == 1


@pytest.mark.parametrize(
    ("expression", "fragment"),
    [
        ('popularity > "beaucoup"', "un nombre est attendu"),
        ("title = title", "une valeur est attendue"),
        ("modified > date'2024-13-45'", "date"),
        ('modified > "hier"', "date invalide"),
        ("year(title) = 2020", "year(), month() et day()"),
        ('year(modified) = "2020"', "year(), month() et day()"),
        ("lower(title)", "fonction « lower » non disponible"),
        ("search(5)", "search() attend un texte"),
        ("title", "non prise en charge"),
        ("42", "non prise en charge"),
        ("popularity + 1 = 3", "un nom de champ est attendu"),
    ],
)
def test_errors_are_french_and_located(expression, fragment):
    found = error(compile_where, expression)
    assert fragment in found.message
    assert found.message.startswith("where :")
    assert found.position is None or found.position >= 1


@pytest.mark.parametrize("expression", ["modified > 5", "modified in (5)", "temporal_coverage_start = 2020"])
def test_a_number_for_a_date_field_is_an_odsql_error(expression, three):
    with pytest.raises(OdsqlError):
        list(Dataset.objects.filter(compile_where(expression)))


# order_by


def test_order_by_compiles_to_orm_paths():
    assert compile_order_by("modified desc, title") == ["-modified", "title"]
    assert compile_order_by("popularity DESC, publisher asc") == ["-view_count", "organisation__name"]
    assert compile_order_by("issued") == ["published"]


def test_order_by_applies(three):
    ordering = compile_order_by("popularity desc")
    assert list(Dataset.objects.order_by(*ordering).values_list("slug", flat=True)) == ["bravo", "alpha", "charlie"]


@pytest.mark.parametrize("field", ["description", "theme", "keyword", "format"])
def test_multi_valued_and_long_fields_cannot_be_sorted(field):
    found = error(compile_order_by, field)
    assert "ne peut pas servir au tri" in found.message
    assert found.message.startswith("order_by :")


def test_order_by_unknown_field():
    found = error(compile_order_by, "modifed desc")
    assert "vouliez-vous dire « modified » ?" in found.message
    assert found.position == 1


def test_every_field_maps_to_real_model_paths(three):
    for name, field in FIELDS.items():
        for path in field.paths:
            list(Dataset.objects.filter(**{f"{path}__isnull": True}).values("pk")[:1])
        if field.order_path:
            list(Dataset.objects.order_by(field.order_path).values("pk")[:1])
        assert field.kind in {"text", "datetime", "number", "date"}, name
