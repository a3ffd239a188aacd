"""Drawing the blocks of a dashboard for one person, each through the access policy.

Every data block reads its dataset with ``records.services.visible_version`` (the dataset policy, including
``can_read_data``). A block whose dataset the person may not read — hidden, metadata only, another
organisation's internal data — becomes :data:`RESERVED`: the page says « Données réservées » and nothing else
(no dataset title, no block title, no figure, no filter value taken from it).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from territoria.accounts.services import AnyUser
from territoria.catalog import services as catalog
from territoria.catalog.models import Dataset, Version
from territoria.records import services as records
from territoria.viz import clauses, data, geo, services, specs
from territoria.viz.charts.base import DATE_TYPES, ChartConfig, Columns
from territoria.viz.dashboards import kpi as kpis
from territoria.viz.dashboards.filters import PageFilters, accepts
from territoria.viz.models import Block
from territoria.web.errors import Forbidden, NotFound

OK, RESERVED, NO_DATA, BROKEN = "ok", "reserved", "no-data", "broken"
TABLE_MAX = 100  # rows of a table block, at most
MAP_TABLE_ROWS = 20  # rows of the text alternative under a map
CHOICES_MAX = 60  # values offered by a territory or theme filter


@dataclass
class Readable:
    dataset: Dataset
    version: Version
    columns: Columns


class Reader:
    """The datasets of one page, as one person may read them (each looked up once per page)."""

    def __init__(self, user: AnyUser) -> None:
        self.user = user
        self._found: dict[str, tuple[str, Readable | None]] = {}

    def read(self, slug: str) -> tuple[str, Readable | None]:
        """(OK, readable) or (RESERVED | NO_DATA, None). NO_DATA only for a dataset the person may know."""
        if slug not in self._found:
            self._found[slug] = self._lookup(slug)
        return self._found[slug]

    def _lookup(self, slug: str) -> tuple[str, Readable | None]:
        if not slug:
            return BROKEN, None
        try:
            dataset, version = records.visible_version(self.user, slug)
        except Forbidden:
            return RESERVED, None
        except NotFound:
            # Hidden and « no published data » answer alike in the API; here the difference may only be told
            # to someone who may know the dataset exists and read it.
            known = catalog.get_visible_dataset(self.user, slug)
            if known is not None and catalog.can_read_data(self.user, known):
                return NO_DATA, None
            return RESERVED, None
        return OK, Readable(dataset, version, specs.columns_of(version.columns))


@dataclass
class BlockView:
    block: Block
    state: str
    heading: str
    message: str = ""
    dataset: Dataset | None = None  # only when the person may read it
    kpi: kpis.Kpi | None = None
    drawn: services.DrawnChart | None = None
    map_config: dict[str, Any] | None = None
    headers: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    total: int = 0
    table_url: str = ""
    text: str = ""
    embed_url: str = ""

    @property
    def anchor(self) -> str:
        return f"bloc-{self.block.pk}"

    @property
    def embed_height(self) -> int:
        return {"kpi": 240, "chart": 520, "map": 560, "table": 480, "text": 320}.get(self.block.kind, 480)


def _where(block: Block, readable: Readable, filters: PageFilters, skip: set[str] | None = None) -> str:
    own = str(block.config.get("where") or "")
    if block.kind == Block.Kind.CHART:
        own = str((block.config.get("chart") or {}).get("where") or "")
    return clauses.both(own, filters.conditions(block.config.get("filters") or {}, readable.columns, skip))


def draw(reader: Reader, block: Block, filters: PageFilters) -> BlockView:
    """The block as ``reader``'s person sees it under the page's ``filters``."""
    heading = block.title
    if block.kind == Block.Kind.TEXT:
        return BlockView(block, OK, heading, text=str(block.config.get("text") or ""))
    state, readable = reader.read(block.dataset_slug)
    if state == RESERVED:
        return BlockView(block, RESERVED, _("Données réservées"))
    if readable is None:
        message = (
            _("Aucune donnée n'est publiée pour ce jeu de données.")
            if state == NO_DATA
            else _("Ce bloc n'a pas de jeu de données.")
        )
        return BlockView(block, state, heading or block.get_kind_display(), message=message)
    view = BlockView(block, OK, heading, dataset=readable.dataset)
    try:
        if block.kind == Block.Kind.KPI:
            _kpi(view, readable, filters)
        elif block.kind == Block.Kind.CHART:
            _chart(view, readable, filters)
        elif block.kind == Block.Kind.MAP:
            _map(view, readable, filters)
        elif block.kind == Block.Kind.TABLE:
            _table(view, readable, filters)
    except specs.ConfigError as failed:
        view.state = BROKEN
        view.message = _("Ce bloc ne correspond plus aux colonnes des données publiées : %(why)s") % {
            "why": " ".join(failed.errors.values())
        }
    except data.QueryFailed as failed:
        view.state = BROKEN
        view.message = failed.message
    view.heading = view.heading or block.get_kind_display()
    return view


def _kpi(view: BlockView, readable: Readable, filters: PageFilters) -> None:
    config = kpis.KpiConfig.from_mapping(view.block.config)
    errors = config.validate(readable.columns)
    if errors:
        raise specs.ConfigError(errors)
    mapping = view.block.config.get("filters") or {}
    period_column = mapping.get("period") if isinstance(mapping, dict) else None
    period = ""
    if isinstance(period_column, str) and period_column in readable.columns:
        period = filters.clause("period", readable.columns[period_column])
    where = _where(view.block, readable, filters, skip={"period"})
    view.kpi = kpis.compute(readable.version, config, readable.columns, where, period)
    if view.block.title:
        view.kpi.label = view.block.title  # the sentence then says what the editor named it
    view.heading = view.heading or view.kpi.label


def _chart(view: BlockView, readable: Readable, filters: PageFilters) -> None:
    config = ChartConfig.from_mapping(view.block.config.get("chart") or {})
    config = replace(config, title=view.block.title, where=_where(view.block, readable, filters))
    drawn = services.draw_chart(readable.version, config)
    drawn.spec.pop("title", None)  # the block's heading says it
    view.drawn = drawn
    view.heading = view.heading or drawn.title


def map_config(version: Version, slug: str, where: str = "", value: str = "") -> dict[str, Any]:
    """What viz/map.js needs to draw a map of ``slug`` (the same as the dataset's map page, plus a condition)."""
    info = version.geo or {}
    return {
        "api": reverse("viz:api-map", args=[slug]),
        "record": reverse("records:api-record", args=[slug, "0"]).removesuffix("0"),
        "bbox": info.get("bbox"),
        "shapes": bool(info.get("shape_column")),
        "value": value,
        "where": where,
        "tiles": settings.MAP_TILES_URL,
        "attribution": settings.MAP_TILES_ATTRIBUTION,
        "threshold": geo.MAX_POINTS,
        "labels": {c["name"]: c.get("label") or c["name"] for c in version.columns},
    }


def _map(view: BlockView, readable: Readable, filters: PageFilters) -> None:
    info = readable.version.geo or {}
    if not info.get("point_column"):
        view.state = BROKEN
        view.message = _("Ces données n'ont pas de colonne géographique : elles ne se dessinent pas sur une carte.")
        return
    value = str(view.block.config.get("value") or "")
    numeric = {c["name"] for c in geo.numeric_columns(readable.version.columns)}
    if value not in numeric or not info.get("shape_column"):
        value = ""
    where = _where(view.block, readable, filters)
    data.check(readable.version, data.Query(where=where))
    view.map_config = map_config(readable.version, readable.dataset.slug, where, value)
    # The text alternative: the first rows, named, with the coloured value.
    label = geo.label_column(readable.version.columns)
    names = [n for n in (label, value) if n]
    if names:
        select = ", ".join(clauses.field(n) for n in names)
        result = data.run(readable.version, data.Query(select=select, where=where, order_by=names[0]), MAP_TABLE_ROWS)
        view.headers = [readable.columns[n].label for n in names]
        view.rows = [[row.get(n) for n in names] for row in result.rows]
        view.total = result.total
    view.table_url = reverse("viz:table", args=[readable.dataset.slug])
    view.heading = view.heading or readable.dataset.title


def _table(view: BlockView, readable: Readable, filters: PageFilters) -> None:
    config = view.block.config
    wanted = [c for c in config.get("columns") or [] if isinstance(c, str)]
    missing = [c for c in wanted if c not in readable.columns]
    if missing:
        raise specs.ConfigError({"columns": _("colonnes disparues : %(names)s.") % {"names": ", ".join(missing)}})
    names = wanted or [c for c in readable.columns if readable.columns[c].type not in data.GEO_TYPES][:5]
    sort = str(config.get("sort") or "")
    order = ""
    if sort in readable.columns:
        order = clauses.field(sort) + (" desc" if config.get("descending") else " asc")
    try:
        limit = max(1, min(int(config.get("limit") or 10), TABLE_MAX))
    except (TypeError, ValueError):
        limit = 10
    query = data.Query(
        select=", ".join(clauses.field(n) for n in names), where=_where(view.block, readable, filters), order_by=order
    )
    result = data.run(readable.version, query, limit=limit)
    view.headers = [readable.columns[n].label for n in names]
    view.rows = [[row.get(n) for n in names] for row in result.rows]
    view.total = result.total
    view.table_url = reverse("viz:table", args=[readable.dataset.slug])
    view.heading = view.heading or readable.dataset.title


# --- the filter form's choices ----------------------------------------------------------------------------


def choices(reader: Reader, blocks: list[Block], filters: PageFilters) -> dict[str, list[str]]:
    """Values offered by each enabled filter, taken only from the blocks whose data the person may read."""
    found: dict[str, set[str]] = {key: set() for key in filters.labels}
    for block in blocks:
        mapping = block.config.get("filters") or {}
        if block.kind == Block.Kind.TEXT or not isinstance(mapping, dict) or not mapping:
            continue
        _state, readable = reader.read(block.dataset_slug)
        if readable is None:
            continue
        for key in filters.labels:
            name = mapping.get(key)
            if not isinstance(name, str) or name not in readable.columns or not accepts(key, readable.columns[name]):
                continue
            column = readable.columns[name]
            if key == "period":
                found[key] |= _years(column.min, column.max, column.type)
                continue
            try:
                values = data.facet(readable.version, data.Query(), name, CHOICES_MAX)
            except data.QueryFailed:
                continue
            found[key] |= {_text(v) for v, _count in values if v is not None and v != ""}
    out: dict[str, list[str]] = {}
    for key, offered in found.items():
        if key == "period":
            out[key] = sorted(offered, reverse=True)
        else:
            out[key] = sorted(offered, key=lambda v: (v.casefold(), v))[:CHOICES_MAX]
    return out


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "oui" if value else "non"
    return str(value)


def _years(low: Any, high: Any, kind: str) -> set[str]:
    try:
        first = int(str(low)[:4]) if kind in DATE_TYPES else int(low)
        last = int(str(high)[:4]) if kind in DATE_TYPES else int(high)
    except (TypeError, ValueError):
        return set()
    if last < first or last - first > 60:
        return set()
    return {str(year) for year in range(first, last + 1)}
