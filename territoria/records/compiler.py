"""Compile the ODSQL AST into parameterised DuckDB SQL over one published version.

Every field is checked against the version's columns, every function against a whitelist,
identifiers are quoted only when they are known column names, and every literal value goes
through a ``?`` parameter: no user text is ever pasted into SQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from territoria.lib import odsql
from territoria.lib.odsql import Call, Field, GroupItem, Node, SelectItem, Star
from territoria.lib.odsql.ast import children
from territoria.records.compiler_expr import (
    AGGREGATES,
    DATE_TOKENS,
    FACET_TYPES,
    GROUP_FUNCTIONS,
    MAX_INT,
    PREDICATES,
    ROW_ID,
    SCALARS,
    SQL,
    Compiler,
    _error,
    render,
)

__all__ = [
    "AGGREGATES",
    "DATE_TOKENS",
    "FACET_TYPES",
    "GROUP_FUNCTIONS",
    "MAX_INT",
    "PREDICATES",
    "ROW_ID",
    "SCALARS",
    "Compiled",
    "Compiler",
    "Query",
    "compile_facet",
    "compile_query",
    "compile_record",
    "render",
    "where_clause",
]


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
    # When the only condition is ``column = value`` on a text or integer column with few distinct values: the
    # column's SQL and the value. The engine then counts every value of the column at once (one pass, kept
    # per file) and reads the count of this one; the next value asked is already counted.
    count_by: tuple[str, Any] | None = None
    # Rows sorted by one numeric or date column, without conditions: the column's SQL and whether descending,
    # and the same query restricted to ``column >= ?`` (``<= ?`` ascending), the bound at ``threshold_at``.
    # The engine keeps the column's first values in that order per file: the value at offset + limit is a
    # bound that every row of the page passes, and few others do (see engine.py).
    sort_column: tuple[str, bool] | None = None
    threshold_sql: str = ""
    threshold_params: list[Any] = field(default_factory=list)
    threshold_at: int = -1


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
    orders = list(odsql.parse_order_by(query.order_by)) if query.order_by.strip() else []
    for order in orders:
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
    if not group_sql and not aggregate:
        compiled.count_by = _count_by(columns, where, where_params)
    sorted_by = orders[0].expr if len(orders) == 1 else None
    descending = bool(orders) and orders[0].descending
    sortable = isinstance(sorted_by, Field) and compiler.types.get(sorted_by.name) in SORT_BOUND_KINDS
    column_sql = compiler.ident(sorted_by.name) if sortable and isinstance(sorted_by, Field) else ""
    if (
        has_id
        and not where
        and sortable
        and order_parts[0] == (f"{column_sql} {'DESC' if descending else 'ASC'}", [])  # the column itself
    ):
        bound = f" WHERE {column_sql} {'>=' if descending else '<='} ?"
        compiled.sort_column = (column_sql, descending)
        compiled.threshold_sql = f"SELECT {select_sql} FROM {source}{bound}{order_clause}{page}"  # noqa: S608
        compiled.threshold_params = [*select_params, path, None, *order_params, *page_params]
        compiled.threshold_at = len(select_params) + 1
    if has_id and not group_sql and order_parts == [("_id ASC", [])]:
        # The same rows restricted to a range of row numbers (bounds set by the engine).
        conditions = f" WHERE ({where.removeprefix(' WHERE ')}) AND" if where else " WHERE"
        window = f"{conditions} {ROW_ID} > ? AND {ROW_ID} <= ?"
        compiled.window_sql = f"SELECT {select_sql} FROM {source}{window}{order_clause}{page}"  # noqa: S608
        compiled.window_params = [*select_params, path, *where_params, None, None, *order_params, *page_params]
        compiled.window_at = len(select_params) + 1 + len(where_params)
    return compiled


SORT_BOUND_KINDS = {"integer", "decimal", "date", "datetime"}
COUNT_BY_DISTINCT = 10_000  # at most this many distinct values (the version's profile) for counts by value
_EQUALITY = re.compile(r'^ WHERE \((?:CAST\()?"((?:[^"]|"")+)"(?: AS VARCHAR\))? = \?\)$')


def _count_by(columns: list[dict[str, Any]], where: str, params: list[Any]) -> tuple[str, Any] | None:
    """``(column SQL, value)`` when ``where`` is exactly one equality on a text or integer column whose profile
    shows few distinct values; None otherwise (the count is then computed as written)."""
    match = _EQUALITY.match(where)
    if match is None or len(params) != 1:
        return None
    name = match[1].replace('""', '"')
    column = next((c for c in columns if c.get("name") == name), None)
    distinct = column.get("distinct") if column else None
    if column is None or not isinstance(distinct, int) or distinct > COUNT_BY_DISTINCT:
        return None
    value = params[0]
    kind = column.get("type")
    if not ((kind == "text" and type(value) is str) or (kind == "integer" and type(value) is int)):
        return None
    return where.removeprefix(" WHERE (").rsplit(" = ?)", 1)[0], value


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
