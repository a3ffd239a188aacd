"""What every chart type shares: the configuration, the query plan, the data, and Vega-Lite helpers.

A chart type (one module of this package) says which columns it accepts, how to ask the records layer for
its data (:meth:`ChartType.plan`, ODSQL text) and how to draw the answer (:meth:`ChartType.encoding`). All
of it is pure: no database, no request, so each type is unit-tested on its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from territoria.viz import clauses

VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"  # an identifier: never fetched
CATEGORY_TYPES = frozenset({"text", "boolean", "integer"})
NUMERIC_TYPES = frozenset({"integer", "decimal"})
DATE_TYPES = frozenset({"date", "datetime"})
PLOTTABLE_TYPES = CATEGORY_TYPES | NUMERIC_TYPES | DATE_TYPES
AGGREGATIONS = {
    "count": gettext_lazy("Nombre de lignes"),
    "sum": gettext_lazy("Somme"),
    "avg": gettext_lazy("Moyenne"),
    "min": gettext_lazy("Minimum"),
    "max": gettext_lazy("Maximum"),
}
DATE_UNITS = {"day": gettext_lazy("Jour"), "month": gettext_lazy("Mois"), "year": gettext_lazy("Année")}
TIME_UNITS = {"day": "utcyearmonthdate", "month": "utcyearmonth", "year": "utcyear"}
MAX_GROUPS = 1000  # bars, lines, areas: groups fetched at most
MAX_POINTS = 5000  # scatter: points fetched at most
EMPTY = "(vide)"
NUMBER_FORMAT = ",.2~f"
# Colours with a contrast of at least 3:1 on white (RGAA 3.3), the first one the portal's accent.
PALETTE = [
    "#0b4f8a",
    "#c2410c",
    "#15803d",
    "#7e22ce",
    "#b91c1c",
    "#0e7490",
    "#a16207",
    "#be185d",
    "#4d7c0f",
    "#334155",
]


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    type: str
    min: Any = None
    max: Any = None

    @classmethod
    def from_version(cls, column: Mapping[str, Any]) -> Column:
        return cls(
            name=column["name"],
            label=column.get("label") or column["name"],
            type=column.get("type", "text"),
            min=column.get("min"),
            max=column.get("max"),
        )


Columns = dict[str, Column]


def columns_of(version_columns: list[dict[str, Any]]) -> Columns:
    return {c["name"]: Column.from_version(c) for c in version_columns if c["name"] != "_row"}


@dataclass(frozen=True)
class ChartConfig:
    """What the person chose in the builder; saved as JSON in ``viz.Chart.config`` and carried in the page URL."""

    type: str = "bar"
    x: str = ""
    y: str = ""
    aggregation: str = "count"
    color: str = ""
    date_unit: str = "month"
    title: str = ""
    where: str = ""

    @classmethod
    def field_names(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> ChartConfig:
        values = {}
        for key in cls.field_names():
            value = data.get(key)
            if isinstance(value, str) and value.strip():
                values[key] = value.strip()
        return cls(**values)

    def as_dict(self) -> dict[str, str]:
        """The non-empty settings (the saved JSON and the query string of the builder)."""
        return {key: value for key in self.field_names() if (value := getattr(self, key))}


@dataclass(frozen=True)
class Plan:
    """The records query that gives a chart its data (ODSQL text, as in the records API)."""

    select: str
    group_by: str = ""
    where: str = ""
    order_by: str = ""
    limit: int = MAX_GROUPS
    names: dict[str, str] = field(default_factory=dict)  # data key (x, y, c) -> output name in the answer
    totals_select: str = ""  # the same aggregate over every row (pie: the "others" slice)
    step: float | None = None  # histogram: bin width

    def clauses(self) -> dict[str, str]:
        return {
            k: v
            for k, v in (
                ("select", self.select),
                ("where", self.where),
                ("group_by", self.group_by),
                ("order_by", self.order_by),
            )
            if v
        }


@dataclass
class ChartData:
    rows: list[dict[str, Any]]  # keys x, y and c (and x_end for a histogram), display-ready
    total: int  # groups (or rows) matching, of which ``rows`` may hold only the first
    others: float | None = None  # pie: what the slices left out add up to

    @property
    def truncated(self) -> bool:
        return self.total > len(self.rows)


def alias(base: str, columns: Columns) -> str:
    """An output name for the query that is not a column name (a column would win over an alias)."""
    name = base
    while name in columns:
        name = "_" + name
    return name


def aggregate_expression(config: ChartConfig) -> str:
    if config.aggregation == "count":
        return "count(*)"
    return f"{config.aggregation}({clauses.field(config.y)})"


def date_expression(name: str, unit: str) -> str:
    quoted = clauses.field(name)
    if unit == "year":
        return f"year({quoted})"
    if unit == "day":
        return f"date_format({quoted}, 'yyyy-MM-dd')"
    return f"date_format({quoted}, 'yyyy-MM')"


def iso_date(value: Any, unit: str) -> str | None:
    """A grouped date ("2024", "2024-03", "2024-03-15") as an ISO day that Vega parses as UTC."""
    if value is None:
        return None
    text = str(value)
    if unit == "year":
        return f"{int(value):04d}-01-01"
    if unit == "month":
        return text + "-01"
    return text


def category(value: Any) -> Any:
    if value is None:
        return EMPTY
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    return value


def y_title(config: ChartConfig, columns: Columns) -> str:
    if config.aggregation == "count" or not config.y:
        return str(AGGREGATIONS["count"])
    return _("%(aggregation)s de %(column)s") % {
        "aggregation": AGGREGATIONS.get(config.aggregation, config.aggregation),
        "column": columns[config.y].label,
    }


def x_title(config: ChartConfig, columns: Columns, grouped: bool = True) -> str:
    column = columns[config.x]
    if grouped and column.type in DATE_TYPES:
        unit = str(DATE_UNITS.get(config.date_unit, "")).lower()
        return _("%(column)s (par %(unit)s)") % {"column": column.label, "unit": unit}
    return column.label


class ChartType:
    """One kind of chart. Subclasses set the class attributes and write :meth:`encoding`."""

    name: ClassVar[str] = ""
    label: ClassVar[Any] = ""
    help: ClassVar[Any] = ""
    order: ClassVar[int] = 100
    x_types: ClassVar[frozenset[str]] = PLOTTABLE_TYPES
    aggregations: ClassVar[tuple[str, ...]] = tuple(AGGREGATIONS)
    uses_y: ClassVar[bool] = True  # a measure (y column) may be chosen
    uses_aggregation: ClassVar[bool] = True
    uses_color: ClassVar[bool] = True
    uses_date_unit: ClassVar[bool] = True
    y_required: ClassVar[bool] = False  # y needed even with count (scatter)
    limit: ClassVar[int] = MAX_GROUPS

    # --- checking ---------------------------------------------------------------------------
    def validate(self, config: ChartConfig, columns: Columns) -> dict[str, str]:
        """Errors by form field, in French; empty when the configuration can be drawn."""
        errors: dict[str, str] = {}
        if not config.x:
            errors["x"] = _("Choisissez la colonne de l'axe horizontal.")
        elif config.x not in columns:
            errors["x"] = _("Colonne inconnue « %(name)s ».") % {"name": config.x[:60]}
        elif columns[config.x].type not in self.x_types:
            errors["x"] = _(
                "Un graphique « %(chart)s » ne peut pas utiliser la colonne « %(column)s » en abscisse."
            ) % {
                "chart": self.label,
                "column": columns[config.x].label,
            }
        if self.uses_aggregation and config.aggregation not in self.aggregations:
            allowed = ", ".join(str(AGGREGATIONS[a]).lower() for a in self.aggregations)
            errors["aggregation"] = _("Pour ce graphique, le calcul est l'un de : %(allowed)s.") % {"allowed": allowed}
        needs_y = self.y_required or (self.uses_aggregation and config.aggregation != "count")
        if needs_y and self.uses_y:
            if not config.y:
                errors["y"] = _("Choisissez la colonne de valeurs (un nombre).")
            elif config.y not in columns:
                errors["y"] = _("Colonne inconnue « %(name)s ».") % {"name": config.y[:60]}
            elif columns[config.y].type not in NUMERIC_TYPES:
                errors["y"] = _("La colonne « %(column)s » n'est pas numérique.") % {"column": columns[config.y].label}
        if config.color:
            if not self.uses_color:
                errors["color"] = _("Ce type de graphique ne se colore pas par groupe.")
            elif config.color not in columns:
                errors["color"] = _("Colonne inconnue « %(name)s ».") % {"name": config.color[:60]}
            elif columns[config.color].type not in CATEGORY_TYPES:
                errors["color"] = _(
                    "La colonne « %(column)s » ne peut pas servir de groupe (texte, oui/non ou entier)."
                ) % {"column": columns[config.color].label}
            elif config.color == config.x:
                errors["color"] = _("Choisissez pour les couleurs une autre colonne que celle de l'axe horizontal.")
        if config.date_unit not in DATE_UNITS:
            errors["date_unit"] = _("Regroupement de dates inconnu.")
        if len(config.title) > 200:
            errors["title"] = _("Le titre ne dépasse pas 200 caractères.")
        if len(config.where) > 2000:
            errors["where"] = _("Le filtre ne dépasse pas 2 000 caractères.")
        return errors

    # --- querying ---------------------------------------------------------------------------
    def x_kind(self, config: ChartConfig, columns: Columns) -> str:
        """The Vega-Lite type of the x channel."""
        kind = columns[config.x].type
        if kind in DATE_TYPES:
            return "temporal"
        if kind in NUMERIC_TYPES:
            return "quantitative"
        return "nominal"

    def x_expression(self, config: ChartConfig, columns: Columns) -> str:
        if columns[config.x].type in DATE_TYPES and self.uses_date_unit:
            return date_expression(config.x, config.date_unit)
        return clauses.field(config.x)

    def where(self, config: ChartConfig, columns: Columns) -> str:
        """The person's filter, and no empty x where an empty x cannot be placed."""
        extra = ""
        if self.x_kind(config, columns) in {"temporal", "quantitative"}:
            extra = f"{clauses.field(config.x)} is not null"
        return clauses.both(config.where, extra)

    def order_by(self, config: ChartConfig, columns: Columns, names: dict[str, str]) -> str:
        return names["x"]

    def plan(self, config: ChartConfig, columns: Columns) -> Plan:
        """Group by x (and the colour), one aggregate per group."""
        names = {"x": alias("x", columns), "y": alias("y", columns)}
        x = self.x_expression(config, columns)
        select = [f"{x} as {names['x']}", f"{aggregate_expression(config)} as {names['y']}"]
        group_by = [x]
        if config.color:
            names["c"] = alias("c", columns)
            select.append(f"{clauses.field(config.color)} as {names['c']}")
            group_by.append(clauses.field(config.color))
        return Plan(
            select=", ".join(select),
            group_by=", ".join(group_by),
            where=self.where(config, columns),
            order_by=self.order_by(config, columns, names),
            limit=self.limit,
            names=names,
        )

    # --- drawing ----------------------------------------------------------------------------
    def prepare(self, config: ChartConfig, columns: Columns, plan: Plan, rows: list[dict[str, Any]]) -> list[dict]:
        """Answer rows renamed to x, y, c and made display-ready (grouped dates as ISO days, empty as "(vide)")."""
        kind = self.x_kind(config, columns)
        grouped = columns[config.x].type in DATE_TYPES and self.uses_date_unit
        out = []
        for row in rows:
            item = {key: row.get(name) for key, name in plan.names.items()}
            if kind == "temporal" and grouped:
                item["x"] = iso_date(item["x"], config.date_unit)
            elif kind in {"nominal", "ordinal"}:
                item["x"] = category(item["x"])
            if "c" in item:
                item["c"] = category(item["c"])
            out.append(item)
        return out

    def mark(self, config: ChartConfig, columns: Columns) -> dict[str, Any]:
        raise NotImplementedError

    def encoding(self, config: ChartConfig, columns: Columns, data: ChartData) -> dict[str, Any]:
        raise NotImplementedError

    def size(self, config: ChartConfig, columns: Columns, data: ChartData) -> dict[str, Any]:
        return {"width": "container", "height": 320}

    def values(self, config: ChartConfig, columns: Columns, data: ChartData) -> list[dict[str, Any]]:
        return data.rows

    # --- shared channels --------------------------------------------------------------------
    def x_channel(self, config: ChartConfig, columns: Columns, kind: str | None = None) -> dict[str, Any]:
        kind = kind or self.x_kind(config, columns)
        grouped = columns[config.x].type in DATE_TYPES and self.uses_date_unit
        channel: dict[str, Any] = {"field": "x", "type": kind, "title": x_title(config, columns, grouped)}
        if kind == "temporal":
            if grouped:
                channel["timeUnit"] = TIME_UNITS[config.date_unit]
            else:
                channel["scale"] = {"type": "utc"}
        if kind in {"nominal", "ordinal"}:
            channel["axis"] = {"labelLimit": 180}
        return channel

    def y_channel(self, config: ChartConfig, columns: Columns) -> dict[str, Any]:
        return {
            "field": "y",
            "type": "quantitative",
            "title": y_title(config, columns),
            "axis": {"format": NUMBER_FORMAT},
        }

    def color_channel(self, config: ChartConfig, columns: Columns) -> dict[str, Any] | None:
        if not config.color:
            return None
        return {
            "field": "c",
            "type": "nominal",
            "title": columns[config.color].label,
            "scale": {"range": PALETTE},
            "legend": {"orient": "bottom", "labelLimit": 200},
        }

    def tooltip(self, config: ChartConfig, columns: Columns, x: dict[str, Any], y: dict[str, Any]) -> list[dict]:
        items = [
            {k: v for k, v in x.items() if k in {"field", "type", "title", "timeUnit"}},
            {"field": "y", "type": "quantitative", "title": y["title"], "format": NUMBER_FORMAT},
        ]
        if config.color:
            items.append({"field": "c", "type": "nominal", "title": columns[config.color].label})
        return items
