"""Compile the ODSQL AST into parameterised DuckDB SQL over one published version.

Every field is checked against the version's columns, every function against a whitelist,
identifiers are quoted only when they are known column names, and every literal value goes
through a ``?`` parameter: no user text is ever pasted into SQL.
"""

from __future__ import annotations

import difflib
import math
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
from territoria.records import compiler_dates as dates
from territoria.records import compiler_geo as geo

ROW_ID = "_row"
MAX_INT = 2**63 - 1
AGGREGATES = {"count", "avg", "sum", "min", "max", "median", "percentile", "envelope"}
NUMERIC_AGGREGATES = {"avg", "sum", "median", "percentile"}
NUMERIC = {"integer", "decimal"}
SCALARS = {"now", "date_format", *dates.PARTS}
TEXT_PREDICATES = {"search", "startswith"}
PREDICATES = TEXT_PREDICATES | geo.GEO_PREDICATES
GROUP_FUNCTIONS = {"date_format", "range", *dates.PARTS}
FACET_TYPES = {"text", "integer", "boolean", "date", "datetime"}
DATE_TOKENS = dates.DATE_TOKENS

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
    timezone: str | None = None  # date-times in the answer are given in this zone (None: as DuckDB gives them)


def _error(
    clause: str, reason: str, node: Node | None = None, expected: Sequence[str] = (), hint: str = ""
) -> odsql.OdsqlError:
    position = node.pos if node is not None and node.pos else None
    return odsql.OdsqlError(clause, reason, position, expected, hint)


def _suggest(name: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f"vouliez-vous dire « {close[0]} » ?" if close else ""


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


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class Compiler:
    def __init__(self, columns: list[dict[str, Any]], timezone: str = "UTC") -> None:
        self.timezone = timezone or "UTC"
        self.types: dict[str, str] = {c["name"]: c.get("type", "text") for c in columns if c["name"] != ROW_ID}
        self.order: list[str] = [c["name"] for c in columns if c["name"] != ROW_ID]
        self.aliases: dict[str, SQL] = {}
        self.groups: dict[Node, str] = {}  # group_by expression → its generated column in the subquery
        self.groups_by_name: set[str] = set()

    # --- identifiers -----------------------------------------------------------------------
    def ident(self, name: str) -> str:
        """Quote a column name; only names of the version's columns are accepted."""
        if name not in self.types:
            raise KeyError(name)
        return '"' + name.replace('"', '""') + '"'

    def column(self, node: Field, clause: str) -> str:
        if node.name not in self.types:
            reason = f"champ inconnu « {node.name[:60]} »"
            hint = _suggest(node.name, list(self.types) + list(self.aliases))
            raise _error(clause, reason, node, [f"un champ parmi : {', '.join(self.order[:30])}"], hint)
        return self.ident(node.name)

    def typed_field(self, node: Expr, clause: str, kinds: set[str], what: str) -> tuple[str, str]:
        """A field of one of ``kinds`` (its SQL and its name); OdsqlError otherwise."""
        if not isinstance(node, Field):
            raise _error(clause, f"{what}() attend un nom de champ", node)
        sql = self.column(node, clause)
        if self.types[node.name] not in kinds:
            raise _error(clause, f"{what}() : le champ « {node.name} » n'est pas du bon type", node)
        return sql, node.name

    def kind_of(self, node: Expr) -> str | None:
        """The column type an expression has, when it is known (a field, now(), a date literal)."""
        if isinstance(node, Field) and node.name in self.types and node.name not in self.groups_by_name:
            return self.types[node.name]
        if isinstance(node, Call) and node.name == "now":
            return "datetime"
        if isinstance(node, Literal) and node.kind == "date":
            return "date"
        return None

    # --- expressions -----------------------------------------------------------------------
    def literal(self, node: Literal, clause: str, partner: str | None = None) -> SQL:
        if node.kind == "date":
            return "?", [dates.date_value(node, clause, partner, self.timezone)]
        if node.kind in {"geometry", "distance"}:
            reason = "une géométrie ou une distance n'est permise que dans les fonctions géographiques"
            raise _error(clause, reason, node)
        if node.kind == "null":
            return "NULL", []
        if isinstance(node.value, float) and not math.isfinite(node.value):
            raise _error(clause, "nombre invalide", node)
        if isinstance(node.value, int) and not isinstance(node.value, bool) and abs(node.value) > MAX_INT:
            raise _error(clause, "nombre trop grand", node)
        return "?", [node.value]

    def expr(self, node: Expr, clause: str, aggregates: bool = False, partner: str | None = None) -> SQL:
        if node in self.groups:
            return self.groups[node], []
        if isinstance(node, Literal):
            return self.literal(node, clause, partner)
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
            return self.aggregate(node, clause, aggregates)
        if name == "now":
            return "now()", []
        if name in dates.PARTS:
            return dates.part(node, clause, self)
        if name == "date_format":
            return dates.date_format(node, clause, self)
        if name in PREDICATES:
            return self.predicate(node, clause)
        if name == "range" and clause == "group_by":
            return self.range(node, clause)
        known = sorted(AGGREGATES | SCALARS | PREDICATES | GROUP_FUNCTIONS)
        if name == "range":
            raise _error(clause, "range() n'est permise que dans group_by", node)
        reason = f"fonction non prise en charge « {name[:40]} »"
        raise _error(clause, reason, node, [f"une fonction parmi : {', '.join(known)}"], _suggest(name, known))

    def aggregate(self, node: Call, clause: str, aggregates: bool) -> SQL:
        name = node.name
        if not aggregates:
            if clause == "order_by":
                reason = f"trier sur {name}() demande un agrégat dans select ou un group_by"
            else:
                reason = f"la fonction d'agrégation {name}() n'est permise que dans select et order_by"
            raise _error(clause, reason, node)
        if name == "count" and isinstance(node.args[0], Star):
            return "count(*)", []
        if name == "envelope":
            return geo.envelope(node, clause, self)
        target = node.args[0]
        numeric = self.kind_of(target) in NUMERIC
        if name in NUMERIC_AGGREGATES and isinstance(target, Field) and target.name in self.types and not numeric:
            raise _error(clause, f"{name}() : le champ « {target.name} » n'est pas numérique", target)
        arg, params = self.expr(target, clause)
        if name == "percentile":
            p = node.args[1]
            if not (isinstance(p, Literal) and p.kind == "number" and 0 <= float(p.value or 0) <= 100):
                raise _error(clause, "percentile() attend un pourcentage entre 0 et 100", p)
            return f"quantile_cont({arg}, ?)", [*params, float(p.value) / 100]  # type: ignore[arg-type]
        return f"{name}({arg})", params

    def range(self, node: Call, clause: str) -> SQL:
        """``range(field, step)``: the lower bound of the field's bucket of width ``step``."""
        target = node.args[0]
        if isinstance(target, Field) and self.kind_of(target) not in NUMERIC and target.name in self.types:
            raise _error(clause, f"range() : le champ « {target.name} » n'est pas numérique", target)
        arg, params = self.expr(target, clause)
        step = node.args[1]
        if not (isinstance(step, Literal) and step.kind == "number" and float(step.value or 0) > 0):
            raise _error(clause, "range() attend un pas numérique positif", step)
        if not math.isfinite(float(step.value)) or abs(step.value) > MAX_INT:  # type: ignore[arg-type]
            raise _error(clause, "range() : pas trop grand", step)
        return f"(floor({arg} / ?) * ?)", [*params, step.value, step.value]

    def predicate(self, node: Call, clause: str) -> SQL:
        args = node.args
        if clause not in {"where"}:
            raise _error(clause, f"{node.name}() n'est permise que dans where", node)
        if node.name not in TEXT_PREDICATES:
            return geo.predicate(node, clause, self)
        text = args[-1]
        if not (isinstance(text, Literal) and text.kind == "string"):
            raise _error(clause, f"{node.name}() attend un texte entre guillemets en dernier argument", text)
        targets = [self.typed_field(a, clause, {"text"}, node.name)[0] for a in args[:-1]]
        if not targets:
            targets = [self.ident(n) for n, t in self.types.items() if t == "text"]
        if node.name == "search":
            return self.text_search(str(text.value), targets)
        parts = [f"starts_with(strip_accents(lower({t})), strip_accents(lower(?)))" for t in targets]
        return "(" + (" OR ".join(parts) or "FALSE") + ")", [text.value] * len(targets)

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
            left, lp = self.expr(node.left, clause, partner=self.kind_of(node.right))
            right, rp = self.expr(node.right, clause, partner=self.kind_of(node.left))
            op = {"=": "=", "!=": "<>", "<": "<", ">": ">", "<=": "<=", ">=": ">="}[node.op]
            return f"({left} {op} {right})", lp + rp
        if isinstance(node, In):
            operand, params = self.expr(node.operand, clause)
            kind = self.kind_of(node.operand)
            values = [self.expr(v, clause, partner=kind) for v in node.values]
            sql = f"({operand} {'NOT IN' if node.negated else 'IN'} ({', '.join(v[0] for v in values)}))"
            return sql, params + [p for v in values for p in v[1]]
        if isinstance(node, Range):
            operand, params = self.expr(node.operand, clause)
            kind = self.kind_of(node.operand)
            low, lowp = self.expr(node.low, clause, partner=kind)
            high, highp = self.expr(node.high, clause, partner=kind)
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
            raise _error(clause, reason, item, hint=_suggest(item.facet, list(self.types)))
        column, kind, value = self.ident(item.facet), self.types[item.facet], item.value.strip()
        try:
            if kind in dates.DATE_KINDS:
                column, params = dates.local(column, [], kind, self.timezone)
                parts = value.replace("-", "/").split("/")
                if not 1 <= len(parts) <= 3 or not all(p.isdigit() for p in parts):
                    raise ValueError(value)
                names = ["year", "month", "day"][: len(parts)]
                sql = " AND ".join(f"{n}({column}) = ?" for n in names)
                return f"({sql})", [v for p in parts for v in [*params, int(p)]]
            if kind == "integer":
                number = int(value)
                if abs(number) > MAX_INT:
                    raise ValueError(value)
                return f"({column} = ?)", [number]
            if kind == "decimal":
                decimal = float(value.replace(",", "."))
                if not math.isfinite(decimal):
                    raise ValueError(value)
                return f"({column} = ?)", [decimal]
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
    # IANA name, checked by the API. Date functions use UTC when it is empty, and date-times are then returned
    # as DuckDB gives them; the records API always sets it ("UTC" by default), so answers carry their offset.
    timezone: str = ""


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
    compiler = Compiler(columns, query.timezone)
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
            compiler.groups_by_name.add(item.alias)

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
        types.append(_output_kind(compiler, selected.expr))
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
    compiled.timezone = query.timezone or None
    if has_id and not group_sql and order_parts == [("_id ASC", [])]:
        # The same rows restricted to a range of row numbers (bounds set by the engine).
        conditions = f" WHERE ({where.removeprefix(' WHERE ')}) AND" if where else " WHERE"
        window = f"{conditions} {ROW_ID} > ? AND {ROW_ID} <= ?"
        compiled.window_sql = f"SELECT {select_sql} FROM {source}{window}{order_clause}{page}"  # noqa: S608
        compiled.window_params = [*select_params, path, *where_params, None, None, *order_params, *page_params]
        compiled.window_at = len(select_params) + 1 + len(where_params)
    return compiled


def _output_kind(compiler: Compiler, node: Node) -> str | None:
    """The column type of a selected expression when the answer needs it (a field's type; envelope → shape)."""
    if isinstance(node, Field) and node.name not in compiler.aliases:
        return compiler.types.get(node.name)
    if isinstance(node, Call) and node.name == "envelope":
        return "geo_shape"
    return None


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
    compiler = Compiler(columns, query.timezone)
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
