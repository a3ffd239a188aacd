"""Pages of the atlas: explore (map, search, facets), an action, thematic atlases and their embeds, the
observatory, referentials. Every page reads actions through ``explore`` (the access policy's action filter)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from territoria.access import services as access
from territoria.atlas import communes, explore, observatory, proposals, referentials
from territoria.atlas.models import Action, Item, Referential, ThematicAtlas
from territoria.catalog import services as catalog
from territoria.web.security import draws_charts, embeddable

PAGE_SIZE = 20
SERVICES_SHOWN = 12  # the most frequent services of the selection (the API gives more)


def _explore_context(
    request: HttpRequest, filters: explore.Filters, base: explore.Filters | None = None
) -> dict[str, Any]:
    referential = referentials.current()
    effective = base.merged(filters) if base is not None else filters
    queryset = explore.search(request.user, effective)
    tallied = explore.counts(queryset)  # one pass: the total and every facet (the paginator needs no COUNT)
    paginator = Paginator(
        queryset.order_by("-year", "-pk").only(
            "pk", "title", "summary", "collectivite", "commune", "year", "status", "main_enjeu", "departement"
        ),
        PAGE_SIZE,
    )
    paginator.count = tallied[0]
    page = paginator.get_page(request.GET.get("page"))
    enjeu_labels = dict(referential.items.filter(level="enjeu").values_list("code", "label")) if referential else {}
    groups = explore.facets(queryset, effective, referential, tallied=tallied)
    groups["service"] = groups["service"][:SERVICES_SHOWN]
    return {
        "filters": filters,
        "effective": effective,
        "page": page,
        "total": page.paginator.count,
        "facets": [
            (name, label, groups[name])
            for name, label in (
                ("enjeu", _("Enjeu")),
                ("service", _("Service")),
                ("territoire", _("Type de territoire")),
                ("population", _("Population")),
                ("annee", _("Année")),
                ("statut", _("Avancement")),
                ("departement", _("Département")),
            )
        ],
        "enjeu_labels": enjeu_labels,
        "referential": referential,
        "map_query": effective.query_string(),
        "can_curate": access.can_curate_atlases(request.user),
        "can_submit": access.can_submit_actions(request.user),
    }


@require_GET
def explore_page(request: HttpRequest) -> HttpResponse:
    filters = explore.Filters.from_params(request.GET)
    context = _explore_context(request, filters)
    context["atlases"] = ThematicAtlas.objects.all()[:12]
    return render(request, "atlas/explore.html", context)


def visible_action(request: HttpRequest, pk: int) -> Action:
    action = explore.visible_actions(request.user).select_related("referential", "organisation").filter(pk=pk).first()
    if action is None:
        raise Http404
    return action


@require_GET
def action_page(request: HttpRequest, pk: int) -> HttpResponse:
    action = visible_action(request, pk)
    classes = proposals.classification(action)
    return render(
        request,
        "atlas/action.html",
        {
            "action": action,
            "confirmed": classes["confirmed"],
            "proposed": classes["proposed"],
            "show_contact": access.can_see_action_contact(request.user, action),
            "can_edit": access.can_edit_action(request.user, action),
            "can_moderate": access.can_moderate_actions(request.user),
            "datasets": catalog.visible_datasets(request.user).filter(atlas_actions=action).order_by("title"),
            "band": communes.BAND_LABELS.get(action.population_band, ""),
            "departement_name": communes.departement_names().get(action.departement, ""),
        },
    )


@require_GET
def atlases(request: HttpRequest) -> HttpResponse:
    rows = ThematicAtlas.objects.select_related("organisation")
    return render(
        request, "atlas/atlases.html", {"atlases": rows, "can_curate": access.can_curate_atlases(request.user)}
    )


def _atlas_context(request: HttpRequest, slug: str) -> dict[str, Any]:
    atlas = get_object_or_404(ThematicAtlas, slug=slug)
    base = explore.Filters.from_params(atlas.filters)
    context = _explore_context(request, explore.Filters.from_params(request.GET), base=base)
    context.update(
        atlas=atlas,
        embed_url=request.build_absolute_uri(reverse("atlas:embed", args=[atlas.slug])),
        page_url=request.build_absolute_uri(atlas.get_absolute_url()),
    )
    return context


@require_GET
def atlas_page(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "atlas/atlas.html", _atlas_context(request, slug))


@require_GET
@embeddable
def embed(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "atlas/embed.html", _atlas_context(request, slug))


@require_GET
@draws_charts
def observatory_page(request: HttpRequest) -> HttpResponse:
    filters = explore.Filters.from_params(request.GET)
    data = observatory.figures(request.user, filters)
    return render(
        request,
        "atlas/observatory.html",
        {
            "filters": filters,
            "data": data,
            "charts": observatory.drawn(data),
            "map_config": {
                "counts": {code: n for code, _name, n in data["departements"]},
                "outlines": static("atlas/departements.geojson"),
                "explore": reverse("atlas:explore"),
                "label": gettext("%s actions publiées"),
                "open": gettext("Voir ces actions"),
            },
        },
    )


@require_GET
def referentials_page(request: HttpRequest) -> HttpResponse:
    rows = Referential.objects.select_related("organisation").annotate(n=Count("items"))
    return render(
        request,
        "atlas/referentials.html",
        {"referentials": rows, "can_import": access.can_moderate_actions(request.user)},
    )


@require_GET
def referential_page(request: HttpRequest, slug: str) -> HttpResponse:
    version = request.GET.get("version", "")
    query = Referential.objects.filter(slug=slug)
    referential = (query.filter(version=int(version)) if version.isdigit() else query.filter(is_current=True)).first()
    referential = referential or query.order_by("-version").first()
    if referential is None:
        raise Http404
    counts = dict(
        Item.objects.filter(
            referential=referential,
            classifications__source="confirmed",
            classifications__action__state=Action.State.PUBLISHED,
        )
        .values("code")
        .annotate(n=Count("classifications__action", distinct=True))
        .values_list("code", "n")
    )
    return render(
        request,
        "atlas/referential.html",
        {
            "referential": referential,
            "tree": referentials.tree(referential),
            "counts": counts,
            "versions": query.order_by("-version"),
        },
    )


@require_GET
def referential_export(request: HttpRequest, slug: str, format: str) -> HttpResponse:  # noqa: A002
    referential = Referential.objects.filter(slug=slug, is_current=True).first()
    if referential is None or format not in ("csv", "xlsx"):
        raise Http404
    if format == "csv":
        response = HttpResponse(referentials.export_csv(referential), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            referentials.export_xlsx(referential),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="referentiel-{slug}-v{referential.version}.{format}"'
    return response
