"""Writing ODSQL text safely: field names and literal values quoted so that a value never changes the query's shape."""

from __future__ import annotations

import decimal
import json
import math
import re

SIMPLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
KEYWORDS = {"and", "or", "not", "null", "true", "false", "as", "asc", "desc", "in", "is", "like", "to"}


def field(name: str) -> str:
    """A field reference: bare when it is a plain name, back-quoted otherwise."""
    if SIMPLE_NAME.fullmatch(name) and name.lower() not in KEYWORDS:
        return name
    return "`" + name.replace("`", "\\`") + "`"


def string(text: str) -> str:
    """A string literal (JSON-style escapes, which ODSQL reads back)."""
    return json.dumps(text, ensure_ascii=False)


def number(value: float | int) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = repr(value)
    if "e" in text.lower():  # ODSQL numbers have no exponent
        text = format(decimal.Decimal(text), "f")
    return text


def date(text: str) -> str:
    """A date literal; ``text`` must already be checked (digits and separators only)."""
    if not re.fullmatch(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?", text):
        raise ValueError(text)
    return f"date'{text}'"


def both(*conditions: str) -> str:
    """Conditions joined with ``and``, each in parentheses; empty ones left out."""
    parts = [c.strip() for c in conditions if c and c.strip()]
    if len(parts) == 1:
        return parts[0]
    return " and ".join(f"({p})" for p in parts)
