"""Audit of access changes: grants given, changed or taken back, and datasets changing visibility or state.

Connected by ``AccessConfig.ready()``. The dataset receivers name their sender lazily ("catalog.Dataset") and
read only the fields the policy reads (``visibility``, ``published``, ``organisation_id``) plus the slug, so
this module imports nothing from the catalogue. The actor comes from ``accounts.audit_signals.acting()``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from territoria.access.models import Grant
from territoria.accounts.audit_signals import organisation_disappears, record
from territoria.accounts.services import AuditEvent

Action = AuditEvent.Action
DATASET = "catalog.Dataset"


# --- Grants ---------------------------------------------------------------------------------------------


def _related(grant: Grant, name: str) -> Any:
    try:
        return getattr(grant, name)
    except ObjectDoesNotExist:  # already gone in a cascade
        return None


def _grant_fields(grant: Grant) -> dict[str, Any]:
    dataset = _related(grant, "dataset")
    slug = dataset.slug if dataset is not None else f"#{grant.dataset_id}"
    fields: dict[str, Any] = {
        "target": slug,
        "organisation_id": dataset.organisation_id if dataset is not None else None,
        "dataset": slug,
    }
    if grant.user_id is not None:
        user = _related(grant, "user")
        fields["user"] = user.get_username() if user is not None else f"#{grant.user_id}"
    if grant.group_id is not None:
        group = _related(grant, "group")
        fields["group"] = group.name if group is not None else f"#{grant.group_id}"
    return fields


def grant_before_save(sender: type, instance: Grant, raw: bool = False, **kwargs: Any) -> None:
    previous = None
    if instance.pk is not None and not raw:
        previous = Grant.objects.filter(pk=instance.pk).values_list("role", flat=True).first()
    instance._audit_previous_role = previous  # type: ignore[attr-defined]


def grant_saved(sender: type, instance: Grant, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    previous = getattr(instance, "_audit_previous_role", None)
    if not created and previous == instance.role:
        return
    record(
        Action.GRANT,
        change="added" if created or previous is None else "changed",
        role=instance.role,
        previous_role=None if created else previous,
        **_grant_fields(instance),
    )


def grant_before_delete(sender: type, instance: Grant, **kwargs: Any) -> None:
    # Read now: in a cascade, the dataset, person or group may be gone by the time post_delete runs.
    instance._audit_fields = _grant_fields(instance)  # type: ignore[attr-defined]


def grant_deleted(sender: type, instance: Grant, origin: object = None, **kwargs: Any) -> None:
    if organisation_disappears(origin):
        return
    fields = getattr(instance, "_audit_fields", None) or _grant_fields(instance)
    record(Action.GRANT, change="removed", previous_role=instance.role, **fields)


# --- Datasets: visibility and published state -----------------------------------------------------------


def _state(visibility: str, published: object) -> tuple[str, bool]:
    return visibility, published is not None


def dataset_before_save(sender: type[Model], instance: Any, raw: bool = False, **kwargs: Any) -> None:
    previous = None
    fields = kwargs.get("update_fields")
    if raw or (fields is not None and not {"visibility", "published"} & set(fields)):
        instance._audit_previous_state = "skip"
        return
    if instance.pk is not None:
        row = sender._base_manager.filter(pk=instance.pk).values_list("visibility", "published").first()
        previous = _state(*row) if row is not None else None
    instance._audit_previous_state = previous


def dataset_saved(sender: type[Model], instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    previous = getattr(instance, "_audit_previous_state", None)
    if raw or previous == "skip":
        return
    current = _state(instance.visibility, instance.published)
    if previous is None and not current[1]:
        return  # a new draft: nothing is shown to anyone yet
    if previous == current:
        return
    record(
        Action.VISIBILITY,
        target=instance.slug,
        organisation_id=instance.organisation_id,
        dataset=instance.slug,
        visibility=current[0],
        published=current[1],
        previous_visibility=previous[0] if previous else None,
        previous_published=previous[1] if previous else None,
        created=True if previous is None else None,
    )


def connect() -> None:
    """Called once by AccessConfig.ready()."""
    pre_save.connect(grant_before_save, sender=Grant, dispatch_uid="audit-grant-pre")
    post_save.connect(grant_saved, sender=Grant, dispatch_uid="audit-grant-post")
    pre_delete.connect(grant_before_delete, sender=Grant, dispatch_uid="audit-grant-pre-delete")
    post_delete.connect(grant_deleted, sender=Grant, dispatch_uid="audit-grant-delete")
    pre_save.connect(dataset_before_save, sender=DATASET, dispatch_uid="audit-dataset-pre")
    post_save.connect(dataset_saved, sender=DATASET, dispatch_uid="audit-dataset-post")
