"""Key figures: one aggregate over a dataset, optionally compared with the period before (this year vs last year).

With a comparison, the figure is the value of the *current period*: the year (or month) of the latest date in
the data that the page's filters keep (a period filter « 2017 » makes it 2017), and the previous period is the
one right before it. The sentence of :attr:`Kpi.sentence` says all of it for screen readers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from territoria.catalog.models import Version
from territoria.viz import clauses, data
from territoria.viz.charts.base import AGGREGATIONS, DATE_TYPES, NUMERIC_TYPES, Columns
from territoria.viz.templatetags.viz_tags import viz_number

COMPARISONS = {
    "": gettext_lazy("Aucune comparaison"),
    "year": gettext_lazy("Avec l'année précédente"),
    "month": gettext_lazy("Avec le mois précédent"),
}


@dataclass(frozen=True)
class KpiConfig:
    aggregation: str = "count"
    column: str = ""
    unit: str = ""
    compare: str = ""
    date_column: str = ""
    where: str = ""

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> KpiConfig:
        known = {f.name for f in fields(cls)}
        return cls(**{k: str(v).strip() for k, v in values.items() if k in known and isinstance(v, str)})

    def as_dict(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}

    def validate(self, columns: Columns) -> dict[str, str]:
        """Errors by form field, in French (empty when the figure can be computed)."""
        errors = {}
        if self.aggregation not in AGGREGATIONS:
            errors["aggregation"] = _("Calcul inconnu.")
        elif self.aggregation != "count":
            if not self.column:
                errors["column"] = _("Choisissez la colonne numérique à calculer.")
            elif self.column not in columns or columns[self.column].type not in NUMERIC_TYPES:
                errors["column"] = _("« %(name)s » n'est pas une colonne numérique de ces données.") % {
                    "name": self.column
                }
        if self.compare not in COMPARISONS:
            errors["compare"] = _("Comparaison inconnue.")
        elif self.compare:
            if not self.date_column:
                errors["date_column"] = _("Une comparaison entre périodes a besoin d'une colonne de dates.")
            elif self.date_column not in columns or columns[self.date_column].type not in DATE_TYPES:
                errors["date_column"] = _("« %(name)s » n'est pas une colonne de dates de ces données.") % {
                    "name": self.date_column
                }
        return errors

    def label(self, columns: Columns) -> str:
        if self.aggregation == "count" or self.column not in columns:
            return str(AGGREGATIONS["count"])
        return _("%(aggregation)s de %(column)s") % {
            "aggregation": AGGREGATIONS.get(self.aggregation, self.aggregation),
            "column": columns[self.column].label,
        }

    def expression(self) -> str:
        if self.aggregation == "count":
            return "count(*)"
        return f"{self.aggregation}({clauses.field(self.column)})"


@dataclass
class Kpi:
    label: str
    value: float | int | None
    unit: str = ""
    period: str = ""
    previous: float | int | None = None
    previous_period: str = ""
    change: float | None = None  # percent, when the previous value is not zero
    compared: bool = False

    @property
    def direction(self) -> str:
        if self.change is None:
            return ""
        if abs(self.change) < 0.05:
            return "same"
        return "up" if self.change > 0 else "down"

    def shown(self, value: float | int | None) -> str:
        if value is None:
            return "—"
        text = str(viz_number(round(value, 2) if isinstance(value, float) else value))
        return f"{text}\u00a0{self.unit}" if self.unit else text

    @property
    def shown_value(self) -> str:
        return self.shown(self.value)

    @property
    def shown_previous(self) -> str:
        return self.shown(self.previous)

    @property
    def shown_change(self) -> str:
        if self.change is None:
            return ""
        sign = "+" if self.change > 0 else ("−" if self.change < 0 else "")
        # Translators: a percentage change; French puts a no-break space before %, English none.
        return _("%(sign)s%(value)s %%") % {"sign": sign, "value": viz_number(round(abs(self.change), 1))}

    @property
    def sentence(self) -> str:
        """The figure and its comparison in one French sentence (the text alternative)."""
        if self.value is None:
            return _("%(label)s : aucune donnée.") % {"label": self.label}
        if not self.compared:
            return _("%(label)s : %(value)s.") % {"label": self.label, "value": self.shown_value}
        text = _("%(label)s en %(period)s : %(value)s") % {
            "label": self.label,
            "period": self.period,
            "value": self.shown_value,
        }
        if self.previous is None:
            return text + _(" ; aucune donnée en %(previous)s pour comparer.") % {"previous": self.previous_period}
        if self.change is None:
            return text + _(", contre %(value)s en %(previous)s.") % {
                "value": self.shown_previous,
                "previous": self.previous_period,
            }
        if self.direction == "same":
            how = _("stable")
        elif self.direction == "up":
            how = _("en hausse de %(change)s") % {"change": self.shown_change.lstrip("+")}
        else:
            how = _("en baisse de %(change)s") % {"change": self.shown_change.lstrip("−")}
        return text + _(", %(how)s par rapport à %(previous)s (%(value)s).") % {
            "how": how,
            "previous": self.previous_period,
            "value": self.shown_previous,
        }


def _number(value: Any) -> float | int | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _aggregate(version: Version, config: KpiConfig, where: str) -> float | int | None:
    result = data.run(version, data.Query(select=f"{config.expression()} as value", where=where), limit=1)
    return _number(result.rows[0].get("value")) if result.rows else None


def periods(anchor: dt.date, unit: str) -> tuple[dt.date, dt.date, dt.date]:
    """Start of the previous period, start of the current one (which holds ``anchor``), start of the next."""
    if unit == "month":
        start = anchor.replace(day=1)
        before = (start - dt.timedelta(days=1)).replace(day=1)
        after = (start + dt.timedelta(days=32)).replace(day=1)
        return before, start, after
    start = dt.date(anchor.year, 1, 1)
    return dt.date(anchor.year - 1, 1, 1), start, dt.date(anchor.year + 1, 1, 1)


def period_name(start: dt.date, unit: str) -> str:
    return date_format(start, "F Y") if unit == "month" else str(start.year)


def _between(name: str, start: dt.date, end: dt.date) -> str:
    field = clauses.field(name)
    return f"{field} >= {clauses.date(start.isoformat())} and {field} < {clauses.date(end.isoformat())}"


def _anchor(value: Any) -> dt.date | None:
    text = str(value or "")
    try:
        return dt.date(int(text[:4]), int(text[5:7]), int(text[8:10]))
    except ValueError:
        return None


def compute(version: Version, config: KpiConfig, columns: Columns, where: str, period_where: str = "") -> Kpi:
    """The figure over the rows ``where`` keeps; ``period_where``: the page's period filter on this block.

    Raises data.QueryFailed when the data cannot answer (a condition that no longer fits the columns...)."""
    kpi = Kpi(label=config.label(columns), value=None, unit=config.unit, compared=bool(config.compare))
    if not config.compare:
        kpi.value = _aggregate(version, config, clauses.both(where, period_where))
        return kpi
    field = clauses.field(config.date_column)
    found = data.run(
        version, data.Query(select=f"max({field}) as latest", where=clauses.both(where, period_where)), limit=1
    )
    anchor = _anchor(found.rows[0].get("latest")) if found.rows else None
    if anchor is None:
        return kpi
    before, start, after = periods(anchor, config.compare)
    kpi.period, kpi.previous_period = period_name(start, config.compare), period_name(before, config.compare)
    kpi.value = _aggregate(version, config, clauses.both(where, _between(config.date_column, start, after)))
    kpi.previous = _aggregate(version, config, clauses.both(where, _between(config.date_column, before, start)))
    if kpi.value is not None and kpi.previous:
        kpi.change = (kpi.value - kpi.previous) / abs(kpi.previous) * 100
    return kpi
