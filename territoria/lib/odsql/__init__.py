"""ODSQL (Opendatasoft Explore API v2.1 query language) parser.

Framework-free: parses ``where``, ``select``, ``group_by``, ``order_by`` clauses and
``refine``/``exclude`` values into the typed AST of :mod:`.ast`. Field names and function
whitelists are left to the compilers; only the arity of :data:`KNOWN_FUNCTIONS` is checked.
Every syntax problem raises :class:`OdsqlError` (a ``ValueError``) with a French message.
"""

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
    Node,
    Not,
    Or,
    OrderItem,
    Range,
    Refine,
    SelectItem,
    Star,
    TextSearch,
    fields_used,
    walk,
)
from .errors import OdsqlError
from .functions import KNOWN_FUNCTIONS
from .parser import (
    MAX_CLAUSE_LENGTH,
    MAX_DEPTH,
    MAX_IN_VALUES,
    parse_group_by,
    parse_order_by,
    parse_refine,
    parse_select,
    parse_where,
)

__all__ = [
    "KNOWN_FUNCTIONS",
    "MAX_CLAUSE_LENGTH",
    "MAX_DEPTH",
    "MAX_IN_VALUES",
    "And",
    "Arith",
    "Call",
    "Compare",
    "Expr",
    "Field",
    "GroupItem",
    "In",
    "IsNull",
    "Like",
    "Literal",
    "Neg",
    "Node",
    "Not",
    "OdsqlError",
    "Or",
    "OrderItem",
    "Range",
    "Refine",
    "SelectItem",
    "Star",
    "TextSearch",
    "fields_used",
    "parse_group_by",
    "parse_order_by",
    "parse_refine",
    "parse_select",
    "parse_where",
    "walk",
]
