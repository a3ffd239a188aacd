"""Public face of ingestion: submit a file or a URL, follow the job, retry it."""

from __future__ import annotations

import urllib.parse
import urllib.request
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from territoria.accounts.services import AnyUser
from territoria.catalog.models import Dataset, Version
from territoria.ingest.models import Job
from territoria.lib.storage import ContentStore

FETCH_TIMEOUT = 60


class SubmissionRefused(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _Limited:
    """Reads at most ``limit`` bytes from ``stream``, then refuses (upload and fetch size limit)."""

    def __init__(self, stream: IO[bytes], limit: int, name: str) -> None:
        self.stream, self.limit, self.name, self.read_bytes = stream, limit, name, 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(size)
        self.read_bytes += len(chunk)
        if self.read_bytes > self.limit:
            raise SubmissionRefused(
                _(
                    "« %(name)s » dépasse la taille maximale acceptée (%(max)d Mo). Découpez le fichier ou "
                    "demandez à l'administrateur de relever TERRITORIA_MAX_UPLOAD_MB."
                )
                % {"name": self.name, "max": settings.MAX_UPLOAD_MB}
            )
        return chunk


def _author(user: AnyUser | None) -> Any:
    return user if user is not None and user.is_authenticated else None


def _enqueue(job: Job) -> None:
    from territoria.ingest import tasks

    transaction.on_commit(lambda: tasks.ingest_job(job.pk))


def submit_file(
    dataset: Dataset,
    stream: IO[bytes],
    file_name: str,
    *,
    user: AnyUser | None = None,
    source_kind: str = Version.SourceKind.UPLOAD,
    options: dict[str, Any] | None = None,
    publish: bool = False,
    queue: bool = True,
) -> Job:
    """Keep the original bytes (content-addressed), then queue the job that turns them into a version."""
    name = Path(file_name).name or "fichier"
    digest, size = ContentStore(settings.FILES_DIR).put_stream(_Limited(stream, settings.MAX_UPLOAD_BYTES, name))
    if size == 0:
        raise SubmissionRefused(_("« %(name)s » est vide : rien à importer.") % {"name": name})
    job = Job.objects.create(
        dataset=dataset,
        created_by=_author(user),
        source_kind=source_kind,
        source_name=name,
        original_sha256=digest,
        original_size=size,
        options=options or {},
        publish=publish,
    )
    if queue:
        _enqueue(job)
    return job


def submit_path(dataset: Dataset, path: Path, **kwargs: Any) -> Job:
    with open(path, "rb") as stream:
        return submit_file(dataset, stream, path.name, **kwargs)


def check_url(url: str) -> str:
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise SubmissionRefused(_("Adresse refusée : seules les adresses http:// et https:// sont acceptées."))
    return url.strip()


def fetch_url(
    dataset: Dataset,
    url: str,
    *,
    user: AnyUser | None = None,
    publish: bool = False,
    options: dict[str, Any] | None = None,
    queue: bool = True,
) -> Job:
    """Queue a job that downloads ``url``; unchanged content (same checksum) makes no new version."""
    job = Job.objects.create(
        dataset=dataset,
        created_by=_author(user),
        source_kind=Version.SourceKind.URL,
        source_name=check_url(url)[:1000],
        options=options or {},
        publish=publish,
    )
    if queue:
        _enqueue(job)
    return job


def download(job: Job) -> bool:
    """Fetch the job's URL into the store. False when the bytes equal the last version's original."""
    url = job.source_name
    name = Path(urllib.parse.unquote(urllib.parse.urlsplit(url).path)).name or url
    try:
        with urllib.request.urlopen(check_url(url), timeout=FETCH_TIMEOUT) as response:  # noqa: S310
            digest, size = ContentStore(settings.FILES_DIR).put_stream(
                _Limited(response, settings.MAX_UPLOAD_BYTES, name)
            )
    except OSError as error:
        raise SubmissionRefused(
            _("Impossible de télécharger %(url)s : %(error)s. Vérifiez l'adresse et que le serveur répond.")
            % {"url": url, "error": error}
        ) from None
    Dataset.objects.filter(pk=job.dataset_id).update(last_fetched=timezone.now())
    Job.objects.filter(pk=job.pk).update(original_sha256=digest, original_size=size)
    job.original_sha256, job.original_size = digest, size
    last = Version.objects.filter(dataset_id=job.dataset_id).order_by("-number").first()
    return last is None or last.original_sha256 != digest


def reap_stale_jobs() -> int:
    """Mark as failed the running jobs whose worker stopped answering (killed, machine restarted)."""
    count = 0
    for job in Job.objects.filter(status=Job.Status.RUNNING):
        if job.is_stale:
            Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
                status=Job.Status.FAILED,
                finished=timezone.now(),
                message=_(
                    "Tâche interrompue : le processus de traitement s'est arrêté. Rien n'a été publié ; "
                    "relancez la tâche."
                ),
                error={"message": "interrupted", "file": job.source_name},
            )
            count += 1
    return count


def retry(job: Job, *, queue: bool = True) -> Job:
    """Queue a failed job again, from the same original bytes."""
    if job.status != Job.Status.FAILED:
        raise SubmissionRefused(_("Seule une tâche en échec peut être relancée."))
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.QUEUED,
        stage="",
        rows_read=0,
        message="",
        error={},
        started=None,
        finished=None,
        heartbeat=None,
    )
    job.refresh_from_db()
    if queue:
        _enqueue(job)
    return job


def get_job(job_id: int) -> Job | None:
    reap_stale_jobs()
    return Job.objects.select_related("dataset", "version").filter(pk=job_id).first()
