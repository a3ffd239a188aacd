"""ODSQL errors, with French messages a person can act on."""

from __future__ import annotations

from collections.abc import Iterable


class OdsqlError(ValueError):
    """An ODSQL clause could not be parsed.

    Attributes: ``clause`` ("where", "select", "group_by", "order_by", "refine"...),
    ``position`` (1-based character index in the clause, or None), ``expected`` (French
    descriptions of what would have been accepted there), ``reason`` (the message core), ``hint``
    (a suggestion shown after the position, e.g. "vouliez-vous dire « commune » ?") and ``message``
    (the full French message, also ``str(error)``).
    """

    def __init__(
        self,
        clause: str,
        reason: str,
        position: int | None = None,
        expected: Iterable[str] = (),
        hint: str = "",
    ) -> None:
        self.clause = clause
        self.hint = hint
        self.reason = reason
        self.position = position
        self.expected = list(expected)
        message = f"{clause} : {reason}"
        if position is not None:
            message += f" à la position {position}"
        if hint:
            message += f" ; {hint}"
        elif self.expected:
            message += " ; attendu : " + ", ".join(self.expected)
        self.message = message
        super().__init__(message)

    def __reduce__(self) -> tuple[type[OdsqlError], tuple[str, str, int | None, list[str], str]]:
        return type(self), (self.clause, self.reason, self.position, self.expected, self.hint)


# French description of each grammar terminal, in the order they are listed to the user.
TERMINAL_DESCRIPTIONS: dict[str, str] = {
    "NAME": "un nom de champ",
    "BQNAME": "un nom de champ",
    "STRING": "une chaîne entre guillemets",
    "NUMBER": "un nombre",
    "DISTANCE": "une distance (ex. 5km)",
    "DATE": "une date (date'AAAA-MM-JJ')",
    "GEOM": "une géométrie (geom'…')",
    "TRUE": "« true »",
    "FALSE": "« false »",
    "NULL": "« null »",
    "COMP_OP": "un opérateur de comparaison (= != < > <= >=)",
    "PLUS": "« + »",
    "MINUS": "« - »",
    "STAR": "« * »",
    "SLASH": "« / »",
    "NOT": "« not »",
    "_AND": "« and »",
    "_OR": "« or »",
    "_IS": "« is »",
    "_IN": "« in »",
    "_LIKE": "« like »",
    "_AS": "« as »",
    "_TO": "« to »",
    "ASC": "« asc »",
    "DESC": "« desc »",
    "_LPAR": "« ( »",
    "_RPAR": "« ) »",
    "LSQB": "« [ »",
    "RSQB": "« ] »",
    "_COMMA": "« , »",
    "_DOTDOT": "« .. »",
    "$END": "la fin de la clause",
}

_VALUES = frozenset({"STRING", "NUMBER", "DISTANCE", "DATE", "GEOM", "TRUE", "FALSE", "NULL"})
_ARITHMETIC = frozenset({"PLUS", "MINUS", "STAR", "SLASH"})


def describe_expected(terminals: Iterable[str]) -> list[str]:
    """French descriptions for a set of terminal names, grouped and de-duplicated.

    Several literal kinds collapse into "une valeur", the four arithmetic operators into
    "un opérateur arithmétique"; unknown names are dropped rather than shown.
    """
    names = set(terminals)
    groups: dict[str, str] = {}
    if len(names & _VALUES) >= 3:
        groups.update(dict.fromkeys(_VALUES, "une valeur"))
    if names >= _ARITHMETIC:
        groups.update(dict.fromkeys(_ARITHMETIC, "un opérateur arithmétique (+ - * /)"))
    result: list[str] = []
    for name, description in TERMINAL_DESCRIPTIONS.items():
        text = groups.get(name, description)
        if name in names and text not in result:
            result.append(text)
    return result


def quote_excerpt(text: str, limit: int = 30) -> str:
    """``text`` between French quotes, on one line and shortened to ``limit`` characters."""
    flat = " ".join(text.split()) or text
    if len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    return f"« {flat} »"
