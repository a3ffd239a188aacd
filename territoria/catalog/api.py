"""Catalogue API in the shape of Opendatasoft's Explore API v2.1.

GET /api/explore/v2.1/catalog/datasets
GET /api/explore/v2.1/catalog/datasets/{dataset_id}
GET /api/explore/v2.1/catalog/facets
GET /api/explore/v2.1/catalog/exports/{format}
"""

from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings
from django.http import HttpRequest, JsonResponse, QueryDict, StreamingHttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from territoria.catalog import exports as catalog_exports
from territoria.catalog import odsql as catalog_odsql
from territoria.catalog import services
from territoria.catalog.explore import dataset_json
from territoria.catalog.facets import FACETS
from territoria.lib import odsql
from territoria.web.errors import ApiError, NotFound
from territoria.web.params import get_bool, get_delimiter, get_int, reject_unknown

# Accepted for compatibility with Opendatasoft clients; they change nothing here.
COMPATIBLE = {"apikey", "timezone", "include_links", "include_app_metas"}
LIST_PARAMS = {"where", "order_by", "limit", "offset", "refine", "exclude", "lang", *COMPATIBLE}
FACET_PARAMS = {"facet", "where", "refine", "exclude", "lang", *COMPATIBLE}
EXPORT_PARAMS = {"where", "order_by", "refine", "exclude", "lang", "delimiter", "with_bom", *COMPATIBLE}
MAX_OFFSET = 10_000


def _json(body: object, status: int = 200) -> JsonResponse:
    return JsonResponse(body, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def _odsql_error(error: odsql.OdsqlError, parameter: str) -> ApiError:
    return ApiError(
        error.message,
        parameter=parameter,
        position=error.position,
        expected=error.expected,
        error_code="ODSQLError",
    )


def _lang(params: QueryDict) -> str:
    lang = params.get("lang") or translation.get_language() or settings.LANGUAGE_CODE
    if lang not in dict(settings.LANGUAGES):
        raise ApiError(
            _("« lang » accepte : %(langs)s.") % {"langs": ", ".join(dict(settings.LANGUAGES))},
            parameter="lang",
        )
    return lang


def _refinements(params: QueryDict, name: str) -> list[tuple[str, str]]:
    pairs = []
    for raw in params.getlist(name):
        try:
            refine = odsql.parse_refine(raw, clause=name)
        except odsql.OdsqlError as error:
            raise _odsql_error(error, name) from None
        if refine.facet not in FACETS:
            raise ApiError(
                _("%(param)s : facette inconnue « %(facet)s » ; facettes disponibles : %(known)s.")
                % {"param": name, "facet": refine.facet, "known": ", ".join(FACETS)},
                parameter=name,
            )
        pairs.append((refine.facet, refine.value))
    return pairs


def _search(request: HttpRequest, params: QueryDict) -> services.DatasetSearch:
    where = params.get("where", "").strip()
    order_by = params.get("order_by", "").strip()
    try:
        where_q, rank_text = catalog_odsql.compile_where_ranked(where) if where else (None, "")
    except odsql.OdsqlError as error:
        raise _odsql_error(error, "where") from None
    try:
        ordering = catalog_odsql.compile_order_by(order_by) if order_by else []
    except odsql.OdsqlError as error:
        raise _odsql_error(error, "order_by") from None
    return services.DatasetSearch(
        request.user,
        where=where_q,
        refine=_refinements(params, "refine"),
        exclude=_refinements(params, "exclude"),
        order_by=ordering,
        rank_text=rank_text,
    )


@require_GET
def datasets(request: HttpRequest) -> JsonResponse:
    params = request.GET
    with translation.override(_lang(params)):
        reject_unknown(params, LIST_PARAMS)
        limit = get_int(params, "limit", 10, -1, settings.API_MAX_LIMIT)
        limit = settings.API_MAX_LIMIT if limit == -1 else limit
        offset = get_int(params, "offset", 0, 0, MAX_OFFSET)
        if offset + limit > MAX_OFFSET:
            raise ApiError(
                _("offset + limit ne doit pas dépasser %(max)d ; utilisez les exports pour tout récupérer.")
                % {"max": MAX_OFFSET},
                parameter="offset",
            )
        query = _search(request, params)
        results = [dataset_json(d, request) for d in query.page(offset, limit)]
        return _json({"total_count": query.count(), "results": results})


@require_GET
def dataset(request: HttpRequest, dataset_id: str) -> JsonResponse:
    params = request.GET
    with translation.override(_lang(params)):
        reject_unknown(params, {"lang", *COMPATIBLE})
        found = services.get_visible_dataset(request.user, dataset_id)
        if found is None:
            raise NotFound(_("Aucun jeu de données « %(id)s ».") % {"id": dataset_id[:100]}, parameter="dataset_id")
        return _json(dataset_json(found, request))


@require_GET
def facets(request: HttpRequest) -> JsonResponse:
    params = request.GET
    with translation.override(_lang(params)):
        reject_unknown(params, FACET_PARAMS)
        names = params.getlist("facet") or list(FACETS)
        unknown = [n for n in names if n not in FACETS]
        if unknown:
            raise ApiError(
                _("facet : facette inconnue « %(facet)s » ; facettes disponibles : %(known)s.")
                % {"facet": unknown[0], "known": ", ".join(FACETS)},
                parameter="facet",
            )
        query = _search(request, params)
        refined = {(name, value.casefold()) for name, value in query.refine}
        body = {
            "links": [],
            "facets": [
                {
                    "name": name,
                    "facets": [
                        {
                            "name": v.name,
                            "value": v.value,
                            "count": v.count,
                            "state": "refined"
                            if {(name, v.value.casefold()), (name, v.name.casefold())} & refined
                            else "displayed",
                        }
                        for v in values
                    ],
                }
                for name, values in query.facets(names).items()
            ],
        }
        return _json(body)


@require_GET
def export(request: HttpRequest, format: str) -> StreamingHttpResponse:  # noqa: A002
    """Every dataset of the catalogue query the person may see (no row limit), streamed."""
    params = request.GET
    lang = _lang(params)
    with translation.override(lang):
        reject_unknown(params, EXPORT_PARAMS)
        if format not in catalog_exports.CONTENT_TYPES:
            raise NotFound(
                _("Format d'export inconnu « %(format)s » ; formats disponibles : %(known)s.")
                % {"format": format[:20], "known": ", ".join(catalog_exports.CONTENT_TYPES)},
                parameter="format",
            )
        delimiter = get_delimiter(params)
        bom = get_bool(params, "with_bom", False)
        datasets = _search(request, params).each()
        if format == "csv":
            content = catalog_exports.write_csv(datasets, request, delimiter, bom)
        else:
            content = catalog_exports.write_json(datasets, request, array=format == "json")
        response = StreamingHttpResponse(
            _in_language(lang, content), content_type=catalog_exports.CONTENT_TYPES[format]
        )
        response["Content-Disposition"] = f'attachment; filename="catalogue.{format}"'
        return response


def _in_language(lang: str, pieces: Iterator[bytes]) -> Iterator[bytes]:
    """The pieces written after the view has returned, in the language asked for (theme labels)."""
    with translation.override(lang):
        yield from pieces
