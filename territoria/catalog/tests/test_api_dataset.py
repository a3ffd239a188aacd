"""GET /api/explore/v2.1/catalog/datasets/{dataset_id}: one dataset's metadata."""

import json
from datetime import UTC, date, datetime

import pytest

from territoria.catalog import services
from territoria.conftest import client_for

pytestmark = pytest.mark.django_db


def url(dataset_id: str) -> str:
    return f"/api/explore/v2.1/catalog/datasets/{dataset_id}"


def ok(response) -> dict:
    assert response.status_code == 200, response.content
    return json.loads(response.content)


@pytest.fixture
def rich(org, demo_file):
    dataset = services.save_dataset(
        organisation=org,
        slug="subventions",
        licence="odbl-1.0",
        title="Subventions attribuées",
        description="Montants **versés**.",
        themes=["ECON", "GOVE"],
        keywords=["subventions", "associations"],
        producer="Direction des finances",
        frequency="ANNUAL",
        temporal_start=date(2020, 1, 1),
        temporal_end=date(2022, 12, 31),
        spatial_coverage="Ville de Test",
        spatial_code="35238",
        spatial_granularity="commune",
        contact_name="Service données",
        contact_email="donnees@example.org",
        source_url="https://example.org/source",
        attribution="Ville de Test, 2024",
        table_schema={"name": "scdl/subventions", "title": "Subventions", "version": "2.1.1", "url": ""},
        published=datetime(2024, 1, 2, tzinfo=UTC),
    )
    services.attach_file(dataset, demo_file("subventions-antibes.csv"), title="Subventions (CSV)")
    return dataset


def test_one_dataset_same_item_as_in_the_list(rich):
    item = ok(client_for(None).get(url("subventions")))
    listed = ok(client_for(None).get("/api/explore/v2.1/catalog/datasets?where=dataset_id%3D%22subventions%22"))
    assert item == listed["results"][0]


def test_every_metadata_field(rich):
    item = ok(client_for(None).get(url("subventions")))
    default, dcat = item["metas"]["default"], item["metas"]["dcat"]
    assert default["title"] == "Subventions attribuées"
    assert default["description"] == "Montants **versés**."
    assert sorted(default["theme"]) == ["Gouvernement et secteur public", "Économie et finances"]
    assert sorted(default["keyword"]) == ["associations", "subventions"]
    assert default["license"] == "Open Database License (ODbL) 1.0"
    assert default["publisher"] == "Ville de Test"
    assert default["references"] == "https://example.org/source"
    assert default["attributions"] == ["Ville de Test, 2024"]
    assert default["territory"] == ["Ville de Test"]
    assert dcat["creator"] == "Direction des finances"
    assert dcat["contact_name"] == "Service données"
    assert dcat["contact_email"] == "donnees@example.org"
    assert dcat["accrualperiodicity"].endswith("/frequency/ANNUAL")
    assert dcat["spatial"] == "35238"
    assert dcat["granularity"] == "commune"
    assert dcat["temporal_coverage_start"] == "2020-01-01"
    assert dcat["temporal_coverage_end"] == "2022-12-31"
    assert dcat["issued"].startswith("2024-01-02")
    assert dcat["conforms_to"] == "scdl/subventions"  # no URL: the schema's name
    assert sorted(u.rsplit("/", 1)[1] for u in dcat["theme_uri"]) == ["ECON", "GOVE"]
    assert [a["title"] for a in item["attachments"]] == ["Subventions (CSV)"]


def test_empty_optional_fields_are_null_not_empty_strings(catalogue):
    dcat = ok(client_for(None).get(url("equipements-sportifs")))["metas"]["dcat"]
    for key in ("creator", "contact_name", "contact_email", "spatial", "granularity", "conforms_to"):
        assert dcat[key] is None, key
    default = ok(client_for(None).get(url("equipements-sportifs")))["metas"]["default"]
    assert default["references"] is None
    assert default["attributions"] == []


def test_lang_en(rich):
    item = ok(client_for(None).get(url("subventions") + "?lang=en"))
    assert sorted(item["metas"]["default"]["theme"]) == ["Economy and finance", "Government and public sector"]


@pytest.mark.parametrize(
    ("kind", "slug", "visible"),
    [
        ("anonymous", "budget-interne", False),
        ("anonymous", "dossiers-sociaux", False),
        ("anonymous", "brouillon-velo", False),
        ("outsider", "budget-interne", False),
        ("member", "budget-interne", True),
        ("member", "dossiers-sociaux", False),
        ("member", "brouillon-velo", False),
        ("owner", "dossiers-sociaux", True),
        ("owner", "brouillon-velo", True),
        ("admin_user", "brouillon-velo", True),
    ],
)
def test_visibility(kind, slug, visible, catalogue, request, api_error):
    user = None if kind == "anonymous" else request.getfixturevalue(kind)
    response = client_for(user).get(url(slug))
    if visible:
        assert ok(response)["dataset_id"] == slug
    else:
        api_error(response, 404, "NotFound", "dataset_id")
        assert catalogue_title(catalogue, slug) not in response.content.decode()


def catalogue_title(catalogue, slug):
    return next(d.title for d in catalogue.values() if d.slug == slug)


def test_hidden_and_missing_datasets_answer_alike(catalogue, api_error):
    hidden = api_error(client_for(None).get(url("budget-interne")), 404)
    missing = api_error(client_for(None).get(url("budget-externe")), 404)
    assert hidden["message"].replace("budget-interne", "X") == missing["message"].replace("budget-externe", "X")
    assert set(hidden) == set(missing)


def test_unknown_dataset_message_is_french_and_truncated(api_error, db):
    body = api_error(client_for(None).get(url("x" * 300)), 404, "NotFound", "dataset_id")
    assert body["message"].startswith("Aucun jeu de données")
    assert "x" * 101 not in body["message"]


def test_unknown_parameter(api_error, catalogue):
    api_error(client_for(None).get(url("equipements-sportifs") + "?limit=5"), 400, "InvalidParameter", "limit")


def test_compatibility_parameters(catalogue):
    ok(client_for(None).get(url("equipements-sportifs") + "?apikey=x&timezone=UTC"))


def test_bad_lang(api_error, catalogue):
    api_error(client_for(None).get(url("equipements-sportifs") + "?lang=xx"), 400, "InvalidParameter", "lang")


def test_post_is_a_json_405(api_error, catalogue):
    api_error(client_for(None).post(url("equipements-sportifs")), 405, "MethodNotAllowed")


def test_dataset_id_with_odd_characters_is_a_json_404(api_error, db):
    for odd in ("%C3%A9t%C3%A9", "a.b", "%20", "..", "a%09b"):
        api_error(client_for(None).get(url(odd)), 404)


@pytest.mark.parametrize("odd", ["%00", "budget%00"])
def test_dataset_id_with_a_nul_character_is_a_json_400(odd, api_error, db):
    body = api_error(client_for(None).get(url(odd)), 400, parameter="path")
    assert "nul" in body["message"]
