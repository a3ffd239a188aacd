"""Typed, engine-neutral AST for ODSQL clauses.

Every node is a frozen dataclass with a keyword-only ``pos``: the 1-based index of the
character where the node starts in the clause text. ``pos`` is excluded from equality and
hashing, so two nodes compare equal when they mean the same thing wherever they were
written (handy to match an ``order_by`` expression with a ``select`` one).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from typing import TypeAlias

LITERAL_KINDS = frozenset({"string", "number", "boolean", "null", "date", "geometry", "distance"})
ARITH_OPS = frozenset({"+", "-", "*", "/"})
COMPARE_OPS = frozenset({"=", "!=", "<", ">", "<=", ">="})


@dataclass(frozen=True, slots=True)
class Node:
    """Base class of all AST nodes."""

    pos: int = field(default=0, compare=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class Field(Node):
    """A field reference (bare or back-quoted name, or a select/group_by alias)."""

    name: str


@dataclass(frozen=True, slots=True)
class Star(Node):
    """``*``: all fields in ``select``, all rows in ``count(*)``."""


@dataclass(frozen=True, slots=True)
class Literal(Node):
    """A constant.

    ``value`` by ``kind``: string → str (unescaped); number → int, or float when written with
    a decimal point; boolean → bool; null → None; date → the text between the quotes
    (ISO 8601 or YYYY[/MM[/DD]], checked but not normalised); geometry → the WKT or GeoJSON
    text between the quotes; distance → float meters. ``text`` is the source text.
    """

    value: str | int | float | bool | None
    kind: str
    text: str = field(default="", compare=False)


@dataclass(frozen=True, slots=True)
class Arith(Node):
    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class Neg(Node):
    """Unary minus on anything but a number literal (``-3`` is ``Literal(-3)``)."""

    operand: Expr


@dataclass(frozen=True, slots=True)
class Compare(Node):
    """Comparison; ``<>`` is normalised to ``!=``, ``x is true`` to ``x = true``."""

    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class And(Node):
    items: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Or(Node):
    items: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Not(Node):
    """Negation; also produced by ``x not in [a..b]`` and ``x is not true``."""

    operand: Expr


@dataclass(frozen=True, slots=True)
class In(Node):
    """``operand [not] in (v1, v2, ...)``."""

    operand: Expr
    values: tuple[Expr, ...]
    negated: bool = False


@dataclass(frozen=True, slots=True)
class Range(Node):
    """``operand in [low..high]``; ``]`` on the left or ``[`` on the right excludes the bound."""

    operand: Expr
    low: Expr
    high: Expr
    low_inclusive: bool = True
    high_inclusive: bool = True


@dataclass(frozen=True, slots=True)
class Like(Node):
    """``operand [not] like "pattern"``; the pattern is kept verbatim (``*`` is a wildcard)."""

    operand: Expr
    pattern: str
    negated: bool = False


@dataclass(frozen=True, slots=True)
class IsNull(Node):
    operand: Expr
    negated: bool = False


@dataclass(frozen=True, slots=True)
class TextSearch(Node):
    """A bare quoted string used as a condition in ``where``: full-text search."""

    text: str


@dataclass(frozen=True, slots=True)
class Call(Node):
    """Function call; ``name`` is lower-cased. ``count(*)`` has ``args == (Star(),)``."""

    name: str
    args: tuple[Expr, ...] = ()


@dataclass(frozen=True, slots=True)
class SelectItem(Node):
    expr: Expr
    alias: str | None = None


@dataclass(frozen=True, slots=True)
class GroupItem(Node):
    expr: Expr
    alias: str | None = None


@dataclass(frozen=True, slots=True)
class OrderItem(Node):
    expr: Expr
    descending: bool = False


@dataclass(frozen=True, slots=True)
class Refine(Node):
    """A ``refine``/``exclude`` parameter value: ``facet:value``."""

    facet: str
    value: str


Leaf: TypeAlias = Field | Star | Literal | TextSearch
Operation: TypeAlias = Arith | Neg | Compare | And | Or | Not | In | Range | Like | IsNull | Call
Expr: TypeAlias = Leaf | Operation


def children(node: Node) -> Iterator[Node]:
    """Direct sub-nodes of ``node``, in source order."""
    for f in fields(node):
        value = getattr(node, f.name)
        if isinstance(value, Node):
            yield value
        elif isinstance(value, tuple):
            yield from (v for v in value if isinstance(v, Node))


def walk(node: Node | Iterable[Node]) -> Iterator[Node]:
    """Yield ``node`` (or each node of an iterable) and all its sub-nodes, depth-first, in order.

    Iterative, so safe on any tree.
    """
    stack: list[Node] = [node] if isinstance(node, Node) else list(node)[::-1]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(list(children(current))))


def fields_used(node: Node | Iterable[Node]) -> set[str]:
    """Names of all fields referenced in ``node`` (or in each node of an iterable)."""
    return {n.name for n in walk(node) if isinstance(n, Field)}
