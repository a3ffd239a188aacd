"""accounts.tokens: personal API keys — made, stored as a digest, checked, revoked, audited."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from territoria.accounts import services, tokens
from territoria.accounts.models import ApiToken, AuditEvent

pytestmark = pytest.mark.django_db


def test_create_returns_the_key_once_and_stores_only_its_digest(owner):
    token, key = services.create_token(owner, "Tableau de bord", "read")
    assert key.startswith("terr_") and len(key) >= 45
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.digest == hashlib.sha256(key.encode()).hexdigest()
    assert stored.prefix == key[:12] and len(stored.prefix) == 12
    assert key not in {getattr(stored, field.attname) for field in ApiToken._meta.concrete_fields}
    assert stored.user == owner and stored.scope == "read" and stored.expires is None and stored.revoked is None


def test_two_keys_differ(owner):
    _first, one = tokens.create(owner, "a")
    _second, two = tokens.create(owner, "b")
    assert one != two


def test_creation_is_audited_without_the_key(owner):
    token, key = tokens.create(owner, "Script", "write", tokens.expiry_in(30))
    event = AuditEvent.objects.get(action=AuditEvent.Action.TOKEN_CREATED)
    assert event.actor == owner and event.actor_name == "owner"
    assert event.detail["prefix"] == token.prefix and event.detail["scope"] == "write" and "expires" in event.detail
    assert key not in str(event.detail) and key not in event.target


def test_unknown_scope_is_refused(owner):
    with pytest.raises(ValueError):
        tokens.create(owner, "x", "admin")
    assert not ApiToken.objects.exists()


def test_an_empty_name_gets_a_default_and_a_long_one_is_cut(owner):
    assert tokens.create(owner, "   ")[0].name
    assert len(tokens.create(owner, "n" * 500)[0].name) == 100


def test_authenticate_finds_the_token_and_its_user(owner):
    token, key = tokens.create(owner, "ok")
    found = services.authenticate_token(key)
    assert found == token and found.user == owner
    assert services.authenticate_token(f"  {key}  ") == token


@pytest.mark.parametrize(
    ("mangle", "reason"),
    [
        (lambda key: key[:-1] + ("A" if key[-1] != "A" else "B"), "unknown"),
        (lambda key: key.removeprefix("terr_"), "malformed"),
        (lambda key: "", "malformed"),
        (lambda key: "terr_", "malformed"),
    ],
)
def test_a_wrong_key_is_refused_with_its_reason(owner, mangle, reason):
    _token, key = tokens.create(owner, "ok")
    assert tokens.authenticate(mangle(key)) is None
    with pytest.raises(tokens.TokenRefused) as refused:
        tokens.verify(mangle(key))
    assert refused.value.reason == reason and refused.value.message


def test_an_expired_key_is_refused(owner):
    token, key = tokens.create(owner, "vieille", expires=timezone.now() + timedelta(days=1))
    assert tokens.authenticate(key) == token
    with pytest.raises(tokens.TokenRefused) as refused:
        tokens.verify(key, now=timezone.now() + timedelta(days=2))
    assert refused.value.reason == "expired" and "expiré" in refused.value.message
    ApiToken.objects.filter(pk=token.pk).update(expires=timezone.now() - timedelta(seconds=1))
    assert tokens.authenticate(key) is None
    assert tokens.state(ApiToken.objects.get(pk=token.pk)) == "expired"


def test_a_revoked_key_is_refused_and_the_revocation_audited(owner, admin_user):
    token, key = tokens.create(owner, "à révoquer")
    assert services.revoke_token(token, owner) is True
    assert tokens.authenticate(key) is None
    with pytest.raises(tokens.TokenRefused) as refused:
        tokens.verify(key)
    assert refused.value.reason == "revoked" and "révoquée" in refused.value.message
    event = AuditEvent.objects.get(action=AuditEvent.Action.TOKEN_REVOKED)
    assert event.actor == owner and event.detail == {"prefix": token.prefix}
    # Revoking again changes nothing and records nothing.
    first = ApiToken.objects.get(pk=token.pk).revoked
    assert tokens.revoke(token, admin_user) is False
    assert ApiToken.objects.get(pk=token.pk).revoked == first
    assert AuditEvent.objects.filter(action=AuditEvent.Action.TOKEN_REVOKED).count() == 1
    assert tokens.state(token) == "revoked"


def test_the_key_of_a_deactivated_person_is_refused(owner):
    _token, key = tokens.create(owner, "ok")
    owner.is_active = False
    owner.save()
    with pytest.raises(tokens.TokenRefused) as refused:
        tokens.verify(key)
    assert refused.value.reason == "inactive"


def test_last_used_is_written_at_most_once_a_minute(owner):
    token, _key = tokens.create(owner, "ok")
    now = timezone.now()
    assert tokens.touch(token, now=now) is True
    assert tokens.touch(token, now=now + timedelta(seconds=30)) is False
    assert ApiToken.objects.get(pk=token.pk).last_used == now
    # A stale copy of the token (another request) does not write either.
    stale = ApiToken.objects.get(pk=token.pk)
    stale.last_used = None
    assert tokens.touch(stale, now=now + timedelta(seconds=30)) is False
    assert tokens.touch(token, now=now + timedelta(seconds=61)) is True
    assert ApiToken.objects.get(pk=token.pk).last_used == now + timedelta(seconds=61)


def test_expiry_in_days():
    now = timezone.now()
    assert tokens.expiry_in(None) is None
    assert tokens.expiry_in(90, now=now) == now + timedelta(days=90)


def test_tokens_of_and_active(owner, member):
    kept, _ = tokens.create(owner, "gardée")
    gone, _ = tokens.create(owner, "révoquée")
    old, _ = tokens.create(owner, "expirée", expires=timezone.now() - timedelta(days=1))
    tokens.create(member, "d'un autre")
    tokens.revoke(gone, owner)
    assert set(services.tokens_of(owner)) == {kept, gone, old}
    assert list(tokens.active(owner)) == [kept]


def test_a_person_holds_at_most_max_active_keys(owner, monkeypatch):
    monkeypatch.setattr(tokens, "MAX_ACTIVE", 2)
    first, _ = tokens.create(owner, "1")
    tokens.create(owner, "2")
    with pytest.raises(services.TokenLimitReached):
        tokens.create(owner, "3")
    tokens.revoke(first, owner)
    assert tokens.create(owner, "3")[0].name == "3"
