"""CSV: ``delimiter`` (, ; tab |), ``with_bom``; text that starts like a formula gets a leading quote."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.http import QueryDict

from territoria.lib.cells import protect_cell, protect_text
from territoria.records import compiler, values
from territoria.records.exports import Job
from territoria.web.params import get_bool, get_delimiter

CONTENT_TYPE = "text/csv; charset=utf-8"
EXTENSION = "csv"
PARAMS = frozenset({"delimiter", "with_bom"})
ARROW = False
DOC = (
    "CSV (séparateur `delimiter`, BOM avec `with_bom`) ; le texte qui commence par = + - @ est précédé "
    "d'une apostrophe pour ne pas devenir une formule."
)
EXAMPLE: str | None = "nom,ville,quantite\r\nGymnase Nord,Lyon,3\r\n"


def prepare(params: QueryDict, compiled: compiler.Compiled) -> dict[str, Any]:
    return {"delimiter": get_delimiter(params), "bom": get_bool(params, "with_bom", False)}


def _cell_function(convert: Callable[[Any], Any] | None, sql_type: str) -> Callable[[Any], Any] | None:
    """A function equal to ``protect_cell(to_json(value))`` for one column's values, as the csv module writes
    them (None: the value as it is; the csv module writes None as an empty cell, numbers with ``repr``)."""
    if sql_type == "VARCHAR" and convert is None:
        return protect_text
    if sql_type in values.UNCHANGED_TYPES and sql_type != "BOOLEAN":
        return None
    if sql_type in {"DOUBLE", "FLOAT"}:
        return convert
    if sql_type == values.GEO_POINT_SQL:
        return _geo_point_cell
    if sql_type in values.TEMPORAL_TYPES:
        return _temporal_cell
    if convert is None:
        return protect_cell
    return lambda value: protect_cell(convert(value))


def _temporal_cell(value: Any) -> str:
    """``protect_cell(to_json(value))`` of a date or time: ISO text, which never starts like a formula."""
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return protect_cell(values.to_json(value))


def _json_number(value: float | None) -> str:
    return "null" if value is None or not math.isfinite(value) else repr(value)


def _geo_point_cell(value: Any) -> str:
    """``protect_cell(to_json(point))``, i.e. ``json.dumps({"lon": …, "lat": …})``, without the encoder's cost."""
    if isinstance(value, dict) and value.keys() == {"lon", "lat"}:
        lon, lat = value["lon"], value["lat"]
        if (lon is None or type(lon) is float) and (lat is None or type(lat) is float):
            return '{"lon": ' + _json_number(lon) + ', "lat": ' + _json_number(lat) + "}"
    return protect_cell(values.to_json(value))


def write(job: Job) -> Iterator[bytes]:
    compiled, rows = job.compiled, job.rows
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=job.options["delimiter"], lineterminator="\r\n")
    writer.writerow([protect_cell(n) for n in compiled.names])
    yield (("\ufeff" if job.options["bom"] else "") + buffer.getvalue()).encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    convert_all = values.converters(compiled, rows.sql_types)
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
