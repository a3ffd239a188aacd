"""Loads the demo content through the catalogue's services (idempotent: run it again, nothing doubles)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from territoria.accounts.services import Organisation
from territoria.catalog import services as catalog
from territoria.ingest import pipeline as ingest_pipeline
from territoria.ingest import services as ingest
from territoria.portal.demo.content import DATASETS, DEMO_ORGANISATION, PARTNERS

FILES = Path(__file__).parent / "files"
DEMO_PII_JUSTIFICATION = (
    "Adresse électronique générique d'un service de l'État, publiée par sa source : ce n'est pas celle d'une personne."
)
# Plausible consultation counts so that "most viewed" means something in the demo.
DEMO_VIEWS = [97, 412, 64, 305, 173, 18, 389, 121, 251, 42, 288, 160, 198]


def load(*, with_data: bool = True) -> dict[str, int]:
    with transaction.atomic():
        orgs = {}
        for spec in [DEMO_ORGANISATION, *PARTNERS]:
            org_fields = {k: v for k, v in spec.items() if k != "slug"}
            orgs[spec["slug"]], _ = Organisation.objects.update_or_create(slug=spec["slug"], defaults=org_fields)
        now = timezone.now()
        resources = 0
        for index, spec in enumerate(DATASETS):
            fields: dict[str, Any] = dict(spec)
            files = fields.pop("files")
            for key in ("temporal_start", "temporal_end"):
                if key in fields:
                    fields[key] = date.fromisoformat(fields[key])
            modified = now - timedelta(days=3 * index + 1)
            dataset = catalog.save_dataset(
                organisation=orgs[fields.pop("organisation")],
                modified=modified,
                published=modified - timedelta(days=30),
                visibility="public",
                **fields,
            )
            for position, (name, title) in enumerate(files):
                catalog.attach_file(dataset, FILES / name, title=title, position=position)
                resources += 1
            catalog.set_view_count(dataset, DEMO_VIEWS[index % len(DEMO_VIEWS)])
    versions = 0
    if with_data:
        for spec in DATASETS:
            versions += _ingest_first_file(catalog.get_dataset(spec["slug"]), FILES / spec["files"][0][0])
    catalog.optimize_database()
    return {"organisations": len(orgs), "datasets": len(DATASETS), "resources": resources, "versions": versions}


def _ingest_first_file(dataset: Any, path: Path) -> int:
    """Give the dataset a published, checked version of its first file (once: reloading changes nothing)."""
    if dataset.published_version_id is not None:
        return 0
    job = ingest.submit_path(dataset, path, source_kind="cli", publish=True, queue=False)
    job = ingest_pipeline.run(job.pk)
    if job.version is None:
        return 0
    if not job.published and job.version.pii:
        # The demo's only personal data is a service mailbox: the justification shows how the guard works.
        catalog.justify_pii(job.version, DEMO_PII_JUSTIFICATION)
        catalog.publish_version(dataset, job.version)
    return 1
