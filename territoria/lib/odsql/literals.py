"""Conversion of ODSQL literal tokens (strings, numbers, distances, dates, geometries) to values."""

from __future__ import annotations

import datetime
import math
import re

from .errors import quote_excerpt

METERS_PER_UNIT = {
    "mm": 0.001,
    "cm": 0.01,
    "m": 1.0,
    "km": 1000.0,
    "ft": 0.3048,
    "yd": 0.9144,
    "mi": 1609.344,
}
_DISTANCE_RE = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]+)", re.IGNORECASE)
# ISO 8601 (time only after a full date) or YYYY[/MM[/DD]].
_DATE_RE = re.compile(
    r"(?P<y>\d{4})(?:(?P<sep>[-/])(?P<m>\d{1,2})(?:(?P=sep)(?P<d>\d{1,2})"
    r"(?:[T ]\d{1,2}(?::\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?)?)?",
    re.IGNORECASE,
)
_ESCAPE_RE = re.compile(r"\\(u[0-9a-fA-F]{4}|.)", re.DOTALL)
_SIMPLE_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "b": "\b",
    "f": "\f",
    '"': '"',
    "'": "'",
    "\\": "\\",
    "/": "/",
}

Value = str | int | float | bool | None


def unescape(body: str) -> str:
    """Resolve JSON-style backslash escapes (``\\"``, ``\\'``, ``\\\\``, ``\\n``, ``\\u00e9``...).

    Other escapes are kept as written, so ``like "a\\*"`` still tells a literal star apart.
    """

    def one(match: re.Match[str]) -> str:
        code = match.group(1)
        if code in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[code]
        if len(code) == 5:
            point = int(code[1:], 16)
            return match.group(0) if 0xD800 <= point <= 0xDFFF else chr(point)
        return match.group(0)

    return _ESCAPE_RE.sub(one, body)


def literal_value(terminal: str, text: str) -> tuple[Value, str]:
    """(value, kind) of a literal token; ValueError with a French reason if it is unusable."""
    if terminal == "STRING":
        return unescape(text[1:-1]), "string"
    if terminal == "NUMBER":
        return _number(text), "number"
    if terminal == "DISTANCE":
        return _distance(text), "distance"
    if terminal == "DATE":
        return _date(text[5:-1].strip()), "date"
    if terminal == "GEOM":
        if not text[5:-1].strip():
            raise ValueError("géométrie vide")
        return text[5:-1].strip(), "geometry"
    if terminal == "NULL":
        return None, "null"
    return terminal == "TRUE", "boolean"


def _number(text: str) -> int | float:
    try:
        value: int | float = float(text) if "." in text else int(text)
        finite = math.isfinite(value)  # OverflowError for an int beyond any float
    except (ValueError, OverflowError):  # more digits than int() or a float accepts
        finite = False
    if not finite:
        raise ValueError(f"nombre trop grand {quote_excerpt(text)}")
    return value


def _distance(text: str) -> float:
    match = _DISTANCE_RE.fullmatch(text)
    assert match is not None  # the grammar only lets well-formed distances through
    meters = float(match.group(1)) * METERS_PER_UNIT[match.group(2).lower()]
    if not math.isfinite(meters):
        raise ValueError(f"distance trop grande {quote_excerpt(text)}")
    return meters


def _date(value: str) -> str:
    match = _DATE_RE.fullmatch(value)
    try:
        if match is None:
            raise ValueError(value)
        datetime.date(int(match["y"]), int(match["m"] or 1), int(match["d"] or 1))
    except ValueError:
        formats = "AAAA, AAAA-MM-JJ[THH:MM[:SS]], AAAA/MM/JJ"
        raise ValueError(f"date invalide {quote_excerpt(value)} (formats : {formats})") from None
    return value
