"""The public face of the visualisation app: charts drawn from a published version, saved charts.

Dashboards (a later part) build their chart blocks with :func:`draw_chart` and their map blocks with
:func:`territoria.viz.geo.map_data`, after the same access checks as the pages (:mod:`territoria.viz.data`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser

from territoria.accounts.services import AnyUser
from territoria.catalog import services as catalog
from territoria.catalog.models import Dataset, Version
from territoria.viz import data, specs
from territoria.viz.charts.base import ChartConfig, ChartData, Plan
from territoria.viz.models import Chart

API_LIMIT = 100  # the records API's largest page


@dataclass
class DrawnChart:
    config: ChartConfig
    title: str
    description: str
    spec: dict[str, Any]
    headers: list[str]
    table: list[list[Any]]
    data: ChartData
    plan: Plan

    @property
    def api_params(self) -> list[tuple[str, str]]:
        """The records API request for the same numbers (its pages hold 100 rows at most)."""
        return [*self.plan.clauses().items(), ("limit", str(min(self.plan.limit, API_LIMIT)))]


def draw_chart(version: Version, config: ChartConfig) -> DrawnChart:
    """Query the records layer and build the chart. Raises specs.ConfigError or data.QueryFailed."""
    columns = specs.columns_of(version.columns)
    plan = specs.plan_for(config, columns)
    query = data.Query(select=plan.select, where=plan.where, group_by=plan.group_by, order_by=plan.order_by)
    result = data.run(version, query, limit=plan.limit)
    grand_total = None
    if plan.totals_select and result.total > len(result.rows):
        totals = data.run(version, data.Query(select=plan.totals_select, where=plan.where), limit=1)
        grand_total = totals.rows[0].get(plan.names["y"]) if totals.rows else None
    chart_data = specs.read(config, columns, plan, result.rows, result.total, grand_total)
    headers, table = specs.data_table(config, columns, chart_data)
    return DrawnChart(
        config=config,
        title=specs.title(config, columns),
        description=specs.describe(config, columns, chart_data),
        spec=specs.vega_lite(config, columns, chart_data),
        headers=headers,
        table=table,
        data=chart_data,
        plan=plan,
    )


def save_chart(user: AnyUser, dataset: Dataset, config: ChartConfig, title: str) -> Chart:
    """Save a chart; the caller has checked that ``user`` is signed in and may read the dataset's data."""
    if not user.is_authenticated or not catalog.can_read_data(user, dataset):
        raise PermissionError("saving a chart needs a signed-in person who may read the data")
    settings = {k: v for k, v in config.as_dict().items() if k != "title"}
    return Chart.objects.create(dataset=dataset, title=title, config=settings, created_by_id=user.pk)


def charts_of(dataset: Dataset, limit: int = 20) -> list[Chart]:
    """Saved charts of a dataset (whoever may read its data may see them)."""
    return list(Chart.objects.filter(dataset=dataset).select_related("created_by")[:limit])


def get_chart(chart_id: Any) -> Chart | None:
    """A saved chart by id, without any access check: the caller checks its dataset (data.source_for_page)."""
    return Chart.objects.select_related("dataset").filter(pk=chart_id).first()


def anonymous_can_read(dataset: Dataset) -> bool:
    """Do the API examples work without a key?"""
    return catalog.can_read_data(AnonymousUser(), dataset)
