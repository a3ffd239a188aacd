"""Opening a dataset to named people and groups, and naming its collaborators (the audit log follows by signal)."""

from __future__ import annotations

from typing import cast

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from territoria.access.models import Grant
from territoria.access.policy import EDITOR_ROLES, Guarded, _is_superuser
from territoria.accounts import services as accounts
from territoria.accounts.services import AnyUser, Group


class GrantRefused(ValueError):
    """A grant that cannot be given, with the reason in French."""


def can_share(user: AnyUser, dataset: Guarded) -> bool:
    """May ``user`` change who sees ``dataset`` (visibility, grants)? Its organisation's editors and administrators."""
    if _is_superuser(user):
        return True
    if not user.is_authenticated or dataset.organisation_id is None:
        return False
    return accounts.roles_by_organisation(user).get(dataset.organisation_id) in EDITOR_ROLES


def grants_of(dataset: Guarded) -> QuerySet[Grant]:
    return Grant.objects.filter(dataset_id=cast(int, dataset.pk)).select_related("user", "group").order_by("role", "pk")


def groups_for(dataset: Guarded) -> QuerySet[Group]:
    """The groups a dataset may be opened to: those of its organisation."""
    if dataset.organisation_id is None:
        return Group.objects.none()
    return Group.objects.filter(organisation_id=dataset.organisation_id).order_by("name")


def find_person(identifier: str) -> AnyUser | None:
    """An active account by exact username or e-mail address (case-insensitive)."""
    identifier = identifier.strip()
    if not identifier:
        return None
    users = get_user_model().objects.filter(is_active=True)
    return users.filter(Q(username__iexact=identifier) | Q(email__iexact=identifier)).order_by("pk").first()


def give(dataset: Guarded, *, role: str, person: str = "", group_id: int | None = None) -> Grant:
    """Open ``dataset`` to a person (username or e-mail) or to one of its organisation's groups."""
    if role not in Grant.Role.values:
        raise GrantRefused(_("Droit inconnu : « %(role)s ».") % {"role": role})
    if group_id is not None:
        group = groups_for(dataset).filter(pk=group_id).first()
        if group is None:
            raise GrantRefused(_("Ce groupe n'appartient pas à l'organisation du jeu de données."))
        grant, _created = Grant.objects.update_or_create(dataset_id=dataset.pk, group=group, defaults={"role": role})
        return grant
    user = find_person(person)
    if user is None:
        raise GrantRefused(
            _("Aucun compte actif « %(who)s » : indiquez l'identifiant ou l'adresse électronique exacte.")
            % {"who": person[:100]}
        )
    grant, _created = Grant.objects.update_or_create(dataset_id=dataset.pk, user=user, defaults={"role": role})
    return grant


def take_back(dataset: Guarded, grant_id: int) -> bool:
    """Remove one grant of ``dataset``; False when there is no such grant on it."""
    grant = grants_of(dataset).filter(pk=grant_id).first()
    if grant is None:
        return False
    grant.delete()
    return True
