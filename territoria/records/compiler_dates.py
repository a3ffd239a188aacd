"""Dates in ODSQL: literals, ``year``/``month``/``day``/``hour``/``minute``/``second``, ``date_format``, ``now``,
and the request's ``timezone``.

As Opendatasoft does, date-times are instants: a ``datetime`` column without an offset holds UTC. Date functions,
``date_format`` and grouping see them as wall-clock time in the request's time zone (UTC by default), and a date
literal compared with a date-time column is midnight in that zone. ``date`` columns are calendar days, the same in
every zone. The zone name travels as a ``?`` parameter, like every value.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from typing import Any, Protocol

from territoria.lib import odsql
from territoria.lib.odsql import Call, Expr, Field, Literal, Node

SQL = tuple[str, list[Any]]
DATE_KINDS = {"date", "datetime"}
PARTS = {"year", "month", "day", "hour", "minute", "second"}
# Java/ODS date patterns → strftime; anything else in a pattern is refused.
DATE_TOKENS = {"yyyy": "%Y", "YYYY": "%Y", "yy": "%y", "MM": "%m", "dd": "%d", "HH": "%H", "mm": "%M", "ss": "%S"}
DATE_SEPARATORS = set("-/ :T.")
_TOKEN_RE = re.compile(r"yyyy|YYYY|yy|MM|dd|HH|mm|ss|.", re.DOTALL)


class Dates(Protocol):
    timezone: str

    def kind_of(self, node: Expr) -> str | None: ...

    def expr(self, node: Expr, clause: str, aggregates: bool = False) -> SQL: ...


def _error(clause: str, reason: str, node: Node | None = None) -> odsql.OdsqlError:
    return odsql.OdsqlError(clause, reason, node.pos if node is not None and node.pos else None)


def parse_date(text: str) -> dt.date | dt.datetime:
    """A date literal's value: YYYY, YYYY-MM, YYYY/MM/DD, or ISO 8601 with a time and an optional offset."""
    value = text.strip().replace("/", "-")
    parts = value.split("-")
    if len(parts) == 1 and value.isdigit():
        return dt.date(int(value), 1, 1)
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        return dt.date(int(parts[0]), int(parts[1]), 1)
    if len(value) <= 10:
        return dt.date.fromisoformat(value)
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


UTC_NAMES = frozenset({"UTC", "Etc/UTC", "GMT", "Etc/GMT", "Z"})


def date_value(node: Literal, clause: str, partner: str | None, timezone: str) -> dt.date | dt.datetime:
    """The parameter for a date literal; beside a date-time column it is an instant in the request's zone."""
    try:
        value = parse_date(str(node.value))
    except ValueError:
        raise _error(clause, "date invalide", node) from None
    if partner != "datetime":
        return value
    zone = zoneinfo.ZoneInfo(timezone)
    if not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day, tzinfo=zone)
    return value if value.tzinfo is not None else value.replace(tzinfo=zone)


def local(sql: str, params: list[Any], kind: str | None, timezone: str) -> SQL:
    """An expression's wall-clock value in ``timezone`` when it is a date-time (dates are left as they are)."""
    if kind != "datetime" or timezone in UTC_NAMES:
        # The engine's session runs in UTC: a UTC wall clock is the value itself, with no per-row conversion
        # (which costs ten times the query on a million rows).
        return sql, params
    return f"timezone(?, CAST({sql} AS TIMESTAMPTZ))", [timezone, *params]


def _date_argument(node: Call, clause: str, compiler: Dates) -> SQL:
    arg = node.args[0]
    kind = compiler.kind_of(arg)
    if not (isinstance(arg, Field | Call) and kind in DATE_KINDS):
        raise _error(clause, f"{node.name}() attend un champ date ou date et heure", arg)
    sql, params = compiler.expr(arg, clause)
    return local(sql, params, kind, compiler.timezone)


def part(node: Call, clause: str, compiler: Dates) -> SQL:
    """``year(d)``, ``month(d)``… as integers, in the request's time zone."""
    sql, params = _date_argument(node, clause, compiler)
    return f"{node.name}({sql})", params


def date_format(node: Call, clause: str, compiler: Dates) -> SQL:
    """``date_format(d, 'yyyy-MM')``: only the known pattern letters and separators are accepted."""
    sql, params = _date_argument(node, clause, compiler)
    pattern = node.args[1]
    if not (isinstance(pattern, Literal) and pattern.kind == "string"):
        raise _error(clause, "date_format() attend un motif entre guillemets, ex. 'yyyy-MM'", pattern)
    out = []
    for token in _TOKEN_RE.findall(str(pattern.value)):
        if token in DATE_TOKENS:
            out.append(DATE_TOKENS[token])
        elif token in DATE_SEPARATORS:
            out.append(token)
        else:
            raise _error(clause, f"date_format() : motif non pris en charge « {token[:10]} »", pattern)
    if not out:
        raise _error(clause, "date_format() : motif vide", pattern)
    return f"strftime({sql}, ?)", [*params, "".join(out)]
