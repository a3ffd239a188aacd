"""JSON shapes of jobs and versions, shared by the API and the pages' scripts."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from territoria.catalog.models import Version
from territoria.ingest.models import Job


def job_json(job: Job) -> dict[str, Any]:
    return {
        "job_id": job.pk,
        "dataset_id": job.dataset.slug,
        "status": job.status,
        "status_label": job.get_status_display(),
        "stage": job.stage,
        "rows_read": job.rows_read,
        "message": job.message,
        "error": job.error or None,
        "source": {"kind": job.source_kind, "name": job.source_name, "size": job.original_size},
        "publish": job.publish,
        "published": job.published,
        "version": job.version.number if job.version_id and job.version else None,
        "attempts": job.attempts,
        "created": job.created.isoformat(),
        "started": job.started.isoformat() if job.started else None,
        "finished": job.finished.isoformat() if job.finished else None,
        "links": {
            "self": reverse("ingest:api-job", args=[job.pk]),
            "page": reverse("ingest:job", args=[job.pk]),
            "dataset": reverse("catalog:dataset", args=[job.dataset.slug]),
        },
    }


def version_json(version: Version, *, published: bool, full: bool = False) -> dict[str, Any]:
    issues = version.report.get("issues", [])
    body: dict[str, Any] = {
        "version": version.number,
        "published": published,
        "created": version.created.isoformat(),
        "source": {
            "kind": version.source_kind,
            "name": version.source_name,
            "size": version.original_size,
            "sha256": version.original_sha256,
        },
        "data": {"format": "parquet", "size": version.data_size, "sha256": version.data_sha256},
        "row_count": version.row_count,
        "errors": sum(1 for i in issues if i.get("severity") == "error"),
        "warnings": sum(1 for i in issues if i.get("severity") == "warning"),
        "personal_data": [{"column": f.get("column"), "kind": f.get("kind")} for f in version.pii],
        "personal_data_justification": version.pii_justification or None,
    }
    if full:
        body["columns"] = version.columns
        body["source_info"] = version.source_info
        body["report"] = version.report
        body["geo"] = version.geo
    return body
