"""ODSQL ``where`` and ``order_by`` over the catalogue's metadata, compiled to Django Q objects.

Only fields of the map below and a short list of functions are accepted; every
other name is an error naming its position. Values always travel as ORM
parameters.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from territoria.catalog import search
from territoria.lib import odsql
from territoria.lib.odsql import ast as A


@dataclass(frozen=True)
class CatalogField:
    paths: tuple[str, ...]
    kind: str  # text, datetime, number, date
    order_path: str | None = None


FIELDS: dict[str, CatalogField] = {
    "dataset_id": CatalogField(("slug",), "text", "slug"),
    "title": CatalogField(("title",), "text", "title"),
    "description": CatalogField(("description",), "text"),
    "theme": CatalogField(("themes__code", "themes__label_fr", "themes__label_en"), "text"),
    "keyword": CatalogField(("keywords__name",), "text"),
    "publisher": CatalogField(("organisation__name", "organisation__slug"), "text", "organisation__name"),
    "producer": CatalogField(("producer",), "text", "producer"),
    "license": CatalogField(("licence__title", "licence__identifier"), "text", "licence__title"),
    "license_id": CatalogField(("licence__identifier",), "text", "licence__identifier"),
    "format": CatalogField(("resources__format",), "text"),
    "frequency": CatalogField(("frequency",), "text", "frequency"),
    "territory": CatalogField(("spatial_coverage", "spatial_code"), "text", "spatial_coverage"),
    "modified": CatalogField(("modified",), "datetime", "modified"),
    "created": CatalogField(("created",), "datetime", "created"),
    "issued": CatalogField(("published",), "datetime", "published"),
    "temporal_coverage_start": CatalogField(("temporal_start",), "date", "temporal_start"),
    "temporal_coverage_end": CatalogField(("temporal_end",), "date", "temporal_end"),
    "popularity": CatalogField(("view_count",), "number", "view_count"),
    "downloads": CatalogField(("download_count",), "number", "download_count"),
}

COMPARE_LOOKUPS = {"<": "lt", ">": "gt", "<=": "lte", ">=": "gte"}
PART_LOOKUPS = {"year": "year", "month": "month", "day": "day"}


def _error(clause: str, reason: str, node: Any, expected: list[str] | None = None, hint: str = "") -> odsql.OdsqlError:
    """An OdsqlError whose message ends with a hint instead of the (possibly long) expected list."""
    position = getattr(node, "pos", None) or None
    error = odsql.OdsqlError(clause, reason, position)
    error.expected = expected or []
    if hint:
        error.message = f"{error.message} ; {hint}"
        error.args = (error.message,)
    return error


def _field(clause: str, node: Any) -> CatalogField:
    if not isinstance(node, A.Field):
        raise _error(clause, _("un nom de champ est attendu"), node)
    found = FIELDS.get(node.name)
    if found is None:
        guess = difflib.get_close_matches(node.name, FIELDS, n=1)
        hint = _("vouliez-vous dire « %(guess)s » ?") % {"guess": guess[0]} if guess else ""
        raise _error(clause, _("champ inconnu « %(name)s »") % {"name": node.name}, node, sorted(FIELDS), hint)
    return found


def _value(clause: str, field: CatalogField, node: Any) -> Any:
    if not isinstance(node, A.Literal) or node.kind in {"geometry", "distance"}:
        raise _error(clause, _("une valeur est attendue"), node)
    value: Any = node.value
    if field.kind in {"datetime", "date"}:
        if node.kind not in {"date", "string"}:
            raise _error(clause, _("une date est attendue (date'AAAA-MM-JJ')"), node)
        value = _parse_date(clause, node, field.kind)
    elif field.kind == "number" and node.kind != "number":
        raise _error(clause, _("un nombre est attendu"), node)
    return value


def _parse_date(clause: str, node: Any, kind: str) -> date | datetime:
    raw = node.value if isinstance(node.value, str) else str(node.value)
    text = raw.replace("/", "-")
    if re.fullmatch(r"\d{4}", text):
        text += "-01-01"
    elif re.fullmatch(r"\d{4}-\d{1,2}", text):
        text += "-01"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise _error(
            clause,
            _("date invalide « %(raw)s » (attendu : AAAA-MM-JJ)") % {"raw": raw},
            node,
        ) from None
    if kind == "date":
        return parsed.date()
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _any(field: CatalogField, lookup: str, value: Any) -> Q:
    q = Q()
    for path in field.paths:
        q |= Q(**{f"{path}__{lookup}": value})
    return q


def _like(field: CatalogField, pattern: str) -> Q:
    """ODSQL ``like``: case-insensitive match of the whole value, ``*`` standing for any run of characters."""
    if "*" not in pattern:
        return _any(field, "iexact", pattern)
    parts = pattern.split("*")
    if len(parts) == 2 and parts[0] and not parts[1]:
        return _any(field, "istartswith", parts[0])
    if len(parts) == 2 and parts[1] and not parts[0]:
        return _any(field, "iendswith", parts[1])
    if len(parts) == 3 and not parts[0] and not parts[2]:
        return _any(field, "icontains", parts[1])
    return _any(field, "iregex", "^" + ".*".join(re.escape(p) for p in parts) + "$")


def compile_where(expression: str) -> Q:
    return compile_where_ranked(expression)[0]


def compile_where_ranked(expression: str) -> tuple[Q, str]:
    """The filter, and the words of its full-text searches (to rank results by relevance)."""
    tree = odsql.parse_where(expression)
    texts = [node.text for node in odsql.walk(tree) if isinstance(node, A.TextSearch)]
    texts += [
        str(node.args[-1].value)
        for node in odsql.walk(tree)
        if isinstance(node, A.Call) and node.name == "search" and node.args and isinstance(node.args[-1], A.Literal)
    ]
    return _compile("where", tree), " ".join(texts)


def _compile(clause: str, node: Any) -> Q:
    if isinstance(node, A.And):
        q = Q()
        for item in node.items:
            q &= _compile(clause, item)
        return q
    if isinstance(node, A.Or):
        q = Q()
        for index, item in enumerate(node.items):
            q = _compile(clause, item) if index == 0 else q | _compile(clause, item)
        return q
    if isinstance(node, A.Not):
        return ~_compile(clause, node.operand)
    if isinstance(node, A.TextSearch):
        return Q(pk__in=[pk for pk, _score in search.ranked_ids(node.text)])
    if isinstance(node, A.Compare):
        return _compare(clause, node)
    if isinstance(node, A.In):
        field = _field(clause, node.operand)
        q = _any(field, "in", [_value(clause, field, v) for v in node.values])
        return ~q if node.negated else q
    if isinstance(node, A.Range):
        field = _field(clause, node.operand)
        low = _any(field, "gte" if node.low_inclusive else "gt", _value(clause, field, node.low))
        high = _any(field, "lte" if node.high_inclusive else "lt", _value(clause, field, node.high))
        return low & high
    if isinstance(node, A.Like):
        q = _like(_field(clause, node.operand), node.pattern)
        return ~q if node.negated else q
    if isinstance(node, A.IsNull):
        field = _field(clause, node.operand)
        q = _any(field, "isnull", True)
        if field.kind == "text":
            q |= _any(field, "exact", "")
        return ~q if node.negated else q
    if isinstance(node, A.Call):
        return _call(clause, node)
    if isinstance(node, A.Literal) and node.kind == "boolean":
        return Q() if node.value else Q(pk__in=[])
    raise _error(clause, _("expression non prise en charge dans le catalogue"), node)


def _call(clause: str, node: Any) -> Q:
    if node.name == "search" and node.args:
        text = node.args[-1]
        if not (isinstance(text, A.Literal) and text.kind == "string"):
            raise _error(clause, _("search() attend un texte entre guillemets"), node)
        return Q(pk__in=[pk for pk, _score in search.ranked_ids(str(text.value))])
    if node.name == "startswith" and len(node.args) == 2:
        field = _field(clause, node.args[0])
        return _any(field, "istartswith", _value(clause, field, node.args[1]))
    raise _error(
        clause,
        _("fonction « %(name)s » non disponible sur le catalogue (disponibles : search, startswith, year, month, day)")
        % {"name": node.name},
        node,
    )


def _compare(clause: str, node: Any) -> Q:
    left, right, op = node.left, node.right, node.op
    if isinstance(right, A.Field | A.Call) and isinstance(left, A.Literal):
        left, right = right, left
        op = {"<": ">", ">": "<", "<=": ">=", ">=": "<="}.get(op, op)
    part = None
    if isinstance(left, A.Call) and left.name in PART_LOOKUPS and len(left.args) == 1:
        part, left = PART_LOOKUPS[left.name], left.args[0]
    field = _field(clause, left)
    if part:
        if field.kind not in {"date", "datetime"} or not (isinstance(right, A.Literal) and right.kind == "number"):
            raise _error(clause, _("year(), month() et day() portent sur une date et se comparent à un nombre"), node)
        value: Any = int(right.value)  # type: ignore[arg-type]
        prefix = f"{part}__"
    else:
        value = _value(clause, field, right)
        prefix = ""
    if isinstance(value, datetime) and field.kind == "datetime" and op in {"=", "!="} and value.time() == time(0):
        # A bare date compared with a timestamp means "that day".
        q = _any(field, "date", value.date())
    elif op in {"=", "!="}:
        q = _any(field, f"{prefix}exact" if prefix or field.kind != "text" else "iexact", value)
    else:
        q = _any(field, f"{prefix}{COMPARE_LOOKUPS[op]}", value)
    return ~q if op == "!=" else q


def compile_order_by(expression: str) -> list[str]:
    items = odsql.parse_order_by(expression)
    ordering = []
    for item in items:
        field = _field("order_by", item.expr)
        if field.order_path is None:
            raise _error("order_by", _("ce champ ne peut pas servir au tri"), item.expr)
        ordering.append(("-" if item.descending else "") + field.order_path)
    return ordering
