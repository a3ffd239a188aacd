"""Small helpers to write French messages: numbers, percentages, lists of rows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

NBSP = "\u00a0"  # espace insécable, avant « % » et entre les milliers


def num(n: int) -> str:
    """1234567 -> "1 234 567" (espaces insécables, à la française)."""
    return f"{n:,}".replace(",", NBSP)


def pct(share: float) -> str:
    """0.8437 -> "84 %"; small but non-zero shares keep one decimal ("0,4 %")."""
    value = share * 100
    if 0 < value < 1 or (99 < value < 100):
        return f"{value:.1f}".replace(".", ",") + NBSP + "%"
    return f"{round(value)}{NBSP}%"


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """plural(3, "ligne") -> "3 lignes"; plural(1, "valeur") -> "1 valeur"."""
    word = singular if n == 1 else (plural_form or singular + "s")
    return f"{num(n)} {word}"


def join(items: Iterable[str]) -> str:
    """["a", "b", "c"] -> "a, b et c"."""
    items = list(items)
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " et " + items[-1]


def rows(numbers: Sequence[int], total: int | None = None) -> str:
    """[3, 7, 12] -> "3, 7 et 12"; with total > len(numbers): "3, 7, 12…"."""
    shown = [num(n) for n in numbers]
    if total is not None and total > len(numbers):
        return ", ".join(shown) + "…"
    return join(shown)


def quote(text: str, limit: int = 60) -> str:
    """Guillemets français around a value, shortened when long."""
    text = text.replace("\n", " ").replace("\r", " ")
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"« {text} »"
