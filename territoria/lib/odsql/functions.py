"""ODSQL functions known to the parser (Opendatasoft Explore API v2.1).

The parser checks only their arity; deciding which functions a given endpoint or engine
allows is the compilers' job. Unknown function names still parse into ``Call`` nodes.
"""

from __future__ import annotations

# name -> (min_args, max_args or None when unbounded, kind)
# kind: "aggregate" (select/order_by), "scalar", "geo" (geometry predicates and distance),
# "text" (full-text predicates: search(f1, ..., "text") or search("text")).
# `range(field, step)` is the group_by bucketing function; `count(*)` takes a Star argument.
KNOWN_FUNCTIONS: dict[str, tuple[int, int | None, str]] = {
    "count": (1, 1, "aggregate"),
    "avg": (1, 1, "aggregate"),
    "sum": (1, 1, "aggregate"),
    "min": (1, 1, "aggregate"),
    "max": (1, 1, "aggregate"),
    "median": (1, 1, "aggregate"),
    "percentile": (2, 2, "aggregate"),
    "envelope": (1, 1, "aggregate"),
    "now": (0, 0, "scalar"),
    "year": (1, 1, "scalar"),
    "month": (1, 1, "scalar"),
    "day": (1, 1, "scalar"),
    "hour": (1, 1, "scalar"),
    "minute": (1, 1, "scalar"),
    "second": (1, 1, "scalar"),
    "date_format": (2, 2, "scalar"),
    "length": (1, 1, "scalar"),
    "range": (2, 2, "scalar"),
    "within_distance": (3, 3, "geo"),
    "distance": (2, 2, "geo"),
    "in_bbox": (5, 5, "geo"),
    "intersects": (2, 2, "geo"),
    "disjoint": (2, 2, "geo"),
    "within": (2, 2, "geo"),
    "search": (1, None, "text"),
    "suggest": (1, None, "text"),
    "startswith": (1, None, "text"),
}


def arity_problem(name: str, count: int) -> str | None:
    """French explanation if ``count`` arguments do not suit the known function ``name``."""
    if name not in KNOWN_FUNCTIONS:
        return None
    low, high, _kind = KNOWN_FUNCTIONS[name]
    if low <= count and (high is None or count <= high):
        return None
    given = f"{count} fourni{'s' if count > 1 else ''}"
    if high == 0:
        return f"la fonction {name}() n'attend aucun argument, {given}"
    if high is None:
        wanted = f"au moins {low} argument{'s' if low > 1 else ''}"
    elif low == high:
        wanted = f"{low} argument{'s' if low > 1 else ''}"
    else:
        wanted = f"de {low} à {high} arguments"
    return f"la fonction {name}() attend {wanted}, {given}"
