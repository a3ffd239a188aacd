"""Loads the demo content through the catalogue's services (idempotent: run it again, nothing doubles)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone

from territoria.access.models import Grant
from territoria.accounts.models import Group, Membership, Referent
from territoria.accounts.services import Organisation
from territoria.atlas.demo import load_demo_atlas
from territoria.catalog import services as catalog
from territoria.ingest import pipeline as ingest_pipeline
from territoria.ingest import services as ingest
from territoria.portal.demo.content import DATASETS, DEMO_ORGANISATION, PARTNERS
from territoria.portal.demo.people import ACCOUNTS, DEMO_PASSWORD, GROUPS, REFERENTS, VISIBILITY
from territoria.viz.demo import load_demo_dashboards

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
            visibility, why = VISIBILITY.get(fields["slug"], ("public", ""))
            if why:
                fields["description"] = f"{fields['description']}\n\n*{why}*"
            dataset = catalog.save_dataset(
                organisation=orgs[fields.pop("organisation")],
                modified=modified,
                published=modified - timedelta(days=30),
                visibility=visibility,
                **fields,
            )
            for position, (name, title) in enumerate(files):
                catalog.attach_file(dataset, FILES / name, title=title, position=position)
                resources += 1
            catalog.set_view_count(dataset, DEMO_VIEWS[index % len(DEMO_VIEWS)])
        accounts = _accounts(orgs) if not settings.PRODUCTION else {}
        _groups_and_referents(orgs, accounts)
    versions = 0
    if with_data:
        for spec in DATASETS:
            versions += _ingest_first_file(catalog.get_dataset(spec["slug"]), FILES / spec["files"][0][0])
        load_demo_dashboards()  # its blocks read the data versions loaded just above
    atlas = load_demo_atlas(
        orgs[DEMO_ORGANISATION["slug"]], moderator=accounts.get("demo-admin"), agent=accounts.get("demo-agent")
    )
    catalog.optimize_database()
    return {
        "organisations": len(orgs),
        "datasets": len(DATASETS),
        "resources": resources,
        "versions": versions,
        "accounts": len(accounts),
        "atlas_actions": atlas.get("actions", 0),
    }


# What the demo administrator may do in Django's admin (their querysets stay limited to their organisation).
ADMIN_PERMISSIONS = [
    ("catalog", "dataset"),
    ("catalog", "resource"),
    ("accounts", "membership"),
    ("accounts", "group"),
    ("accounts", "referent"),
    ("accounts", "auditevent"),
    ("access", "grant"),
]


def _accounts(orgs: dict[str, Organisation]) -> dict[str, Any]:
    """The demo accounts, reset to their documented password and role on every run (never in production)."""
    users = {}
    for username, spec in ACCOUNTS.items():
        user, _created = get_user_model().objects.update_or_create(
            username=username,
            defaults={
                "first_name": spec["first_name"],
                "last_name": spec["last_name"],
                "email": f"{username}@territoria.example",
                "is_staff": spec["is_staff"],
                "is_superuser": False,
                "is_active": True,
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        Membership.objects.update_or_create(
            user=user, organisation=orgs[spec["organisation"]], defaults={"role": spec["role"]}
        )
        if spec["is_staff"]:
            perms = Permission.objects.filter(
                content_type__app_label__in={app for app, _m in ADMIN_PERMISSIONS},
                content_type__model__in={model for _a, model in ADMIN_PERMISSIONS},
            )
            user.user_permissions.set(perms)
        users[username] = user
    return users


def _groups_and_referents(orgs: dict[str, Organisation], accounts: dict[str, Any]) -> None:
    for spec in GROUPS:
        group, _created = Group.objects.update_or_create(
            organisation=orgs[spec["organisation"]], name=spec["name"], defaults={"description": spec["description"]}
        )
        group.members.set([accounts[name] for name in spec["members"] if name in accounts])
        for slug in spec["reads"]:
            Grant.objects.get_or_create(dataset=catalog.get_dataset(slug), group=group, defaults={"role": "read"})
    for spec in REFERENTS:
        fields = {k: v for k, v in spec.items() if k not in {"organisation", "datasets", "name"}}
        referent, _created = Referent.objects.update_or_create(
            organisation=orgs[spec["organisation"]], name=spec["name"], defaults=fields
        )
        for slug in spec["datasets"]:
            dataset = catalog.get_dataset(slug)
            dataset.referent = referent
            dataset.save(update_fields=["referent"])


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
