"""Versions of a dataset's data: created immutable, published by moving a pointer, rolled back the same way."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from territoria.access.services import Visibility
from territoria.accounts.services import AnyUser, AuditEvent, audit
from territoria.catalog.models import Dataset, Version


class PublicationRefused(ValueError):
    """The version may not be published as asked; ``message`` says why and what to do (French)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def create_version(dataset: Dataset, **fields: Any) -> Version:
    """A new version numbered after the last one (numbers never reused, even after deletion)."""
    with transaction.atomic():
        locked = Dataset.objects.select_for_update().get(pk=dataset.pk)
        last = locked.versions.aggregate(last=Max("number"))["last"] or 0
        return Version.objects.create(dataset=locked, number=last + 1, **fields)


def check_publishable(dataset: Dataset, version: Version) -> None:
    if version.dataset_id != dataset.pk:
        raise PublicationRefused(_("Cette version appartient à un autre jeu de données."))
    if dataset.visibility == Visibility.PUBLIC and version.pii_blocks_public:
        kinds = ", ".join(sorted({f"{f.get('column')} ({f.get('kind')})" for f in version.pii}))
        raise PublicationRefused(
            _(
                "Publication publique refusée : des données personnelles ont été détectées (%(kinds)s). "
                "Masquez ou supprimez ces colonnes, ou enregistrez une justification, puis publiez à nouveau."
            )
            % {"kinds": kinds}
        )


def publish_version(
    dataset: Dataset,
    version: Version,
    *,
    request: HttpRequest | None = None,
    actor: AnyUser | None = None,
) -> None:
    """Point the dataset at ``version`` (also how a rollback is done). Nothing else changes.

    The audit log records who did it: ``request``'s user or ``actor``, else whoever created the version
    (an ingestion asked to publish at the end).
    """
    check_publishable(dataset, version)
    previous_id = Dataset.objects.filter(pk=dataset.pk).values_list("published_version_id", flat=True).first()
    previous = Version.objects.filter(pk=previous_id).values_list("number", flat=True).first() if previous_id else None
    first_publication = dataset.published is None
    now = timezone.now()
    Dataset.objects.filter(pk=dataset.pk).update(
        published_version=version, modified=now, published=dataset.published or now
    )
    dataset.published_version = version
    dataset.modified = now
    dataset.published = dataset.published or now
    if request is None and actor is None and version.created_by_id is not None:
        actor = version.created_by
    audit(
        AuditEvent.Action.PUBLISH,
        request=request,
        actor=actor,
        target=dataset.slug,
        organisation_id=dataset.organisation_id,
        dataset=dataset.slug,
        version=version.number,
        previous_version=previous,
        rollback=True if previous is not None and version.number < previous else None,
        first_publication=True if first_publication else None,
    )


def justify_pii(version: Version, justification: str) -> None:
    text = justification.strip()
    if len(text) < 20:
        raise PublicationRefused(
            _("La justification doit expliquer en une phrase au moins pourquoi ces données sont publiables.")
        )
    Version.objects.filter(pk=version.pk).update(pii_justification=text)
    version.pii_justification = text


def versions_of(dataset: Dataset) -> list[Version]:
    return list(dataset.versions.order_by("-number"))
