"""/healthz: the liveness probe touches the database and says so in JSON."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from territoria.conftest import client_for


@pytest.mark.django_db
def test_health_is_ok_and_queries_the_database(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"status": "ok"}
    assert len(queries) >= 1


@pytest.mark.django_db
def test_health_reveals_nothing_about_the_catalogue(catalogue, admin_user):
    assert json.loads(client_for(admin_user).get("/healthz").content) == {"status": "ok"}


@pytest.mark.django_db
def test_health_does_not_need_a_trailing_slash(client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/healthz/").status_code == 404


@pytest.mark.django_db
def test_health_only_answers_get(client):
    assert client.post("/healthz").status_code == 405
