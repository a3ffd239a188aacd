"""Scatter: one point per row, two measures against each other."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from territoria.viz import clauses
from territoria.viz.charts.base import (
    DATE_TYPES,
    MAX_POINTS,
    NUMBER_FORMAT,
    NUMERIC_TYPES,
    ChartConfig,
    ChartData,
    ChartType,
    Columns,
    Plan,
    alias,
)


class Scatter(ChartType):
    name = "scatter"
    label = _("Nuage de points")
    help = _("Deux mesures l'une face à l'autre, une ligne par point.")
    order = 50
    x_types = NUMERIC_TYPES | DATE_TYPES
    uses_aggregation = False
    uses_date_unit = False
    y_required = True
    limit = MAX_POINTS

    def plan(self, config: ChartConfig, columns: Columns) -> Plan:
        names = {"x": alias("x", columns), "y": alias("y", columns)}
        select = [f"{clauses.field(config.x)} as {names['x']}", f"{clauses.field(config.y)} as {names['y']}"]
        if config.color:
            names["c"] = alias("c", columns)
            select.append(f"{clauses.field(config.color)} as {names['c']}")
        both_set = f"{clauses.field(config.x)} is not null and {clauses.field(config.y)} is not null"
        return Plan(
            select=", ".join(select),
            where=clauses.both(config.where, both_set),
            limit=self.limit,
            names=names,
        )

    def y_channel(self, config: ChartConfig, columns: Columns) -> dict[str, Any]:
        return {
            "field": "y",
            "type": "quantitative",
            "title": columns[config.y].label,
            "scale": {"zero": False},
            "axis": {"format": NUMBER_FORMAT},
        }

    def mark(self, config: ChartConfig, columns: Columns) -> dict[str, Any]:
        return {"type": "point", "filled": True, "opacity": 0.7, "tooltip": True}

    def encoding(self, config: ChartConfig, columns: Columns, data: ChartData) -> dict[str, Any]:
        x = self.x_channel(config, columns)
        if x["type"] == "quantitative":
            x["scale"] = {"zero": False}
        y = self.y_channel(config, columns)
        encoding: dict[str, Any] = {"x": x, "y": y, "tooltip": self.tooltip(config, columns, x, y)}
        color = self.color_channel(config, columns)
        if color:
            encoding["color"] = color
        return encoding


CHART = Scatter()
