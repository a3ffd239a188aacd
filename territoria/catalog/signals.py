"""Keep the search index in step with the catalogue, whoever edits it (admin, services, imports)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from territoria.accounts.models import Organisation
from territoria.catalog import search
from territoria.catalog.models import Dataset


def _reindex(dataset_id: int) -> None:
    """Index inside the same transaction: a rolled-back edit leaves the index as it was."""
    if search.is_deferred():
        return
    dataset = (
        Dataset.objects.select_related("organisation")
        .prefetch_related("themes", "keywords")
        .filter(pk=dataset_id)
        .first()
    )
    if dataset is not None:
        search.index(dataset)


@receiver(post_save, sender=Dataset)
def dataset_saved(sender: type, instance: Dataset, **kwargs: Any) -> None:
    _reindex(instance.pk)


@receiver(m2m_changed, sender=Dataset.themes.through)
@receiver(m2m_changed, sender=Dataset.keywords.through)
def dataset_tags_changed(sender: type, instance: Any, action: str, **kwargs: Any) -> None:
    if action in {"post_add", "post_remove", "post_clear"} and isinstance(instance, Dataset):
        _reindex(instance.pk)


@receiver(post_delete, sender=Dataset)
def dataset_deleted(sender: type, instance: Dataset, **kwargs: Any) -> None:
    search.remove(instance.pk)


@receiver(post_save, sender=Organisation)
def organisation_saved(sender: type, instance: Organisation, **kwargs: Any) -> None:
    for dataset_id in instance.datasets.values_list("pk", flat=True):
        _reindex(dataset_id)


def analyze_after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """Fresh planner statistics once the schema is in place (SQLite has none until ANALYZE)."""
    from django.db import connections

    with connections[using].cursor() as cursor:
        cursor.execute("ANALYZE")
