"""Public face of accounts: what other parts may ask about people and organisations."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from territoria.accounts import tokens as _tokens
from territoria.accounts.audit import audit
from territoria.accounts.audit_signals import acting
from territoria.accounts.models import ApiToken, AuditEvent, Group, Membership, Organisation, Referent

__all__ = [
    "AnyUser",
    "ApiToken",
    "TokenLimitReached",
    "TokenRefused",
    "authenticate_token",
    "create_token",
    "revoke_token",
    "tokens_of",
    "verify_token",
    "AuditEvent",
    "Group",
    "Referent",
    "acting",
    "audit",
    "group_ids",
    "Membership",
    "Organisation",
    "get_organisation",
    "organisations",
    "roles_by_organisation",
]

AnyUser = AbstractBaseUser | AnonymousUser

# Personal API keys (territoria/accounts/tokens.py): create, check, revoke.
TokenRefused = _tokens.TokenRefused
TokenLimitReached = _tokens.TokenLimitReached
create_token = _tokens.create
verify_token = _tokens.verify
authenticate_token = _tokens.authenticate
revoke_token = _tokens.revoke
tokens_of = _tokens.tokens_of


def organisations() -> QuerySet[Organisation]:
    return Organisation.objects.all()


def get_organisation(slug: str) -> Organisation | None:
    return Organisation.objects.filter(slug=slug).first()


def roles_by_organisation(user: AnyUser) -> dict[int, str]:
    """{organisation_id: role} for a signed-in user; empty for anonymous visitors."""
    if not user.is_authenticated:
        return {}
    cached = getattr(user, "_territoria_roles", None)
    if cached is None:
        cached = dict(Membership.objects.filter(user_id=user.pk).values_list("organisation_id", "role"))
        setattr(user, "_territoria_roles", cached)  # noqa: B010  (per-request cache on the user object)
    return cached


def group_ids(user: AnyUser) -> list[int]:
    """Ids of the named groups ``user`` belongs to; empty for anonymous visitors."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_territoria_groups", None)
    if cached is None:
        cached = list(Group.objects.filter(members=user.pk).values_list("pk", flat=True))
        setattr(user, "_territoria_groups", cached)  # noqa: B010  (per-request cache on the user object)
    return cached
