"""Area: an evolution whose groups pile up to a total."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from territoria.viz.charts.base import DATE_TYPES, NUMERIC_TYPES, ChartConfig, ChartData, ChartType, Columns


class Area(ChartType):
    name = "area"
    label = _("Aires")
    help = _("Une évolution dont les groupes s'empilent.")
    order = 30
    x_types = DATE_TYPES | NUMERIC_TYPES

    def mark(self, config: ChartConfig, columns: Columns) -> dict[str, Any]:
        return {"type": "area", "line": True, "tooltip": True, "opacity": 0.85}

    def encoding(self, config: ChartConfig, columns: Columns, data: ChartData) -> dict[str, Any]:
        x = self.x_channel(config, columns)
        y = self.y_channel(config, columns)
        encoding: dict[str, Any] = {"x": x, "y": y, "tooltip": self.tooltip(config, columns, x, y)}
        color = self.color_channel(config, columns)
        if color:
            encoding["color"] = color
        return encoding


CHART = Area()
