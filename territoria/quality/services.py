"""The public face of the quality part: other parts call these functions, never the modules below.

Pure functions on tables and files: no Django model, no catalogue, no ingest import (only the
RawTable type). Typical use by ingest, once a version is read::

    report = services.build_report(raw, source_path=original, schema=entry.path,
                                   score_inputs=services.ScoreInputs(metadata=..., licence=...))
    version.report = report.as_dict()
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from territoria.lib.tables import RawTable
from territoria.quality import pii
from territoria.quality import score as scoring
from territoria.quality.checks import CHECKS, open_table, run_structural
from territoria.quality.report import Issue, Report

__all__ = [
    "ScoreInputs",
    "build_report",
    "checks_and_pii",
    "pii_issues",
    "pii_scan",
    "score",
    "structural_checks",
    "validate_against_schema",
]


def structural_checks(raw: RawTable) -> list[Issue]:
    """Empty/duplicated/spaced headers, blank rows and columns, duplicate rows, mojibake."""
    return run_structural(raw)


def validate_against_schema(
    path: Path,
    schema: dict[str, Any] | Path | str,
    format: str | None = None,
    **options: Any,  # noqa: A002
) -> list[Issue]:
    """Table Schema validation by frictionless; one Issue per error (see quality.schema)."""
    from territoria.quality.schema import validate_file  # frictionless takes ~0.4 s to import: only when used

    return validate_file(Path(path), schema, format=format, **options)


def pii_scan(raw: RawTable, *, threshold: float = pii.THRESHOLD) -> list[pii.PiiFinding]:
    """Columns holding e-mails, phones, NIR, IBAN or person names (masked examples only)."""
    return pii.scan(raw, threshold=threshold)


def checks_and_pii(raw: RawTable, *, threshold: float = pii.THRESHOLD) -> tuple[list[Issue], list[pii.PiiFinding]]:
    """``structural_checks(raw)`` and ``pii_scan(raw)`` on one opened table: counts they share are read once."""
    with open_table(raw) as table:
        return run_structural(raw, table=table), pii.scan(raw, threshold=threshold, table=table)


def pii_issues(findings: list[pii.PiiFinding]) -> list[Issue]:
    return pii.issues(findings)


# Quality score out of 100 with one French line per criterion (see quality.score).
score = scoring.score


@dataclass
class ScoreInputs:
    """What the score needs besides the checks (schema figures come from the validation)."""

    metadata: Mapping[str, Any] = field(default_factory=dict)
    last_update: dt.date | dt.datetime | None = None
    frequency: str | None = None
    format_code: str | None = None
    format_open: bool = False
    licence: str | None = None
    licence_open: bool = False
    now: dt.datetime | None = None


def build_report(
    raw: RawTable | None = None,
    *,
    source_path: Path | None = None,
    schema: dict[str, Any] | Path | str | None = None,
    format: str | None = None,  # noqa: A002
    score_inputs: ScoreInputs | None = None,
    pii_threshold: float = pii.THRESHOLD,
) -> Report:
    """One report for one version: the reader's issues, structural checks and PII guard on
    ``raw``, schema validation of ``source_path`` when a schema is given, and the score when
    ``score_inputs`` is given. ``figures`` holds counts, PII findings and the score."""
    report = Report()
    figures: dict[str, Any] = {}
    if raw is not None:
        report.extend(list(raw.issues))
        structural, findings = checks_and_pii(raw, threshold=pii_threshold)
        report.extend(structural)
        report.extend(pii_issues(findings))
        figures.update(
            rows=raw.row_count,
            columns=len(raw.columns),
            checks=[c.name for c in CHECKS],
            pii=[f.as_dict() for f in findings],
        )
    schema_errors: int | None = None
    if schema is not None and source_path is not None:
        from territoria.quality.schema import SchemaKindError

        try:
            schema_issues = validate_against_schema(source_path, schema, format)
        except SchemaKindError as exc:
            report.extend([Issue(code="schema-not-tabular", message=exc.message, severity="info", check="schema")])
        else:
            report.extend(schema_issues)
            schema_errors = sum(1 for i in schema_issues if i.severity == "error")
            figures["schema"] = {
                "errors": schema_errors,
                "truncated": any(i.code == "schema-error-limit" for i in schema_issues),
            }
    if score_inputs is not None:
        result = score(
            score_inputs.metadata,
            schema_declared=schema is not None,
            schema_errors=schema_errors,
            last_update=score_inputs.last_update,
            frequency=score_inputs.frequency,
            format_code=score_inputs.format_code,
            format_open=score_inputs.format_open,
            licence=score_inputs.licence,
            licence_open=score_inputs.licence_open,
            now=score_inputs.now,
        )
        figures["score"] = result.as_dict()
    figures["issues"] = {
        "by_severity": dict(Counter(i.severity for i in report.issues)),
        "by_code": dict(Counter(i.code for i in report.issues)),
    }
    report.figures = figures
    return report
