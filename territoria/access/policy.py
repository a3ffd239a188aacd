"""The one access policy: who may see or change which dataset.

Every path that can reveal a dataset's data or metadata (pages, search, facet
counts, APIs, downloads, feeds, the admin) asks this module, through
``visible_filter`` for querysets and ``can_view`` / ``can_edit`` for one
object. It knows datasets only by the fields it reads (``visibility``,
``organisation_id``, ``published``), so it sits below the catalogue and
imports nothing from it.
"""

from __future__ import annotations

from typing import Protocol

from django.db.models import Q
from django.db.models.enums import TextChoices
from django.utils.translation import gettext_lazy as _

from territoria.accounts import services as accounts
from territoria.accounts.services import AnyUser

EDITOR_ROLES = {"admin", "editor"}
READER_ROLES = {"admin", "editor", "agent"}


class Visibility(TextChoices):
    PUBLIC = "public", _("Public")
    INTERNAL = "internal", _("Interne (agents de l'organisation)")
    RESTRICTED = "restricted", _("Restreint (éditeurs de l'organisation)")


class Guarded(Protocol):
    @property
    def visibility(self) -> str: ...

    @property
    def organisation_id(self) -> int | None: ...

    @property
    def published(self) -> object: ...


def _is_superuser(user: AnyUser) -> bool:
    return bool(user.is_authenticated and getattr(user, "is_superuser", False))


def _orgs_with(user: AnyUser, roles: set[str]) -> list[int]:
    return [org for org, role in accounts.roles_by_organisation(user).items() if role in roles]


def visible_filter(user: AnyUser, prefix: str = "") -> Q:
    """A Q object selecting the datasets ``user`` may know exist (``prefix`` for related lookups)."""
    if _is_superuser(user):
        return Q()
    p = prefix
    public = Q(**{f"{p}visibility": Visibility.PUBLIC, f"{p}published__isnull": False})
    if not user.is_authenticated:
        return public
    readers = _orgs_with(user, READER_ROLES)
    editors = _orgs_with(user, EDITOR_ROLES)
    internal = Q(
        **{
            f"{p}visibility": Visibility.INTERNAL,
            f"{p}published__isnull": False,
            f"{p}organisation_id__in": readers,
        }
    )
    edited = Q(**{f"{p}organisation_id__in": editors})
    return public | internal | edited


def can_view(user: AnyUser, dataset: Guarded) -> bool:
    if _is_superuser(user):
        return True
    published = dataset.published is not None
    if dataset.visibility == Visibility.PUBLIC and published:
        return True
    roles = accounts.roles_by_organisation(user)
    role = roles.get(dataset.organisation_id) if dataset.organisation_id else None
    if role in EDITOR_ROLES:
        return True
    return dataset.visibility == Visibility.INTERNAL and published and role in READER_ROLES


def can_edit(user: AnyUser, dataset: Guarded) -> bool:
    if not user.is_authenticated:
        return False
    if _is_superuser(user):
        return True
    role = accounts.roles_by_organisation(user).get(dataset.organisation_id) if dataset.organisation_id else None
    return role in EDITOR_ROLES


def editable_organisations(user: AnyUser) -> list[int] | None:
    """Organisation ids ``user`` may publish for; None means every organisation (superuser)."""
    if _is_superuser(user):
        return None
    return _orgs_with(user, EDITOR_ROLES)
