"""Bars: one bar per category or per period; horizontal for text categories, sorted by value."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from territoria.viz.charts.base import ChartConfig, ChartData, ChartType, Columns


class Bar(ChartType):
    name = "bar"
    label = _("Barres")
    help = _("Comparer des catégories ou des périodes.")
    order = 10

    def x_kind(self, config: ChartConfig, columns: Columns) -> str:
        kind = super().x_kind(config, columns)
        return "ordinal" if kind == "quantitative" else kind  # one bar per value: 2019, 2020…

    def horizontal(self, config: ChartConfig, columns: Columns) -> bool:
        return self.x_kind(config, columns) == "nominal"

    def order_by(self, config: ChartConfig, columns: Columns, names: dict[str, str]) -> str:
        if self.horizontal(config, columns) and not config.color:
            return f"{names['y']} desc, {names['x']}"
        return names["x"]

    def mark(self, config: ChartConfig, columns: Columns) -> dict[str, Any]:
        return {"type": "bar", "tooltip": True}

    def size(self, config: ChartConfig, columns: Columns, data: ChartData) -> dict[str, Any]:
        if self.horizontal(config, columns):
            return {"width": "container", "height": {"step": 22}}
        return super().size(config, columns, data)

    def encoding(self, config: ChartConfig, columns: Columns, data: ChartData) -> dict[str, Any]:
        x = self.x_channel(config, columns)
        y = self.y_channel(config, columns)
        encoding: dict[str, Any] = {"tooltip": self.tooltip(config, columns, x, y)}
        if self.horizontal(config, columns):
            x["sort"] = None if config.color else "-x"  # rows come sorted by value; keep that order
            encoding.update(y=x, x=y)
        else:
            encoding.update(x=x, y=y)
        color = self.color_channel(config, columns)
        if color:
            encoding["color"] = color
        return encoding


CHART = Bar()
