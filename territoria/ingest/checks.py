"""Runs the quality checks on a freshly read table and gathers one report per version."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils import timezone

from territoria.catalog.models import Dataset
from territoria.ingest.readers.base import RawTable
from territoria.lib.formats import FORMATS
from territoria.quality import catalogue
from territoria.quality import services as quality
from territoria.quality.report import Report

SCHEMA_FORMATS = {"csv", "tsv", "xlsx", "xls", "ods"}


def _schema_path(dataset: Dataset) -> Path | None:
    """The shipped Table Schema the dataset declares, if Territoria knows it."""
    if dataset.table_schema is None:
        return None
    try:
        entry = catalogue.get(dataset.table_schema.name)
    except KeyError:
        return None
    return entry.path if entry.kind == "tableschema" else None


def run_checks(
    dataset: Dataset, raw: RawTable, typed: Any, source: Path, source_name: str
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(report as JSON, personal-data findings as JSON) for a new version."""
    report = Report()
    report.extend(list(raw.issues))
    report.extend(list(typed.issues))
    structural, findings = quality.checks_and_pii(raw)
    report.extend(structural)
    schema = _schema_path(dataset)
    file_format = str(raw.source.get("format", ""))
    if schema is not None and file_format in SCHEMA_FORMATS:
        report.extend(quality.validate_against_schema(source, schema, format=file_format))
        report.figures["schema"] = dataset.table_schema.name if dataset.table_schema else None
    report.extend(quality.pii_issues(findings))
    report.figures["rows"] = typed.row_count
    report.figures["columns"] = len(typed.columns)
    schema_errors = sum(1 for i in report.issues if i.code.startswith("schema-") and i.severity == "error")
    report.figures["score"] = dataset_score(dataset, schema_errors if schema is not None else None, file_format)
    return report.as_dict(), [finding.as_dict() for finding in findings]


def dataset_score(dataset: Dataset, schema_errors: int | None, file_format: str) -> dict[str, Any]:
    """The quality score of the dataset with this version, explained line by line."""
    fmt = FORMATS.get(file_format.upper()) or (FORMATS["SHP"] if file_format == "shp" else None)
    metadata = {
        "title": dataset.title,
        "description": dataset.description,
        "keywords": [k.name for k in dataset.keywords.all()],
        "theme": [t.code for t in dataset.themes.all()],
        "publisher": dataset.organisation.name,
        "contact_point": dataset.contact_email or dataset.contact_name,
        "spatial": dataset.spatial_coverage or dataset.spatial_code,
        "temporal": dataset.temporal_start or dataset.temporal_end,
        "landing_page": dataset.source_url,
    }
    result = quality.score(
        metadata,
        schema_declared=dataset.table_schema is not None,
        schema_errors=schema_errors,
        last_update=timezone.now(),
        frequency=dataset.frequency,
        format_code=file_format.upper(),
        format_open=bool(fmt and fmt.open),
        licence=dataset.licence.identifier,
        licence_open=dataset.licence.is_open,
    )
    return result.as_dict()
