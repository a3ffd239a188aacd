"""GET /api/explore/v2.1/catalog/facets: counts of visible datasets per facet value."""

import json
from urllib.parse import urlencode

import pytest

from territoria.catalog.models import Resource
from territoria.conftest import client_for

URL = "/api/explore/v2.1/catalog/facets"

pytestmark = pytest.mark.django_db


def get(user=None, **params):
    query = urlencode(params, doseq=True)
    response = client_for(user).get(f"{URL}?{query}" if query else URL)
    return response


def facets(response) -> dict[str, dict[str, dict]]:
    assert response.status_code == 200, response.content
    body = json.loads(response.content)
    assert body["links"] == []
    return {group["name"]: {v["value"]: v for v in group["facets"]} for group in body["facets"]}


def counts(response, name) -> dict[str, int]:
    return {value: v["count"] for value, v in facets(response)[name].items()}


@pytest.fixture
def themed(make_dataset):
    make_dataset("both", "Both", themes=["ENVI", "TRAN"], keywords=["air"])
    make_dataset("envi", "Envi", themes=["ENVI"], keywords=["air", "eau"])
    make_dataset("tran", "Tran", themes=["TRAN"])
    make_dataset("hidden", "Hidden", themes=["HEAL"], keywords=["secret"], visibility="internal")


def test_all_facets_by_default_in_registry_order(themed):
    response = get()
    body = json.loads(response.content)
    assert [g["name"] for g in body["facets"]] == ["theme", "publisher", "keyword", "format", "license"]


def test_facet_parameter_selects_and_orders(themed):
    body = json.loads(get(facet=["keyword", "theme"]).content)
    assert [g["name"] for g in body["facets"]] == ["keyword", "theme"]


def test_value_shape(themed):
    envi = facets(get(facet="theme"))["theme"]["ENVI"]
    assert envi == {"name": "Environnement", "value": "ENVI", "count": 2, "state": "displayed"}


def test_counts_only_cover_visible_datasets(themed, member):
    assert counts(get(facet="theme"), "theme") == {"ENVI": 2, "TRAN": 2}
    assert "secret" not in counts(get(facet="keyword"), "keyword")
    assert counts(get(member, facet="theme"), "theme") == {"ENVI": 2, "TRAN": 2, "HEAL": 1}
    assert counts(get(member, facet="keyword"), "keyword")["secret"] == 1


def test_catalogue_counts_per_user(catalogue, owner, outsider):
    assert counts(get(facet="publisher"), "publisher") == {"ville-test": 1, "autre-ville": 1}
    assert counts(get(outsider, facet="publisher"), "publisher") == {"ville-test": 1, "autre-ville": 1}
    assert counts(get(owner, facet="publisher"), "publisher") == {"ville-test": 4, "autre-ville": 1}


def test_counts_honour_where(themed):
    assert counts(get(facet="theme", where='keyword = "eau"'), "theme") == {"ENVI": 1}
    assert counts(get(facet="keyword", where='"both"'), "keyword") == {"air": 1}


def test_counts_honour_refine_and_mark_the_refined_value(themed):
    found = facets(get(facet="theme", refine="theme:TRAN"))["theme"]
    assert {v: f["count"] for v, f in found.items()} == {"TRAN": 2, "ENVI": 1}
    assert found["TRAN"]["state"] == "refined"
    assert found["ENVI"]["state"] == "displayed"


def test_counts_honour_repeated_refine_and_exclude(themed):
    assert counts(get(facet="theme", refine=["theme:TRAN", "theme:ENVI"]), "theme") == {"TRAN": 1, "ENVI": 1}
    assert counts(get(facet="keyword", exclude="theme:TRAN"), "keyword") == {"air": 1, "eau": 1}


@pytest.mark.parametrize("refine", ['theme:"Transports"', 'theme:"transports"', "theme:TRAN"])
def test_refining_by_label_or_any_case_also_marks_the_value_refined(refine, themed):
    found = facets(get(facet="theme", refine=refine))["theme"]
    assert found["TRAN"]["state"] == "refined"
    assert found["ENVI"]["state"] == "displayed"


def test_lang_en_names(themed):
    assert facets(get(facet="theme", lang="en"))["theme"]["TRAN"]["name"] == "Transport"


def test_format_facet(themed, make_dataset):
    dataset = make_dataset("shp", "Shp")
    Resource.objects.create(dataset=dataset, title="couche", format="SHP")
    assert facets(get(facet="format"))["format"]["SHP"]["name"] == "Shapefile (zip)"


def test_unknown_facet(api_error, db):
    body = api_error(get(facet="colour"), 400, "InvalidParameter", "facet")
    assert "facette inconnue « colour »" in body["message"]


def test_errors_of_shared_parameters(api_error, db):
    api_error(get(where="title ="), 400, "ODSQLError", "where")
    api_error(get(refine="nope:x"), 400, "InvalidParameter", "refine")
    api_error(get(refine="theme"), 400, "ODSQLError", "refine")
    api_error(get(lang="it"), 400, "InvalidParameter", "lang")
    api_error(get(limit=10), 400, "InvalidParameter", "limit")  # not a facets parameter


def test_a_nul_character_is_not_a_500(themed):
    assert get(exclude="keyword:\x00").status_code in (200, 400)


def test_post_is_a_json_405(api_error, db):
    api_error(client_for(None).post(URL), 405, "MethodNotAllowed")
