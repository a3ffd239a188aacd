"""What every check reports: issues a person can act on, one report per version.

Framework-free; quality.report re-exports it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Issue:
    """One problem found in a file or a table.

    ``code`` is stable and machine-readable ("ragged-row", "duplicate-header", "pii-email",
    "schema-type-error"…); ``message`` is French and says what was expected and what to do;
    ``row`` is the 1-based line (or spreadsheet row) in the source file when known;
    ``column`` the column name as it appears in the source header.
    """

    code: str
    message: str
    severity: str = "warning"
    row: int | None = None
    column: str | None = None
    check: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, "", {})}


@dataclass
class Report:
    """All issues of one version, by check, plus the figures a check wants to show."""

    issues: list[Issue] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)

    def extend(self, issues: list[Issue]) -> None:
        self.issues.extend(issues)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    def as_dict(self) -> dict[str, Any]:
        return {"issues": [i.as_dict() for i in self.issues], "figures": self.figures}
