"""The one access policy: who may see or change which dataset.

Every path that can reveal a dataset's data or metadata (pages, search, facet
counts, APIs, downloads, feeds, charts, maps, embeds, the admin) asks this
module: ``visible_filter`` / ``can_view`` for *knowing a dataset exists* (its
title, description, counts), ``readable_filter`` / ``can_read_data`` for *its
rows and files*, ``can_edit`` for changing and publishing it, ``can_manage``
for running an organisation (members, groups, audit log).

The rules, in words (docs/admin/access.md says the same to administrators):

- a superuser may do everything;
- the editors and administrators of the dataset's organisation see, read and
  change all its datasets, drafts included;
- a collaborator (an *edit* grant to a person, or to a group they belong to)
  sees, reads and changes that one dataset, drafts included;
- a *read* grant opens one published dataset to a person or a group;
- the agents of the organisation see and read its published *internal* datasets;
- everyone sees and reads published *public* datasets, and sees (but does not
  read) published *metadata-only* datasets;
- nobody else learns that a dataset exists.

It knows datasets only by the fields it reads (``visibility``,
``organisation_id``, ``published``, ``pk``) and by its own ``Grant`` table,
so it imports nothing from the catalogue.
"""

from __future__ import annotations

from typing import Protocol

from django.db.models import Exists, OuterRef, Q
from django.db.models.enums import TextChoices
from django.utils.translation import gettext_lazy as _

from territoria.access.models import Grant
from territoria.accounts import services as accounts
from territoria.accounts.services import AnyUser

EDITOR_ROLES = {"admin", "editor"}
READER_ROLES = {"admin", "editor", "agent"}
MANAGER_ROLES = {"admin"}


class Visibility(TextChoices):
    PUBLIC = "public", _("Public")
    METADATA = "metadata", _("Fiche publique, données restreintes")
    INTERNAL = "internal", _("Interne (agents de l'organisation)")
    RESTRICTED = "restricted", _("Restreint (personnes et groupes désignés)")


# Visibilities whose catalogue entry everyone may see once published.
LISTED: set[str] = {Visibility.PUBLIC, Visibility.METADATA}


class Guarded(Protocol):
    @property
    def pk(self) -> object: ...

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


def _grants(user: AnyUser, roles: set[str]):
    """The grants held by ``user`` directly or through one of their groups."""
    groups = accounts.group_ids(user)
    holder = Q(user_id=user.pk) | Q(group_id__in=groups) if groups else Q(user_id=user.pk)
    return Grant.objects.filter(holder, role__in=roles)


def _grant_roles(user: AnyUser, dataset: Guarded) -> set[str]:
    if not user.is_authenticated or getattr(dataset, "pk", None) is None:
        return set()
    cache: dict[object, set[str]] = getattr(user, "_territoria_grants", None) or {}
    if dataset.pk not in cache:
        cache[dataset.pk] = set(
            _grants(user, {Grant.Role.READ, Grant.Role.EDIT})
            .filter(dataset_id=dataset.pk)
            .values_list("role", flat=True)
        )
        setattr(user, "_territoria_grants", cache)  # noqa: B010  (per-request cache on the user object)
    return cache[dataset.pk]


def _filter(user: AnyUser, prefix: str, everyone: set[str]) -> Q:
    if _is_superuser(user):
        return Q()
    p = prefix
    published = Q(**{f"{p}published__isnull": False})
    public = published & Q(**{f"{p}visibility__in": sorted(everyone)})
    if not user.is_authenticated:
        return public
    internal = published & Q(
        **{f"{p}visibility": Visibility.INTERNAL, f"{p}organisation_id__in": _orgs_with(user, READER_ROLES)}
    )
    edited = Q(**{f"{p}organisation_id__in": _orgs_with(user, EDITOR_ROLES)})
    ref = OuterRef(f"{p}pk")
    read = published & Q(Exists(_grants(user, {Grant.Role.READ}).filter(dataset_id=ref)))
    collaborates = Q(Exists(_grants(user, {Grant.Role.EDIT}).filter(dataset_id=ref)))
    return public | internal | edited | read | collaborates


def visible_filter(user: AnyUser, prefix: str = "") -> Q:
    """A Q object selecting the datasets ``user`` may know exist (``prefix`` for related lookups)."""
    return _filter(user, prefix, LISTED)


def readable_filter(user: AnyUser, prefix: str = "") -> Q:
    """A Q object selecting the datasets whose rows and files ``user`` may read."""
    return _filter(user, prefix, {Visibility.PUBLIC})


def _decide(user: AnyUser, dataset: Guarded, everyone: set[str]) -> bool:
    if _is_superuser(user):
        return True
    published = dataset.published is not None
    if published and dataset.visibility in everyone:
        return True
    role = accounts.roles_by_organisation(user).get(dataset.organisation_id) if dataset.organisation_id else None
    if role in EDITOR_ROLES:
        return True
    grants = _grant_roles(user, dataset)
    if Grant.Role.EDIT in grants:
        return True
    if not published:
        return False
    return Grant.Role.READ in grants or (dataset.visibility == Visibility.INTERNAL and role in READER_ROLES)


def can_view(user: AnyUser, dataset: Guarded) -> bool:
    """May ``user`` know that ``dataset`` exists (title, description, metadata)?"""
    return _decide(user, dataset, LISTED)


def can_read_data(user: AnyUser, dataset: Guarded) -> bool:
    """May ``user`` read the rows and files of ``dataset`` (records, exports, downloads, charts, maps)?"""
    return _decide(user, dataset, {Visibility.PUBLIC})


def can_edit(user: AnyUser, dataset: Guarded) -> bool:
    """May ``user`` change, version and publish ``dataset``?"""
    if not user.is_authenticated:
        return False
    if _is_superuser(user):
        return True
    role = accounts.roles_by_organisation(user).get(dataset.organisation_id) if dataset.organisation_id else None
    return role in EDITOR_ROLES or Grant.Role.EDIT in _grant_roles(user, dataset)


def can_manage(user: AnyUser, organisation_id: int | None) -> bool:
    """May ``user`` run ``organisation_id``: its members, groups, referents and audit log?"""
    if _is_superuser(user):
        return True
    return organisation_id is not None and accounts.roles_by_organisation(user).get(organisation_id) in MANAGER_ROLES


def managed_organisations(user: AnyUser) -> list[int] | None:
    """Organisation ids ``user`` administers; None means every organisation (superuser)."""
    if _is_superuser(user):
        return None
    return _orgs_with(user, MANAGER_ROLES)


def editable_organisations(user: AnyUser) -> list[int] | None:
    """Organisation ids ``user`` may publish for; None means every organisation (superuser)."""
    if _is_superuser(user):
        return None
    return _orgs_with(user, EDITOR_ROLES)


# --- the atlas of digital actions ----------------------------------------------------------------------------
# A fiche-action is known by the fields ``state`` (submitted, published, rejected), ``organisation_id`` and
# ``submitted_by_id``. Rules:
# - everyone sees published actions (title, text, place, classification, the contact *service*);
# - a submitted or rejected action is seen only by who submitted it, the members of its organisation and the
#   moderators (superusers and people holding the ``atlas.moderate_action`` permission);
# - the *person* to contact (name, e-mail, phone) is personal data: shown to signed-in members of an
#   organisation (the agents of the network's collectivités), to who submitted it and to the moderators; never to
#   anonymous visitors, nor in the public API and exports;
# - who submitted it (while it awaits moderation), the editors and administrators of its organisation and the
#   moderators may change it; only moderators publish, reject and confirm classifications.

ATLAS_PUBLISHED = "published"


class GuardedAction(Protocol):
    @property
    def state(self) -> str: ...

    @property
    def organisation_id(self) -> int | None: ...

    @property
    def submitted_by_id(self) -> int | None: ...


def can_moderate_actions(user: AnyUser) -> bool:
    """May ``user`` publish, reject and classify the atlas's actions?"""
    if not user.is_authenticated:
        return False
    has_perm = getattr(user, "has_perm", None)
    return _is_superuser(user) or bool(has_perm and has_perm("atlas.moderate_action"))


def action_filter(user: AnyUser, prefix: str = "") -> Q:
    """A Q object selecting the actions ``user`` may see."""
    if can_moderate_actions(user):
        return Q()
    published = Q(**{f"{prefix}state": ATLAS_PUBLISHED})
    if not user.is_authenticated:
        return published
    own = Q(**{f"{prefix}submitted_by_id": user.pk})
    members = Q(**{f"{prefix}organisation_id__in": list(accounts.roles_by_organisation(user))})
    return published | own | members


def can_view_action(user: AnyUser, action: GuardedAction) -> bool:
    if action.state == ATLAS_PUBLISHED or can_moderate_actions(user):
        return True
    if not user.is_authenticated:
        return False
    return action.submitted_by_id == user.pk or action.organisation_id in accounts.roles_by_organisation(user)


def can_see_action_contact(user: AnyUser, action: GuardedAction) -> bool:
    """May ``user`` read the name, e-mail and phone of the person to contact about ``action``?"""
    if not can_view_action(user, action) or not user.is_authenticated:
        return False
    if can_moderate_actions(user) or action.submitted_by_id == user.pk:
        return True
    return bool(accounts.roles_by_organisation(user))


def can_edit_action(user: AnyUser, action: GuardedAction) -> bool:
    if not user.is_authenticated:
        return False
    if can_moderate_actions(user):
        return True
    if action.submitted_by_id == user.pk and action.state != ATLAS_PUBLISHED:
        return True
    role = accounts.roles_by_organisation(user).get(action.organisation_id) if action.organisation_id else None
    return role in EDITOR_ROLES


def can_submit_actions(user: AnyUser) -> bool:
    """Members of an organisation (a collectivité of the network) and moderators submit actions."""
    return bool(user.is_authenticated and (can_moderate_actions(user) or accounts.roles_by_organisation(user)))


def can_curate_atlases(user: AnyUser) -> bool:
    """Moderators and the editors of an organisation save thematic atlases."""
    return can_moderate_actions(user) or bool(user.is_authenticated and _orgs_with(user, EDITOR_ROLES))
