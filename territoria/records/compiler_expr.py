"""The expression compiler: ODSQL AST nodes → DuckDB SQL and parameters, for one version's columns.

Every field is checked against the version's columns, every function against a whitelist, identifiers are quoted
only when they are known column names, and every literal value goes through a ``?`` parameter. Dates are in
:mod:`.compiler_dates`, geography in :mod:`.compiler_geo`; whole queries are put together in :mod:`.compiler`.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Sequence
from typing import Any

from territoria.lib import odsql
from territoria.lib.odsql import (
    And,
    Arith,
    Call,
    Compare,
    Expr,
    Field,
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
    Star,
    TextSearch,
)
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
