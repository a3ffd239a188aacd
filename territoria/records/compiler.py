"""Compile the ODSQL AST into parameterised DuckDB SQL over one published version.

Every field is checked against the version's columns, every function against a whitelist,
identifiers are quoted only when they are known column names, and every literal value goes
through a ``?`` parameter: no user text is ever pasted into SQL.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from territoria.lib import odsql
from territoria.lib.odsql import (
    And,
    Arith,
    Call,
    Compare,
    Expr,
    Field,
    GroupItem,
    In,
    IsNull,
    Like,
    Literal,
    Neg,
    Node,
    Not,
    Or,
    Range,
    Refine,
    SelectItem,
    Star,
    TextSearch,
)
from territoria.lib.odsql.ast import children

ROW_ID = "_row"
MAX_INT = 2**63 - 1
AGGREGATES = {"count", "avg", "sum", "min", "max", "median", "percentile"}
SCALARS = {"year", "month", "day", "now"}
PREDICATES = {"search", "startswith", "in_bbox", "within_distance"}
GROUP_FUNCTIONS = {"year", "month", "day", "date_format", "range"}
FACET_TYPES = {"text", "integer", "boolean", "date"}
EARTH_RADIUS_M = 6_371_008.8
# Java/ODS date patterns → strftime; anything else in a pattern is refused.
DATE_TOKENS = {"yyyy": "%Y", "yy": "%y", "MM": "%m", "dd": "%d", "HH": "%H", "mm": "%M", "ss": "%S"}
DATE_SEPARATORS = set("-/ :T.")

SQL = tuple[str, list[Any]]


@dataclass
class Compiled:
    """A query ready for the engine: the data query, the count query, and output names.

    When rows come in ``_id`` order (no order_by, no aggregate), ``window_sql`` is the same query restricted to
    ``_row > ? AND _row <= ?``; those two parameters sit at ``window_at`` and ``window_at + 1`` of
    ``window_params`` (set by the engine). See engine.py for how windows are used.
    """

    sql: str
    params: list[Any]
    count_sql: str
    count_params: list[Any]
    names: list[str]  # output name of each SQL column c0, c1... (after the row id when has_id)
    has_id: bool
    types: list[str | None] = field(default_factory=list)
    path: str = ""  # the version's Parquet file
    limit: int | None = None
    offset: int = 0
    filtered: bool = False  # where, refine or exclude restrict the rows
    window_sql: str = ""
    window_params: list[Any] = field(default_factory=list)
    window_at: int = -1


def _error(clause: str, reason: str, node: Node | None = None, expected: Sequence[str] = ()) -> odsql.OdsqlError:
    position = node.pos if node is not None and node.pos else None
    return odsql.OdsqlError(clause, reason, position, expected)


def render(node: Node) -> str:
    """A readable text for an expression, used as an output name when there is no alias."""
    if isinstance(node, Field):
        return node.name
    if isinstance(node, Star):
        return "*"
    if isinstance(node, Literal):
        return node.text or repr(node.value)
    if isinstance(node, Call):
        return f"{node.name}({', '.join(render(a) for a in node.args)})"
    if isinstance(node, Arith):
        return f"{render(node.left)} {node.op} {render(node.right)}"
    if isinstance(node, Neg):
        return f"-{render(node.operand)}"
    return type(node).__name__.lower()


def _parse_date(text: str) -> dt.date | dt.datetime:
    value = text.strip().replace("/", "-")
    parts = value.split("-")
    if len(parts) == 1 and value.isdigit():
        return dt.date(int(value), 1, 1)
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        return dt.date(int(parts[0]), int(parts[1]), 1)
    if len(value) <= 10:
        return dt.date.fromisoformat(value)
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class Compiler:
    def __init__(self, columns: list[dict[str, Any]]) -> None:
        self.types: dict[str, str] = {c["name"]: c.get("type", "text") for c in columns if c["name"] != ROW_ID}
        self.order: list[str] = [c["name"] for c in columns if c["name"] != ROW_ID]
        self.aliases: dict[str, SQL] = {}
        self.groups: dict[Node, str] = {}  # group_by expression → its generated column in the subquery

    # --- identifiers -----------------------------------------------------------------------
    def ident(self, name: str) -> str:
        """Quote a column name; only names of the version's columns are accepted."""
        if name not in self.types:
            raise KeyError(name)
        return '"' + name.replace('"', '""') + '"'

    def column(self, node: Field, clause: str) -> str:
        if node.name not in self.types:
            reason = f"champ inconnu « {node.name[:60]} »"
            close = difflib.get_close_matches(node.name, list(self.types) + list(self.aliases), n=1)
            if close:
                reason += f" ; vouliez-vous dire « {close[0]} » ?"
            raise _error(clause, reason, node, [f"un champ parmi : {', '.join(self.order[:30])}"])
        return self.ident(node.name)

    def _typed_field(self, node: Expr, clause: str, kinds: set[str], what: str) -> tuple[str, str]:
        if not isinstance(node, Field):
            raise _error(clause, f"{what} attend un nom de champ", node)
        sql = self.column(node, clause)
        if self.types[node.name] not in kinds:
            raise _error(clause, f"{what} : le champ « {node.name} » n'est pas du bon type", node)
        return sql, node.name

    # --- expressions -----------------------------------------------------------------------
    def literal(self, node: Literal, clause: str) -> SQL:
        if node.kind == "date":
            try:
                return "?", [_parse_date(str(node.value))]
            except ValueError:
                raise _error(clause, "date invalide", node) from None
        if node.kind in {"geometry", "distance"}:
            raise _error(clause, "une géométrie ou une distance n'est permise que dans within_distance()", node)
        if node.kind == "null":
            return "NULL", []
        if isinstance(node.value, float) and not math.isfinite(node.value):
            raise _error(clause, "nombre invalide", node)
        if isinstance(node.value, int) and not isinstance(node.value, bool) and abs(node.value) > MAX_INT:
            raise _error(clause, "nombre trop grand", node)
        return "?", [node.value]

    def expr(self, node: Expr, clause: str, aggregates: bool = False) -> SQL:
        if node in self.groups:
            return self.groups[node], []
        if isinstance(node, Literal):
            return self.literal(node, clause)
        if isinstance(node, Field):
            if node.name in self.aliases and node.name not in self.types:
                return self.aliases[node.name]
            return self.column(node, clause), []
        if isinstance(node, Arith):
            if node.op not in {"+", "-", "*", "/"}:
                raise _error(clause, "opérateur inconnu", node)
            left, lp = self.expr(node.left, clause, aggregates)
            right, rp = self.expr(node.right, clause, aggregates)
            return f"({left} {node.op} {right})", lp + rp
        if isinstance(node, Neg):
            inner, params = self.expr(node.operand, clause, aggregates)
            return f"(-{inner})", params
        if isinstance(node, Call):
            return self.call(node, clause, aggregates)
        if isinstance(node, Star):
            raise _error(clause, "« * » n'est permis que seul dans select ou dans count(*)", node)
        return self.condition(node, clause)

    def call(self, node: Call, clause: str, aggregates: bool) -> SQL:
        name = node.name
        if name in AGGREGATES:
            if not aggregates:
                if clause == "order_by":
                    reason = f"trier sur {name}() demande un agrégat dans select ou un group_by"
                else:
                    reason = f"la fonction d'agrégation {name}() n'est permise que dans select et order_by"
                raise _error(clause, reason, node)
            if name == "count" and isinstance(node.args[0], Star):
                return "count(*)", []
            arg, params = self.expr(node.args[0], clause)
            if name == "percentile":
                p = node.args[1]
                if not (isinstance(p, Literal) and p.kind == "number" and 0 <= float(p.value or 0) <= 100):
                    raise _error(clause, "percentile() attend un pourcentage entre 0 et 100", p)
                return f"quantile_cont({arg}, ?)", [*params, float(p.value) / 100]  # type: ignore[arg-type]
            function = {"median": "median", "count": "count"}.get(name, name)
            return f"{function}({arg})", params
        if name == "now":
            return "now()", []
        if name in {"year", "month", "day"}:
            arg, params = self.expr(node.args[0], clause, aggregates)
            return f"{name}({arg})", params
        if name in PREDICATES:
            return self.predicate(node, clause)
        if name in {"date_format", "range"} and clause == "group_by":
            return self.group_function(node, clause)
        known = sorted(AGGREGATES | SCALARS | PREDICATES | GROUP_FUNCTIONS)
        reason = f"fonction non prise en charge « {name[:40]} »"
        close = difflib.get_close_matches(name, known, n=1)
        if close:
            reason += f" ; vouliez-vous dire « {close[0]} » ?"
        raise _error(clause, reason, node, [f"une fonction parmi : {', '.join(known)}"])

    def group_function(self, node: Call, clause: str) -> SQL:
        if node.name == "range":
            arg, params = self.expr(node.args[0], clause)
            step = node.args[1]
            if not (isinstance(step, Literal) and step.kind == "number" and float(step.value or 0) > 0):
                raise _error(clause, "range() attend un pas numérique positif", step)
            return f"(floor({arg} / ?) * ?)", [*params, step.value, step.value]
        arg, params = self.expr(node.args[0], clause)
        pattern = node.args[1]
        if not (isinstance(pattern, Literal) and pattern.kind == "string"):
            raise _error(clause, "date_format() attend un motif entre guillemets, ex. 'yyyy-MM'", pattern)
        out = []
        for token in re.findall(r"yyyy|yy|MM|dd|HH|mm|ss|.", str(pattern.value)):
            if token in DATE_TOKENS:
                out.append(DATE_TOKENS[token])
            elif token in DATE_SEPARATORS:
                out.append(token)
            else:
                raise _error(clause, f"date_format() : motif non pris en charge « {token} »", pattern)
        return f"strftime({arg}, ?)", [*params, "".join(out)]

    def predicate(self, node: Call, clause: str) -> SQL:
        args = node.args
        if clause not in {"where"}:
            raise _error(clause, f"{node.name}() n'est permise que dans where", node)
        if node.name in {"search", "startswith"}:
            text = args[-1]
            if not (isinstance(text, Literal) and text.kind == "string"):
                raise _error(clause, f"{node.name}() attend un texte entre guillemets en dernier argument", text)
            targets = [self._typed_field(a, clause, {"text"}, node.name)[0] for a in args[:-1]]
            if not targets:
                targets = [self.ident(n) for n, t in self.types.items() if t == "text"]
            if node.name == "search":
                return self.text_search(str(text.value), targets)
            parts = [f"starts_with(strip_accents(lower({t})), strip_accents(lower(?)))" for t in targets]
            return "(" + (" OR ".join(parts) or "FALSE") + ")", [text.value] * len(targets)
        geo, _ = self._typed_field(args[0], clause, {"geo_point"}, node.name)
        lat, lon = f"struct_extract({geo}, 'lat')", f"struct_extract({geo}, 'lon')"
        if node.name == "in_bbox":
            values = []
            for arg in args[1:]:
                if not (isinstance(arg, Literal) and arg.kind == "number"):
                    raise _error(clause, "in_bbox() attend quatre nombres : lat1, lon1, lat2, lon2", arg)
                values.append(float(arg.value))  # type: ignore[arg-type]
            lat1, lon1, lat2, lon2 = values
            return (
                f"({lat} BETWEEN ? AND ? AND {lon} BETWEEN ? AND ?)",
                [min(lat1, lat2), max(lat1, lat2), min(lon1, lon2), max(lon1, lon2)],
            )
        point, distance = args[1], args[2]
        if not (isinstance(point, Literal) and point.kind == "geometry"):
            raise _error(clause, "within_distance() attend geom'POINT(lon lat)' en deuxième argument", point)
        match = re.fullmatch(
            r"\s*POINT\s*\(\s*(-?\d+(?:\.\d+)?)\s+(-?\d+(?:\.\d+)?)\s*\)\s*", str(point.value), re.IGNORECASE
        )
        if match is None:
            raise _error(clause, "within_distance() : seul geom'POINT(lon lat)' est pris en charge", point)
        plon, plat = float(match.group(1)), float(match.group(2))
        if not (-180 <= plon <= 180 and -90 <= plat <= 90):
            raise _error(clause, "within_distance() : coordonnées hors limites", point)
        if not (isinstance(distance, Literal) and distance.kind in {"distance", "number"}):
            raise _error(clause, "within_distance() attend une distance, ex. 5km", distance)
        meters = float(distance.value)  # type: ignore[arg-type]
        if not (0 <= meters <= 20_000_000):
            raise _error(clause, "within_distance() : distance hors limites", distance)
        dlat = math.degrees(meters / EARTH_RADIUS_M)
        dlon = dlat / max(math.cos(math.radians(min(abs(plat) + dlat, 89.9))), 1e-6)
        haversine = (
            f"2 * {EARTH_RADIUS_M} * asin(sqrt(pow(sin(radians({lat} - ?) / 2), 2)"
            f" + cos(radians(?)) * cos(radians({lat})) * pow(sin(radians({lon} - ?) / 2), 2)))"
        )
        return (
            f"({lat} BETWEEN ? AND ? AND {lon} BETWEEN ? AND ? AND {haversine} <= ?)",
            [plat - dlat, plat + dlat, plon - dlon, plon + dlon, plat, plat, plon, meters],
        )

    def text_search(self, text: str, targets: list[str]) -> SQL:
        if not targets:
            return "FALSE", []
        pattern = "%" + _like_escape(text) + "%"
        parts = [f"strip_accents(lower({t})) LIKE strip_accents(lower(?)) ESCAPE '\\'" for t in targets]
        return "(" + " OR ".join(parts) + ")", [pattern] * len(targets)

    def condition(self, node: Expr, clause: str) -> SQL:
        if isinstance(node, (And, Or)):
            parts = [self.condition(item, clause) for item in node.items]
            joiner = " AND " if isinstance(node, And) else " OR "
            return "(" + joiner.join(p[0] for p in parts) + ")", [v for p in parts for v in p[1]]
        if isinstance(node, Not):
            inner, params = self.condition(node.operand, clause)
            return f"(NOT {inner})", params
        if isinstance(node, Compare):
            left, lp = self.expr(node.left, clause)
            right, rp = self.expr(node.right, clause)
            op = {"=": "=", "!=": "<>", "<": "<", ">": ">", "<=": "<=", ">=": ">="}[node.op]
            return f"({left} {op} {right})", lp + rp
        if isinstance(node, In):
            operand, params = self.expr(node.operand, clause)
            values = [self.expr(v, clause) for v in node.values]
            sql = f"({operand} {'NOT IN' if node.negated else 'IN'} ({', '.join(v[0] for v in values)}))"
            return sql, params + [p for v in values for p in v[1]]
        if isinstance(node, Range):
            operand, params = self.expr(node.operand, clause)
            low, lowp = self.expr(node.low, clause)
            high, highp = self.expr(node.high, clause)
            lop = ">=" if node.low_inclusive else ">"
            hop = "<=" if node.high_inclusive else "<"
            return f"({operand} {lop} {low} AND {operand} {hop} {high})", params + lowp + params + highp
        if isinstance(node, Like):
            operand, params = self.expr(node.operand, clause)
            pattern = _like_escape(node.pattern).replace("*", "%")
            neg = "NOT " if node.negated else ""
            return f"(CAST({operand} AS VARCHAR) {neg}ILIKE ? ESCAPE '\\')", [*params, pattern]
        if isinstance(node, IsNull):
            operand, params = self.expr(node.operand, clause)
            return f"({operand} IS {'NOT ' if node.negated else ''}NULL)", params
        if isinstance(node, TextSearch):
            return self.text_search(node.text, [self.ident(n) for n, t in self.types.items() if t == "text"])
        if isinstance(node, Call) and node.name in PREDICATES:
            return self.predicate(node, clause)
        if isinstance(node, Call) and node.name not in AGGREGATES | SCALARS | GROUP_FUNCTIONS:
            self.call(node, clause, aggregates=False)  # raises: unknown function, with a suggestion
        if isinstance(node, Field) and self.types.get(node.name) == "boolean":
            return f"({self.column(node, clause)} = TRUE)", []
        if isinstance(node, Literal) and node.kind == "boolean":
            return ("TRUE" if node.value else "FALSE"), []
        raise _error(clause, "une condition est attendue ici", node)

    # --- refine / exclude ------------------------------------------------------------------
    def refine(self, item: Refine, clause: str) -> SQL:
        if item.facet not in self.types:
            reason = f"facette inconnue « {item.facet[:60]} »"
            close = difflib.get_close_matches(item.facet, list(self.types), n=1)
            if close:
                reason += f" ; vouliez-vous dire « {close[0]} » ?"
            raise _error(clause, reason, item)
        column, kind, value = self.ident(item.facet), self.types[item.facet], item.value.strip()
        try:
            if kind == "date":
                parts = value.replace("-", "/").split("/")
                if not 1 <= len(parts) <= 3 or not all(p.isdigit() for p in parts):
                    raise ValueError(value)
                names = ["year", "month", "day"][: len(parts)]
                sql = " AND ".join(f"{n}({column}) = ?" for n in names)
                return f"({sql})", [int(p) for p in parts]
            if kind == "integer":
                return f"({column} = ?)", [int(value)]
            if kind == "decimal":
                return f"({column} = ?)", [float(value.replace(",", "."))]
            if kind == "boolean":
                truth = {"true": True, "1": True, "oui": True, "false": False, "0": False, "non": False}
                return f"({column} = ?)", [truth[value.lower()]]
        except (ValueError, KeyError):
            raise _error(
                clause, f"valeur « {value[:40]} » invalide pour le champ « {item.facet} » ({kind})", item
            ) from None
        if kind in {"geo_point", "geo_shape"}:
            raise _error(clause, f"le champ « {item.facet} » ne peut pas servir de facette", item)
        return f"(CAST({column} AS VARCHAR) = ?)", [item.value]


@dataclass
class Query:
    select: str = ""
    where: str = ""
    group_by: str = ""
    order_by: str = ""
    refine: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)


def _has_aggregate(node: Node) -> bool:
    return any(isinstance(n, Call) and n.name in AGGREGATES for n in odsql.walk(node))


def where_clause(compiler: Compiler, query: Query) -> SQL:
    """The WHERE conditions (where, refine, exclude) joined, as SQL and parameters."""
    parts: list[SQL] = []
    if query.where.strip():
        parts.append(compiler.condition(odsql.parse_where(query.where), "where"))
    for raw in query.refine:
        parts.append(compiler.refine(odsql.parse_refine(raw, clause="refine"), "refine"))
    for raw in query.exclude:
        sql, params = compiler.refine(odsql.parse_refine(raw, clause="exclude"), "exclude")
        parts.append((f"(({sql}) IS NOT TRUE)", params))
    if not parts:
        return "", []
    return " WHERE " + " AND ".join(p[0] for p in parts), [v for p in parts for v in p[1]]


def compile_query(
    columns: list[dict[str, Any]], path: str, query: Query, limit: int | None = None, offset: int = 0
) -> Compiled:
    """Compile a records query; raises OdsqlError for anything not understood or not allowed."""
    compiler = Compiler(columns)
    where, where_params = where_clause(compiler, query)
    filtered = bool(where)
    source = "read_parquet(?)"

    group_items: list[GroupItem] = list(odsql.parse_group_by(query.group_by)) if query.group_by.strip() else []
    group_sql: list[SQL] = []
    for item in group_items:
        expr = item.expr
        if not isinstance(expr, Field) and not (isinstance(expr, Call) and expr.name in GROUP_FUNCTIONS):
            raise _error(
                "group_by", "group_by attend des champs ou year(), month(), day(), date_format(), range()", expr
            )
        group_sql.append(compiler.expr(expr, "group_by"))
    for index, item in enumerate(group_items):
        compiler.groups[item.expr] = f"__g{index}"
        if item.alias:
            compiler.aliases[item.alias] = (f"__g{index}", [])

    select_items: list[SelectItem] = list(odsql.parse_select(query.select)) if query.select.strip() else []
    if not select_items:
        if group_items:
            select_items = [SelectItem(g.expr, g.alias, pos=g.pos) for g in group_items]
        else:
            select_items = [SelectItem(Star())]
    outputs: list[SQL] = []
    names: list[str] = []
    types: list[str | None] = []
    by_expr: dict[Any, str] = {}
    for selected in select_items:
        if isinstance(selected.expr, Star):
            for name in compiler.order:
                outputs.append((compiler.ident(name), []))
                names.append(name)
                types.append(compiler.types[name])
            continue
        outputs.append(compiler.expr(selected.expr, "select", aggregates=True))
        names.append(selected.alias or render(selected.expr))
        types.append(compiler.types.get(selected.expr.name) if isinstance(selected.expr, Field) else None)
        by_expr.setdefault(selected.expr, f"c{len(outputs) - 1}")
    sql_aliases = {names[i]: f"c{i}" for i in range(len(names))}

    if group_items:
        for selected in select_items:
            _check_grouped(compiler, selected.expr)
    aggregate = bool(group_items) or any(_has_aggregate(s.expr) for s in select_items)
    has_id = not aggregate
    select_sql = ", ".join(f"{sql} AS c{i}" for i, (sql, _) in enumerate(outputs))
    select_params = [v for _, params in outputs for v in params]
    if has_id:
        select_sql = f"{ROW_ID} AS _id, " + select_sql

    order_parts: list[SQL] = []
    if query.order_by.strip():
        for order in odsql.parse_order_by(query.order_by):
            direction = "DESC" if order.descending else "ASC"
            expr = order.expr
            if isinstance(expr, Field) and expr.name in sql_aliases and expr.name not in compiler.types:
                order_parts.append((f"{sql_aliases[expr.name]} {direction}", []))
            elif expr in by_expr and aggregate:
                order_parts.append((f"{by_expr[expr]} {direction}", []))
            else:
                sql, params = compiler.expr(expr, "order_by", aggregates=aggregate)
                order_parts.append((f"{sql} {direction}", params))
    _check_order_items(order_parts)
    if has_id:
        order_parts.append(("_id ASC", []))
    order_parts.extend((f"__g{i} ASC", []) for i in range(len(group_sql)))

    group_clause = ""
    source_params = [path, *where_params]
    if group_sql:
        # Group expressions are computed once in a subquery, so that a parameter in one
        # (date_format pattern, range step) does not make it differ from its use in select.
        inner = ", ".join(f"{sql} AS __g{i}" for i, (sql, _) in enumerate(group_sql))
        source = f"(SELECT *, {inner} FROM {source}{where})"  # noqa: S608
        source_params = [*(v for _, params in group_sql for v in params), path, *where_params]
        where = ""
        group_clause = " GROUP BY " + ", ".join(f"__g{i}" for i in range(len(group_sql)))
    order_clause = ""
    order_params: list[Any] = []
    if order_parts:
        order_clause = " ORDER BY " + ", ".join(o[0] for o in order_parts)
        order_params = [v for o in order_parts for v in o[1]]
    page = ""
    page_params: list[Any] = []
    if limit is not None:
        page = " LIMIT ? OFFSET ?"
        page_params = [limit, offset]
    # Only known identifiers, generated names and ``?`` placeholders are in these strings.
    sql = f"SELECT {select_sql} FROM {source}{where}{group_clause}{order_clause}{page}"  # noqa: S608
    params = [*select_params, *source_params, *order_params, *page_params]
    if group_sql:
        count_sql = f"SELECT count(*) FROM (SELECT 1 FROM {source}{group_clause})"  # noqa: S608
        count_params = source_params
    elif aggregate:
        count_sql, count_params = "SELECT 1", []
    else:
        count_sql = f"SELECT count(*) FROM {source}{where}"  # noqa: S608
        count_params = [path, *where_params]
    compiled = Compiled(
        sql, params, count_sql, count_params, names, has_id, types, path, limit, offset if limit is not None else 0
    )
    compiled.filtered = filtered
    if has_id and not group_sql and order_parts == [("_id ASC", [])]:
        # The same rows restricted to a range of row numbers (bounds set by the engine).
        conditions = f" WHERE ({where.removeprefix(' WHERE ')}) AND" if where else " WHERE"
        window = f"{conditions} {ROW_ID} > ? AND {ROW_ID} <= ?"
        compiled.window_sql = f"SELECT {select_sql} FROM {source}{window}{order_clause}{page}"  # noqa: S608
        compiled.window_params = [*select_params, path, *where_params, None, None, *order_params, *page_params]
        compiled.window_at = len(select_params) + 1 + len(where_params)
    return compiled


def _check_grouped(compiler: Compiler, node: Node) -> None:
    """With group_by, a selected field must be grouped, be a group alias, or sit inside an aggregate."""
    if node in compiler.groups or (isinstance(node, Call) and node.name in AGGREGATES) or isinstance(node, Star):
        return
    if isinstance(node, Field):
        if node.name in compiler.aliases:
            return
        reason = f"le champ « {node.name[:60]} » doit figurer dans group_by ou dans un agrégat (count, sum…)"
        raise _error("select", reason, node)
    for child in children(node):
        _check_grouped(compiler, child)


def _check_order_items(parts: list[SQL]) -> None:
    if len(parts) > 20:
        raise odsql.OdsqlError("order_by", "trop de critères de tri (20 au plus)")


def compile_facet(columns: list[dict[str, Any]], path: str, query: Query, name: str, top: int = 50) -> SQL:
    """Top values of one facet column with their counts, under the query's conditions."""
    compiler = Compiler(columns)
    if name not in compiler.types or compiler.types[name] not in FACET_TYPES:
        allowed = [n for n, t in compiler.types.items() if t in FACET_TYPES]
        raise odsql.OdsqlError("facet", f"« {name[:60]} » ne peut pas servir de facette", None, allowed)
    where, params = where_clause(compiler, query)
    column = compiler.ident(name)
    sql = (
        f"SELECT {column} AS value, count(*) AS n FROM read_parquet(?){where} "  # noqa: S608
        f"GROUP BY {column} ORDER BY n DESC, value ASC NULLS LAST LIMIT ?"
    )
    return sql, [path, *params, top]


def compile_record(columns: list[dict[str, Any]], path: str, record_id: int) -> Compiled:
    compiler = Compiler(columns)
    select = ", ".join(f"{compiler.ident(n)} AS c{i}" for i, n in enumerate(compiler.order))
    sql = f"SELECT {ROW_ID} AS _id, {select} FROM read_parquet(?) WHERE {ROW_ID} = ?"  # noqa: S608
    types: list[str | None] = [compiler.types[n] for n in compiler.order]
    return Compiled(sql, [path, record_id], "", [], list(compiler.order), True, types)
