"""Facet values for the records API, in Opendatasoft's shape.

Text, number and boolean facets are flat: the most frequent values first. Date and date-time facets are a
hierarchy, as Opendatasoft gives them: years at the top; a year that is refined (``refine=date:2024``) holds
its months (``2024/03``), a refined month holds its days (``2024/03/15``); refining a month refines its year.
Date-times are cut in the request's time zone. Values come in chronological order.
"""

from __future__ import annotations

from typing import Any

from territoria.lib import odsql
from territoria.records import compiler, engine
from territoria.records import compiler_dates as dates
from territoria.records.values import to_json

MAX_DATE_ROWS = 10_000


def text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def date_path(value: str) -> str:
    """A refine value on a date facet as the facet's own path: ``2024-3`` → ``2024/03``."""
    parts = value.strip().replace("-", "/").split("/")
    if not parts[0].isdigit():
        return value
    return "/".join([parts[0], *(p.zfill(2) for p in parts[1:3] if p.isdigit())])


def values(
    columns: list[dict[str, Any]], path: str, query: compiler.Query, name: str, top: int
) -> list[dict[str, Any]]:
    """The facet entries of column ``name`` under the query's conditions (OdsqlError, engine.EngineError)."""
    kinds = {c["name"]: c.get("type") for c in columns}
    refines = [odsql.parse_refine(raw, clause="refine") for raw in query.refine]
    conditions = bool(query.where.strip() or query.refine or query.exclude)
    if kinds.get(name) in dates.DATE_KINDS:
        refined = {date_path(r.value) for r in refines if r.facet == name}
        return _date_values(columns, path, query, name, refined, top, conditions)
    refined = {r.value for r in refines if r.facet == name}
    sql, params = compiler.compile_facet(columns, path, query, name, top)
    # Without conditions the counts are the version's own: computed once per file, then kept.
    rows = engine.facet_rows(sql, params, path, conditions)
    entries = []
    for value, count in rows:
        if value is None:
            continue
        label = text(to_json(value))
        state = "refined" if label in refined else "displayed"
        entries.append({"name": label, "value": label, "count": count, "state": state})
    return entries


def _date_values(
    columns: list[dict[str, Any]],
    path: str,
    query: compiler.Query,
    name: str,
    refined: set[str],
    top: int,
    conditions: bool,
) -> list[dict[str, Any]]:
    depth = min(3, 1 + max((p.count("/") + 1 for p in refined), default=0))
    # A refined month refines its year too: both are "refined" and open onto the level below.
    opened = {"/".join(p.split("/")[: i + 1]) for p in refined for i in range(p.count("/") + 1)}
    checker = compiler.Compiler(columns, query.timezone)
    where, where_params = compiler.where_clause(checker, query)
    column = checker.ident(name)
    local, local_params = dates.local(column, [], checker.types[name], checker.timezone)
    parts = ["year", "month", "day"][:depth]
    keys = ", ".join(f"{part}({local}) AS k{i}" for i, part in enumerate(parts))
    order = ", ".join(f"k{i}" for i in range(depth))
    condition = f"{column} IS NOT NULL" + (f" AND ({where.removeprefix(' WHERE ')})" if where else "")
    sql = (
        f"SELECT {keys}, count(*) AS n FROM read_parquet(?) WHERE {condition} "  # noqa: S608
        f"GROUP BY {order} ORDER BY {order} LIMIT ?"
    )
    params = [*(local_params * depth), path, *where_params, MAX_DATE_ROWS]
    rows = engine.facet_rows(sql, params, path, conditions)
    tree: dict[str, dict[str, Any]] = {}
    for *key, count in rows:
        level = tree
        trail: list[str] = []
        for index, number in enumerate(key):
            label = f"{number:04d}" if index == 0 else f"{number:02d}"
            trail.append(label)
            value = "/".join(trail)
            entry = level.get(label)
            if entry is None:
                state = "refined" if value in opened else "displayed"
                entry = level[label] = {"name": label, "value": value, "count": 0, "state": state, "_sub": {}}
            entry["count"] += count
            if value not in opened:
                break  # only a refined year or month opens onto its months or days
            level = entry["_sub"]
    return _flatten(tree)[:top]


def _flatten(level: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for entry in level.values():
        sub = entry.pop("_sub")
        if sub:
            entry["facets"] = _flatten(sub)
        out.append(entry)
    return out
