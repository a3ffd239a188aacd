"""Records API in the shape of Opendatasoft's Explore API v2.1.

GET /api/explore/v2.1/catalog/datasets/{dataset_id}/records
GET /api/explore/v2.1/catalog/datasets/{dataset_id}/records/{record_id}
GET /api/explore/v2.1/catalog/datasets/{dataset_id}/facets
GET /api/explore/v2.1/catalog/datasets/{dataset_id}/exports/{format}
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
import zoneinfo
from collections.abc import Callable, Iterable, Iterator
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
from territoria.records import compiler, engine
from territoria.records import facets as facets_module
from territoria.records.services import visible_version
from territoria.web.errors import ApiError, NotFound
from territoria.web.params import get_int, reject_unknown

COMPATIBLE = {"apikey", "include_links", "include_app_metas"}
COMMON = {"lang", "timezone", *COMPATIBLE}
RECORDS_PARAMS = {"select", "where", "group_by", "order_by", "limit", "offset", "refine", "exclude", *COMMON}
FACET_PARAMS = {"facet", "where", "refine", "exclude", *COMMON}
EXPORT_PARAMS = {"select", "where", "order_by", "refine", "exclude", "delimiter", "with_bom", *COMMON}
MAX_LIMIT = 100
MAX_OFFSET = 10_000
MAX_RECORD_ID = 2**63 - 1
FACET_TOP = 50
FORMULA_PREFIXES = ("=", "+", "-", "@")
EXPORT_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "jsonl": "application/jsonl; charset=utf-8",
}


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
        dataset, version = visible_version(request.user, dataset_id)
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
        dataset, version = visible_version(request.user, dataset_id)
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
        dataset, version = visible_version(request.user, dataset_id)
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


def _bool_param(params: QueryDict, name: str, default: bool) -> bool:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"true", "1"}:
        return True
    if raw.lower() in {"false", "0"}:
        return False
    raise ApiError(_("« %(name)s » accepte true ou false.") % {"name": name}, parameter=name)


def protect_cell(value: Any) -> str:
    """A CSV cell; text a spreadsheet would run as a formula gets a leading single quote."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    text = str(value)
    if isinstance(value, str) and text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def _cell_function(convert: Callable[[Any], Any] | None, sql_type: str) -> Callable[[Any], Any] | None:
    """A function equal to ``protect_cell(to_json(value))`` for one column's values, as the csv module writes
    them (None: the value as it is; the csv module writes None as an empty cell, numbers with ``repr``)."""
    if sql_type == "VARCHAR" and convert is None:
        return _protect_text
    if sql_type in engine.UNCHANGED_TYPES and sql_type != "BOOLEAN":
        return None
    if sql_type in {"DOUBLE", "FLOAT"}:
        return convert
    if sql_type == engine.GEO_POINT_SQL:
        return _geo_point_cell
    if sql_type in engine.TEMPORAL_TYPES:
        return _temporal_cell
    if convert is None:
        return protect_cell
    return lambda value: protect_cell(convert(value))


def _protect_text(value: str | None) -> str | None:
    if value is not None and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _temporal_cell(value: Any) -> str:
    """``protect_cell(to_json(value))`` of a date or time: ISO text, which never starts like a formula."""
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return protect_cell(engine.to_json(value))


def _json_number(value: float | None) -> str:
    return "null" if value is None or not math.isfinite(value) else repr(value)


def _geo_point_cell(value: Any) -> str:
    """``protect_cell(to_json(point))``, i.e. ``json.dumps({"lon": …, "lat": …})``, without the encoder's cost."""
    if isinstance(value, dict) and value.keys() == {"lon", "lat"}:
        lon, lat = value["lon"], value["lat"]
        if (lon is None or type(lon) is float) and (lat is None or type(lat) is float):
            return '{"lon": ' + _json_number(lon) + ', "lat": ' + _json_number(lat) + "}"
    return protect_cell(engine.to_json(value))


def _csv_lines(compiled: compiler.Compiled, rows: engine.Stream, delimiter: str, bom: bool) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([protect_cell(n) for n in compiled.names])
    yield (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    convert_all = engine.converters(compiled, rows.sql_types)
    types = rows.sql_types if len(rows.sql_types) == len(convert_all) else ["?"] * len(convert_all)
    cells = [
        (index, function)
        for index, (convert, sql_type) in enumerate(zip(convert_all, types, strict=True))
        if (function := _cell_function(convert, sql_type)) is not None
    ]
    start = 1 if compiled.has_id else 0
    width = len(compiled.names)
    for chunk in rows.chunks:
        # Column by column: each conversion maps over one column of the chunk.
        columns: list[Iterable[Any]] = []
        columns.extend(list(zip(*chunk, strict=True))[start : start + width])
        for index, function in cells:
            columns[index] = map(function, columns[index])
        writer.writerows(zip(*columns, strict=True))
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()


def _json_lines(compiled: compiler.Compiled, rows: engine.Stream, array: bool) -> Iterator[bytes]:
    """One JSON object per row (a JSON array, or one per line), written a chunk of rows at a time."""
    make = engine.row_maker(compiled, rows.sql_types)
    first = True
    if array:
        yield b"["
    for chunk in rows.chunks:
        texts = [json.dumps(make(row), ensure_ascii=False) for row in chunk]
        if array:
            yield (("" if first else ",") + ",".join(texts)).encode("utf-8")
        else:
            yield ("\n".join(texts) + "\n").encode("utf-8")
        first = first and not texts
    if array:
        yield b"]"


@require_GET
def export(request: HttpRequest, dataset_id: str, format: str) -> StreamingHttpResponse:  # noqa: A002
    params = request.GET
    with translation.override(_lang(params)):
        _start(request, EXPORT_PARAMS)
        if format not in EXPORT_FORMATS:
            raise NotFound(
                _("Format d'export inconnu « %(format)s » ; formats disponibles : %(known)s.")
                % {"format": format[:20], "known": ", ".join(EXPORT_FORMATS)},
                parameter="format",
            )
        delimiter = params.get("delimiter", ",")
        if delimiter not in {",", ";", "\t", "|"}:
            raise ApiError(_("« delimiter » accepte « , », « ; », tabulation ou « | »."), parameter="delimiter")
        bom = _bool_param(params, "with_bom", False)
        dataset, version = visible_version(request.user, dataset_id)
        try:
            compiled = compiler.compile_query(version.columns, str(version.data_path()), _query(params, group_by=False))
        except odsql.OdsqlError as error:
            raise _odsql_error(error) from None
        try:
            rows = engine.stream_raw(compiled)
        except engine.EngineError:
            raise _engine_error() from None
        content: Iterator[bytes]
        if format == "csv":
            content = _csv_lines(compiled, rows, delimiter, bom)
        else:
            content = _json_lines(compiled, rows, array=format == "json")
        _audit(request, dataset, AuditEvent.Action.DOWNLOAD, "exports", version=version.number, format=format)
        response = StreamingHttpResponse(content, content_type=EXPORT_FORMATS[format])
        response["Content-Disposition"] = f'attachment; filename="{dataset.slug}.{format}"'
        return response
