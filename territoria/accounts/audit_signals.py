"""Audit of who belongs where: memberships (roles) and named groups, whoever changes them.

The receivers are connected by ``AccountsConfig.ready()``. Signals do not know who is acting: code that
changes people on someone's behalf (the admin, a page) runs inside ``acting(request=...)`` so the events
carry the actor and the address; outside it the actor is left empty.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Model, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.http import HttpRequest

from territoria.accounts.audit import audit
from territoria.accounts.models import AuditEvent, Group, Membership, Organisation

Action = AuditEvent.Action

_acting: ContextVar[tuple[HttpRequest | None, Any]] = ContextVar("territoria_audit_acting", default=(None, None))


@contextmanager
def acting(request: HttpRequest | None = None, actor: Any = None) -> Iterator[None]:
    """Within this block, audit events written by signal receivers name this request's user (or ``actor``)."""
    token = _acting.set((request, actor))
    try:
        yield
    finally:
        _acting.reset(token)


def record(action: str, **kwargs: Any) -> AuditEvent:
    """``audit()`` with the request and actor of the enclosing ``acting()`` block, if any."""
    request, actor = _acting.get()
    kwargs.setdefault("request", request)
    if kwargs.get("actor") is None:
        kwargs["actor"] = actor
    return audit(action, **kwargs)


def organisation_disappears(origin: object) -> bool:
    """Is this deletion the cascade of an organisation's own deletion? (Its log would point at nothing.)"""
    if isinstance(origin, Organisation):
        return True
    return isinstance(origin, QuerySet) and origin.model is Organisation


def _username(user_id: int | None) -> str:
    if user_id is None:
        return ""
    name = get_user_model().objects.filter(pk=user_id).values_list("username", flat=True).first()
    return name or f"#{user_id}"


# --- Memberships ----------------------------------------------------------------------------------------


def membership_before_save(sender: type, instance: Membership, raw: bool = False, **kwargs: Any) -> None:
    previous = None
    if instance.pk is not None and not raw:
        previous = Membership.objects.filter(pk=instance.pk).values_list("role", flat=True).first()
    instance._audit_previous_role = previous  # type: ignore[attr-defined]


def membership_saved(sender: type, instance: Membership, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    previous = getattr(instance, "_audit_previous_role", None)
    if not created and previous == instance.role:
        return
    username = _username(instance.user_id)
    record(
        Action.ROLE,
        target=username,
        organisation_id=instance.organisation_id,
        change="added" if created or previous is None else "changed",
        user=username,
        role=instance.role,
        previous_role=None if created else previous,
    )


def membership_before_delete(sender: type, instance: Membership, **kwargs: Any) -> None:
    # Read now: when the person is deleted, their account may be gone by the time post_delete runs.
    instance._audit_username = _username(instance.user_id)  # type: ignore[attr-defined]


def membership_deleted(sender: type, instance: Membership, origin: object = None, **kwargs: Any) -> None:
    if organisation_disappears(origin):
        return
    username = getattr(instance, "_audit_username", None) or _username(instance.user_id)
    record(
        Action.ROLE,
        target=username,
        organisation_id=instance.organisation_id,
        change="removed",
        user=username,
        previous_role=instance.role,
    )


# --- Groups ---------------------------------------------------------------------------------------------


def _group_change(group: Group, change: str, user_ids: Iterable[int]) -> None:
    names = sorted(get_user_model().objects.filter(pk__in=list(user_ids)).values_list("username", flat=True))
    if not names:
        return
    record(
        Action.ROLE,
        target=group.name,
        organisation_id=group.organisation_id,
        change=change,
        group=group.name,
        group_id=group.pk,
        users=names,
    )


def group_members_changed(
    sender: type,
    instance: Model,
    action: str,
    reverse: bool,
    pk_set: set[int] | None,
    **kwargs: Any,
) -> None:
    """One event per group whose members change, from either side (``group.members`` or ``user.territoria_groups``)."""
    through = Group.members.through
    if action == "pre_clear":
        # What is about to be removed; post_clear no longer knows it.
        column = "user_id" if reverse else "group_id"
        instance._audit_cleared = list(  # type: ignore[attr-defined]
            through.objects.filter(**{column: instance.pk}).values_list("group_id", "user_id")
        )
        return
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if action == "post_clear":
        pairs = getattr(instance, "_audit_cleared", [])
        change = "members-removed"
    else:
        ids = pk_set or set()
        pairs = [(group_id, instance.pk) for group_id in ids] if reverse else [(instance.pk, uid) for uid in ids]
        change = "members-added" if action == "post_add" else "members-removed"
    by_group: dict[int, list[int]] = {}
    for group_id, user_id in pairs:
        by_group.setdefault(group_id, []).append(user_id)
    for group in Group.objects.filter(pk__in=list(by_group)).order_by("pk"):
        _group_change(group, change, by_group[group.pk])


def connect() -> None:
    """Called once by AccountsConfig.ready()."""
    pre_save.connect(membership_before_save, sender=Membership, dispatch_uid="audit-membership-pre")
    post_save.connect(membership_saved, sender=Membership, dispatch_uid="audit-membership-post")
    pre_delete.connect(membership_before_delete, sender=Membership, dispatch_uid="audit-membership-pre-delete")
    post_delete.connect(membership_deleted, sender=Membership, dispatch_uid="audit-membership-delete")
    m2m_changed.connect(group_members_changed, sender=Group.members.through, dispatch_uid="audit-group-members")
