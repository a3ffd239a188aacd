"""Derived versions: the same data with a personal-data column dropped or masked."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import duckdb
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from territoria.accounts.services import AnyUser
from territoria.catalog import services as catalog
from territoria.catalog.models import Version
from territoria.lib.storage import ContentStore

ACTIONS = ("drop", "mask")
MASK = "***"


class DeriveRefused(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def without_column(version: Version, column: str, action: str, *, user: AnyUser | None = None) -> Version:
    """A new version where ``column`` is dropped or every non-empty value replaced by "***"."""
    names = [c["name"] for c in version.columns]
    if action not in ACTIONS:
        raise DeriveRefused(_("Action inconnue : choisissez « drop » (supprimer) ou « mask » (masquer)."))
    if column not in names:
        raise DeriveRefused(_("Colonne inconnue « %(name)s » dans cette version.") % {"name": column[:100]})
    if action == "mask" and next(c for c in version.columns if c["name"] == column)["type"] != "text":
        raise DeriveRefused(_("Seule une colonne de texte peut être masquée ; supprimez plutôt celle-ci."))
    # Names come from the version's own column list (checked above), never from free text.
    selected = ["_row"] + [
        (f"CASE WHEN {_quote(n)} IS NULL THEN NULL ELSE '{MASK}' END AS {_quote(n)}" if n == column else _quote(n))
        for n in names
        if not (n == column and action == "drop")
    ]
    settings.WORK_DIR.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="derive-", dir=settings.WORK_DIR))
    try:
        out = workdir / "derived.parquet"
        con = duckdb.connect(":memory:", config={"memory_limit": "512MB", "autoload_known_extensions": False})
        try:
            query = f"SELECT {', '.join(selected)} FROM read_parquet(?)"  # noqa: S608 (checked names)
            con.execute(f"COPY ({query}) TO '{out}' (FORMAT parquet, COMPRESSION zstd)", [str(version.data_path())])
        finally:
            con.close()
        digest, size = ContentStore(settings.FILES_DIR).put_path(out)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    columns = [c for c in version.columns if not (c["name"] == column and action == "drop")]
    if action == "mask":
        columns = [
            {**c, "examples": [MASK], "details": {**c.get("details", {}), "masked": True}} if c["name"] == column else c
            for c in columns
        ]
    verb = _("supprimée") if action == "drop" else _("masquée")
    with transaction.atomic():
        return catalog.create_version(
            version.dataset,
            created_by=user if user is not None and user.is_authenticated else None,
            source_kind=Version.SourceKind.DERIVED,
            source_name=_("v%(n)d, colonne « %(col)s » %(verb)s") % {"n": version.number, "col": column, "verb": verb},
            original_sha256=version.original_sha256,
            original_size=version.original_size,
            data_sha256=digest,
            data_size=size,
            row_count=version.row_count,
            columns=columns,
            source_info=version.source_info,
            report={
                **version.report,
                "issues": [
                    i
                    for i in version.report.get("issues", [])
                    if not (i.get("code", "").startswith("pii-") and _same(i, column, version))
                ],
            },
            pii=[f for f in version.pii if f.get("column") != column],
            geo=version.geo,
        )


def _issues_without(version: Version, column: str) -> list[dict[str, object]]:
    issues = version.report.get("issues", [])
    return [i for i in issues if not (str(i.get("code", "")).startswith("pii-") and _same(i, column, version))]


def _same(issue: dict[str, object], column: str, version: Version) -> bool:
    label = next((c["label"] for c in version.columns if c["name"] == column), column)
    return issue.get("column") in {column, label}
