"""Exploring the atlas: filters read from the address, full-text search, facets and map points.

Every query starts from the access policy's ``action_filter``: what a person may not see is never counted,
listed, mapped or exported.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.http import QueryDict

from territoria.access import services as access
from territoria.accounts.services import AnyUser
from territoria.atlas import communes
from territoria.atlas.models import Action, Item, Referential
from territoria.lib.text import stems

# Address parameter → what it filters. Each may be repeated (values are OR-ed, parameters AND-ed).
FILTERS = ("enjeu", "service", "territoire", "population", "annee", "statut", "departement", "insee")
MAX_QUERY = 200
FACET_TOP = 30


@dataclass
class Filters:
    q: str = ""
    values: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> Filters:
        getlist = params.getlist if isinstance(params, QueryDict) else None
        values: dict[str, list[str]] = {}
        for name in FILTERS:
            raw = getlist(name) if getlist else _as_list(params.get(name))
            cleaned = [str(v).strip()[:40] for v in raw if str(v).strip()]
            if cleaned:
                values[name] = list(dict.fromkeys(cleaned))
        return cls(q=str(params.get("q", "") or "").strip()[:MAX_QUERY], values=values)

    def as_dict(self) -> dict[str, Any]:
        """What a thematic atlas saves."""
        data: dict[str, Any] = dict(self.values)
        if self.q:
            data["q"] = self.q
        return data

    def query_string(self, **changes: list[str] | str | None) -> str:
        out = QueryDict(mutable=True)
        if self.q:
            out["q"] = self.q
        for name, values in self.values.items():
            out.setlist(name, values)
        for name, value in changes.items():
            if value is None or value == [] or value == "":
                out.pop(name, None)
            elif isinstance(value, list):
                out.setlist(name, value)
            else:
                out[name] = value
        return out.urlencode()

    def merged(self, other: Filters) -> Filters:
        """This selection narrowed by ``other`` (a visitor's filters inside a thematic atlas)."""
        values = {k: list(v) for k, v in self.values.items()}
        for name, extra in other.values.items():
            values[name] = [v for v in extra if v in values[name]] if name in values else list(extra)
        q = " ".join(p for p in (self.q, other.q) if p)
        return Filters(q=q, values=values)

    def is_empty(self) -> bool:
        return not self.q and not self.values


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def visible_actions(user: AnyUser) -> QuerySet[Action]:
    """Every action ``user`` may see: the only entry point to the Action table for serving code."""
    return Action.objects.filter(access.action_filter(user))


def published_actions(user: AnyUser) -> QuerySet[Action]:
    return visible_actions(user).filter(state=Action.State.PUBLISHED)


def _classified(level: str, codes: list[str]) -> Q:
    """Actions whose confirmed classification holds one of ``codes`` (the denormalised ``codes`` field)."""
    q = Q()
    for code in codes:
        if code.strip():
            q |= Q(codes__contains=f" {level[0]}:{code.strip()} ")
    return q if q else Q(pk__in=[])


def apply(queryset: QuerySet[Action], filters: Filters) -> QuerySet[Action]:
    v = filters.values
    if "enjeu" in v:
        queryset = queryset.filter(_classified("enjeu", v["enjeu"]))
    if "service" in v:
        queryset = queryset.filter(_classified("service", v["service"]))
    if "territoire" in v:
        queryset = queryset.filter(territory_type__in=v["territoire"])
    if "population" in v:
        queryset = queryset.filter(population_band__in=v["population"])
    if "annee" in v:
        years = [int(y) for y in v["annee"] if y.isdigit() and len(y) == 4]
        queryset = queryset.filter(year__in=years) if years else queryset.none()
    if "statut" in v:
        queryset = queryset.filter(status__in=v["statut"])
    if "departement" in v:
        queryset = queryset.filter(departement__in=[d.upper() for d in v["departement"]])
    if "insee" in v:
        queryset = queryset.filter(insee__in=[c.upper() for c in v["insee"]])
    for stem in dict.fromkeys(stems(filters.q)):
        # Word starts: « numeriq » finds « numérique » and « numériques ».
        queryset = queryset.filter(search_text__contains=f" {stem}")
    return queryset


def search(user: AnyUser, filters: Filters, *, published_only: bool = True) -> QuerySet[Action]:
    base = published_actions(user) if published_only else visible_actions(user)
    return apply(base, filters)


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


FACET_COLUMNS = {
    "territoire": "territory_type",
    "population": "population_band",
    "annee": "year",
    "statut": "status",
    "departement": "departement",
}


def counts(queryset: QuerySet[Action]) -> tuple[int, dict[str, Counter[str]]]:
    """The number of actions and the count of every facet value, in one pass over the matching rows."""
    columns = list(FACET_COLUMNS.values())
    tallies: dict[str, Counter[str]] = {name: Counter() for name in ("enjeu", "service", *FACET_COLUMNS)}
    total = 0
    for row in queryset.order_by().values_list("codes", *columns).iterator(chunk_size=5_000):
        total += 1
        for tagged in row[0].split():
            level, _colon, code = tagged.partition(":")
            tallies["enjeu" if level == "e" else "service"][code] += 1
        for name, value in zip(FACET_COLUMNS, row[1:], strict=True):
            if value not in (None, ""):
                tallies[name][str(value)] += 1
    return total, tallies


def facets(
    queryset: QuerySet[Action],
    filters: Filters,
    referential: Referential | None,
    *,
    tallied: tuple[int, dict[str, Counter[str]]] | None = None,
) -> dict[str, list[FacetValue]]:
    """Counts per value of each facet over ``queryset`` (already filtered), most frequent first."""
    selected = filters.values
    labels = _item_labels(referential)
    names: dict[str, dict[Any, Any]] = {
        "territoire": dict(Action.TerritoryType.choices),
        "population": {k: str(v) for k, v in communes.BAND_LABELS.items()},
        "annee": {},
        "statut": dict(Action.Status.choices),
        "departement": communes.departement_names(),
    }
    _total, tallies = tallied or counts(queryset)
    result: dict[str, list[FacetValue]] = {}
    for name, tally in tallies.items():
        ranked = sorted(tally.items(), key=lambda item: (-item[1], item[0]))[:FACET_TOP]
        if name == "annee":
            ranked.sort(key=lambda item: -int(item[0]))
        words = labels if name in ("enjeu", "service") else names[name]
        result[name] = [
            FacetValue(value, str(words.get(value, value)), n, value in selected.get(name, [])) for value, n in ranked
        ]
    return result


def _item_labels(referential: Referential | None) -> dict[str, str]:
    if referential is None:
        return {}
    return dict(
        Item.objects.filter(referential=referential, level__in=["enjeu", "service"]).values_list("code", "label")
    )


def map_points(queryset: QuerySet[Action]) -> list[list[Any]]:
    """[id, lat, lon, main enjeu] of every placed action: compact enough for 25,000 actions in one answer."""
    rows = queryset.filter(lat__isnull=False, lon__isnull=False).values_list("pk", "lat", "lon", "main_enjeu")
    return [[pk, round(lat or 0.0, 5), round(lon or 0.0, 5), enjeu] for pk, lat, lon, enjeu in rows.order_by()]
