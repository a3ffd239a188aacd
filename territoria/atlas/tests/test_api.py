"""The atlas API: list, one action, facets, map, exports, referentials, classify, observatory."""

from __future__ import annotations

import csv
import io
import json

import pytest

from territoria.atlas.models import Action
from territoria.conftest import client_for

API = "/api/atlas/v1"


@pytest.fixture
def data(action_factory, org):  # type: ignore[no-untyped-def]
    return {
        "public": action_factory(
            title="Tiers-lieu à la médiathèque",
            enjeu="E15",
            services=("S122",),
            contact_service="Direction du numérique",
            contact_name="Camille Exemple",
            contact_email="camille@example.org",
            organisation=org,
            summary='=HYPERLINK("http://x") un tiers-lieu',
        ),
        "other": action_factory(
            title="Vote en ligne du budget participatif", enjeu="E01", services=("S005",), insee="90010"
        ),
        "waiting": action_factory(title="Fiche en attente", state=Action.State.SUBMITTED, organisation=org),
    }


def _json(response):  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content[:500]
    return json.loads(response.content)


def test_list_gives_public_actions_with_their_classification(client, data):
    body = _json(client.get(f"{API}/actions"))
    assert body["total_count"] == 2
    titles = {r["title"] for r in body["results"]}
    assert titles == {"Tiers-lieu à la médiathèque", "Vote en ligne du budget participatif"}
    first = next(r for r in body["results"] if r["title"].startswith("Tiers"))
    assert first["enjeux"][0]["code"] == "E15" and first["services"][0]["code"] == "S122"
    assert first["geo"]["lat"] == pytest.approx(48.1, abs=0.1)
    assert first["contact"] == {"service": "Direction du numérique"}  # no person for anonymous callers


def test_filters_limit_and_facets(client, data):
    body = _json(client.get(f"{API}/actions", {"enjeu": "E01", "facets": "true"}))
    assert [r["title"] for r in body["results"]] == ["Vote en ligne du budget participatif"]
    assert {f["value"]: f["count"] for f in body["facets"]["enjeu"]} == {"E01": 1}
    assert _json(client.get(f"{API}/actions", {"limit": 1}))["total_count"] == 2
    assert len(_json(client.get(f"{API}/actions", {"limit": 1}))["results"]) == 1


def test_signed_in_agents_get_the_contact_person(data, member):
    body = _json(client_for(member).get(f"{API}/actions/{data['public'].pk}"))
    assert body["contact"]["name"] == "Camille Exemple"
    listed = _json(client_for(member).get(f"{API}/actions", {"q": "tiers-lieu"}))
    assert listed["results"][0]["contact"]["email"] == "camille@example.org"


def test_submitted_actions_are_404_for_others_and_visible_to_members(client, data, member, api_error):
    api_error(client.get(f"{API}/actions/{data['waiting'].pk}"), 404, "NotFound")
    body = _json(client_for(member).get(f"{API}/actions/{data['waiting'].pk}"))
    assert body["state"] == "submitted"


def test_bad_parameters_answer_the_error_shape(client, data, api_error):
    api_error(client.get(f"{API}/actions", {"limite": "3"}), 400, parameter="limite")
    api_error(client.get(f"{API}/actions", {"limit": "1000"}), 400, parameter="limit")
    api_error(client.get(f"{API}/actions", {"q": "x" * 300}), 400, parameter="q")
    api_error(client.get(f"{API}/exports/xls"), 404, "NotFound")
    api_error(client.get(f"{API}/classify"), 400, parameter="text")
    api_error(client.get(f"{API}/referentials/inconnu"), 404)
    api_error(client.post(f"{API}/actions"), 405)


def test_facets_and_map(client, data):
    facets = _json(client.get(f"{API}/facets"))
    names = [f["name"] for f in facets["facets"]]
    assert names[:2] == ["enjeu", "service"] and "departement" in names
    points = _json(client.get(f"{API}/map"))
    assert points["fields"] == ["id", "lat", "lon", "enjeu"]
    assert sorted(p[0] for p in points["points"]) == sorted([data["public"].pk, data["other"].pk])


def test_csv_export_is_excel_friendly_and_formula_safe(client, data):
    response = client.get(f"{API}/exports/csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 2
    tiers = next(r for r in rows if r["titre"].startswith("Tiers"))
    assert tiers["resume"].startswith("'=HYPERLINK")
    assert tiers["enjeu"] == "E15" and tiers["services"] == "S122"
    assert "camille" not in text.lower()


def test_geojson_export(client, data):
    response = client.get(f"{API}/exports/geojson", {"departement": "90"})
    body = json.loads(b"".join(response.streaming_content))
    assert body["type"] == "FeatureCollection"
    assert [f["properties"]["title"] for f in body["features"]] == ["Vote en ligne du budget participatif"]
    lon, lat = body["features"][0]["geometry"]["coordinates"]
    assert 47.4 < lat < 47.9 and 6.6 < lon < 7.2


def test_referentials(client, referential):
    listed = _json(client.get(f"{API}/referentials"))
    assert [r["slug"] for r in listed["results"]] == ["territoria"]
    one = _json(client.get(f"{API}/referentials/territoria"))
    assert sum(1 for i in one["items"] if i["level"] == "service") == 138
    response = client.get(f"{API}/referentials/territoria/export/csv")
    assert response.status_code == 200 and response.content.decode().startswith("niveau,code,parent")


def test_classify_proposes_services(client, referential, shared_classifier):
    body = _json(
        client.get(
            f"{API}/classify",
            {"text": "Nous avons ouvert un espace public numérique avec un animateur multimédia pour les habitants"},
        )
    )
    assert body["referential"]["slug"] == "territoria"
    assert 1 <= len(body["enjeux"]) <= 3 and len(body["services"]) == 5
    assert body["services"][0]["confidence"] >= body["services"][-1]["confidence"]
    assert "E15" in [e["code"] for e in body["enjeux"]]


def test_observatory(client, data):
    body = _json(client.get(f"{API}/observatory"))
    assert body["total"] == 2
    assert {row[0]: row[2] for row in body["enjeux"]} == {"E15": 1, "E01": 1}
    assert {row[0]: row[2] for row in body["departements"]} == {"35": 1, "90": 1}
