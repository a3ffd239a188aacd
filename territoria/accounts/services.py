"""Public face of accounts: what other parts may ask about people and organisations."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from territoria.accounts.models import Membership, Organisation

__all__ = [
    "AnyUser",
    "Membership",
    "Organisation",
    "get_organisation",
    "organisations",
    "roles_by_organisation",
]

AnyUser = AbstractBaseUser | AnonymousUser


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
