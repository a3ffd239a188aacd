"""The atlas API: actions (list with filters and facets, one action, map points, CSV and GeoJSON exports),
referentials (list, one, CSV/XLSX export), classification of a text, observatory figures.

GET /api/atlas/v1/actions                      ?q=&enjeu=&service=&territoire=&population=&annee=&statut=
GET /api/atlas/v1/actions/{id}                  &departement=&insee=&limit=&offset=&facets=true
GET /api/atlas/v1/map                          same filters: [id, lat, lon, enjeu] of every placed action
GET /api/atlas/v1/exports/{csv|geojson}        same filters, every matching action, streamed
GET /api/atlas/v1/referentials[/{slug}[/export/{csv|xlsx}]]
GET /api/atlas/v1/classify?text=…              proposed enjeux and services, with confidences
GET /api/atlas/v1/observatory                  counts by enjeu, service, département, year, status
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest, JsonResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from territoria.access import services as access
from territoria.accounts.services import AnyUser
from territoria.atlas import explore, observatory, proposals, referentials
from territoria.atlas.models import Action, Classification, Item, Referential
from territoria.atlas.views import referential_export
from territoria.catalog import services as catalog
from territoria.web.errors import ApiError, NotFound
from territoria.web.params import get_int, reject_unknown

FILTER_PARAMS = {"q", *explore.FILTERS}
LIST_PARAMS = {*FILTER_PARAMS, "limit", "offset", "facets", "lang"}
MAX_LIMIT = 100
MAX_TEXT = 5_000
EXPORT_COLUMNS = [
    "id",
    "titre",
    "resume",
    "collectivite",
    "type_territoire",
    "insee",
    "commune",
    "departement",
    "population",
    "statut",
    "date_debut",
    "date_fin",
    "latitude",
    "longitude",
    "localisation",
    "enjeu",
    "services",
    "outils",
    "service_contact",
    "url",
]


def _json(body: object, status: int = 200) -> JsonResponse:
    return JsonResponse(body, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def _labels(referential: Referential | None) -> dict[str, str]:
    if referential is None:
        return {}
    return dict(Item.objects.filter(referential=referential).values_list("code", "label"))


def _classes(action_ids: list[int]) -> dict[int, dict[str, list[str]]]:
    rows = (
        Classification.objects.filter(action_id__in=action_ids, source=Classification.Source.CONFIRMED)
        .values_list("action_id", "level", "item__code")
        .order_by("action_id", "level", "rank")
    )
    result: dict[int, dict[str, list[str]]] = {}
    for action_id, level, code in rows:
        result.setdefault(action_id, {"enjeu": [], "service": []})[level].append(code)
    return result


def action_json(
    request: HttpRequest, action: Action, classes: dict[str, list[str]], labels: dict[str, str], contact: bool
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": action.pk,
        "url": request.build_absolute_uri(action.get_absolute_url()),
        "title": action.title,
        "summary": action.summary,
        "description": action.description,
        "results": action.results,
        "recommendations": action.recommendations,
        "tools": action.tool_list(),
        "status": action.status,
        "start_date": action.start_date.isoformat() if action.start_date else None,
        "end_date": action.end_date.isoformat() if action.end_date else None,
        "collectivite": action.collectivite,
        "territory_type": action.territory_type,
        "insee": action.insee or None,
        "commune": action.commune or None,
        "departement": action.departement or None,
        "population": action.population,
        "population_band": action.population_band or None,
        "geo": {"lat": action.lat, "lon": action.lon} if action.lat is not None else None,
        "placement": action.placement,
        "location_warning": action.location_warning or None,
        "links": action.link_list(),
        "images": action.image_list(),
        "enjeux": [{"code": c, "label": labels.get(c, c)} for c in classes.get("enjeu", [])],
        "services": [{"code": c, "label": labels.get(c, c)} for c in classes.get("service", [])],
        "contact": {"service": action.contact_service or None},
    }
    if action.state != Action.State.PUBLISHED:
        body["state"] = action.state
    if contact:
        body["contact"].update(
            name=action.contact_name or None, email=action.contact_email or None, phone=action.contact_phone or None
        )
    return body


def _filters(request: HttpRequest, allowed: set[str]) -> explore.Filters:
    reject_unknown(request.GET, allowed | {"apikey"})
    if len(request.GET.get("q", "")) > explore.MAX_QUERY:
        raise ApiError(_("« q » dépasse %s caractères.") % explore.MAX_QUERY, parameter="q")
    return explore.Filters.from_params(request.GET)


def _contact_allowed(user: AnyUser) -> bool:
    """The list API gives contacts' names only to those who would see them on every action's page."""
    return bool(user.is_authenticated) and access.can_see_action_contact(user, Action(state=Action.State.PUBLISHED))


@require_GET
def actions(request: HttpRequest) -> JsonResponse:
    filters = _filters(request, LIST_PARAMS)
    limit = get_int(request.GET, "limit", 20, 0, MAX_LIMIT)
    offset = get_int(request.GET, "offset", 0, 0, 1_000_000)
    queryset = explore.search(request.user, filters)
    referential = referentials.current()
    labels = _labels(referential)
    page = list(queryset.order_by("-year", "-pk")[offset : offset + limit])
    classes = _classes([a.pk for a in page])
    contact = _contact_allowed(request.user)
    with_facets = request.GET.get("facets", "").lower() in ("1", "true", "oui")
    tallied = explore.counts(queryset) if with_facets else None
    body: dict[str, Any] = {
        "total_count": tallied[0] if tallied else queryset.count(),
        "results": [action_json(request, a, classes.get(a.pk, {}), labels, contact) for a in page],
    }
    if tallied:
        body["facets"] = {
            name: [{"value": v.value, "label": v.label, "count": v.count} for v in values]
            for name, values in explore.facets(queryset, filters, referential, tallied=tallied).items()
        }
    return _json(body)


@require_GET
def action(request: HttpRequest, pk: int) -> JsonResponse:
    reject_unknown(request.GET, {"lang", "apikey"})
    found = explore.visible_actions(request.user).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("Aucune fiche-action visible n'a l'identifiant %s.") % pk)
    classes = _classes([found.pk]).get(found.pk, {})
    if not classes.get("service"):
        shown = proposals.classification(found)["proposed"]
        classes = {level: [c.item.code for c in rows] for level, rows in shown.items()}
    body = action_json(
        request, found, classes, _labels(found.referential), access.can_see_action_contact(request.user, found)
    )
    body["datasets"] = [
        {"id": d.slug, "title": d.title}
        for d in catalog.visible_datasets(request.user).filter(atlas_actions=found).order_by("title")
    ]
    return _json(body)


@require_GET
def facets(request: HttpRequest) -> JsonResponse:
    filters = _filters(request, {*FILTER_PARAMS, "lang"})
    queryset = explore.search(request.user, filters)
    tallied = explore.counts(queryset)
    groups = explore.facets(queryset, filters, referentials.current(), tallied=tallied)
    return _json(
        {
            "total_count": tallied[0],
            "facets": [
                {"name": name, "facets": [{"value": v.value, "name": v.label, "count": v.count} for v in values]}
                for name, values in groups.items()
            ],
        }
    )


@require_GET
def map_data(request: HttpRequest) -> JsonResponse:
    filters = _filters(request, {*FILTER_PARAMS, "lang"})
    points = explore.map_points(explore.search(request.user, filters))
    return _json({"fields": ["id", "lat", "lon", "enjeu"], "count": len(points), "points": points})


def _export_rows(request: HttpRequest, filters: explore.Filters) -> Iterator[tuple[Action, dict[str, list[str]]]]:
    queryset = explore.search(request.user, filters).order_by("pk")
    batch: list[Action] = []
    for item in queryset.iterator(chunk_size=2_000):
        batch.append(item)
        if len(batch) == 2_000:
            yield from _with_classes(batch)
            batch = []
    yield from _with_classes(batch)


def _with_classes(batch: list[Action]) -> Iterator[tuple[Action, dict[str, list[str]]]]:
    classes = _classes([a.pk for a in batch])
    for a in batch:
        yield a, classes.get(a.pk, {})


def _protect(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _csv(request: HttpRequest, filters: explore.Filters) -> Iterator[bytes]:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    yield "\ufeff".encode()
    writer.writerow(EXPORT_COLUMNS)
    for a, classes in _export_rows(request, filters):
        writer.writerow(
            [
                _protect(v)
                for v in (
                    a.pk,
                    a.title,
                    a.summary,
                    a.collectivite,
                    a.territory_type,
                    a.insee,
                    a.commune,
                    a.departement,
                    a.population,
                    a.status,
                    a.start_date,
                    a.end_date,
                    a.lat,
                    a.lon,
                    a.placement,
                    "|".join(classes.get("enjeu", [])),
                    "|".join(classes.get("service", [])),
                    a.tools,
                    a.contact_service,
                    request.build_absolute_uri(a.get_absolute_url()),
                )
            ]
        )
        if out.tell() > 64_000:
            yield out.getvalue().encode("utf-8")
            out.seek(0)
            out.truncate()
    yield out.getvalue().encode("utf-8")


def _geojson(request: HttpRequest, filters: explore.Filters) -> Iterator[bytes]:
    labels = _labels(referentials.current())
    yield b'{"type":"FeatureCollection","features":['
    first = True
    for a, classes in _export_rows(request, filters):
        geometry = {"type": "Point", "coordinates": [a.lon, a.lat]} if a.lat is not None else None
        properties = action_json(request, a, classes, labels, contact=False)
        properties.pop("geo", None)
        feature = {"type": "Feature", "id": a.pk, "geometry": geometry, "properties": properties}
        yield (b"" if first else b",") + json.dumps(feature, ensure_ascii=False).encode("utf-8")
        first = False
    yield b"]}"


EXPORTS = {
    "csv": ("text/csv; charset=utf-8", _csv),
    "geojson": ("application/geo+json", _geojson),
}


@require_GET
def export(request: HttpRequest, format: str) -> StreamingHttpResponse:  # noqa: A002
    if format not in EXPORTS:
        raise NotFound(
            _("Format d'export inconnu : « %(format)s ». Formats : %(known)s.")
            % {"format": format[:20], "known": ", ".join(EXPORTS)},
            expected=list(EXPORTS),
        )
    filters = _filters(request, {*FILTER_PARAMS, "lang"})
    content_type, writer = EXPORTS[format]
    response = StreamingHttpResponse(writer(request, filters), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="atlas-actions.{format}"'
    return response


@require_GET
def referential_list(request: HttpRequest) -> JsonResponse:
    reject_unknown(request.GET, {"lang", "apikey"})
    rows = Referential.objects.filter(is_current=True).order_by("slug")
    return _json({"results": [_referential_json(r, items=False) for r in rows]})


def _referential_json(referential: Referential, *, items: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "slug": referential.slug,
        "version": referential.version,
        "name": referential.name,
        "description": referential.description,
        "is_default": referential.is_default,
        "versions": list(
            Referential.objects.filter(slug=referential.slug).order_by("version").values_list("version", flat=True)
        ),
    }
    if items:
        body["items"] = [
            {
                "level": level,
                "code": code,
                "parent": parent,
                "label": label,
                "description": description,
                "keywords": [k for k in keywords.split("|") if k],
            }
            for level, code, parent, label, description, keywords in referentials.export_rows(referential)
        ][1:]
    return body


@require_GET
def referential_detail(request: HttpRequest, slug: str) -> JsonResponse:
    reject_unknown(request.GET, {"lang", "apikey", "version"})
    query = Referential.objects.filter(slug=slug)
    version = request.GET.get("version")
    found = (
        query.filter(version=get_int(request.GET, "version", 1, 1, 10**6)) if version else query.filter(is_current=True)
    )
    referential = found.first()
    if referential is None:
        raise NotFound(_("Aucun référentiel « %s » (ou pas à cette version).") % slug[:80])
    return _json(_referential_json(referential, items=True))


@require_GET
def referential_file(request: HttpRequest, slug: str, format: str) -> Any:  # noqa: A002
    if not Referential.objects.filter(slug=slug, is_current=True).exists():
        raise NotFound(_("Aucun référentiel « %s ».") % slug[:80])
    if format not in ("csv", "xlsx"):
        raise NotFound(_("Format inconnu : « %s ». Formats : csv, xlsx.") % format[:20], expected=["csv", "xlsx"])
    return referential_export(request, slug, format)


@require_GET
def classify(request: HttpRequest) -> JsonResponse:
    reject_unknown(request.GET, {"text", "referential", "lang", "apikey"})
    text = request.GET.get("text", "").strip()
    if not text:
        raise ApiError(_("Donnez le texte à classer dans « text »."), parameter="text")
    if len(text) > MAX_TEXT:
        raise ApiError(_("« text » dépasse %s caractères.") % MAX_TEXT, parameter="text")
    referential = referentials.current(request.GET.get("referential") or None)
    if referential is None:
        raise NotFound(_("Aucun référentiel de ce nom."), parameter="referential")
    proposal = proposals.propose_text(referential, text)
    labels = _labels(referential)
    return _json(
        {
            "referential": {"slug": referential.slug, "version": referential.version},
            "enjeux": [
                {"code": g.code, "label": labels.get(g.code, g.code), "confidence": g.confidence}
                for g in proposal.enjeux[:3]
            ],
            "services": [
                {"code": g.code, "label": labels.get(g.code, g.code), "confidence": g.confidence}
                for g in proposal.services
            ],
        }
    )


@require_GET
def observatory_data(request: HttpRequest) -> JsonResponse:
    filters = _filters(request, {*FILTER_PARAMS, "lang"})
    data = observatory.figures(request.user, filters)
    return _json(dict(data))
