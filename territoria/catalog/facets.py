"""Catalogue facets: one registry used by the search page and the Explore API.

A facet names an ORM path for its value and one for its display name; a
refine value may be given either way (``theme:ENVI`` or ``theme:"Environnement"``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from territoria.catalog.models import Dataset, Theme
from territoria.lib.formats import FORMATS


@dataclass(frozen=True)
class FacetValue:
    value: str
    name: str
    count: int


def _theme_names(values: Iterable[str]) -> dict[str, str]:
    return {t.code: t.label for t in Theme.objects.filter(code__in=list(values))}


def _format_names(values: Iterable[str]) -> dict[str, str]:
    return {v: FORMATS[v].label if v in FORMATS else v for v in values}


@dataclass(frozen=True)
class Facet:
    name: str
    label: Promise
    value_path: str
    name_path: str
    extra_match: tuple[str, ...] = ()
    names: Callable[[Iterable[str]], dict[str, str]] | None = field(default=None, compare=False)

    def condition(self, value: str) -> Q:
        q = Q(**{self.value_path: value}) | Q(**{f"{self.name_path}__iexact": value})
        for path in self.extra_match:
            q |= Q(**{f"{path}__iexact": value})
        return q

    def refine(self, queryset: QuerySet[Dataset], value: str) -> QuerySet[Dataset]:
        # Matching ids in a subquery: several refines on a multi-valued facet mean "all of them".
        return queryset.filter(pk__in=Dataset.objects.filter(self.condition(value)).values("pk"))

    def exclude(self, queryset: QuerySet[Dataset], value: str) -> QuerySet[Dataset]:
        return queryset.exclude(pk__in=Dataset.objects.filter(self.condition(value)).values("pk"))

    def count(self, queryset: QuerySet[Dataset], limit: int = 50) -> list[FacetValue]:
        rows = list(
            queryset.order_by()
            .filter(**{f"{self.value_path}__isnull": False, f"{self.value_path}__gt": ""})
            .values(self.value_path, self.name_path)
            .annotate(n=Count("pk", distinct=True))
            .order_by("-n", self.name_path)[:limit]
        )
        names = self.names([r[self.value_path] for r in rows]) if self.names else {}
        return [
            FacetValue(
                value=str(r[self.value_path]),
                name=names.get(r[self.value_path], str(r[self.name_path])),
                count=r["n"],
            )
            for r in rows
        ]


FACETS: dict[str, Facet] = {
    f.name: f
    for f in (
        Facet("theme", _("Thème"), "themes__code", "themes__label_fr", ("themes__label_en",), _theme_names),
        Facet("publisher", _("Organisation"), "organisation__slug", "organisation__name"),
        Facet("keyword", _("Mot-clé"), "keywords__name", "keywords__name"),
        Facet("format", _("Format"), "resources__format", "resources__format", (), _format_names),
        Facet("license", _("Licence"), "licence__identifier", "licence__title"),
    )
}
