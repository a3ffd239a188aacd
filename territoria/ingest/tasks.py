"""Background tasks (Huey): ingestion jobs and scheduled refresh of URL sources."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, on_startup

from territoria.ingest import pipeline, refresh, services


@db_task()
def ingest_job(job_id: int) -> None:
    pipeline.run(job_id)


@db_periodic_task(crontab(minute="*/15"))
def refresh_due_sources() -> None:
    refresh.refresh_due()
    services.reap_stale_jobs()


@on_startup()
def reap_on_startup() -> None:
    services.reap_stale_jobs()
