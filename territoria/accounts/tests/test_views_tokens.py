"""« Mon compte » (/compte/) and « Mes clés d'API » (/compte/cles/): list, create (key shown once), revoke."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.test import Client
from django.urls import reverse

from territoria.accounts import tokens
from territoria.accounts.models import ApiToken, AuditEvent, Group
from territoria.conftest import client_for

pytestmark = pytest.mark.django_db

ACCOUNT = "/compte/"
TOKENS = "/compte/cles/"
KEY = re.compile(r"terr_[A-Za-z0-9_-]{40,}")


def test_urls_are_named():
    assert reverse("accounts:account") == ACCOUNT
    assert reverse("accounts:tokens") == TOKENS
    assert reverse("accounts:token-revoke", args=[7]) == "/compte/cles/7/revoquer"


@pytest.mark.parametrize("url", [ACCOUNT, TOKENS, "/compte/cles/1/revoquer"])
def test_sign_in_required(url):
    response = Client().get(url)
    assert response.status_code == 302 and response["Location"].startswith("/compte/connexion/")
    assert Client().post(url, {"name": "x", "scope": "write", "expiry": "30"}).status_code == 302
    assert not ApiToken.objects.exists()


def test_account_page_shows_identity_organisations_roles_and_groups(owner, org):
    owner.first_name, owner.last_name = "Claire", "Martin"
    owner.save()
    group = Group.objects.create(organisation=org, name="Cellule budget")
    group.members.add(owner)
    page = client_for(owner).get(ACCOUNT).content.decode()
    assert "<h1>Mon compte</h1>" in page
    assert "Claire Martin" in page and "owner@example.org" in page
    assert "Ville de Test" in page and "Éditeur" in page
    assert "Cellule budget" in page
    assert 'href="/compte/cles/"' in page
    assert 'href="/compte/" aria-current="page"' in page  # the « Mon compte » link of the header


def test_account_page_of_someone_without_organisation(admin_user):
    page = client_for(admin_user).get(ACCOUNT).content.decode()
    assert "aucune organisation" in page and "aucun groupe" in page


def test_the_header_links_to_the_account_for_signed_in_people_only(owner):
    assert 'href="/compte/"' in client_for(owner).get("/").content.decode()
    assert 'href="/compte/"' not in Client().get("/").content.decode()


def test_create_shows_the_key_once_and_stores_its_digest(owner):
    client = client_for(owner)
    response = client.post(TOKENS, {"name": "Tableau de bord", "scope": "read", "expiry": "90"})
    assert response.status_code == 201
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    keys = set(KEY.findall(page))
    assert len(keys) == 1
    key = keys.pop()
    assert "ne sera plus jamais affichée" in page
    token = ApiToken.objects.get()
    assert token.user == owner and token.name == "Tableau de bord" and token.scope == "read"
    assert token.digest == hashlib.sha256(key.encode()).hexdigest() and token.prefix == key[:12]
    assert 85 <= (token.expires - token.created).days <= 90
    assert tokens.authenticate(key) == token
    # Shown once: the list shows the prefix only, never the key again.
    again = client.get(TOKENS).content.decode()
    assert key not in again and token.prefix in again and "Tableau de bord" in again
    assert AuditEvent.objects.filter(action=AuditEvent.Action.TOKEN_CREATED, actor=owner).count() == 1


@pytest.mark.parametrize(("expiry", "days"), [("30", 30), ("365", 365), ("never", None)])
def test_expiry_choices(owner, expiry, days):
    client_for(owner).post(TOKENS, {"name": "k", "scope": "write", "expiry": expiry})
    token = ApiToken.objects.get()
    assert token.scope == "write"
    if days is None:
        assert token.expires is None
    else:
        assert days - 1 <= (token.expires - token.created).days <= days


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "scope": "read", "expiry": "30"},
        {"name": "k", "scope": "admin", "expiry": "30"},
        {"name": "k", "scope": "read", "expiry": "7"},
    ],
)
def test_an_invalid_form_creates_nothing(owner, data):
    response = client_for(owner).post(TOKENS, data)
    assert response.status_code == 200
    assert not ApiToken.objects.exists()
    assert not KEY.search(response.content.decode())


def test_the_limit_of_working_keys_is_explained(owner, monkeypatch):
    monkeypatch.setattr(tokens, "MAX_ACTIVE", 1)
    client = client_for(owner)
    client.post(TOKENS, {"name": "1", "scope": "read", "expiry": "30"})
    response = client.post(TOKENS, {"name": "2", "scope": "read", "expiry": "30"})
    assert response.status_code == 200 and "révoquez" in response.content.decode()
    assert ApiToken.objects.count() == 1


def test_list_shows_my_keys_and_their_state_not_others(owner, member):
    live, _ = tokens.create(owner, "En service", "write")
    gone, _ = tokens.create(owner, "Ancienne")
    tokens.revoke(gone, owner)
    tokens.create(member, "Clé de quelqu'un d'autre")
    page = client_for(owner).get(TOKENS).content.decode()
    assert "En service" in page and "Ancienne" in page and "révoquée le" in page and "en service" in page
    assert "quelqu" not in page
    assert f"/compte/cles/{live.pk}/revoquer" in page
    assert f"/compte/cles/{gone.pk}/revoquer" not in page  # nothing left to revoke


def test_revoke_asks_for_confirmation_then_revokes(owner):
    token, key = tokens.create(owner, "À jeter")
    url = reverse("accounts:token-revoke", args=[token.pk])
    client = client_for(owner)
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Révoquer définitivement" in confirm.content.decode()
    assert tokens.authenticate(key) == token  # asking is not revoking
    done = client.post(url, follow=True)
    assert done.redirect_chain[-1][0] == TOKENS
    assert "est révoquée" in done.content.decode()
    assert tokens.authenticate(key) is None
    assert AuditEvent.objects.filter(action=AuditEvent.Action.TOKEN_REVOKED, actor=owner).count() == 1
    # Again: nothing changes, and the page says so.
    assert "déjà révoquée" in client.post(url, follow=True).content.decode()
    assert "déjà été révoquée" in client.get(url).content.decode()


@pytest.mark.parametrize("who", ["member", "admin_user"])
def test_nobody_else_can_revoke_my_key(owner, who, request):
    token, key = tokens.create(owner, "À moi")
    url = reverse("accounts:token-revoke", args=[token.pk])
    intruder = client_for(request.getfixturevalue(who))
    assert intruder.get(url).status_code == 404
    assert intruder.post(url).status_code == 404
    assert tokens.authenticate(key) == token
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.TOKEN_REVOKED).exists()


def test_revoke_of_an_unknown_key_is_a_404(owner):
    assert client_for(owner).post(reverse("accounts:token-revoke", args=[999999])).status_code == 404


def test_forms_need_their_csrf_token(owner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    assert client.post(TOKENS, {"name": "k", "scope": "write", "expiry": "30"}).status_code == 403
    assert not ApiToken.objects.exists()


def test_the_form_is_labelled(owner):
    page = client_for(owner).get(TOKENS).content.decode()
    for field_id in ("id_name", "id_expiry", "id_scope_0", "id_scope_1"):
        assert f'for="{field_id}"' in page and f'id="{field_id}"' in page
    assert "<legend>Portée</legend>" in page
