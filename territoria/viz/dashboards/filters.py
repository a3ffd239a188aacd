"""Page-level filters of a dashboard: territory, period, theme.

The dashboard turns each filter on with a label (``Dashboard.filters``: ``{"period": {"label": "Année"}}``); each
block maps it to one of its dataset's columns (``Block.config["filters"]``: ``{"period": "dateconvention"}``).
The values travel in the page address (``?territoire=…&periode=…&theme=…``): a filtered view is a shareable
link, and its embed snippet carries the same filters. Pure: no database, no request.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from territoria.viz import clauses
from territoria.viz.charts.base import DATE_TYPES, NUMERIC_TYPES, Column, Columns
from territoria.viz.table import filter_clause

# key -> (address parameter, default label, column types a block may map it to)
FILTERS: dict[str, tuple[str, Any, frozenset[str]]] = {
    "territory": ("territoire", gettext_lazy("Territoire"), frozenset({"text", "integer"})),
    "period": ("periode", gettext_lazy("Période"), DATE_TYPES | {"integer"}),
    "theme": ("theme", gettext_lazy("Thème"), frozenset({"text", "integer", "boolean"})),
}
MAX_VALUE = 200
NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


def enabled(settings: Mapping[str, Any]) -> dict[str, str]:
    """The dashboard's filters that are on, key -> label, in the fixed order territory, period, theme."""
    out = {}
    for key, (_param, default, _types) in FILTERS.items():
        entry = settings.get(key) if isinstance(settings, Mapping) else None
        if isinstance(entry, Mapping):
            out[key] = str(entry.get("label") or default)
    return out


def param(key: str) -> str:
    return FILTERS[key][0]


def accepts(key: str, column: Column) -> bool:
    return column.type in FILTERS[key][2]


@dataclass
class PageFilters:
    """The filters a dashboard offers and the values asked in the page address."""

    labels: dict[str, str]  # enabled filters: key -> label
    values: dict[str, str] = field(default_factory=dict)  # key -> raw value (enabled and non-empty only)
    errors: dict[str, str] = field(default_factory=dict)  # key -> message, filled while blocks are drawn

    @classmethod
    def parse(cls, settings: Mapping[str, Any], params: Mapping[str, Any]) -> PageFilters:
        labels = enabled(settings)
        values = {}
        for key in labels:
            raw = str(params.get(param(key)) or "").strip()[:MAX_VALUE]
            if raw:
                values[key] = raw
        return cls(labels, values)

    def params(self) -> list[tuple[str, str]]:
        """The address parameters of the active filters (for links and embed snippets)."""
        return [(param(key), value) for key, value in self.values.items()]

    def clause(self, key: str, column: Column) -> str:
        """The ODSQL condition of filter ``key`` on ``column`` ('' when not asked); records errors in French."""
        raw = self.values.get(key)
        if not raw:
            return ""
        if key == "period":
            result = filter_clause(column, raw)
            if result.error:
                self.errors[key] = result.error
            return result.clause
        text, error = equals(column, raw)
        if error:
            self.errors[key] = error
        return text

    def conditions(self, mapping: Mapping[str, Any], columns: Columns, skip: set[str] | None = None) -> str:
        """All active filters a block maps to one of its ``columns``, joined with ``and`` (``skip``: keys left out)."""
        parts = []
        for key in self.values:
            name = mapping.get(key) if isinstance(mapping, Mapping) else None
            if key in (skip or set()) or not isinstance(name, str) or name not in columns:
                continue
            parts.append(self.clause(key, columns[name]))
        return clauses.both(*parts)

    @property
    def active(self) -> bool:
        return bool(self.values)


def equals(column: Column, raw: str) -> tuple[str, str]:
    """``column = value`` in ODSQL for a territory or theme filter, or an error in French."""
    name = clauses.field(column.name)
    if column.type == "text":
        return f"{name} = {clauses.string(raw)}", ""
    if column.type in NUMERIC_TYPES:
        if NUMBER.fullmatch(raw):
            text = raw.replace(",", ".")
            return f"{name} = {clauses.number(float(text) if '.' in text else int(text))}", ""
        return "", _("Un nombre est attendu.")
    if column.type == "boolean":
        truth = {"true": "true", "oui": "true", "1": "true", "false": "false", "non": "false", "0": "false"}
        if raw.lower() in truth:
            return f"{name} = {truth[raw.lower()]}", ""
        return "", _("Choisissez oui ou non.")
    return "", _("Cette colonne ne se filtre pas.")
