"""The ingestion pipeline: original kept → read → type → check → immutable version → (publish).

Each stage reports progress on the Job. Nothing touches the published version until the
last step, a single transaction that records the new version and, if asked and allowed,
moves the dataset's pointer. A failure or a killed worker leaves the published data as it was.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from huey.contrib.djhuey import HUEY

from territoria.catalog import services as catalog
from territoria.catalog.models import Version
from territoria.ingest import checks as ingest_checks
from territoria.ingest import services
from territoria.ingest.models import Job
from territoria.ingest.readers import read_any
from territoria.ingest.readers.base import ReadError, ReadOptions
from territoria.ingest.typing import type_table
from territoria.lib.storage import ContentStore

log = logging.getLogger("territoria.ingest")
HEARTBEAT_SECONDS = 5


class Progress:
    """Writes stage and rows to the job at most twice a second."""

    def __init__(self, job: Job, listener: Callable[[str, int], None] | None = None) -> None:
        self.job = job
        self.last = 0.0
        self.listener = listener

    def __call__(self, stage: str, rows: int) -> None:
        if self.listener is not None:
            self.listener(stage, rows)
        now = time.monotonic()
        if now - self.last < 0.5 and stage == self.job.stage:
            return
        self.last = now
        self.job.stage, self.job.rows_read = stage, max(rows, self.job.rows_read if stage == self.job.stage else 0)
        Job.objects.filter(pk=self.job.pk).update(
            stage=self.job.stage, rows_read=self.job.rows_read, heartbeat=timezone.now()
        )


class Heartbeat(threading.Thread):
    """Tells the world the worker is alive while long steps run without progress calls."""

    def __init__(self, job_id: int) -> None:
        super().__init__(daemon=True, name=f"heartbeat-{job_id}")
        self.job_id = job_id
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(HEARTBEAT_SECONDS):
                Job.objects.filter(pk=self.job_id).update(heartbeat=timezone.now())
        finally:
            close_old_connections()

    def stop(self) -> None:
        self.stopped.set()


# What a person may force; limits (max_bytes…) stay the installation's.
USER_OPTIONS = ("encoding", "delimiter", "sheet", "header_row", "layer", "source_crs")


def _options(job: Job) -> ReadOptions:
    chosen = {k: v for k, v in (job.options or {}).items() if k in USER_OPTIONS}
    return ReadOptions(**chosen, max_bytes=settings.MAX_UPLOAD_BYTES)


def run(job_id: int, listener: Callable[[str, int], None] | None = None) -> Job:
    """Run one job to its end (called by the task queue, by the command line, or in immediate mode)."""
    job = Job.objects.select_related("dataset").get(pk=job_id)
    if job.is_finished:
        return job
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, started=now, heartbeat=now, stage=_("lecture"), attempts=job.attempts + 1
    )
    job.refresh_from_db()
    heartbeat = None if HUEY.immediate else Heartbeat(job.pk)
    if heartbeat:
        heartbeat.start()
    settings.WORK_DIR.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix=f"job-{job.pk}-", dir=settings.WORK_DIR))
    try:
        if job.source_kind == Version.SourceKind.URL and not job.original_sha256:
            Progress(job, listener)(_("téléchargement"), 0)
            if not services.download(job):
                _succeed_unchanged(job)
                return job
        _run_stages(job, workdir, listener)
    except services.SubmissionRefused as refused:
        _fail(job, refused.message)
    except ReadError as error:
        _fail(job, error.message, row=error.row, column=error.column)
    except Exception as error:
        log.exception("ingest job %s failed", job.pk)
        _fail(
            job,
            _(
                "Erreur inattendue pendant l'ingestion (%(kind)s) ; elle a été consignée. Rien n'a été "
                "publié. Réessayez, ou signalez-la à l'administrateur."
            )
            % {"kind": type(error).__name__},
        )
    finally:
        if heartbeat:
            heartbeat.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    job.refresh_from_db()
    return job


def _run_stages(job: Job, workdir: Path, listener: Callable[[str, int], None] | None) -> None:
    store = ContentStore(settings.FILES_DIR)
    progress = Progress(job, listener)
    source = store.path_for(job.original_sha256)
    raw = read_any(source, workdir, declared_name=job.source_name, options=_options(job), progress=progress)
    progress(_("typage"), raw.row_count)
    typed = type_table(raw, workdir / "typed.parquet", workdir=workdir, progress=progress)
    progress(_("contrôles"), raw.row_count)
    report, pii = ingest_checks.run_checks(job.dataset, raw, typed, source, job.source_name)
    progress(_("enregistrement"), raw.row_count)
    data_sha256, data_size = store.put_path(typed.path)
    with transaction.atomic():
        version = catalog.create_version(
            job.dataset,
            created_by=job.created_by,
            source_kind=job.source_kind,
            source_name=job.source_name,
            original_sha256=job.original_sha256,
            original_size=job.original_size or source.stat().st_size,
            data_sha256=data_sha256,
            data_size=data_size,
            row_count=typed.row_count,
            columns=[_column_json(c) for c in typed.columns],
            source_info=raw.source,
            report=report,
            pii=pii,
            geo=_geo_json(typed.geo),
        )
        message, published = _maybe_publish(job, version)
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.SUCCEEDED,
            version=version,
            published=published,
            message=message,
            finished=timezone.now(),
            stage=_("terminé"),
            rows_read=typed.row_count,
            error={},
        )


def _maybe_publish(job: Job, version: Version) -> tuple[str, bool]:
    summary = _("Version %(n)d créée : %(rows)d lignes, %(cols)d colonnes.") % {
        "n": version.number,
        "rows": version.row_count,
        "cols": len(version.columns),
    }
    if not job.publish:
        return summary + " " + _("Elle n'est pas publiée : publiez-la depuis la page du jeu de données."), False
    try:
        catalog.publish_version(job.dataset, version)
    except catalog.PublicationRefused as refused:
        return summary + " " + refused.message, False
    return summary + " " + _("Elle est publiée."), True


def _succeed_unchanged(job: Job) -> None:
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.SUCCEEDED,
        finished=timezone.now(),
        stage=_("terminé"),
        message=_("Contenu inchangé depuis la dernière version : aucune nouvelle version."),
    )
    job.refresh_from_db()


def _fail(job: Job, message: str, *, row: int | None = None, column: str | None = None) -> None:
    error: dict[str, Any] = {"message": message, "file": job.source_name}
    if row is not None:
        error["row"] = row
    if column is not None:
        error["column"] = column
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.FAILED, message=message, error=error, finished=timezone.now()
    )


def _column_json(column: Any) -> dict[str, Any]:
    return {
        "name": column.name,
        "label": column.label,
        "type": column.type,
        "nulls": column.nulls,
        "distinct": column.distinct,
        "min": _plain(column.min),
        "max": _plain(column.max),
        "examples": [str(e) for e in column.examples][:5],
        "details": column.details,
    }


def _geo_json(geo: Any) -> dict[str, Any] | None:
    if geo is None:
        return None
    return {
        "point_column": geo.point_column,
        "shape_column": geo.shape_column,
        "bbox": list(geo.bbox) if geo.bbox else None,
        "features": geo.features,
    }


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
