"""The dataset's table, chart and map pages, its API page, and saved charts.

Every page starts with :func:`territoria.viz.data.source_for_page`: 404 for a dataset the person may not
know, a 403 page in French when they may know it but not read its rows.
"""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from territoria.catalog.models import Version
from territoria.viz import data, examples, geo, services, specs
from territoria.viz.charts.base import ChartConfig
from territoria.viz.forms import ChartForm, SaveChartForm
from territoria.viz.table import FACET_TOP, MAX_OFFSET, PAGE_SIZE, TableState, facet_columns, refine_value
from territoria.web.security import draws_charts

RESTRICTED_TEMPLATE = "viz/restricted.html"


def _context(request: HttpRequest, source: data.Source, active: str, **extra: Any) -> dict[str, Any]:
    return {"dataset": source.dataset, "version": source.version, "active": active, "has_geo": source.has_geo, **extra}


def _restricted(request: HttpRequest, source: data.Source, active: str) -> HttpResponse:
    return render(request, RESTRICTED_TEMPLATE, _context(request, source, active), status=403)


def _absolute(request: HttpRequest, name: str, *args: Any) -> str:
    return request.build_absolute_uri(reverse(name, args=args))


# --- table -------------------------------------------------------------------------------------


def _facets(version: Version, state: TableState, columns: specs.Columns) -> list[dict[str, Any]]:
    out = []
    for column in facet_columns(columns, version.columns, version.row_count):
        try:
            values = data.facet(version, state.query(), column.name, FACET_TOP)
        except data.QueryFailed:
            continue
        items = []
        for value, count in values:
            if value is None:
                continue
            refine = refine_value(column.name, value)
            items.append(
                {
                    "value": value,
                    "count": count,
                    "selected": refine in state.refine,
                    "url": state.toggle_refine_url(refine),
                }
            )
        if items:
            out.append({"column": column, "values": items})
    return out


@require_GET
def table(request: HttpRequest, slug: str) -> HttpResponse:
    source = data.source_for_page(request.user, slug)
    if not source.readable:
        return _restricted(request, source, "table")
    version = source.version
    if version is None:
        return render(request, "viz/table.html", _context(request, source, "table"))
    columns = specs.columns_of(version.columns)
    state = TableState.parse(request.GET, columns)
    error = ""
    try:
        result = data.run(version, state.query(), limit=PAGE_SIZE, offset=state.offset)
    except data.QueryFailed as failed:
        error = failed.message
        result = data.Result([], 0, [])
    pages = max(1, min(math.ceil(result.total / PAGE_SIZE), MAX_OFFSET // PAGE_SIZE))
    headers = [
        {
            "column": column,
            "sort_url": state.sort_url(column.name),
            "sortable": column.type not in data.GEO_TYPES,
            "aria_sort": ("descending" if state.descending else "ascending") if state.sort == column.name else "",
        }
        for column in columns.values()
    ]
    filters = [
        {"column": c, "filter": state.filters.get(c.name), "name": "f_" + c.name}
        for c in columns.values()
        if c.type not in data.GEO_TYPES
    ]
    records_url = _absolute(request, "records:api-records", slug)
    export_url = _absolute(request, "records:api-export", slug, "csv")
    export_params = [*state.api_params(paged=False), ("delimiter", ";"), ("with_bom", "true")]
    context = _context(
        request,
        source,
        "table",
        columns=list(columns.values()),
        headers=headers,
        filters=filters,
        filter_errors=[f for f in state.filters.values() if f.error],
        rows=[[row.get(c) for c in columns] for row in result.rows],
        row_ids=[row.get("_id") for row in result.rows],
        total=result.total,
        state=state,
        error=error,
        facets=_facets(version, state, columns) if not error else [],
        page=state.page,
        pages=pages,
        first_row=state.offset + 1 if result.rows else 0,
        last_row=state.offset + len(result.rows),
        previous_url=state.url(page=state.page - 1) if state.page > 1 else "",
        next_url=state.url(page=state.page + 1) if state.page < pages else "",
        clear_url=request.path,
        chips=[
            {
                "label": f"{columns[r.partition(':')[0]].label} : {r.partition(':')[2].strip()}",
                "url": state.toggle_refine_url(r),
            }
            for r in state.refine
        ],
        sort_param=(("-" if state.descending else "") + state.sort) if state.sort else "",
        sort_label=columns[state.sort].label if state.sort else "",
        pages_capped=result.total > MAX_OFFSET,
        example=examples.build(
            records_url, state.api_params(), needs_key=not services.anonymous_can_read(source.dataset)
        ),
        export_url=export_url + "?" + urlencode(export_params),
        share_url=request.build_absolute_uri(request.path + state.url()),
    )
    return render(request, "viz/table.html", context)


# --- chart -------------------------------------------------------------------------------------


def _draw(form: ChartForm, version: Version) -> services.DrawnChart | None:
    if not form.is_bound or not form.is_valid():
        return None
    config = form.config()
    _chart, errors = specs.validate(config, form.columns)
    for name, message in errors.items():
        form.add_error(name if name in form.fields else None, message)
    if errors:
        return None
    try:
        return services.draw_chart(version, config)
    except data.QueryFailed as failed:
        form.add_error("where" if failed.clause == "where" else None, failed.message)
    return None


def _chart_page(
    request: HttpRequest, source: data.Source, form: ChartForm, save_form: SaveChartForm, refused: bool = False
) -> HttpResponse:
    version = source.version
    assert version is not None
    drawn = _draw(form, version)
    example = None
    if drawn:
        example = examples.build(
            _absolute(request, "records:api-records", source.dataset.slug),
            drawn.api_params,
            needs_key=not services.anonymous_can_read(source.dataset),
        )
    context = _context(
        request,
        source,
        "chart",
        form=form,
        save_form=save_form,
        drawn=drawn,
        example=example,
        chart_types=list(specs.charts.REGISTRY.values()),
        saved=services.charts_of(source.dataset),
        status=400 if refused or (form.is_bound and not drawn) else 200,
    )
    return render(request, "viz/chart.html", context, status=context["status"])


@require_http_methods(["GET", "POST"])
@draws_charts
def chart(request: HttpRequest, slug: str) -> HttpResponse:
    source = data.source_for_page(request.user, slug)
    if not source.readable:
        return _restricted(request, source, "chart")
    version = source.version
    if version is None:
        return render(request, "viz/chart.html", _context(request, source, "chart"))
    columns = specs.columns_of(version.columns)
    if request.method == "POST":
        builder_url = (
            request.path + "?" + urlencode({k: v for k, v in request.POST.items() if k in ChartConfig.field_names()})
        )
        if not request.user.is_authenticated:
            return redirect_to_login(builder_url)
        form = ChartForm(request.POST, columns=columns)
        save_form = SaveChartForm(request.POST, auto_id="save-%s")
        if form.is_valid() and save_form.is_valid():
            config = form.config()
            _chart, errors = specs.validate(config, columns)
            if not errors:
                try:
                    services.draw_chart(version, config)  # a chart that cannot be drawn is not saved
                except data.QueryFailed as failed:
                    form.add_error("where" if failed.clause == "where" else None, failed.message)
                else:
                    saved = services.save_chart(request.user, source.dataset, config, save_form.cleaned_data["title"])
                    messages.success(request, _("Graphique enregistré : son adresse peut être partagée."))
                    return HttpResponseRedirect(saved.get_absolute_url())
        return _chart_page(request, source, form, save_form, refused=True)
    form = ChartForm(request.GET if "x" in request.GET else None, columns=columns)
    save_form = SaveChartForm(initial={"title": request.GET.get("title", "")}, auto_id="save-%s")
    return _chart_page(request, source, form, save_form)


@require_GET
@draws_charts
def saved_chart(request: HttpRequest, pk: Any) -> HttpResponse:
    saved = services.get_chart(pk)
    if saved is None:
        raise Http404(_("Aucun graphique à cette adresse."))
    source = data.source_for_page(request.user, saved.dataset.slug)
    if not source.readable:
        return _restricted(request, source, "chart")
    config = ChartConfig.from_mapping({**saved.config, "title": saved.title})
    drawn, error = None, ""
    if source.version is None:
        error = _("Ce jeu de données n'a plus de données publiées.")
    else:
        try:
            drawn = services.draw_chart(source.version, config)
        except specs.ConfigError as failed:
            error = _("Ce graphique ne correspond plus aux colonnes des données publiées : %(why)s") % {
                "why": " ".join(failed.errors.values())
            }
        except data.QueryFailed as failed:
            error = failed.message
    builder_url = reverse("viz:chart", args=[source.dataset.slug]) + "?" + urlencode(config.as_dict())
    context = _context(request, source, "chart", saved=saved, drawn=drawn, error=error, builder_url=builder_url)
    return render(request, "viz/saved_chart.html", context)


# --- map ---------------------------------------------------------------------------------------


@require_GET
def map_view(request: HttpRequest, slug: str) -> HttpResponse:
    source = data.source_for_page(request.user, slug)
    if not source.readable:
        return _restricted(request, source, "map")
    version = source.version
    numeric = geo.numeric_columns(version.columns) if version else []
    value = request.GET.get("valeur", "")
    if value not in {c["name"] for c in numeric}:
        value = ""
    config = None
    if version is not None and source.has_geo:
        config = {
            "api": reverse("viz:api-map", args=[slug]),
            "record": reverse("records:api-record", args=[slug, "0"]).removesuffix("0"),
            "bbox": source.geo.get("bbox"),
            "shapes": bool(source.geo.get("shape_column")),
            "value": value,
            "tiles": settings.MAP_TILES_URL,
            "attribution": settings.MAP_TILES_ATTRIBUTION,
            "threshold": geo.MAX_POINTS,
            "labels": {c["name"]: c.get("label") or c["name"] for c in version.columns},
        }
    context = _context(
        request,
        source,
        "map",
        map_config=config,
        numeric_columns=numeric if source.geo.get("shape_column") else [],
        value=value,
    )
    return render(request, "viz/map.html", context)


# --- API ---------------------------------------------------------------------------------------


@require_GET
def api_page(request: HttpRequest, slug: str) -> HttpResponse:
    source = data.source_for_page(request.user, slug)
    needs_key = not services.anonymous_can_read(source.dataset)
    context = _context(request, source, "api", readable=source.readable, needs_key=needs_key)
    if source.version is not None:
        sample = next((c for c in source.columns if c.get("type") == "text"), None)
        records = [("limit", "20")]
        if sample:
            records.insert(0, ("order_by", sample["name"]))
        context["examples"] = [
            {
                "id": "records",
                "title": _("Les 20 premiers enregistrements"),
                "example": examples.build(
                    _absolute(request, "records:api-records", slug), records, needs_key=needs_key
                ),
            },
            {
                "id": "facets",
                "title": _("Les valeurs les plus fréquentes de chaque colonne (facettes)"),
                "example": examples.build(_absolute(request, "records:api-facets", slug), [], needs_key=needs_key),
            },
            {
                "id": "export",
                "title": _("Tout télécharger en CSV"),
                "example": examples.build(
                    _absolute(request, "records:api-export", slug, "csv"),
                    [("delimiter", ";")],
                    needs_key=needs_key,
                    json_answer=False,
                ),
            },
        ]
    return render(request, "viz/api.html", context)
