"""ODSQL parser: clause text → typed AST (``ast.py``), errors as ``OdsqlError`` in French.

One LALR parser (contextual lexer) is built at import from ``grammar.lark`` and shared by
all clauses. The parse tree is depth-checked before being turned, without recursion, into
AST nodes, so hostile input ends in ``OdsqlError``, never in ``RecursionError``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken, VisitError
from lark.tree import Meta
from lark.visitors import Transformer_NonRecursive, v_args

from .ast import (
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
    Not,
    Or,
    OrderItem,
    Range,
    Refine,
    SelectItem,
    Star,
    TextSearch,
)
from .errors import OdsqlError, describe_expected, quote_excerpt
from .functions import arity_problem
from .literals import literal_value, unescape

MAX_CLAUSE_LENGTH = 5000
MAX_DEPTH = 50
MAX_IN_VALUES = 200

_CLAUSES = ("where", "select", "group_by", "order_by")
_PARSER = Lark(
    Path(__file__).with_name("grammar.lark").read_text(encoding="utf-8"),
    parser="lalr",
    lexer="contextual",
    start=list(_CLAUSES),
    propagate_positions=True,
    maybe_placeholders=True,
)

_FACET_RE = re.compile(r"\w+")
_QUOTED_RE = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)


def _pos(token: Token) -> int:
    return (token.start_pos or 0) + 1


def _start(meta: Meta) -> int:
    return getattr(meta, "start_pos", 0) + 1


@v_args(meta=True)
class _Builder(Transformer_NonRecursive):
    """Lark parse tree → AST nodes. Rule methods receive (meta, children)."""

    def __init__(self, clause: str) -> None:
        super().__init__(visit_tokens=False)
        self._clause = clause

    def _error(self, reason: str, position: int | None) -> OdsqlError:
        return OdsqlError(self._clause, reason, position)

    # Clauses

    def where(self, meta: Meta, c: list[Any]) -> Expr:
        return c[0]

    def select(self, meta: Meta, c: list[Any]) -> tuple[SelectItem, ...]:
        return tuple(c)

    def group_by(self, meta: Meta, c: list[Any]) -> tuple[GroupItem, ...]:
        return tuple(c)

    def order_by(self, meta: Meta, c: list[Any]) -> tuple[OrderItem, ...]:
        return tuple(c)

    def select_star(self, meta: Meta, c: list[Any]) -> SelectItem:
        return SelectItem(Star(pos=_pos(c[0])), pos=_pos(c[0]))

    def select_expr(self, meta: Meta, c: list[Any]) -> SelectItem:
        return SelectItem(c[0], self._alias(c[1]), pos=_start(meta))

    def group_item(self, meta: Meta, c: list[Any]) -> GroupItem:
        return GroupItem(c[0], self._alias(c[1]), pos=_start(meta))

    def order_item(self, meta: Meta, c: list[Any]) -> OrderItem:
        return OrderItem(c[0], c[1] is not None and c[1].type == "DESC", pos=_start(meta))

    def _alias(self, token: Token | None) -> str | None:
        return None if token is None else self._name(token)

    # Boolean level

    def or_expr(self, meta: Meta, c: list[Any]) -> Or:
        return Or(tuple(c), pos=_start(meta))

    def and_expr(self, meta: Meta, c: list[Any]) -> And:
        return And(tuple(c), pos=_start(meta))

    def not_op(self, meta: Meta, c: list[Any]) -> Not:
        return Not(c[1], pos=_pos(c[0]))

    def compare(self, meta: Meta, c: list[Any]) -> Compare:
        left, op, right = c
        return Compare("!=" if op == "<>" else str(op), left, right, pos=_start(meta))

    def is_null(self, meta: Meta, c: list[Any]) -> IsNull:
        return IsNull(c[0], c[1] is not None, pos=_start(meta))

    def is_bool(self, meta: Meta, c: list[Any]) -> Expr:
        operand, negated, token = c
        value = Literal(token.type == "TRUE", "boolean", str(token), pos=_pos(token))
        node: Expr = Compare("=", operand, value, pos=_start(meta))
        return Not(node, pos=_start(meta)) if negated is not None else node

    def in_list(self, meta: Meta, c: list[Any]) -> In:
        operand, negated, *values = c
        if len(values) > MAX_IN_VALUES:
            reason = f"trop de valeurs dans la liste « in » ({MAX_IN_VALUES} au maximum)"
            raise self._error(reason, values[MAX_IN_VALUES].pos)
        return In(operand, tuple(values), negated is not None, pos=_start(meta))

    def in_range(self, meta: Meta, c: list[Any]) -> Expr:
        operand, negated, opening, low, high, closing = c
        low_inclusive, high_inclusive = opening.type == "LSQB", closing.type == "RSQB"
        node: Expr = Range(operand, low, high, low_inclusive, high_inclusive, pos=_start(meta))
        return Not(node, pos=_start(meta)) if negated is not None else node

    def like(self, meta: Meta, c: list[Any]) -> Like:
        operand, negated, pattern = c
        return Like(operand, unescape(pattern[1:-1]), negated is not None, pos=_start(meta))

    # Arithmetic level

    def sum(self, meta: Meta, c: list[Any]) -> Expr:
        node = c[0]
        for op, right in zip(c[1::2], c[2::2], strict=True):
            node = Arith(str(op), node, right, pos=_start(meta))
        return node

    product = sum

    def neg(self, meta: Meta, c: list[Any]) -> Expr:
        minus, operand = c
        if isinstance(operand, Literal) and operand.kind == "number":
            assert isinstance(operand.value, int | float)
            return Literal(-operand.value, "number", "-" + operand.text, pos=_pos(minus))
        return Neg(operand, pos=_pos(minus))

    def paren(self, meta: Meta, c: list[Any]) -> Expr:
        return c[0]

    def field(self, meta: Meta, c: list[Any]) -> Field:
        return Field(self._name(c[0]), pos=_pos(c[0]))

    def _name(self, token: Token) -> str:
        if token.type == "NAME":
            return str(token)
        name = token[1:-1].replace("\\`", "`")
        if not name.strip():
            raise self._error("nom de champ vide entre accents graves", _pos(token))
        return name

    def call(self, meta: Meta, c: list[Any]) -> Call:
        name, args = str(c[0]).lower(), c[1] or ()
        for arg in args:
            if isinstance(arg, Star) and name != "count":
                raise self._error("« * » n'est permis comme argument que dans count(*)", arg.pos)
        problem = arity_problem(name, len(args))
        if problem:
            raise self._error(problem, _start(meta))
        return Call(name, args, pos=_start(meta))

    def args(self, meta: Meta, c: list[Any]) -> tuple[Expr, ...]:
        if isinstance(c[0], Token):
            return (Star(pos=_pos(c[0])),)
        return tuple(c)

    def literal(self, meta: Meta, c: list[Any]) -> Literal:
        token: Token = c[0]
        try:
            value, kind = literal_value(token.type, str(token))
        except ValueError as exc:
            raise self._error(str(exc), _pos(token)) from None
        return Literal(value, kind, str(token), pos=_pos(token))


def _expected_at(text: str, clause: str, stop: int) -> set[str]:
    """Terminals the parser accepts right before index ``stop``.

    Replays the parse up to ``stop``: the failed parse's own state is unreliable, as LALR
    may already have reduced with the bad token as look-ahead, hiding valid continuations.
    """
    interactive = _PARSER.parse_interactive(text, start=clause)
    try:
        for token in interactive.iter_parse():
            if (token.start_pos or 0) >= stop:
                break
    except UnexpectedInput:
        pass  # the lexer stops at the faulty character or token, leaving the state before it
    return set(interactive.accepts())


def _translate(exc: UnexpectedInput, text: str, clause: str) -> OdsqlError:
    """Turn a Lark syntax error into an OdsqlError, without any of Lark's English."""
    if isinstance(exc, UnexpectedCharacters):
        index = exc.pos_in_stream or 0
        position, char = index + 1, text[index]
        if char in "\"'":
            return OdsqlError(clause, "chaîne non terminée commencée", position)
        if char == "`":
            return OdsqlError(clause, "nom de champ entre accents graves non terminé commencé", position)
        expected = describe_expected(_expected_at(text, clause, index))
        return OdsqlError(clause, f"caractère inattendu {quote_excerpt(char)}", position, expected)
    if isinstance(exc, UnexpectedToken) and exc.token.type != "$END":
        expected = describe_expected(_expected_at(text, clause, exc.token.start_pos or 0))
        reason = f"jeton inattendu {quote_excerpt(str(exc.token))}"
        return OdsqlError(clause, reason, _pos(exc.token), expected)
    expected = describe_expected(_expected_at(text, clause, len(text)))
    return OdsqlError(clause, "fin de la clause inattendue", len(text.rstrip()) + 1, expected)


def _check_text(text: str, clause: str) -> None:
    if not isinstance(text, str):
        raise TypeError(f"{clause}: expected str, got {type(text).__name__}")
    if len(text) > MAX_CLAUSE_LENGTH:
        reason = f"clause trop longue ({len(text)} caractères, {MAX_CLAUSE_LENGTH} au maximum)"
        raise OdsqlError(clause, reason)
    if not text.strip():
        raise OdsqlError(clause, "clause vide")


# Parse-tree rules that only wrap clause items or argument lists: they add no nesting.
_WRAPPERS = frozenset({*_CLAUSES, "select_star", "select_expr", "group_item", "order_item", "args"})


def _too_deep(tree: Tree[Token]) -> Tree[Token] | None:
    """The first sub-tree nested deeper than MAX_DEPTH, or None.

    Counts one level per operation, call, literal, field and pair of parentheses; a chain
    ``a + b - c`` counts one level per operator, as it becomes nested ``Arith`` nodes.
    """
    stack: list[tuple[Tree[Token], int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if node.data in ("sum", "product"):
            depth += len(node.children) // 2
        elif node.data not in _WRAPPERS:
            depth += 1
        if depth > MAX_DEPTH:
            return node
        stack.extend((child, depth) for child in node.children if isinstance(child, Tree))
    return None


PARSED_ENTRIES = 256  # clauses kept parsed per process: pages of the same query parse it once


@functools.lru_cache(maxsize=PARSED_ENTRIES)
def _parse(text: str, clause: str) -> Any:
    """The tree of one clause; kept (LRU), the nodes being immutable. Errors are raised again, never kept."""
    _check_text(text, clause)
    try:
        tree = _PARSER.parse(text, start=clause)
    except UnexpectedInput as exc:
        raise _translate(exc, text, clause) from None
    too_deep = _too_deep(tree)
    if too_deep is not None:
        reason = f"expression trop imbriquée ({MAX_DEPTH} niveaux au maximum)"
        raise OdsqlError(clause, reason, _start(too_deep.meta))
    try:
        result = _Builder(clause).transform(tree)
    except VisitError as exc:
        if isinstance(exc.orig_exc, OdsqlError):
            raise exc.orig_exc from None
        raise
    return result


def _text_searches(node: Expr) -> Expr:
    """Bare strings in boolean positions of a where clause become full-text searches."""
    if isinstance(node, Literal) and node.kind == "string":
        assert isinstance(node.value, str)
        return TextSearch(node.value, pos=node.pos)
    if isinstance(node, And | Or):
        return replace(node, items=tuple(_text_searches(item) for item in node.items))
    if isinstance(node, Not):
        return replace(node, operand=_text_searches(node.operand))
    return node


def parse_where(text: str) -> Expr:
    """Parse a ``where`` clause into a boolean expression."""
    return _text_searches(_parse(text, "where"))


def parse_select(text: str) -> tuple[SelectItem, ...]:
    """Parse a ``select`` clause: ``*``, expressions, aggregations, each with an optional alias."""
    result: tuple[SelectItem, ...] = _parse(text, "select")
    return result


def parse_group_by(text: str) -> tuple[GroupItem, ...]:
    """Parse a ``group_by`` clause: fields, ``range(f, step)``, ``date_format(f, 'yyyy-MM')``..."""
    result: tuple[GroupItem, ...] = _parse(text, "group_by")
    return result


def parse_order_by(text: str) -> tuple[OrderItem, ...]:
    """Parse an ``order_by`` clause: expressions followed by an optional ``asc``/``desc``."""
    result: tuple[OrderItem, ...] = _parse(text, "order_by")
    return result


def parse_refine(text: str, clause: str = "refine") -> Refine:
    """Parse a ``refine``/``exclude`` value: ``facet:value`` or ``facet:"value"``.

    Only the first colon separates the facet from the value (``date:2024/01`` and
    ``heure:"12:30"`` both work). Pass ``clause="exclude"`` for accurate messages.
    """
    _check_text(text, clause)
    facet, colon, raw = text.partition(":")
    if not colon:
        raise OdsqlError(clause, "« : » manquant ; format attendu : facette:valeur")
    facet_start = len(facet) - len(facet.lstrip()) + 1
    facet = facet.strip()
    if not facet:
        raise OdsqlError(clause, "nom de facette manquant avant « : »", facet_start)
    if not _FACET_RE.fullmatch(facet):
        raise OdsqlError(clause, f"nom de facette invalide {quote_excerpt(facet)}", facet_start)
    value_start = len(text) - len(raw.lstrip()) + 1
    value = raw.strip()
    if value.startswith('"'):
        quoted = _QUOTED_RE.match(value)
        if quoted is None:
            raise OdsqlError(clause, "chaîne non terminée commencée", value_start)
        if quoted.end() != len(value):
            reason = "texte inattendu après la valeur entre guillemets"
            raise OdsqlError(clause, reason, value_start + quoted.end())
        value = unescape(value[1:-1])
    if not value:
        raise OdsqlError(clause, "valeur manquante après « : »", len(text) + 1)
    return Refine(facet, value, pos=facet_start)
