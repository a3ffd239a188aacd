"""Chart configurations → records queries → Vega-Lite specifications. Pure functions: no database, no request.

    config = ChartConfig.from_mapping(request.GET)
    chart_type, errors = validate(config, columns)      # errors by form field, in French
    plan = plan_for(config, columns)                     # the records query (ODSQL select/group_by/...)
    data = read(config, columns, plan, rows, total)      # the answer, display-ready
    spec = vega_lite(config, columns, data)              # a Vega-Lite v5 specification, data inlined
    headers, table = data_table(config, columns, data)   # the same numbers as an accessible table

The chart types themselves live in :mod:`territoria.viz.charts`, one module each.
"""

from __future__ import annotations

from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from territoria.viz import charts
from territoria.viz.charts.base import (
    DATE_TYPES,
    PALETTE,
    VEGA_LITE_SCHEMA,
    ChartConfig,
    ChartData,
    ChartType,
    Columns,
    Plan,
    columns_of,
    x_title,
    y_title,
)

__all__ = [
    "ChartConfig",
    "ChartData",
    "Columns",
    "ConfigError",
    "Plan",
    "columns_of",
    "data_table",
    "describe",
    "plan_for",
    "read",
    "title",
    "validate",
    "vega_lite",
]
TABLE_ROWS = 500  # rows of the data table under a chart


class ConfigError(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def validate(config: ChartConfig, columns: Columns) -> tuple[ChartType | None, dict[str, str]]:
    """The chart type and the errors of ``config`` by form field (empty when it can be drawn)."""
    chart = charts.get(config.type)
    if chart is None:
        known = ", ".join(charts.REGISTRY)
        return None, {"type": _("Type de graphique inconnu ; types possibles : %(known)s.") % {"known": known}}
    return chart, chart.validate(config, columns)


def chart_type(config: ChartConfig, columns: Columns) -> ChartType:
    chart, errors = validate(config, columns)
    if errors or chart is None:
        raise ConfigError(errors)
    return chart


def plan_for(config: ChartConfig, columns: Columns) -> Plan:
    """The records query that gives the chart its data; ConfigError if ``config`` cannot be drawn."""
    return chart_type(config, columns).plan(config, columns)


def read(
    config: ChartConfig, columns: Columns, plan: Plan, rows: list[dict[str, Any]], total: int, grand_total: Any = None
) -> ChartData:
    """The records answer as chart data. ``grand_total``: plan.totals_select over every row, when asked."""
    chart = chart_type(config, columns)
    prepared = chart.prepare(config, columns, plan, rows)
    others = None
    if grand_total is not None and total > len(rows):
        shown = sum(float(r["y"]) for r in prepared if isinstance(r.get("y"), int | float))
        others = float(grand_total) - shown
    return ChartData(prepared, total, others)


def title(config: ChartConfig, columns: Columns) -> str:
    """The chart's title: the person's, or one said from the settings."""
    if config.title:
        return config.title
    chart = chart_type(config, columns)
    if chart.name == "scatter":
        text = _("%(y)s selon %(x)s") % {"y": columns[config.y].label, "x": columns[config.x].label}
    elif chart.name == "histogram":
        text = _("Répartition de %(x)s") % {"x": columns[config.x].label}
    else:
        grouped = columns[config.x].type in DATE_TYPES and chart.uses_date_unit
        text = _("%(y)s par %(x)s") % {"y": y_title(config, columns), "x": x_title(config, columns, grouped)}
    if config.color:
        text += _(", selon %(c)s") % {"c": columns[config.color].label}
    return text


def describe(config: ChartConfig, columns: Columns, data: ChartData) -> str:
    """A sentence for screen readers and the figure's caption: what is drawn, and how much of it."""
    chart = chart_type(config, columns)
    values = chart.values(config, columns, data)
    text = _("Graphique « %(type)s » : %(title)s.") % {"type": chart.label, "title": title(config, columns)}
    if not values:
        return text + " " + _("Aucune donnée ne correspond.")
    text += " " + ngettext("%(n)d valeur.", "%(n)d valeurs.", len(values)) % {"n": len(values)}
    if data.truncated and chart.name != "pie":
        text += " " + _("Seules les %(n)d premières sur %(total)d sont dessinées.") % {
            "n": len(data.rows),
            "total": data.total,
        }
    numbers = [r for r in values if isinstance(r.get("y"), int | float)]
    if chart.uses_aggregation and numbers:
        top = max(numbers, key=lambda r: r["y"])
        x = x_label(config, columns, top["x"])
        if config.color:
            x = f"{x} ({top.get('c')})"
        text += " " + _("Valeur la plus haute : %(y)s pour %(x)s.") % {"y": _number(top["y"]), "x": x}
    return text


def x_label(config: ChartConfig, columns: Columns, value: Any) -> Any:
    """How an x value reads in words and tables: a grouped date as 2024, 2024-03 or 2024-03-15."""
    chart = charts.get(config.type)
    grouped = columns[config.x].type in DATE_TYPES and chart is not None and chart.uses_date_unit
    if grouped and isinstance(value, str):
        return {"year": value[:4], "month": value[:7]}.get(config.date_unit, value)
    return value


def _number(value: float | int) -> str:
    """A number written the way the page's language writes it: 1 234,50 in French, 1,234.50 in English."""
    if isinstance(value, float) and not value.is_integer():
        return number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)
    return number_format(int(value), use_l10n=True, force_grouping=True)


def vega_lite(config: ChartConfig, columns: Columns, data: ChartData) -> dict[str, Any]:
    """A Vega-Lite v5 specification with its data inlined (rendered by vega-embed in the page)."""
    chart = chart_type(config, columns)
    spec: dict[str, Any] = {
        "$schema": VEGA_LITE_SCHEMA,
        "title": {"text": title(config, columns), "anchor": "start", "fontSize": 16},
        "description": describe(config, columns, data),
        **chart.size(config, columns, data),
        "autosize": {"type": "fit", "contains": "padding"},
        "data": {"values": chart.values(config, columns, data)},
        "mark": chart.mark(config, columns),
        "encoding": chart.encoding(config, columns, data),
        "config": {
            "font": "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif",
            "axis": {"labelFontSize": 12, "titleFontSize": 13, "labelColor": "#1b1b1f", "titleColor": "#1b1b1f"},
            "legend": {"labelFontSize": 12, "titleFontSize": 13},
            "mark": {"color": PALETTE[0]},
            "range": {"category": PALETTE},
        },
    }
    return spec


def data_table(config: ChartConfig, columns: Columns, data: ChartData) -> tuple[list[str], list[list[Any]]]:
    """The chart's numbers as a table: headers, then at most TABLE_ROWS rows (x label, [colour], value)."""
    chart = chart_type(config, columns)
    values = chart.values(config, columns, data)[:TABLE_ROWS]
    grouped = columns[config.x].type in DATE_TYPES and chart.uses_date_unit
    headers = [_("De"), _("À (exclu)")] if chart.name == "histogram" else [x_title(config, columns, grouped)]
    if config.color:
        headers.append(columns[config.color].label)
    headers.append(y_title(config, columns) if chart.name != "scatter" else columns[config.y].label)
    rows = []
    for item in values:
        x = x_label(config, columns, item.get("x"))
        row = [x, item.get("x_end")] if chart.name == "histogram" else [x]
        if config.color:
            row.append(item.get("c"))
        row.append(item.get("y"))
        rows.append(row)
    return headers, rows
