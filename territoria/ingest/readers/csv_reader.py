"""Delimited text (CSV, TSV) → raw Parquet, streaming: Python checks and transcodes, DuckDB parses.

Pass 1 reads the file once in 1 MiB chunks: it checks the encoding strictly, finds blank lines and
over-long lines, and writes a UTF-8 copy when the source is not UTF-8. Pass 2 is DuckDB's CSV reader
with the sniffed dialect, every column VARCHAR, rows with the wrong number of fields set aside in its
reject table and reported with their line number in the source file.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

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
    check_size,
    duckdb_connect,
    file_label,
    make_columns,
    max_row_bytes,
    row_too_long,
    sql_string,
)
from territoria.ingest.sniff import TEXT_ENCODINGS, TextSniff, sniff_text
from territoria.quality.report import Issue

FORMATS = ("csv", "tsv")
MAX_REPORTED = 100
_CHUNK = 1 << 20
_ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "cp1252": "Windows-1252", "latin-1": "ISO-8859-1"}
_DELIMITER_ALIASES = {"tab": "\t", "\\t": "\t", "tabulation": "\t", "point-virgule": ";", "virgule": ","}


class _BadEncoding(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


@dataclass
class _Scan:
    path: Path  # the UTF-8 file DuckDB reads
    encoding: str
    lines: int = 0
    blank_lines: list[int] = field(default_factory=list)
    blank_count: int = 0
    first_content_line: int = 0  # 1-based line of the first non-blank line, 0 if none
    newline: str = "\n"


def _scan(src: Path, dst: Path | None, encoding: str, newline: str, limit: int, name: str, progress: Progress) -> _Scan:
    """Pass 1: strict decoding, blank and over-long lines, optional UTF-8 copy; constant memory."""
    scan = _Scan(path=dst or src, encoding=encoding, newline=newline)
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    carry = ""
    out = open(dst, "wb") if dst else None  # noqa: SIM115 - closed below
    try:
        with open(src, "rb") as fh:
            while True:
                chunk = fh.read(_CHUNK)
                final = not chunk
                try:
                    text = decoder.decode(chunk, final=final)
                except UnicodeDecodeError as exc:
                    raise _BadEncoding(scan.lines + 1 + chunk[: exc.start].count(b"\n")) from exc
                if out is not None:
                    out.write(text.encode("utf-8"))
                parts = (carry + text).split(newline)
                carry = "" if final else parts.pop()
                if final and parts and parts[-1] == "":
                    parts.pop()  # the terminator of the last line
                _count_lines(scan, parts, limit, name)
                if len(carry) > limit:
                    raise row_too_long(name, scan.lines + 1, limit)
                if scan.lines and scan.lines % 200_000 < len(parts):
                    progress("lecture", scan.lines)
                if final:
                    break
    finally:
        if out is not None:
            out.close()
    return scan


def _count_lines(scan: _Scan, parts: list[str], limit: int, name: str) -> None:
    start = scan.lines
    scan.lines += len(parts)
    if parts and max(map(len, parts)) > limit:
        index = next(i for i, p in enumerate(parts) if len(p) > limit)
        raise row_too_long(name, start + index + 1, limit)
    has_blank = "" in parts or "\r" in parts
    if scan.first_content_line == 0 or has_blank:
        for i, part in enumerate(parts, start=start + 1):
            if part and part != "\r":
                if scan.first_content_line == 0:
                    scan.first_content_line = i
            elif scan.first_content_line:  # blank lines before the header are just skipped
                scan.blank_count += 1
                if len(scan.blank_lines) < 20:
                    scan.blank_lines.append(i)


def _scan_with_fallback(
    path: Path, workdir: Path, encoding: str, forced: bool, newline: str, limit: int, name: str, progress: Progress
) -> tuple[_Scan, list[Issue]]:
    """Pass 1, falling back to cp1252 then latin-1 when a sniffed encoding fails further down."""
    candidates = [encoding] if forced else list(dict.fromkeys([encoding, "cp1252", "latin-1"]))
    for position, candidate in enumerate(candidates):
        dst = None if candidate in ("utf-8", "utf-8-sig") else workdir / "source.utf8.csv"
        try:
            scan = _scan(path, dst, candidate, newline, limit, name, progress)
        except _BadEncoding as exc:
            if dst is not None:
                dst.unlink(missing_ok=True)
            if position + 1 < len(candidates):
                first_bad = exc.line
                continue
            label = _ENCODING_NAMES.get(candidate, candidate)
            raise ReadError(
                f"Le fichier « {name} » n'est pas lisible dans l'encodage {label} (caractère invalide ligne "
                f"{exc.line}). Choisissez un autre encodage, ou laissez la détection automatique.",
                row=exc.line,
            ) from exc
        issues = []
        if position:
            issues.append(
                Issue(
                    code="encoding-fallback",
                    severity="info",
                    row=first_bad,
                    message=f"Le fichier n'est pas entièrement en {_ENCODING_NAMES.get(encoding, encoding)} "
                    f"(caractère invalide ligne {first_bad}) : il a été lu en {_ENCODING_NAMES.get(candidate)}. "
                    "Vérifiez les accents ; enregistrez le fichier en UTF-8 pour éviter toute ambiguïté.",
                    details={"sniffed": encoding, "used": candidate},
                )
            )
        return scan, issues
    raise AssertionError("unreachable")


def _read_header(path: Path, line: int, delimiter: str, quote: str, name: str) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for _ in range(line - 1):
            fh.readline()
        try:
            return next(csv.reader(fh, delimiter=delimiter, quotechar=quote, strict=False))
        except (csv.Error, StopIteration) as exc:
            raise ReadError(
                f"La ligne d'en-tête (ligne {line}) de « {name} » est illisible ({exc}). Vérifiez les guillemets "
                "de cette ligne ou indiquez la bonne ligne d'en-tête.",
                row=line,
            ) from exc


def _physical_lines(path: Path, offsets: list[int], newline: bytes) -> dict[int, int]:
    """Byte offset → 1-based line number in ``path``, by one streaming count of newline bytes."""
    result: dict[int, int] = {}
    wanted = sorted(set(offsets))
    if not wanted:
        return result
    lines_before, position, index = 0, 0, 0
    with open(path, "rb") as fh:
        while index < len(wanted):
            chunk = fh.read(_CHUNK)
            if not chunk:
                break
            while index < len(wanted) and wanted[index] < position + len(chunk):
                cut = wanted[index] - position
                result[wanted[index]] = lines_before + chunk[:cut].count(newline) + 1
                index += 1
            lines_before += chunk.count(newline)
            position += len(chunk)
    for offset in wanted[index:]:
        result[offset] = lines_before + 1
    return result


def _count_fields(text: str, delimiter: str, quote: str) -> int:
    try:
        return len(next(csv.reader([text.replace("\r", "").replace("\n", " ")], delimiter=delimiter, quotechar=quote)))
    except (csv.Error, StopIteration):
        return text.count(delimiter) + 1


def _reject_issues(
    con: Any, scan: _Scan, expected: int, delimiter: str, quote: str, name: str, limit: int
) -> tuple[list[Issue], int]:
    rows = con.execute(
        """
        SELECT line_byte_position, any_value(csv_line), list(DISTINCT error_type), count(*) OVER () AS total
        FROM reject_errors GROUP BY line_byte_position ORDER BY line_byte_position LIMIT ?
        """,
        [MAX_REPORTED],
    ).fetchall()
    if not rows:
        return [], 0
    total = rows[0][3]
    starts = []
    for offset, text, _types, _ in rows:
        text = text or ""
        skipped = len(text) - len(text.lstrip("\r\n"))  # DuckDB glues preceding blank lines to the record
        starts.append(offset + skipped)
    lines = _physical_lines(scan.path, starts, scan.newline.encode())
    issues: list[Issue] = []
    for (_offset, text, types, _), start in zip(rows, starts, strict=True):
        line = lines[start]
        record = (text or "").lstrip("\r\n")
        if "LINE SIZE OVER MAXIMUM" in types:
            raise row_too_long(name, line, limit)
        if "TOO MANY COLUMNS" in types or "MISSING COLUMNS" in types:
            found = _count_fields(record, delimiter, quote)
            issues.append(
                Issue(
                    code="ragged-row",
                    row=line,
                    message=f"Ligne {line} : {expected} champs attendus, {found} trouvés. La ligne a été écartée ; "
                    "corrigez-la dans le fichier (séparateur en trop ou manquant, guillemets) puis rechargez-le.",
                    details={"expected": expected, "found": found, "text": record[:200]},
                )
            )
        else:
            issues.append(
                Issue(
                    code="quote-error",
                    row=line,
                    message=f"Ligne {line} : guillemet mal placé ou jamais refermé ; la ligne a été écartée (avec "
                    "les lignes qu'un guillemet ouvert a pu avaler). Vérifiez les guillemets de cette ligne.",
                    details={"errors": list(types), "text": record[:200]},
                )
            )
    if total > len(rows):
        issues.append(
            Issue(
                code="rows-rejected-more",
                message=f"{total - len(rows)} autres lignes ont été écartées pour la même raison "
                f"({total} au total) ; seules les {len(rows)} premières sont détaillées.",
                details={"total": total},
            )
        )
    return issues, total


def _delimiter(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    value = _DELIMITER_ALIASES.get(value.lower(), value)
    if len(value) != 1 or value in "\"'\r\n":
        raise ReadError(
            f"Le séparateur « {value} » demandé pour « {name} » n'est pas valide : donnez un seul caractère "
            "(; , | ou tabulation)."
        )
    return value


def read(
    path: Path, workdir: Path, *, options: ReadOptions = DEFAULT_OPTIONS, progress: Progress = no_progress
) -> RawTable:
    """Read a delimited text file into ``workdir/raw.parquet``, every column as text."""
    name = file_label(path, options)
    check_size(path, options)
    workdir.mkdir(parents=True, exist_ok=True)
    if options.encoding and options.encoding.lower() not in TEXT_ENCODINGS:
        try:
            codecs.lookup(options.encoding)  # any Python codec is accepted when forced (cp850, mac-roman…)
        except LookupError as exc:
            raise ReadError(
                f"L'encodage « {options.encoding} » demandé pour « {name} » est inconnu. Exemples : utf-8, cp1252, "
                "latin-1, utf-16 ; ou laissez la détection automatique."
            ) from exc
    sniff = sniff_text(path, encoding=options.encoding.lower() if options.encoding else None)
    delimiter = _delimiter(options.delimiter, name) or sniff.delimiter
    quote = sniff.quotechar if delimiter == sniff.delimiter else '"'
    newline = "\r" if sniff.line_terminator == "\r" else "\n"
    limit = max_row_bytes(options)
    scan, issues = _scan_with_fallback(
        path, workdir, sniff.encoding, bool(options.encoding), newline, limit, name, progress
    )
    try:
        return _load(path, workdir, scan, sniff, delimiter, quote, issues, options, name, progress)
    finally:
        if scan.path != path:
            scan.path.unlink(missing_ok=True)


def _load(
    path: Path,
    workdir: Path,
    scan: _Scan,
    sniff: TextSniff,
    delimiter: str,
    quote: str,
    issues: list[Issue],
    options: ReadOptions,
    name: str,
    progress: Progress,
) -> RawTable:
    if scan.first_content_line == 0:
        raise ReadError(f"Le fichier « {name} » ne contient que des lignes vides. Vérifiez l'export puis rechargez-le.")
    has_header = sniff.header if options.header_row is None else options.header_row > 0
    header_line = options.header_row or scan.first_content_line
    if header_line > scan.lines:
        raise ReadError(
            f"La ligne d'en-tête demandée ({header_line}) dépasse la fin de « {name} » ({scan.lines} lignes).",
            row=header_line,
        )
    if has_header:
        labels = _read_header(scan.path, header_line, delimiter, quote, name)
        columns, header_issues = make_columns(labels)
        issues.extend(header_issues)
        skip = header_line - 1
    else:
        count = (
            sniff.field_count
            if delimiter == sniff.delimiter
            else len(_read_header(scan.path, header_line, delimiter, quote, name))
        )
        columns = [RawColumn(name=f"colonne_{i}", label=f"colonne_{i}") for i in range(1, count + 1)]
        skip = scan.first_content_line - 1
    if scan.blank_count:
        issues.append(
            Issue(
                code="blank-lines",
                severity="info",
                row=scan.blank_lines[0],
                message=f"{scan.blank_count} ligne(s) vide(s) ignorée(s) (première : ligne {scan.blank_lines[0]}).",
                details={"count": scan.blank_count, "lines": scan.blank_lines},
            )
        )
    limit = max_row_bytes(options)
    out = workdir / RAW_PARQUET
    spec = ", ".join(f"{sql_string(c.name)}: 'VARCHAR'" for c in columns)
    # Every value is quoted by sql_string(): read_csv's options take no query parameters.
    query = (
        f"SELECT * FROM read_csv("  # noqa: S608
        f"{sql_string(scan.path)}, header={str(has_header).lower()}, skip={skip}, "
        f"delim={sql_string(delimiter)}, quote={sql_string(quote)}, escape={sql_string(quote)}, "
        f"columns={{{spec}}}, auto_detect=false, store_rejects=true, max_line_size={max(limit, 4096)}, "
        "null_padding=false, strict_mode=true)"
    )
    con = duckdb_connect(workdir)
    try:
        try:
            result = con.execute(f"COPY ({query}) TO {sql_string(out)} (FORMAT parquet, COMPRESSION zstd)").fetchone()  # noqa: S608
        except duckdb.Error as exc:  # say it in French
            raise ReadError(
                f"DuckDB n'a pas pu lire « {name} » ({str(exc).splitlines()[0]}). Vérifiez le séparateur "
                f"(« {delimiter} ») et les guillemets, ou forcez-les dans les options de lecture."
            ) from exc
        row_count = int(result[0]) if result else 0
        reject_issues, rejected = _reject_issues(con, scan, len(columns), delimiter, quote, name, limit)
    finally:
        con.close()
    issues.extend(reject_issues)
    if rejected > row_count:
        issues.append(
            Issue(
                code="most-rows-rejected",
                severity="error",
                message=f"{rejected} lignes écartées pour {row_count} lues : le séparateur (« {delimiter} »), les "
                "guillemets ou la ligne d'en-tête ont sans doute été mal devinés. Forcez-les dans les options de "
                "lecture puis relancez l'import.",
                details={"rejected": rejected, "read": row_count},
            )
        )
    progress("lecture", row_count)
    source = {
        "format": "tsv" if delimiter == "\t" else "csv",
        "file_name": name,
        "encoding": scan.encoding,
        "delimiter": delimiter,
        "quotechar": quote,
        "header_row": header_line if has_header else None,
        "decimal": sniff.decimal,
        "line_terminator": sniff.line_terminator,
        "lines": scan.lines,
        "blank_lines": scan.blank_count,
        "rejected_rows": rejected,
        "transcoded": scan.path != path,
    }
    with contextlib.suppress(OSError):
        (workdir / "duckdb_tmp").rmdir()
    return RawTable(path=out, columns=columns, row_count=row_count, source=source, issues=issues)
