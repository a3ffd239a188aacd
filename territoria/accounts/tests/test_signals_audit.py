"""Audit of sign-ins (territoria/accounts/signals.py): SIGN_IN, SIGN_IN_FAILED, SIGN_OUT with the address."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache

from territoria.accounts.models import AuditEvent
from territoria.conftest import client_for

Action = AuditEvent.Action
PASSWORD = "mot-de-passe-solide-42"
SIGN_IN_ACTIONS = [Action.SIGN_IN, Action.SIGN_IN_FAILED, Action.SIGN_OUT]


def sign_in_events():
    return AuditEvent.objects.filter(action__in=SIGN_IN_ACTIONS).order_by("pk")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def test_a_sign_in_is_recorded_with_the_person_and_the_address(client, member):
    client.post("/compte/connexion/", {"username": "member", "password": PASSWORD}, REMOTE_ADDR="203.0.113.9")
    event = sign_in_events().get()
    assert event.action == Action.SIGN_IN
    assert (event.actor, event.actor_name, event.target) == (member, "member", "member")
    assert event.ip == "203.0.113.9"
    assert event.detail == {"method": "password"}


def test_a_failure_records_the_name_tried_and_never_the_password(client, member):
    client.post("/compte/connexion/", {"username": "membre-inconnu", "password": "secret-tente-123"})
    event = sign_in_events().get()
    assert event.action == Action.SIGN_IN_FAILED
    assert event.actor is None and event.actor_name == ""
    assert event.target == "membre-inconnu"
    assert event.detail == {"username": "membre-inconnu", "method": "password"}
    assert event.ip == "127.0.0.1"
    assert "secret-tente-123" not in json.dumps(event.detail) + event.target


def test_a_failure_during_a_lockout_says_so(client, member, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(3):
        client.post("/compte/connexion/", {"username": "member", "password": "pas-le-bon"})
    details = [e.detail.get("locked_out") for e in sign_in_events()]
    assert details == [None, True, True]


def test_a_sign_out_is_recorded(client, member):
    client.post("/compte/connexion/", {"username": "member", "password": PASSWORD})
    client.post("/compte/deconnexion/", REMOTE_ADDR="198.51.100.3")
    event = AuditEvent.objects.get(action=Action.SIGN_OUT)
    assert (event.actor, event.target, event.ip) == (member, "member", "198.51.100.3")


def test_signing_out_when_not_signed_in_records_nothing(client, db):
    client.post("/compte/deconnexion/")
    assert not sign_in_events().exists()


def test_the_test_clients_force_login_records_nothing(member):
    client = client_for(member)
    client.logout()
    assert not sign_in_events().exists()


def test_the_receivers_are_connected_once():
    from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

    from territoria.accounts import signals

    for signal, receiver in (
        (user_logged_in, signals.signed_in),
        (user_login_failed, signals.sign_in_failed),
        (user_logged_out, signals.signed_out),
    ):
        connected = [entry[1]() for entry in signal.receivers]  # (key, weak reference, is_async)
        assert connected.count(receiver) == 1
