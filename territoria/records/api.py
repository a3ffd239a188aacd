"""Records API in the shape of Opendatasoft's Explore API v2.1.

GET /api/explore/v2.1/catalog/datasets/{dataset_id}/records
GET /api/explore/v2.1/catalog/datasets/{dataset_id}/records/{record_id}
GET /api/explore/v2.1/catalog/datasets/{dataset_id}/facets
GET /api/explore/v2.1/catalog/datasets/{dataset_id}/exports/{format}
"""

from __future__ import annotations

import re
import zoneinfo
from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse, QueryDict, StreamingHttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from territoria.access.services import Visibility
from territoria.accounts.services import AuditEvent, audit
from territoria.catalog.models import Dataset
from territoria.lib import odsql
from territoria.lib.cells import protect_cell as protect_cell  # re-exported: the former home of the CSV cell
from territoria.records import compiler, engine, exports
from territoria.records import facets as facets_module
from territoria.records.services import data_version
from territoria.web.errors import ApiError, NotFound
from territoria.web.params import get_int, reject_unknown

COMPATIBLE = {"apikey", "include_links", "include_app_metas"}
COMMON = {"lang", "timezone", *COMPATIBLE}
RECORDS_PARAMS = {"select", "where", "group_by", "order_by", "limit", "offset", "refine", "exclude", *COMMON}
FACET_PARAMS = {"facet", "where", "refine", "exclude", *COMMON}
EXPORT_PARAMS = {"select", "where", "order_by", "refine", "exclude", *exports.PARAMS, *COMMON}
MAX_LIMIT = 100
MAX_OFFSET = 10_000
MAX_RECORD_ID = 2**63 - 1
FACET_TOP = 50


def _json(body: object, status: int = 200) -> JsonResponse:
    return JsonResponse(body, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def _odsql_error(error: odsql.OdsqlError) -> ApiError:
    return ApiError(
        error.message,
        parameter=error.clause,
        position=error.position,
        expected=error.expected,
        error_code="ODSQLError",
    )


def _engine_error() -> ApiError:
    return ApiError(
        _("La requête n'a pas pu être exécutée sur ces données ; vérifiez les types des champs et des valeurs."),
        error_code="QueryError",
    )


def _lang(params: QueryDict) -> str:
    lang = params.get("lang") or translation.get_language() or settings.LANGUAGE_CODE
    if lang not in dict(settings.LANGUAGES):
        raise ApiError(
            _("« lang » accepte : %(langs)s.") % {"langs": ", ".join(dict(settings.LANGUAGES))},
            parameter="lang",
        )
    return lang


def _check_timezone(params: QueryDict) -> None:
    name = params.get("timezone")
    if not name:
        return
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ApiError(
            _("« timezone » : fuseau horaire inconnu « %(tz)s » (ex. Europe/Paris).") % {"tz": name[:60]},
            parameter="timezone",
        ) from None


def _query(params: QueryDict, *, group_by: bool = True) -> compiler.Query:
    return compiler.Query(
        select=params.get("select", ""),
        where=params.get("where", ""),
        group_by=params.get("group_by", "") if group_by else "",
        order_by=params.get("order_by", ""),
        refine=params.getlist("refine"),
        exclude=params.getlist("exclude"),
        timezone=params.get("timezone") or "UTC",
    )


AUDIT_VALUE_MAX = 200  # characters kept of each query parameter in the audit log
AUDIT_SECRET_PARAMS = {"apikey"}


def _audit(request: HttpRequest, dataset: Dataset, action: str, endpoint: str, **extra: Any) -> None:
    """One audit event per request that reads data which is not public (drafts included)."""
    if dataset.visibility == Visibility.PUBLIC and dataset.published is not None:
        return
    query: dict[str, Any] = {}
    for key, values in request.GET.lists():
        if key in AUDIT_SECRET_PARAMS:
            continue
        kept = [value[:AUDIT_VALUE_MAX] for value in values[:10]]
        query[key[:50]] = kept[0] if len(kept) == 1 else kept
    audit(
        action,
        request=request,
        target=dataset.slug,
        organisation_id=dataset.organisation_id,
        dataset=dataset.slug,
        endpoint=endpoint,
        query=query or None,
        **extra,
    )


def _start(request: HttpRequest, allowed: set[str]) -> QueryDict:
    params = request.GET
    reject_unknown(params, allowed)
    _check_timezone(params)
    return params


@require_GET
def records(request: HttpRequest, dataset_id: str) -> JsonResponse:
    params = request.GET
    with translation.override(_lang(params)):
        _start(request, RECORDS_PARAMS)
        limit = get_int(params, "limit", 10, -1, MAX_LIMIT)
        limit = MAX_LIMIT if limit == -1 else limit
        offset = get_int(params, "offset", 0, 0, MAX_OFFSET)
        if offset + limit > MAX_OFFSET:
            raise ApiError(
                _("offset + limit ne doit pas dépasser %(max)d ; utilisez les exports pour tout récupérer.")
                % {"max": MAX_OFFSET},
                parameter="offset",
            )
        dataset, version = data_version(request.user, dataset_id)
        try:
            compiled = compiler.compile_query(
                version.columns, str(version.data_path()), _query(params), limit=limit, offset=offset
            )
        except odsql.OdsqlError as error:
            raise _odsql_error(error) from None
        try:
            results = engine.fetch(compiled)
            total = engine.total(compiled, len(results))
        except engine.EngineError:
            raise _engine_error() from None
        _audit(request, dataset, AuditEvent.Action.API_READ, "records", version=version.number)
        return _json({"total_count": total, "results": results})


@require_GET
def record(request: HttpRequest, dataset_id: str, record_id: str) -> JsonResponse:
    params = request.GET
    with translation.override(_lang(params)):
        _start(request, COMMON)
        dataset, version = data_version(request.user, dataset_id)
        missing = NotFound(_("Aucun enregistrement « %(id)s ».") % {"id": record_id[:40]}, parameter="record_id")
        if not re.fullmatch(r"[0-9]{1,19}", record_id) or int(record_id) > MAX_RECORD_ID:
            raise missing
        compiled = compiler.compile_record(version.columns, str(version.data_path()), int(record_id))
        try:
            rows = engine.fetch(compiled)
        except engine.EngineError:
            raise _engine_error() from None
        if not rows:
            raise missing
        _audit(request, dataset, AuditEvent.Action.API_READ, "record", version=version.number, record_id=record_id)
        return _json(rows[0])


@require_GET
def facets(request: HttpRequest, dataset_id: str) -> JsonResponse:
    params = request.GET
    with translation.override(_lang(params)):
        _start(request, FACET_PARAMS)
        dataset, version = data_version(request.user, dataset_id)
        columns = version.columns
        allowed = [c["name"] for c in columns if c.get("type") in compiler.FACET_TYPES and c["name"] != "_row"]
        names = params.getlist("facet") or allowed
        query = _query(params, group_by=False)
        _parsed_refines(query.refine)
        path = str(version.data_path())
        body: list[dict[str, Any]] = []
        for name in names:
            if name not in allowed:
                raise ApiError(
                    _("facet : « %(facet)s » ne peut pas servir de facette ; facettes possibles : %(known)s.")
                    % {"facet": name[:60], "known": ", ".join(allowed)},
                    parameter="facet",
                )
            try:
                values = facets_module.values(columns, path, query, name, FACET_TOP)
            except odsql.OdsqlError as error:
                raise _odsql_error(error) from None
            except engine.EngineError:
                raise _engine_error() from None
            body.append({"name": name, "facets": values})
        _audit(request, dataset, AuditEvent.Action.API_READ, "facets", version=version.number)
        return _json({"links": [], "facets": body})


def _parsed_refines(raws: list[str]) -> list[odsql.Refine]:
    try:
        return [odsql.parse_refine(raw, clause="refine") for raw in raws]
    except odsql.OdsqlError as error:
        raise _odsql_error(error) from None


@require_GET
def export(request: HttpRequest, dataset_id: str, format: str) -> StreamingHttpResponse:  # noqa: A002
    """The whole result of a query in one file, streamed; formats are the modules of records/exports/."""
    params = request.GET
    with translation.override(_lang(params)):
        _start(request, EXPORT_PARAMS)
        exporter = exports.get(format)
        if exporter is None:
            raise NotFound(
                _("Format d'export inconnu « %(format)s » ; formats disponibles : %(known)s.")
                % {"format": format[:20], "known": ", ".join(exports.EXPORTERS)},
                parameter="format",
            )
        dataset, version = data_version(request.user, dataset_id)
        try:
            compiled = compiler.compile_query(version.columns, str(version.data_path()), _query(params, group_by=False))
        except odsql.OdsqlError as error:
            raise _odsql_error(error) from None
        options = exporter.prepare(params, compiled)
        try:
            rows = exports.rows(exporter, compiled)
        except engine.EngineError:
            raise _engine_error() from None
        job = exports.Job(compiled, rows, slug=dataset.slug, title=dataset.title, options=options)
        _audit(request, dataset, AuditEvent.Action.DOWNLOAD, "exports", version=version.number, format=format)
        response = StreamingHttpResponse(exporter.write(job), content_type=exporter.CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{dataset.slug}.{exporter.EXTENSION}"'
        return response
