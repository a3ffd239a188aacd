"""Histogram: how the values of one numeric column spread, in bins counted by the database."""

from __future__ import annotations

import math
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from territoria.viz import clauses
from territoria.viz.charts.base import (
    NUMERIC_TYPES,
    ChartConfig,
    ChartData,
    ChartType,
    Columns,
    Plan,
    alias,
)

BINS = 20


def nice_step(low: Any, high: Any, bins: int = BINS) -> float:
    """A round bin width (1, 2 or 5 times a power of ten) giving about ``bins`` bins between low and high."""
    try:
        span = float(high) - float(low)
    except (TypeError, ValueError):
        return 1.0
    if not math.isfinite(span) or span <= 0:
        return 1.0
    raw = span / bins
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return float(factor * power)
    return float(10 * power)  # pragma: no cover - the loop always returns


class Histogram(ChartType):
    name = "histogram"
    label = _("Histogramme")
    help = _("La répartition des valeurs d'une colonne numérique.")
    order = 60
    x_types = NUMERIC_TYPES
    uses_y = False
    uses_aggregation = False
    uses_date_unit = False

    def plan(self, config: ChartConfig, columns: Columns) -> Plan:
        column = columns[config.x]
        step = nice_step(column.min, column.max)
        if column.type == "integer":
            step = max(1.0, step)
        names = {"x": alias("x", columns), "y": alias("y", columns)}
        bins = f"range({clauses.field(config.x)}, {clauses.number(step)})"
        select = [f"{bins} as {names['x']}", f"count(*) as {names['y']}"]
        group_by = [bins]
        if config.color:
            names["c"] = alias("c", columns)
            select.append(f"{clauses.field(config.color)} as {names['c']}")
            group_by.append(clauses.field(config.color))
        return Plan(
            select=", ".join(select),
            group_by=", ".join(group_by),
            where=self.where(config, columns),
            order_by=names["x"],
            limit=self.limit,
            names=names,
            step=step,
        )

    def prepare(self, config: ChartConfig, columns: Columns, plan: Plan, rows: list[dict]) -> list[dict]:
        out = super().prepare(config, columns, plan, rows)
        for item in out:
            if item["x"] is not None and plan.step:
                item["x_end"] = item["x"] + plan.step
        return out

    def mark(self, config: ChartConfig, columns: Columns) -> dict[str, Any]:
        return {"type": "bar", "tooltip": True, "binSpacing": 1}

    def encoding(self, config: ChartConfig, columns: Columns, data: ChartData) -> dict[str, Any]:
        label = columns[config.x].label
        count = gettext("Nombre de lignes")
        encoding: dict[str, Any] = {
            "x": {"field": "x", "type": "quantitative", "bin": {"binned": True}, "title": label},
            "x2": {"field": "x_end"},
            "y": {"field": "y", "type": "quantitative", "title": count, "stack": True},
            "tooltip": [
                {"field": "x", "type": "quantitative", "title": gettext("à partir de")},
                {"field": "x_end", "type": "quantitative", "title": gettext("jusqu'à (exclu)")},
                {"field": "y", "type": "quantitative", "title": count},
            ],
        }
        color = self.color_channel(config, columns)
        if color:
            encoding["color"] = color
            encoding["tooltip"].append({"field": "c", "type": "nominal", "title": color["title"]})
        return encoding


CHART = Histogram()
