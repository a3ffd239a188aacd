"""GET /api/explore/v2.1/catalog/datasets/{id}/facets."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from .conftest import expected_rows, get, publish, write_csv

pytestmark = [pytest.mark.django_db, pytest.mark.urls("territoria.records.tests.urls")]


def facets(**params):  # type: ignore[no-untyped-def]
    response = get(None, "equipements", "facets", **params)
    assert response.status_code == 200, response.content
    return {f["name"]: f["facets"] for f in json.loads(response.content)["facets"]}


def test_facet_counts_match_python(equipements):
    rows = expected_rows()
    body = facets(facet=["ville", "actif"])
    assert list(body) == ["ville", "actif"]
    assert {v["value"]: v["count"] for v in body["ville"]} == Counter(r["ville"] for r in rows)
    assert body["ville"][0] == {"name": "Lyon", "value": "Lyon", "count": 3, "state": "displayed"}
    assert {v["value"]: v["count"] for v in body["actif"]} == {"true": 3, "false": 3}


def test_facets_honour_where_refine_and_exclude(equipements):
    body = facets(facet="ville", where="quantite >= 3", refine="actif:true")
    assert body["ville"] == [
        {"name": "Lyon", "value": "Lyon", "count": 1, "state": "displayed"},
        {"name": "Écully", "value": "Écully", "count": 1, "state": "displayed"},
    ]
    body = facets(facet="ville", refine="ville:Lyon")
    assert body["ville"] == [{"name": "Lyon", "value": "Lyon", "count": 3, "state": "refined"}]
    body = facets(facet="ville", exclude="ville:Lyon")
    assert "Lyon" not in {v["value"] for v in body["ville"]}


def test_all_allowed_facets_by_default(equipements):
    body = facets()
    assert set(body) == {"nom", "ville", "quantite", "date_ouverture", "actif", "commentaire"}


@pytest.mark.parametrize("facet", ["montant", "geo_point_2d", "inconnu"])
def test_only_text_integer_boolean_date_columns(equipements, api_error, facet):
    api_error(get(None, "equipements", "facets", facet=facet), 400, parameter="facet")


def test_kept_facet_counts_follow_the_published_version(equipements, tmp_path):
    assert {v["value"]: v["count"] for v in facets(facet="ville")["ville"]} == Counter(
        r["ville"] for r in expected_rows()
    )
    # Counts without conditions are kept per file; with conditions they are computed, never taken from there.
    assert facets(facet="ville", where="quantite >= 8")["ville"] == [
        {"name": "Villeurbanne", "value": "Villeurbanne", "count": 1, "state": "displayed"},
        {"name": "Écully", "value": "Écully", "count": 1, "state": "displayed"},
    ]
    rows = [("Patinoire", "Grenoble", "2", "4", "2024-05-05", "45.18", "5.72", "oui", "")] * 2
    publish(equipements, write_csv(tmp_path / "v2.csv", rows))
    assert facets(facet="ville")["ville"] == [
        {"name": "Grenoble", "value": "Grenoble", "count": 2, "state": "displayed"}
    ]
