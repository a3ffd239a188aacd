"""GET /api/accounts/v1/me: who the API sees, to test a key."""

from __future__ import annotations

import pytest
from django.test import Client

from territoria.accounts import tokens
from territoria.accounts.models import Group
from territoria.conftest import client_for

pytestmark = pytest.mark.django_db

ME = "/api/accounts/v1/me"


def test_with_a_key(owner, org):
    Group.objects.create(organisation=org, name="Cellule budget").members.add(owner)
    token, key = tokens.create(owner, "Tableau de bord", "read", tokens.expiry_in(30))
    response = Client().get(ME, headers={"Authorization": f"Apikey {key}"})
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "owner" and body["is_staff"] is False
    assert body["organisations"] == [{"id": "ville-test", "name": "Ville de Test", "role": "editor"}]
    assert body["groups"] == [{"name": "Cellule budget", "organisation": "ville-test"}]
    assert body["authentication"] == "apikey"
    assert body["token"]["prefix"] == token.prefix and body["token"]["scope"] == "read"
    assert body["token"]["name"] == "Tableau de bord" and body["token"]["expires"].startswith(str(token.expires.year))
    assert key not in response.content.decode()


def test_with_a_session(member):
    body = client_for(member).get(ME).json()
    assert body["username"] == "member" and body["authentication"] == "session" and body["token"] is None
    assert body["organisations"][0]["role"] == "agent"


def test_anonymous_is_a_401(api_error):
    body = api_error(Client().get(ME), 401, "Unauthorized")
    assert "Authorization: Apikey" in body["message"]


def test_a_bad_key_is_a_401(api_error):
    body = api_error(Client().get(ME, headers={"Authorization": "Bearer terr_nope-nope-nope-nope"}), 401)
    assert "inconnue" in body["message"]


def test_read_only(owner, api_error):
    api_error(client_for(owner).post(ME), 405, "MethodNotAllowed")


def test_documented_in_openapi():
    doc = Client().get("/api/openapi.json").json()
    operation = doc["paths"][ME]["get"]
    assert operation["operationId"] == "getMe" and "401" in operation["responses"]
    scheme = doc["components"]["securitySchemes"]["apikey"]
    assert scheme == {**scheme, "type": "apiKey", "in": "header", "name": "Authorization"}
    assert {"apikey": []} in doc["security"] and {} in doc["security"]
    assert set(doc["components"]["schemas"]["Me"]["required"]) <= set(doc["components"]["schemas"]["Me"]["properties"])
