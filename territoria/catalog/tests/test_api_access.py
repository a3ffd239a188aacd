"""/api/catalog/v1/datasets/{id}/access: visibility and grants through the API, for the organisation's editors."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from territoria.access import services as access
from territoria.access.models import Grant
from territoria.accounts.models import AuditEvent, Group
from territoria.accounts.services import create_token
from territoria.conftest import check_api_error, client_for

pytestmark = pytest.mark.django_db


def url(slug, *rest):
    return "/".join([f"/api/catalog/v1/datasets/{slug}/access", *map(str, rest)])


def fresh(user):
    return get_user_model().objects.get(pk=user.pk)


def test_the_owner_reads_the_visibility_and_grants(catalogue, owner, outsider, org):
    Grant.objects.create(dataset=catalogue["restricted"], user=outsider, role="read")
    Group.objects.create(organisation=org, name="Élus")
    body = client_for(owner).get(url("dossiers-sociaux")).json()
    assert body["visibility"] == "restricted"
    assert [(g["person"], g["role"]) for g in body["grants"]] == [("outsider", "read")]
    assert [g["name"] for g in body["groups"]] == ["Élus"]


def test_an_api_key_with_the_write_scope_opens_a_dataset_without_csrf(catalogue, owner, outsider):
    key = create_token(owner, "script", "write")[1]
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        url("dossiers-sociaux", "grants"),
        data=json.dumps({"person": "outsider@example.org", "role": "read"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Apikey {key}",
    )
    assert response.status_code == 201, response.content
    assert response.json()["person"] == "outsider"
    assert access.can_read_data(fresh(outsider), catalogue["restricted"])
    assert AuditEvent.objects.filter(action="grant", actor=owner).exists()


def test_a_read_key_cannot_change_anything(catalogue, owner):
    key = create_token(owner, "lecture", "read")[1]
    response = Client().post(url("budget-interne"), {"visibility": "public"}, HTTP_AUTHORIZATION=f"Bearer {key}")
    check_api_error(response, 403)
    catalogue["internal"].refresh_from_db()
    assert catalogue["internal"].visibility == "internal"


def test_visibility_change_and_bad_value(catalogue, owner):
    client = client_for(owner)
    assert client.post(url("budget-interne"), {"visibility": "metadata"}).json()["visibility"] == "metadata"
    body = check_api_error(client.post(url("budget-interne"), {"visibility": "secret"}), 400, parameter="visibility")
    assert "metadata" in body["expected"]


def test_grant_errors_keep_the_json_shape(catalogue, owner, other_org):
    client = client_for(owner)
    check_api_error(client.post(url("budget-interne", "grants"), {"person": "nobody"}), 400, "GrantRefused")
    foreign = Group.objects.create(organisation=other_org, name="Autres")
    check_api_error(client.post(url("budget-interne", "grants"), {"group": foreign.pk}), 400, "GrantRefused")
    check_api_error(client.post(url("budget-interne", "grants"), {"group": "abc"}), 400, parameter="group")
    bad_json = client.post(url("budget-interne", "grants"), data="{", content_type="application/json")
    check_api_error(bad_json, 400, "InvalidBody")


def test_deleting_a_grant(catalogue, owner, outsider):
    grant = Grant.objects.create(dataset=catalogue["restricted"], user=outsider, role="read")
    client = client_for(owner)
    check_api_error(client.delete(url("budget-interne", "grants", grant.pk)), 404)  # not that dataset's grant
    assert client.delete(url("dossiers-sociaux", "grants", grant.pk)).json()["grants"] == []
    assert not access.can_view(fresh(outsider), catalogue["restricted"])


def test_anonymous_visitors_must_sign_in(catalogue):
    check_api_error(client_for(None).get(url("equipements-sportifs")), 401)
    check_api_error(client_for(None).get(url("budget-interne")), 404)


@pytest.mark.parametrize(("kind", "status"), [("member", 403), ("outsider", 404)])
def test_others_are_refused_with_the_right_status(kind, status, catalogue, request):
    client = client_for(request.getfixturevalue(kind))
    check_api_error(client.get(url("budget-interne")), status)  # the member may know it exists, the outsider not
    check_api_error(client.get(url("dossiers-sociaux")), 404)
