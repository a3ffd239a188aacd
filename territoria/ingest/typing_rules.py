"""The rules of type inference, as constants and DuckDB SQL fragments (see territoria.ingest.typing).

Every value of a column gets one *class* (an integer, ``K_*``) from one SQL CASE expression; the
typing pass counts classes per column and :func:`decide` turns those counts into a column type.
The casts used to write the typed table reuse the same regular expressions, so what was counted
as fitting is exactly what gets converted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

# Values that mean "no value" (compared after trimming; whitespace-only values trim to "").
NULL_TOKENS: tuple[str, ...] = ("", "NA", "N/A", "n/a", "NULL", "null", "-", "—", "nd", "NR", "#N/A")

# Characters trimmed around every value: ASCII whitespace, no-break spaces, thin spaces, BOM.
WHITESPACE = " \t\n\r\v\f\u00a0\u202f\u2009\u2007\u200b\ufeff"
# Thousands separators inside numbers: space, no-break space, narrow no-break space, thin space.
THOUSANDS_SPACES = " \u00a0\u202f\u2009"

TRUE_WORDS: tuple[str, ...] = ("oui", "vrai", "true", "yes", "o")
FALSE_WORDS: tuple[str, ...] = ("non", "faux", "false", "no", "n")

# Name tokens (split on "_") that make a column a code kept as text whatever its values.
CODE_NAME_TOKENS = frozenset(
    {
        "code", "insee", "codeinsee", "codepostal", "codecommune", "cp", "postal", "siret", "siren",
        "rna", "tel", "telephone", "phone", "mobile", "portable", "fax", "iban", "nir", "finess", "uai",
    }
)  # fmt: skip
# Name tokens that allow a column holding only 0 and 1 to be boolean.
FLAG_NAME_TOKENS = frozenset(
    {
        "is", "has", "est", "flag", "bool", "booleen", "boolean", "actif", "active", "enabled",
        "indicateur", "top", "ok", "valide", "present", "presence", "gratuit", "accessible", "pmr",
    }
)  # fmt: skip

# Value classes. NULL is never counted; OTHER is what is left (non-null minus the rest).
K_NULL, K_BOOL, K_ZERO_ONE, K_INT, K_INT_SPACED, K_DOT_AMBIGUOUS, K_DOT_THOUSANDS = 0, 1, 2, 3, 4, 5, 6
K_DEC_POINT, K_DEC_COMMA, K_DATE, K_DATETIME, K_DATETIME_TZ, K_BAD_TEMPORAL, K_CORSE, K_OTHER = range(7, 15)
COUNTED_CLASSES = tuple(range(1, 14))
# Class codes (class_sql(coded=True)): class * CODE_CLASS + CODE_LEADING_ZERO? + length of an integer.
CODE_CLASS = 1000
CODE_LEADING_ZERO = 500

_SP = f"[{THOUSANDS_SPACES}]"
RE_INT = r"[+-]?[0-9]{1,18}"
RE_INT_SPACED = rf"[+-]?[0-9]{{1,3}}({_SP}[0-9]{{3}}){{1,5}}"
RE_DOT_AMBIGUOUS = r"[+-]?[0-9]{1,3}\.[0-9]{3}"  # "1.234": 1,234 (point mode) or 1234 (comma mode)
RE_DOT_THOUSANDS = r"[+-]?[0-9]{1,3}(\.[0-9]{3}){2,5}"  # "1.234.567": only thousands
RE_DEC_POINT = rf"[+-]?([0-9]+|[0-9]{{1,3}}({_SP}[0-9]{{3}})+)?\.[0-9]+([eE][+-]?[0-9]{{1,3}})?"
RE_DEC_COMMA = rf"[+-]?([0-9]+|[0-9]{{1,3}}([.{THOUSANDS_SPACES}][0-9]{{3}})+)?,[0-9]+"
# Cheap first test: only these characters appear in numbers, dates, datetimes and Corsican codes.
RE_GUARD = f"[0-9+.,-][0-9+.,/: TZeEAaBb{THOUSANDS_SPACES}-]*"
MAX_TYPED_BYTES = 64  # longer values are text without further tests
RE_LEADING_ZERO = r"^[+-]?0[0-9]"
RE_CORSE = r"2[AaBb][0-9]{0,3}"  # Corsican département / INSEE codes: 2A, 2B033, 2A004

# Date shapes (day first, as in France) and the strptime format of each.
DATE_SHAPES: tuple[tuple[str, str], ...] = (
    (r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}", "%Y-%m-%d"),
    (r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}", "%d/%m/%Y"),
    (r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{2}", "%d/%m/%y"),  # pivot: 69..99 -> 19xx, 00..68 -> 20xx
    (r"[0-9]{1,2}-[0-9]{1,2}-[0-9]{4}", "%d-%m-%Y"),
    (r"[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{4}", "%d.%m.%Y"),
    (r"[0-9]{4}/[0-9]{1,2}/[0-9]{1,2}", "%Y/%m/%d"),
)
RE_DATE_ANY = "|".join(f"({shape})" for shape, _ in DATE_SHAPES)
RE_ISO_DATETIME = r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}[T ][0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?"
RE_TZ_SUFFIX = r" ?(Z|[+-][0-9]{2}(:?[0-9]{2})?)"
RE_ISO_DATETIME_TZ = RE_ISO_DATETIME + RE_TZ_SUFFIX
RE_DMY_DATETIME = r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{4} [0-9]{1,2}:[0-9]{2}(:[0-9]{2})?"

TYPES = ("boolean", "integer", "decimal", "date", "datetime", "text")
SQL_TYPES = {
    "boolean": "BOOLEAN",
    "integer": "BIGINT",
    "decimal": "DOUBLE",
    "date": "DATE",
    "datetime": "TIMESTAMP",
    "text": "VARCHAR",
}
TYPE_LABELS_FR = {
    "boolean": "booléen (oui/non)",
    "integer": "nombre entier",
    "decimal": "nombre décimal",
    "date": "date",
    "datetime": "date et heure",
    "text": "texte",
}
MIXED_THRESHOLD = 0.9  # share of non-null values fitting a stricter type that triggers "mixed-types"


def lit(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def ident(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def _among(v: str, values: tuple[str, ...], *, lower: bool = False) -> str:
    """SQL: ``v`` (lower-cased first with ``lower``; ``values`` are lower-case then) is one of ``values``.

    list_contains(), not ``v IN (…)``: DuckDB turns a long IN list into a join, which is slower and
    loses the source order of the rows (the typed table must keep it).
    """
    longest = max(len(x.encode()) for x in values)  # strlen() is free: most values skip the list
    item = f"lower({v})" if lower else v
    return f"(strlen({v}) <= {longest} AND list_contains([{', '.join(lit(x) for x in values)}], {item}))"


def _full(v: str, pattern: str) -> str:
    return f"regexp_full_match({v}, {lit(pattern)})"


def aggregate(con: Any, aggs: dict[str, str], source: str) -> dict[str, Any]:
    """Run one aggregate query (one pass over ``source``); counts over no rows read as 0, not NULL."""
    select = ", ".join(f"{sql} AS {ident(key)}" for key, sql in aggs.items())
    row = con.execute(f"SELECT {select} FROM {source}").fetchone()  # noqa: S608 (ident/lit-quoted parts)
    return {
        k: (0 if v is None and sql.startswith("count") else v) for (k, sql), v in zip(aggs.items(), row, strict=True)
    }


def name_tokens(name: str) -> list[str]:
    return [t for t in re.split(r"[^a-z0-9]+", name.lower()) if t]


def trimmed_sql(c: str) -> str:
    """A column without surrounding whitespace.

    trim() is twice as fast as a regular expression on short values but slow on long text: short values
    are trimmed outright, long ones only when an edge is a space.
    """
    edges = lit(f"^[{WHITESPACE}]|[{WHITESPACE}]$")
    trim = f"trim({c}, {lit(WHITESPACE)})"
    return (
        f"CASE WHEN strlen({c}) <= {MAX_TYPED_BYTES} THEN {trim}"
        f" WHEN regexp_matches({c}, {edges}) THEN {trim} ELSE {c} END"
    )


def nulled_sql(c: str) -> str:
    """A trimmed column with NULL for null tokens."""
    return f"CASE WHEN {_among(c, NULL_TOKENS)} THEN NULL ELSE {c} END"


def date_sql(v: str) -> str:
    """DATE of a date-shaped value, NULL when impossible (31/02) or not date-shaped."""
    whens = " ".join(f"WHEN {_full(v, shape)} THEN try_strptime({v}, {lit(fmt)})" for shape, fmt in DATE_SHAPES)
    return f"CAST(CASE {whens} END AS DATE)"


def datetime_tz_sql(v: str) -> str:
    """TIMESTAMPTZ of an ISO value with an offset: 'Z', '+02', '+0200', '+02:00', seconds optional."""
    s = f"regexp_replace({v}, ' ([+-][0-9]{{2}}(:?[0-9]{{2}})?|Z)$', '\\1')"
    s = f"regexp_replace({s}, 'Z$', '+00:00')"
    s = f"regexp_replace({s}, '([+-][0-9]{{2}})$', '\\1:00')"
    s = f"regexp_replace({s}, '([+-][0-9]{{2}})([0-9]{{2}})$', '\\1:\\2')"
    s = f"regexp_replace({s}, '^([0-9-]+[T ][0-9]{{1,2}}:[0-9]{{2}})([+-])', '\\1:00\\2')"
    return f"TRY_CAST({s} AS TIMESTAMPTZ)"


def datetime_naive_sql(v: str) -> str:
    return (
        f"CASE WHEN {_full(v, RE_ISO_DATETIME)} THEN TRY_CAST({v} AS TIMESTAMP)"
        f" WHEN {_full(v, RE_DMY_DATETIME)} THEN coalesce(try_strptime({v}, '%d/%m/%Y %H:%M:%S'),"
        f" try_strptime({v}, '%d/%m/%Y %H:%M')) END"
    )


def class_sql(v: str, *, coded: bool = False) -> str:
    """The class (K_*) of a normalized value.

    With ``coded``, a *class code* instead (see :func:`decode_classes`): ``class * CODE_CLASS``, plus
    ``CODE_LEADING_ZERO`` for a number-like value with a leading zero, plus the length of a K_INT value.
    The typing pass counts codes with one ``histogram()`` per column, so the expression is evaluated
    once per value instead of once per counted figure.
    """

    def k(cls: int) -> str:
        if not coded:
            return str(cls)
        code = str(cls * CODE_CLASS)
        if K_ZERO_ONE <= cls <= K_DEC_COMMA:
            code += f" + CASE WHEN regexp_matches({v}, {lit(RE_LEADING_ZERO)}) THEN {CODE_LEADING_ZERO} ELSE 0 END"
        if cls == K_INT:
            code += f" + length({v})"
        return code

    return (
        f"CASE WHEN {v} IS NULL THEN {k(K_NULL)}"
        f" WHEN strlen({v}) > {MAX_TYPED_BYTES} THEN {k(K_OTHER)}"
        f" WHEN {_among(v, TRUE_WORDS + FALSE_WORDS, lower=True)} THEN {k(K_BOOL)}"
        f" WHEN {_among(v, ('0', '1'))} THEN {k(K_ZERO_ONE)}"
        f" WHEN NOT {_full(v, RE_GUARD)} THEN {k(K_OTHER)}"
        f" WHEN {_full(v, RE_INT)} THEN {k(K_INT)}"
        f" WHEN {_full(v, RE_INT_SPACED)} THEN {k(K_INT_SPACED)}"
        f" WHEN {_full(v, RE_DOT_AMBIGUOUS)} THEN {k(K_DOT_AMBIGUOUS)}"
        f" WHEN {_full(v, RE_DOT_THOUSANDS)} THEN {k(K_DOT_THOUSANDS)}"
        f" WHEN {_full(v, RE_DEC_POINT)} THEN {k(K_DEC_POINT)}"
        f" WHEN {_full(v, RE_DEC_COMMA)} THEN {k(K_DEC_COMMA)}"
        f" WHEN {_full(v, RE_DATE_ANY)} THEN"
        f" CASE WHEN {date_sql(v)} IS NULL THEN {k(K_BAD_TEMPORAL)} ELSE {k(K_DATE)} END"
        f" WHEN {_full(v, RE_ISO_DATETIME_TZ)} THEN"
        f" CASE WHEN {datetime_tz_sql(v)} IS NULL THEN {k(K_BAD_TEMPORAL)} ELSE {k(K_DATETIME_TZ)} END"
        f" WHEN {_full(v, RE_ISO_DATETIME + '|' + RE_DMY_DATETIME)} THEN"
        f" CASE WHEN ({datetime_naive_sql(v)}) IS NULL THEN {k(K_BAD_TEMPORAL)} ELSE {k(K_DATETIME)} END"
        f" WHEN {_full(v, RE_CORSE)} THEN {k(K_CORSE)}"
        f" ELSE {k(K_OTHER)} END"
    )


@dataclass
class ColumnStats:
    """What the typing pass counted for one column."""

    non_null: int
    classes: dict[int, int]  # K_* -> count (K_OTHER included)
    leading_zeros: int = 0
    int_len_min: int | None = None
    int_len_max: int | None = None


def decode_classes(non_null: int, histogram: dict[int, int] | None) -> ColumnStats:
    """The ColumnStats of a column from the histogram of its class codes (``class_sql(v, coded=True)``)."""
    classes = dict.fromkeys(COUNTED_CLASSES, 0)
    leading_zeros = 0
    lengths: list[int] = []
    for code, count in (histogram or {}).items():
        cls, extra = divmod(int(code), CODE_CLASS)
        if cls in classes:
            classes[cls] += int(count)
        if extra >= CODE_LEADING_ZERO:
            leading_zeros += int(count)
            extra -= CODE_LEADING_ZERO
        if cls == K_INT:
            lengths.append(extra)
    classes[K_OTHER] = non_null - sum(classes.values())
    return ColumnStats(
        non_null, classes, leading_zeros, min(lengths) if lengths else None, max(lengths) if lengths else None
    )


@dataclass
class Decision:
    type: str  # one of TYPES
    comma_decimal: bool = False
    timezone: bool = False  # datetime with offsets -> TIMESTAMPTZ
    details: dict[str, Any] = field(default_factory=dict)
    mixed: str | None = None  # dominant stricter type when the column fell back to text
    fitting: int = 0  # values fitting the dominant type
    fit_classes: tuple[int, ...] = ()  # classes that fit the dominant type (for examples of misfits)


def fits(stats: ColumnStats, *, flag: bool) -> tuple[bool, dict[str, tuple[int, tuple[int, ...]]]]:
    """Decimal mode and, per candidate type, how many values fit it and through which classes."""
    c = stats.classes.get
    comma = c(K_DEC_COMMA, 0) + c(K_DOT_THOUSANDS, 0) > c(K_DEC_POINT, 0)
    int_classes = (K_ZERO_ONE, K_INT, K_INT_SPACED) + ((K_DOT_AMBIGUOUS, K_DOT_THOUSANDS) if comma else ())
    dec_extra = (K_DEC_COMMA,) if comma else (K_DOT_AMBIGUOUS, K_DEC_POINT)
    candidates = {
        "boolean": (K_BOOL, K_ZERO_ONE) if flag else (K_BOOL,),
        "integer": int_classes,
        "decimal": int_classes + dec_extra,
        "date": (K_DATE,),
        "datetime": (K_DATE, K_DATETIME, K_DATETIME_TZ),
    }
    return comma, {t: (sum(c(k, 0) for k in ks), ks) for t, ks in candidates.items()}


def decide(name: str, stats: ColumnStats) -> Decision:
    """The narrowest type every non-null value fits, then the code rules (text with leading zeros)."""
    tokens = set(name_tokens(name))
    c = stats.classes.get
    nn = stats.non_null
    flag = bool(tokens & FLAG_NAME_TOKENS)
    comma, fit = fits(stats, flag=flag)
    chosen = "text"
    if nn and (c(K_BOOL, 0) == nn or (flag and c(K_ZERO_ONE, 0) == nn)):
        chosen = "boolean"  # 0/1 only with a flag-like name, and never mixed with words
    elif nn:
        chosen = next((t for t in ("integer", "decimal", "date", "datetime") if fit[t][0] == nn), "text")
    dominant = None
    if chosen == "text" and nn:
        dominant = max(("boolean", "integer", "decimal", "date", "datetime"), key=lambda t: fit[t][0])
        if fit[dominant][0] < MIXED_THRESHOLD * nn or fit[dominant][0] == 0:
            dominant = None
    numeric_like = chosen in ("integer", "decimal") or dominant in ("integer", "decimal")
    code_rule = None
    if tokens & CODE_NAME_TOKENS and chosen not in ("boolean", "date", "datetime"):
        code_rule = "name"
    elif numeric_like and stats.leading_zeros:
        code_rule = "leading-zeros"
    elif chosen == "integer" and c(K_INT, 0) == nn and stats.int_len_min == stats.int_len_max in (9, 14):
        code_rule = "siren" if stats.int_len_min == 9 else "siret"
    elif c(K_CORSE, 0) and c(K_CORSE, 0) + c(K_INT, 0) + c(K_ZERO_ONE, 0) == nn:
        code_rule = "corse"
    if code_rule:
        return Decision("text", details={"reason": "code", "code_rule": code_rule})
    decision = Decision(chosen, comma_decimal=comma and numeric_like)
    if chosen == "datetime":
        decision.timezone = c(K_DATETIME_TZ, 0) > 0
        if decision.timezone and c(K_DATE, 0) + c(K_DATETIME, 0):
            decision.details["naive_values"] = "UTC"  # values without offset read as UTC
    if numeric_like:
        decision.details["decimal_mark"] = "," if comma else "."
    if dominant:
        decision.mixed = dominant
        decision.fitting, decision.fit_classes = fit[dominant]
    return decision


def typed_sql(v: str, d: Decision) -> str:
    """SQL converting a normalized value to the decided type (NULL where it does not fit)."""
    if d.type == "boolean":
        true, false = _among(v, TRUE_WORDS + ("1",), lower=True), _among(v, FALSE_WORDS + ("0",), lower=True)
        return f"CASE WHEN {true} THEN TRUE WHEN {false} THEN FALSE END"
    if d.type in ("integer", "decimal"):
        spaces = THOUSANDS_SPACES
        clean = (
            f"translate({v}, {lit(',.' + spaces)}, '.')" if d.comma_decimal else f"translate({v}, {lit(spaces)}, '')"
        )
        return f"TRY_CAST({clean} AS {SQL_TYPES[d.type]})"
    if d.type == "date":
        return date_sql(v)
    if d.type == "datetime":
        target = "TIMESTAMPTZ" if d.timezone else "TIMESTAMP"
        with_tz = f"WHEN {_full(v, RE_ISO_DATETIME_TZ)} THEN {datetime_tz_sql(v)}" if d.timezone else ""
        return (
            f"CASE {with_tz} WHEN {_full(v, RE_DATE_ANY)} THEN CAST({date_sql(v)} AS {target})"
            f" ELSE CAST(({datetime_naive_sql(v)}) AS {target}) END"
        )
    return v
