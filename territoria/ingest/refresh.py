"""Scheduled refresh: datasets with a data URL are fetched again when their declared frequency says so."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from territoria.catalog.models import Dataset
from territoria.catalog.vocabularies import FREQUENCY_DAYS
from territoria.ingest import services
from territoria.ingest.models import Job


def due_datasets(now: datetime | None = None) -> list[Dataset]:
    now = now or timezone.now()
    due = []
    busy = Job.objects.filter(status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).values("dataset_id")
    for dataset in (
        Dataset.objects.exclude(data_url="").exclude(pk__in=busy).filter(Q(frequency__in=list(FREQUENCY_DAYS)))
    ):
        interval = timedelta(days=FREQUENCY_DAYS[dataset.frequency])
        if dataset.frequency in {"CONT", "HOURLY"}:
            interval = timedelta(hours=1)
        if dataset.last_fetched is None or now - dataset.last_fetched >= interval:
            due.append(dataset)
    return due


def refresh_due() -> int:
    """Queue a fetch for every due dataset; published automatically (the personal-data guard still applies)."""
    datasets = due_datasets()
    for dataset in datasets:
        services.fetch_url(dataset, dataset.data_url, publish=True)
    return len(datasets)
