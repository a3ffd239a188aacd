"""Spreadsheets (XLSX, XLS, ODS) → raw Parquet with python-calamine.

Formulas are never evaluated: calamine returns the value cached in the file. Numbers and dates
become plain text (``1234.5``, ``76217``, ``2023-03-15``, ``2023-03-15T12:00:00``), never
locale-formatted. Rows are written to Parquet in batches.
"""

from __future__ import annotations

import datetime as dt
import math
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from territoria.ingest.readers.base import (
    DEFAULT_OPTIONS,
    Progress,
    RawColumn,
    RawTable,
    ReadError,
    ReadOptions,
    no_progress,
)
from territoria.ingest.readers.common import (
    RAW_PARQUET,
    ParquetRows,
    check_size,
    checked_zip_members,
    file_label,
    make_columns,
    max_row_bytes,
    row_too_long,
)
from territoria.ingest.sniff import detect_format
from territoria.quality.report import Issue

FORMATS = ("xlsx", "xls", "ods")
_HEADER_SCAN = 100  # rows looked at to find the header


def cell_text(value: Any) -> str | None:
    """A spreadsheet value as plain text; None for an empty cell."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return str(value)
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        seconds = value.total_seconds()
        sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
        hours, rest = divmod(int(seconds), 3600)
        text = f"{sign}{hours}:{rest // 60:02d}:{rest % 60:02d}"
        fraction = seconds - int(seconds)
        return text + (f"{fraction:.6f}".rstrip("0")[1:] if fraction else "")
    return str(value)


def _open(path: Path, name: str) -> Any:
    import python_calamine as pc

    try:
        return pc.CalamineWorkbook.from_path(str(path))
    except pc.PasswordError as exc:
        raise ReadError(
            f"Le classeur « {name} » est protégé par un mot de passe. Enregistrez-en une copie sans mot de passe "
            "puis rechargez-la."
        ) from exc
    except Exception as exc:  # CalamineError, ZipError, XmlError…
        raise ReadError(
            f"Le classeur « {name} » est illisible ({exc}). Ouvrez-le dans un tableur, enregistrez-le de nouveau "
            "(XLSX ou ODS) puis rechargez-le."
        ) from exc


def _row_base(sheet: Any) -> int:
    """python-calamine yields rows from row 0 or from the first used row: how many rows it skips."""
    if sheet.height == 0:
        return 0
    count = sum(1 for _ in sheet.iter_rows())
    return int(sheet.end[0]) + 1 - count


def _rows(sheet: Any, base: int) -> Iterator[tuple[int, list[Any]]]:
    """(1-based spreadsheet row, cells) for every row of the used range."""
    if sheet.height == 0:
        return
    for index, row in enumerate(sheet.iter_rows()):
        yield base + index + 1, row


def _is_empty(row: list[Any]) -> bool:
    return all(c is None or c == "" for c in row)


def _choose_sheet(book: Any, wanted: str | None, name: str) -> tuple[str, Any]:
    names = list(book.sheet_names)
    if wanted:
        if wanted in names:
            return wanted, book.get_sheet_by_name(wanted)
        if wanted.isdigit() and 1 <= int(wanted) <= len(names):
            chosen = names[int(wanted) - 1]
            return chosen, book.get_sheet_by_name(chosen)
        raise ReadError(
            f"La feuille « {wanted} » n'existe pas dans « {name} ». Feuilles disponibles : "
            + ", ".join(f"« {n} »" for n in names)
            + ". Indiquez l'un de ces noms, ou un numéro de 1 à "
            + f"{len(names)}."
        )
    hidden = {m.name for m in book.sheets_metadata if "Visible" not in str(m.visible)}
    for candidate in [n for n in names if n not in hidden] + [n for n in names if n in hidden]:
        sheet = book.get_sheet_by_name(candidate)
        if sheet.height and any(not _is_empty(r) for r in sheet.iter_rows()):
            return candidate, sheet
    raise ReadError(f"Le classeur « {name} » ne contient aucune feuille avec des données. Vérifiez le fichier.")


def _looks_like_header(cells: list[Any], widest: int) -> bool:
    filled = [c for c in cells if c is not None and c != ""]
    if not filled:
        return False
    texts = sum(1 for c in filled if isinstance(c, str))
    return texts >= 0.8 * len(filled) and len(filled) >= max(1, min(2, widest), widest // 2)


def _find_header(sample: list[tuple[int, list[Any]]]) -> int | None:
    """Spreadsheet row of the header: mostly text, wide enough, followed by a data row."""
    filled = [(n, r) for n, r in sample if not _is_empty(r)]
    if not filled:
        return None
    first = min(next(i for i, c in enumerate(r) if c != "") for _, r in filled)
    filled = [(n, r[first:]) for n, r in filled]
    widest = max(sum(1 for c in r if c != "") for _, r in filled)
    for i, (number, row) in enumerate(filled):
        if _looks_like_header(row, widest):
            after = filled[i + 1] if i + 1 < len(filled) else None
            width = sum(1 for c in row if c != "")
            if after is None or sum(1 for c in after[1] if c != "") >= max(1, width // 2):
                return number
    return filled[0][0]


def read(
    path: Path, workdir: Path, *, options: ReadOptions = DEFAULT_OPTIONS, progress: Progress = no_progress
) -> RawTable:
    """Read one sheet of a workbook into ``workdir/raw.parquet``, every column as text."""
    name = file_label(path, options)
    check_size(path, options)
    workdir.mkdir(parents=True, exist_ok=True)
    if zipfile.is_zipfile(path):  # XLSX and ODS are zips: refuse bombs before calamine inflates them
        checked_zip_members(path, options)
    book = _open(path, name)
    try:
        return _read_sheet(path, book, workdir, options, name, progress)
    finally:
        book.close()


def _read_sheet(path: Path, book: Any, workdir: Path, options: ReadOptions, name: str, progress: Progress) -> RawTable:
    sheet_name, sheet = _choose_sheet(book, options.sheet, name)
    base = _row_base(sheet)
    # Pass 1: the header row (among the first rows) and the columns used from it downwards.
    sample: list[tuple[int, list[Any]]] = []
    spans: dict[int, tuple[int, int]] = {}  # row → (first, last) used column, for the sampled rows
    first_col, last_col, last_row = 1 << 30, -1, 0  # over rows below the sample
    for number, row in _rows(sheet, base):
        used = [i for i, c in enumerate(row) if c != "" and c is not None]
        if len(sample) < _HEADER_SCAN:
            sample.append((number, row))
            if used:
                spans[number] = (used[0], used[-1])
        elif used:
            first_col, last_col = min(first_col, used[0]), max(last_col, used[-1])
        if used:
            last_row = number
    if not spans:
        raise ReadError(f"La feuille « {sheet_name} » de « {name} » est vide. Choisissez une autre feuille.")
    header_row = _find_header(sample) if options.header_row is None else (options.header_row or None)
    for number, (first, last) in spans.items():
        if number >= (header_row or 0):
            first_col, last_col = min(first_col, first), max(last_col, last)
    if last_col < 0:  # a header row and nothing below it
        first_col, last_col = spans.get(header_row or 0, (0, 0))
    issues: list[Issue] = []
    width = last_col - first_col + 1
    if header_row:
        header_cells = next((r for n, r in _rows(sheet, base) if n == header_row), None)
        if header_cells is None:
            raise ReadError(
                f"La ligne d'en-tête demandée ({header_row}) est hors de la feuille « {sheet_name} » "
                f"(dernière ligne : {last_row}).",
                row=header_row,
            )
        labels = [cell_text(c) or "" for c in header_cells[first_col : last_col + 1]]
        labels += [""] * (width - len(labels))
        columns, issues = make_columns(labels)
    else:
        columns = [RawColumn(name=f"colonne_{i}", label=f"colonne_{i}") for i in range(1, width + 1)]
    limit = max_row_bytes(options)
    out = workdir / RAW_PARQUET
    blank = 0
    with ParquetRows(out, [c.name for c in columns]) as writer:
        for number, row in _rows(sheet, base):
            if header_row and number <= header_row:
                continue
            values = [cell_text(c) for c in row[first_col : last_col + 1]]
            if all(v is None for v in values):
                blank += 1
                continue
            values += [None] * (width - len(values))
            if sum(len(v) for v in values if v) > limit:
                raise row_too_long(name, number, limit)
            writer.add(values)
            if writer.count and writer.count % 50_000 == 0:
                progress("lecture", writer.count + len(writer.rows))
    if blank:
        issues.append(
            Issue(
                code="blank-lines",
                severity="info",
                message=f"{blank} ligne(s) vide(s) ignorée(s) dans la feuille « {sheet_name} ».",
                details={"count": blank},
            )
        )
    progress("lecture", writer.count)
    source = {
        "format": detect_format(path, name),
        "file_name": name,
        "sheets": list(book.sheet_names),
        "sheet": sheet_name,
        "header_row": header_row,
        "first_column": first_col + sheet_column_offset(sheet) + 1,
    }
    return RawTable(path=out, columns=columns, row_count=writer.count, source=source, issues=issues)


def sheet_column_offset(sheet: Any) -> int:
    """0-based spreadsheet column of the first cell python-calamine returns in each row."""
    return int(sheet.start[1]) if sheet.height else 0
