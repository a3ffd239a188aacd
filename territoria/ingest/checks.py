"""Runs the quality checks on a freshly read table and gathers one report per version."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from territoria.catalog.models import Dataset
from territoria.ingest.readers.base import RawTable
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
    report.extend(quality.structural_checks(raw))
    schema = _schema_path(dataset)
    file_format = str(raw.source.get("format", ""))
    if schema is not None and file_format in SCHEMA_FORMATS:
        report.extend(quality.validate_against_schema(source, schema, format=file_format))
        report.figures["schema"] = dataset.table_schema.name if dataset.table_schema else None
    findings = quality.pii_scan(raw)
    report.extend(quality.pii_issues(findings))
    report.figures["rows"] = typed.row_count
    report.figures["columns"] = len(typed.columns)
    return report.as_dict(), [finding.as_dict() for finding in findings]
