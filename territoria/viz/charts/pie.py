"""Pie: the shares of a whole; the largest slices, and the rest gathered in « Autres »."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from territoria.viz.charts.base import (
    CATEGORY_TYPES,
    NUMBER_FORMAT,
    PALETTE,
    ChartConfig,
    ChartData,
    ChartType,
    Columns,
    Plan,
    aggregate_expression,
)

SLICES = 8


class Pie(ChartType):
    name = "pie"
    label = _("Camembert")
    help = _("Des parts d'un total (quelques catégories).")
    order = 40
    x_types = CATEGORY_TYPES
    aggregations = ("count", "sum")  # a share of an average means nothing
    uses_color = False
    limit = SLICES

    def order_by(self, config: ChartConfig, columns: Columns, names: dict[str, str]) -> str:
        return f"{names['y']} desc, {names['x']}"

    def plan(self, config: ChartConfig, columns: Columns) -> Plan:
        plan = super().plan(config, columns)
        return replace(plan, totals_select=f"{aggregate_expression(config)} as {plan.names['y']}")

    def values(self, config: ChartConfig, columns: Columns, data: ChartData) -> list[dict[str, Any]]:
        rows = list(data.rows)
        if data.truncated and data.others:
            rows.append({"x": gettext("Autres"), "y": data.others})
        return rows

    def mark(self, config: ChartConfig, columns: Columns) -> dict[str, Any]:
        return {"type": "arc", "tooltip": True, "stroke": "#ffffff"}

    def size(self, config: ChartConfig, columns: Columns, data: ChartData) -> dict[str, Any]:
        return {"width": "container", "height": 300}

    def encoding(self, config: ChartConfig, columns: Columns, data: ChartData) -> dict[str, Any]:
        x = self.x_channel(config, columns)
        y = self.y_channel(config, columns)
        return {
            "theta": {"field": "y", "type": "quantitative", "stack": True, "title": y["title"]},
            "color": {
                "field": "x",
                "type": "nominal",
                "title": x["title"],
                "sort": None,  # biggest slice first, « Autres » last
                "scale": {"range": PALETTE},
                "legend": {"orient": "right", "labelLimit": 220},
            },
            "order": {"field": "y", "type": "quantitative", "sort": "descending"},
            "tooltip": [
                {"field": "x", "type": "nominal", "title": x["title"]},
                {"field": "y", "type": "quantitative", "title": y["title"], "format": NUMBER_FORMAT},
            ],
        }


CHART = Pie()
