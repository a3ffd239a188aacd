"""Records API in the shape of Opendatasoft's Explore API v2.1.

GET /api/explore/v2.1/catalog/datasets/{dataset_id}/records
GET /api/explore/v2.1/catalog/datasets/{dataset_id}/records/{record_id}
GET /api/explore/v2.1/catalog/datasets/{dataset_id}/facets
GET /api/explore/v2.1/catalog/datasets/{dataset_id}/exports/{format}
"""

from __future__ import annotations

import csv
import io
import json
import re
import zoneinfo
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse, QueryDict, StreamingHttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from territoria.lib import odsql
from territoria.records import compiler, engine
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
        _dataset, version = visible_version(request.user, dataset_id)
        try:
            compiled = compiler.compile_query(
                version.columns, str(version.data_path()), _query(params), limit=limit, offset=offset
            )
        except odsql.OdsqlError as error:
            raise _odsql_error(error) from None
        try:
            results = engine.fetch(compiled)
            total = engine.count(compiled)
        except engine.EngineError:
            raise _engine_error() from None
        return _json({"total_count": total, "results": results})


@require_GET
def record(request: HttpRequest, dataset_id: str, record_id: str) -> JsonResponse:
    params = request.GET
    with translation.override(_lang(params)):
        _start(request, COMMON)
        _dataset, version = visible_version(request.user, dataset_id)
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
        return _json(rows[0])


@require_GET
def facets(request: HttpRequest, dataset_id: str) -> JsonResponse:
    params = request.GET
    with translation.override(_lang(params)):
        _start(request, FACET_PARAMS)
        _dataset, version = visible_version(request.user, dataset_id)
        columns = version.columns
        allowed = [c["name"] for c in columns if c.get("type") in compiler.FACET_TYPES and c["name"] != "_row"]
        names = params.getlist("facet") or allowed
        query = _query(params, group_by=False)
        refined = {(r.facet, r.value) for r in _parsed_refines(query.refine)}
        body: list[dict[str, Any]] = []
        for name in names:
            if name not in allowed:
                raise ApiError(
                    _("facet : « %(facet)s » ne peut pas servir de facette ; facettes possibles : %(known)s.")
                    % {"facet": name[:60], "known": ", ".join(allowed)},
                    parameter="facet",
                )
            try:
                sql, sql_params = compiler.compile_facet(columns, str(version.data_path()), query, name, FACET_TOP)
            except odsql.OdsqlError as error:
                raise _odsql_error(error) from None
            try:
                rows = engine.raw(sql, sql_params)
            except engine.EngineError:
                raise _engine_error() from None
            values = []
            for value, count in rows:
                if value is None:
                    continue
                text = _facet_text(engine.to_json(value))
                values.append(
                    {
                        "name": text,
                        "value": text,
                        "count": count,
                        "state": "refined" if (name, text) in refined else "displayed",
                    }
                )
            body.append({"name": name, "facets": values})
        return _json({"links": [], "facets": body})


def _facet_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


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


def _csv_lines(names: list[str], rows: Iterator[dict[str, Any]], delimiter: str, bom: bool) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([protect_cell(n) for n in names])
    yield (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")
    batch = 0
    buffer.seek(0)
    buffer.truncate()
    for row in rows:
        writer.writerow([protect_cell(row.get(n)) for n in names])
        batch += 1
        if batch >= 500:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            batch = 0
    if buffer.getvalue():
        yield buffer.getvalue().encode("utf-8")


def _json_lines(rows: Iterator[dict[str, Any]], array: bool) -> Iterator[bytes]:
    if array:
        yield b"["
    first = True
    for row in rows:
        text = json.dumps(row, ensure_ascii=False)
        if array:
            yield ((b"" if first else b",") + text.encode("utf-8"))
        else:
            yield (text + "\n").encode("utf-8")
        first = False
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
            rows = engine.stream(compiled)
        except engine.EngineError:
            raise _engine_error() from None
        content: Iterator[bytes]
        if format == "csv":
            content = _csv_lines(compiled.names, rows, delimiter, bom)
        else:
            content = _json_lines(rows, array=format == "json")
        response = StreamingHttpResponse(content, content_type=EXPORT_FORMATS[format])
        response["Content-Disposition"] = f'attachment; filename="{dataset.slug}.{format}"'
        return response
