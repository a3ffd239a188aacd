"""XLSX: one sheet named after the dataset, written row by row by xlsxwriter in ``constant_memory`` mode.

Text is always written as text (never a formula, a number or a link), dates and times as dates and times.
Beyond a sheet's 1,048,576 rows the export goes on in a next sheet: no row is left out.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import math
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import xlsxwriter
from django.http import QueryDict

from territoria.records import compiler, values
from territoria.records.exports import Job, _files

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXTENSION = "xlsx"
PARAMS: frozenset[str] = frozenset()
ARROW = False
DOC = (
    "Classeur XLSX : une feuille au nom du jeu de données (une suivante au-delà de 1 048 575 lignes), le "
    "texte reste du texte (jamais une formule), les dates sont des dates."
)
EXAMPLE: str | None = None
SHEET_ROWS = 1_048_576  # rows of an XLSX sheet, header included
NAME_MAX = 31


def prepare(params: QueryDict, compiled: compiler.Compiled) -> dict[str, Any]:
    return {}


def sheet_name(title: str, number: int = 1) -> str:
    """A sheet name from the dataset's title: without the characters Excel refuses, 31 characters at most."""
    name = re.sub(r"[\[\]:*?/\\]", " ", title).strip().strip("'") or "export"
    suffix = f" ({number})" if number > 1 else ""
    return name[: NAME_MAX - len(suffix)].rstrip() + suffix


def write(job: Job) -> Iterator[bytes]:
    with _files.folder() as folder:
        path = folder / f"{job.slug}.xlsx"
        _write_book(job, path, folder)
        yield from _files.pieces(path)


Cell = Callable[[Any, int, int, Any], Any]


def _write_book(job: Job, path: Path, folder: Path) -> None:
    options = {
        "constant_memory": True,
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
        "remove_timezone": True,
        "tmpdir": str(folder),
    }
    book = xlsxwriter.Workbook(str(path), options)
    formats = {
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
        "datetime": book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"}),
        "time": book.add_format({"num_format": "hh:mm:ss"}),
        "header": book.add_format({"bold": True}),
    }
    compiled, rows = job.compiled, job.rows
    names = compiled.names
    start = 1 if compiled.has_id else 0

    def cell(sheet: Any, r: int, c: int, value: Any) -> None:
        if value is None:
            return
        if isinstance(value, str):  # geo_shape values too: their GeoJSON text
            sheet.write_string(r, c, value)
        elif isinstance(value, bool):
            sheet.write_boolean(r, c, value)
        elif isinstance(value, int | float | decimal.Decimal):
            number = float(value)
            if math.isfinite(number):
                sheet.write_number(r, c, number)
        elif isinstance(value, dt.datetime):
            sheet.write_datetime(r, c, value, formats["datetime"])
        elif isinstance(value, dt.date):
            sheet.write_datetime(r, c, value, formats["date"])
        elif isinstance(value, dt.time):
            sheet.write_datetime(r, c, value.replace(tzinfo=None), formats["time"])
        else:
            converted = values.to_json(value)
            text = converted if isinstance(converted, str) else json.dumps(converted, ensure_ascii=False)
            sheet.write_string(r, c, text)

    def new_sheet(number: int) -> Any:
        sheet = book.add_worksheet(sheet_name(job.title, number))
        for c, name in enumerate(names):
            sheet.write_string(0, c, name, formats["header"])
        sheet.freeze_panes(1, 0)
        return sheet

    number = 1
    sheet = new_sheet(number)
    r = 0
    for chunk in rows.chunks:
        for row in chunk:
            r += 1
            if r == SHEET_ROWS:
                number += 1
                sheet = new_sheet(number)
                r = 1
            for c, value in enumerate(row[start : start + len(names)]):
                cell(sheet, r, c, value)
    book.close()
