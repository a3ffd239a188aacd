"""Guess what a file is from its bytes: format (magic numbers), then for text its encoding and CSV dialect."""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import re
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

DELIMITERS = (";", ",", "\t", "|")
TEXT_ENCODINGS = ("utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16", "utf-16-le", "utf-16-be")
_MAX_SNIFF_RECORDS = 2_000
_NUMBER_COMMA = re.compile(r"^[-+]?\d{1,3}(?:[ .\u00a0\u202f]?\d{3})*,\d+$|^[-+]?\d+,\d+$")
_YEAR = re.compile(r"^(19|20)\d\d$")
_NUMBER_DOT = re.compile(r"^[-+]?\d+\.\d+$")
_NUMERIC_LIKE = re.compile(r"^[-+]?[\d .,\u00a0\u202f]*\d[\d .,\u00a0\u202f]*%?$|^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}")


@dataclass(frozen=True)
class TextSniff:
    """What the first bytes of a text file say about how to read it."""

    encoding: str
    delimiter: str
    quotechar: str
    header: bool
    decimal: str
    line_terminator: str
    field_count: int  # fields per record of the most frequent kind
    confidence: float  # share of sampled records having ``field_count`` fields


def _decodes(sample: bytes, encoding: str) -> bool:
    try:
        codecs.getincrementaldecoder(encoding)("strict").decode(sample, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _utf16_without_bom(sample: bytes) -> str | None:
    head = sample[:4096]
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def detect_encoding(sample: bytes) -> str:
    """BOM, then strict UTF-8, then charset-normalizer; for single-byte text cp1252 before latin-1."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    utf16 = _utf16_without_bom(sample)
    if utf16:
        return utf16
    if _decodes(sample, "utf-8"):
        return "utf-8"
    from charset_normalizer import from_bytes

    best = from_bytes(sample[:262_144]).best()
    guess = (best.encoding if best else "").replace("_", "-").lower()
    if guess.startswith("utf-16"):
        return "utf-16"
    # French files that are not UTF-8 are Windows exports: cp1252 (a superset of latin-1's printable part).
    return "cp1252" if _decodes(sample, "cp1252") else "latin-1"


def _complete_text(sample: bytes, encoding: str, truncated: bool) -> str:
    text = codecs.getincrementaldecoder(encoding)("replace").decode(sample, final=not truncated)
    if truncated:  # drop the last, probably cut, line
        cut = max(text.rfind("\n"), text.rfind("\r"))
        if cut > 0:
            text = text[: cut + 1]
    return text.lstrip("\ufeff")


def _records(text: str, delimiter: str, quotechar: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar=quotechar, strict=False)
    out: list[list[str]] = []
    try:
        for record in reader:
            if record and any(f.strip() for f in record):
                out.append(record)
            if len(out) >= _MAX_SNIFF_RECORDS:
                break
    except csv.Error:
        pass
    return out


def _score(records: list[list[str]]) -> tuple[bool, bool, int, float]:
    """Regular field counts first, then "splits lines at all", then more fields, then regularity."""
    if not records:
        return (False, False, 0, 0.0)
    counts = Counter(len(r) for r in records)
    mode, freq = counts.most_common(1)[0]
    share = freq / len(records)
    consistent = mode > 1 and share >= 0.9 and len(records[0]) == mode
    return (consistent, mode > 1 and share >= 0.5, mode if share >= 0.9 else 0, share)


def _quotechar(text: str, delimiter: str) -> str:
    double = text.count(delimiter + '"') + text.count('\n"')
    single = text.count(delimiter + "'") + text.count("\n'")
    return "'" if single > 2 * double + 2 and text.count("'" + delimiter) > double else '"'


def _kind(value: str) -> str:
    value = value.strip()
    if not value:
        return "vide"
    return "nombre" if _NUMERIC_LIKE.match(value) else "texte"


def _has_header(records: list[list[str]]) -> bool:
    if len(records) < 2:
        return bool(records) and all(_kind(v) == "texte" for v in records[0] if v.strip())
    first, rest = records[0], records[1:50]
    kinds = [_kind(v) for v in first]
    if "nombre" not in kinds:
        return True  # text labels above anything: a header
    numbers = [v.strip() for v, k in zip(first, kinds, strict=True) if k == "nombre"]
    if all(_YEAR.match(v) for v in numbers) and len(set(numbers)) == len(numbers) and len(first) > 1:
        return True  # years as column labels: "commune;2019;2020"
    # The first record looks like the following ones, column by column: data, not a header.
    same = 0
    for i, kind in enumerate(kinds):
        column = Counter(_kind(r[i]) for r in rest if i < len(r))
        if column and column.most_common(1)[0][0] == kind:
            same += 1
    return same < len(kinds)


def _decimal(records: list[list[str]], delimiter: str) -> str:
    if delimiter == ",":
        return "."
    comma = dot = 0
    for record in records[1:]:
        for value in record:
            value = value.strip()
            if _NUMBER_COMMA.match(value):
                comma += 1
            elif _NUMBER_DOT.match(value):
                dot += 1
    return "," if comma > dot else "."


def _terminator(text: str) -> str:
    crlf, lf = text.count("\r\n"), text.count("\n")
    if lf == 0 and "\r" in text:
        return "\r"
    return "\r\n" if lf and crlf * 2 >= lf else "\n"


def sniff_text(path: Path, sample_bytes: int = 2_000_000, *, encoding: str | None = None) -> TextSniff:
    """Guess encoding, delimiter, quote, header, decimal mark and line terminator from a sample."""
    with open(path, "rb") as fh:
        sample = fh.read(sample_bytes + 1)
    truncated = len(sample) > sample_bytes
    sample = sample[:sample_bytes]
    encoding = encoding or detect_encoding(sample)
    text = _complete_text(sample, encoding, truncated)
    best: tuple[tuple[bool, bool, int, float], str, str, list[list[str]]] | None = None
    for delimiter in DELIMITERS:
        quote = _quotechar(text, delimiter)
        records = _records(text, delimiter, quote)
        score = _score(records)
        if best is None or score > best[0]:
            best = (score, delimiter, quote, records)
    assert best is not None
    score, delimiter, quote, records = best
    if not score[1]:
        delimiter, quote = ",", '"'  # one column: nothing to split on
        records = _records(text, delimiter, quote)
        score = _score(records)
    field_count = Counter(len(r) for r in records).most_common(1)[0][0] if records else 1
    return TextSniff(
        encoding=encoding,
        delimiter=delimiter,
        quotechar=quote,
        header=_has_header(records),
        decimal=_decimal(records, delimiter),
        line_terminator=_terminator(text),
        field_count=field_count,
        confidence=round(score[3], 3),
    )


# --- format detection -------------------------------------------------------------------------

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SQLITE = b"SQLite format 3\x00"
_GZIP = b"\x1f\x8b"
_GEO_SUFFIXES = (".shp", ".gpkg", ".geojson", ".kml")


def _zip_format(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            lower = [n.lower() for n in names]
            if "mimetype" in lower:
                mimetype = zf.read(names[lower.index("mimetype")])[:100]
                if b"opendocument.spreadsheet" in mimetype:
                    return "ods"
    except (zipfile.BadZipFile, OSError, KeyError):
        return "inconnu"
    if "[content_types].xml" in lower and any(n.startswith("xl/") for n in lower):
        return "xlsx"
    if any(n.endswith(".shp") for n in lower):
        return "shp"
    return "zip"


def _json_format(head: str) -> str:
    stripped = head.lstrip("\ufeff \t\r\n")
    if re.search(r'"type"\s*:\s*"(FeatureCollection|Feature)"', stripped[:65_536]):
        return "geojson"
    if stripped.startswith("["):
        return "json"
    lines = [line for line in stripped.splitlines() if line.strip()]
    if len(lines) >= 2 and lines[1].lstrip().startswith("{"):
        try:
            json.loads(lines[0])
            return "jsonl"
        except ValueError:
            pass
    return "json"


def _text_format(head: bytes, declared_name: str) -> str:
    encoding = detect_encoding(head)
    text = codecs.getincrementaldecoder(encoding)("replace").decode(head, final=False).lstrip("\ufeff \t\r\n")
    if text.startswith(("{", "[")):
        return _json_format(text)
    if text.startswith("<"):
        return "kml" if re.search(r"<kml[\s>]", text[:4096]) else "xml"
    if "\x00" in text or head.startswith(b"%PDF"):
        return "inconnu"
    return "tsv" if declared_name.lower().endswith((".tsv", ".tab")) else "csv"


def detect_format(path: Path, declared_name: str = "") -> str:
    """The format of ``path`` from its first bytes; the declared name only breaks ties (csv/tsv).

    Returns one of csv, tsv, json, jsonl, geojson, kml, xlsx, xls, ods, shp, gpkg, parquet, zip,
    xml, inconnu. A gzip file gives the format of its content (``read_any`` decompresses it).
    """
    with open(path, "rb") as fh:
        head = fh.read(65_536)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_format(path)
    if head.startswith(_OLE2):
        return "xls"
    if head.startswith(_SQLITE):
        return "gpkg"
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"\x00\x00\x27\x0a"):
        return "shp"
    if head.startswith(_GZIP):
        inner = declared_name[:-3] if declared_name.lower().endswith(".gz") else declared_name
        try:
            with gzip.open(path, "rb") as gz:
                inner_head = gz.read(65_536)
        except (OSError, EOFError):
            return "inconnu"
        if inner_head.startswith(b"PAR1"):
            return "parquet"
        return _text_format(inner_head, inner)
    return _text_format(head, declared_name)


def is_gzip(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(2) == _GZIP
