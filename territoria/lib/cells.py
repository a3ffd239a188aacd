"""Spreadsheet-safe cells: text a spreadsheet would run as a formula is kept as text (framework-free)."""

from __future__ import annotations

import json
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@")


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


def protect_text(value: str | None) -> str | None:
    """:func:`protect_cell` of a text value, None kept (the csv module writes None as an empty cell)."""
    if value is not None and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
