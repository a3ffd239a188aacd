"""The table view's state, read from the page address and written back into it (shareable links).

Address parameters: ``q`` (full text), ``tri`` (a column, ``-column`` for descending), ``page``,
``f_<column>`` (one filter per column) and ``refine=<column>:<value>`` (facet values, repeatable).
All of it becomes one records query (ODSQL ``where``, ``order_by``, ``refine``), the same one the API box
shows. Pure: no database, no request object.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from territoria.records.compiler import Query
from territoria.viz import clauses
from territoria.viz.charts.base import Column, Columns

PAGE_SIZE = 20
MAX_OFFSET = 10_000  # as in the records API: beyond, use the exports
FILTER_PREFIX = "f_"
FACET_TYPES = {"text", "boolean", "integer"}
MAX_FACETS = 6
MAX_FACET_DISTINCT = 100
FACET_TOP = 10
NUMBER = r"-?\d+(?:[.,]\d+)?"
DATE = r"\d{4}(?:-\d{1,2}(?:-\d{1,2})?)?"
COMPARATORS = (">=", "<=", ">", "<", "=")


@dataclass
class ColumnFilter:
    column: Column
    raw: str
    clause: str = ""  # ODSQL condition; empty when raw is empty or invalid
    error: str = ""


def _number(text: str) -> float | int:
    text = text.replace(",", ".")
    return float(text) if "." in text else int(text)


def _period(text: str) -> tuple[dt.date, dt.date]:
    """First day of a year, month or day period, and the first day after it."""
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 1:
        return dt.date(parts[0], 1, 1), dt.date(parts[0] + 1, 1, 1)
    if len(parts) == 2:
        start = dt.date(parts[0], parts[1], 1)
        days = calendar.monthrange(parts[0], parts[1])[1]
        return start, start + dt.timedelta(days=days)
    start = dt.date(parts[0], parts[1], parts[2])
    return start, start + dt.timedelta(days=1)


def _date_literal(day: dt.date) -> str:
    return clauses.date(day.isoformat())


def filter_clause(column: Column, raw: str) -> ColumnFilter:
    """One column filter as an ODSQL condition, or a French error saying what is expected."""
    result = ColumnFilter(column, raw)
    text = raw.strip()
    if not text:
        return result
    name = clauses.field(column.name)
    try:
        if column.type == "text":
            result.clause = f"search({name}, {clauses.string(text)})"
        elif column.type in {"integer", "decimal"}:
            if match := re.fullmatch(rf"({NUMBER})\s*\.\.\s*({NUMBER})", text):
                low, high = sorted([_number(match[1]), _number(match[2])])
                result.clause = f"{name} >= {clauses.number(low)} and {name} <= {clauses.number(high)}"
            elif match := re.fullmatch(rf"(>=|<=|>|<|=)?\s*({NUMBER})", text):
                result.clause = f"{name} {match[1] or '='} {clauses.number(_number(match[2]))}"
            else:
                result.error = _("Un nombre est attendu, par exemple 12, >10, <=5,5 ou 10..20.")
        elif column.type in {"date", "datetime"}:
            if match := re.fullmatch(rf"({DATE})\s*\.\.\s*({DATE})", text):
                (start, _end), (_start, end) = sorted([_period(match[1]), _period(match[2])])
                result.clause = f"{name} >= {_date_literal(start)} and {name} < {_date_literal(end)}"
            elif match := re.fullmatch(rf"(>=|<=|>|<)?\s*({DATE})", text):
                start, end = _period(match[2])
                op = match[1] or ""
                if op == ">=":
                    result.clause = f"{name} >= {_date_literal(start)}"
                elif op == ">":
                    result.clause = f"{name} >= {_date_literal(end)}"
                elif op == "<":
                    result.clause = f"{name} < {_date_literal(start)}"
                elif op == "<=":
                    result.clause = f"{name} < {_date_literal(end)}"
                else:
                    result.clause = f"{name} >= {_date_literal(start)} and {name} < {_date_literal(end)}"
            else:
                result.error = _("Une date est attendue : 2024, 2024-03, 2024-03-15, >=2024-01 ou 2023..2024.")
        elif column.type == "boolean":
            truth = {"true": "true", "oui": "true", "1": "true", "false": "false", "non": "false", "0": "false"}
            if text.lower() in truth:
                result.clause = f"{name} = {truth[text.lower()]}"
            else:
                result.error = _("Choisissez oui ou non.")
        else:
            result.error = _("Cette colonne ne se filtre pas.")
    except ValueError:  # a date that does not exist (2024-02-30), a month 13…
        result.clause = ""
        result.error = _("Valeur invalide « %(value)s ».") % {"value": text[:40]}
    return result


def refine_value(name: str, value: Any) -> str:
    """A ``refine`` parameter for a facet value, as the records API reads it."""
    text = ("true" if value else "false") if isinstance(value, bool) else str(value)
    if text != text.strip() or text.startswith('"'):
        text = json.dumps(text, ensure_ascii=False)
    return f"{name}:{text}"


def facet_columns(columns: Columns, profiles: list[dict[str, Any]], rows: int) -> list[Column]:
    """Columns worth a facet: categories whose values repeat, with a few distinct ones (by the version's profile)."""
    distinct = {p["name"]: p.get("distinct") or 0 for p in profiles}
    most = min(MAX_FACET_DISTINCT, max(2, int(rows * 0.7)))  # values must repeat: no facet of identifiers
    chosen = [c for c in columns.values() if c.type in FACET_TYPES and 1 < distinct.get(c.name, 0) <= most]
    return chosen[:MAX_FACETS]


@dataclass
class TableState:
    columns: Columns
    q: str = ""
    sort: str = ""
    descending: bool = False
    page: int = 1
    filters: dict[str, ColumnFilter] = field(default_factory=dict)
    refine: list[str] = field(default_factory=list)

    @classmethod
    def parse(cls, params: Mapping[str, Any], columns: Columns) -> TableState:
        """Read the page address; anything unknown or malformed is left out rather than refused."""
        state = cls(columns)
        state.q = str(params.get("q") or "").strip()[:200]
        sort = str(params.get("tri") or "").strip()
        name = sort.removeprefix("-")
        if name in columns and columns[name].type not in {"geo_point", "geo_shape"}:
            state.sort, state.descending = name, sort.startswith("-")
        try:
            state.page = max(1, min(int(str(params.get("page") or 1)), MAX_OFFSET // PAGE_SIZE))
        except ValueError:
            state.page = 1
        for name, column in columns.items():
            raw = str(params.get(FILTER_PREFIX + name) or "")[:200]
            if raw.strip():
                state.filters[name] = filter_clause(column, raw)
        getlist = getattr(params, "getlist", None)
        values = getlist("refine") if getlist else ([params["refine"]] if params.get("refine") else [])
        for value in values[:20]:
            facet, colon, rest = str(value).partition(":")
            if colon and facet in columns and rest.strip():
                state.refine.append(str(value))
        return state

    # --- the records query -----------------------------------------------------------------
    def where(self) -> str:
        parts = [clauses.string(self.q)] if self.q else []
        parts += [f.clause for f in self.filters.values() if f.clause]
        return clauses.both(*parts)

    def order_by(self) -> str:
        if not self.sort:
            return ""
        return clauses.field(self.sort) + (" desc" if self.descending else " asc")

    def query(self) -> Query:
        return Query(where=self.where(), order_by=self.order_by(), refine=list(self.refine))

    @property
    def offset(self) -> int:
        return (self.page - 1) * PAGE_SIZE

    def api_params(self, *, paged: bool = True) -> list[tuple[str, str]]:
        """The records API parameters of this view (``paged``: with limit and offset)."""
        params: list[tuple[str, str]] = []
        if self.where():
            params.append(("where", self.where()))
        if self.order_by():
            params.append(("order_by", self.order_by()))
        params += [("refine", r) for r in self.refine]
        if paged:
            params.append(("limit", str(PAGE_SIZE)))
            if self.offset:
                params.append(("offset", str(self.offset)))
        return params

    # --- the page address -------------------------------------------------------------------
    def params(self, **changes: Any) -> list[tuple[str, str]]:
        """This view's address parameters, with ``changes`` (q, tri, page, refine list, filters dict)."""
        q = changes.get("q", self.q)
        current = (("-" if self.descending else "") + self.sort) if self.sort else ""
        sort = changes.get("tri", current)
        page = changes.get("page", self.page)
        filters = changes.get("filters", {n: f.raw for n, f in self.filters.items()})
        refine = changes.get("refine", self.refine)
        out: list[tuple[str, str]] = []
        if q:
            out.append(("q", q))
        out += [(FILTER_PREFIX + n, v) for n, v in filters.items() if v.strip()]
        out += [("refine", r) for r in refine]
        if sort:
            out.append(("tri", sort))
        if page and page > 1:
            out.append(("page", str(page)))
        return out

    def url(self, **changes: Any) -> str:
        params = self.params(**changes)
        return "?" + urlencode(params) if params else "?"

    def sort_url(self, name: str) -> str:
        """Sort by ``name``: ascending first, then descending, back to page 1."""
        ascending_now = self.sort == name and not self.descending
        return self.url(tri=("-" + name) if ascending_now else name, page=1)

    def toggle_refine_url(self, refine: str) -> str:
        values = [r for r in self.refine if r != refine] if refine in self.refine else [*self.refine, refine]
        return self.url(refine=values, page=1)

    @property
    def active(self) -> bool:
        return bool(self.q or self.filters or self.refine or self.sort)
