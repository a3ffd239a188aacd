"""Filters, French full-text search, facets and map points over what the person may see."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AnonymousUser
from django.http import QueryDict

from territoria.atlas import explore
from territoria.atlas.models import Action

ANON = AnonymousUser()


def _search(**params) -> set[str]:  # type: ignore[no-untyped-def]
    query = QueryDict(mutable=True)
    for key, value in params.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    return set(explore.search(ANON, explore.Filters.from_params(query)).values_list("title", flat=True))


def _data(action_factory):  # type: ignore[no-untyped-def]
    action_factory(
        title="Médiathèque numérique",
        enjeu="E04",
        services=("S029",),
        insee="90010",
        collectivite="Ville de Belfort",
        start_date=dt.date(2021, 5, 1),
        population=46_000,
    )
    action_factory(
        title="Espace public numérique",
        enjeu="E15",
        services=("S122",),
        insee="35238",
        start_date=dt.date(2023, 1, 1),
        population=222_000,
        status=Action.Status.IN_PROGRESS,
    )
    action_factory(
        title="Conseillers numériques itinérants",
        enjeu="E15",
        services=("S123", "S122"),
        insee="35288",
        start_date=dt.date(2023, 9, 1),
        territory_type=Action.TerritoryType.EPCI,
    )
    action_factory(title="Projet secret en attente", enjeu="E15", services=("S122",), state=Action.State.SUBMITTED)


def test_filters_combine(action_factory):
    _data(action_factory)
    assert _search(enjeu="E15") == {"Espace public numérique", "Conseillers numériques itinérants"}
    assert _search(enjeu="E15", annee="2023", statut="in_progress") == {"Espace public numérique"}
    assert _search(service="S122") == {"Espace public numérique", "Conseillers numériques itinérants"}
    assert _search(departement="90") == {"Médiathèque numérique"}
    assert _search(territoire="epci") == {"Conseillers numériques itinérants"}
    assert _search(population="200k+") == {"Espace public numérique"}
    assert _search(enjeu=["E04", "E15"], departement="35") == {
        "Espace public numérique",
        "Conseillers numériques itinérants",
    }
    assert _search(annee="deux-mille") == set()


def test_search_ignores_accents_case_and_plural(action_factory):
    _data(action_factory)
    assert _search(q="MEDIATHEQUES") == {"Médiathèque numérique"}
    assert _search(q="conseiller numerique") == {"Conseillers numériques itinérants"}
    assert _search(q="belfort") == {"Médiathèque numérique"}  # the collectivité is searched too
    assert _search(q="secret") == set()  # submitted: not public
    assert _search(q="inexistant") == set()


def test_facets_count_only_visible_actions(action_factory, referential):
    _data(action_factory)
    filters = explore.Filters()
    groups = explore.facets(explore.search(ANON, filters), filters, referential)
    enjeux = {v.value: v.count for v in groups["enjeu"]}
    assert enjeux == {"E15": 2, "E04": 1}
    assert {v.value: v.count for v in groups["service"]} == {"S122": 2, "S123": 1, "S029": 1}
    assert {v.value: v.count for v in groups["annee"]} == {"2023": 2, "2021": 1}
    assert [v.value for v in groups["annee"]] == ["2023", "2021"]
    assert {v.value: v.count for v in groups["departement"]} == {"35": 2, "90": 1}
    labels = {v.value: v.label for v in groups["enjeu"]}
    assert labels["E15"] == referential.items.get(code="E15").label


def test_selected_facet_values_are_marked(action_factory, referential):
    _data(action_factory)
    filters = explore.Filters.from_params({"enjeu": ["E15"]})
    groups = explore.facets(explore.search(ANON, filters), filters, referential)
    assert [(v.value, v.selected) for v in groups["enjeu"]] == [("E15", True)]


def test_map_points_are_compact_and_placed(action_factory):
    _data(action_factory)
    points = explore.map_points(explore.search(ANON, explore.Filters()))
    assert len(points) == 3
    assert all(len(p) == 4 and isinstance(p[0], int) for p in points)
    rennes = next(p for p in points if p[3] == "E15" and abs(p[1] - 48.11) < 0.05)
    assert -1.8 < rennes[2] < -1.5


def test_an_atlas_selection_narrowed_by_a_visitor():
    base = explore.Filters.from_params({"enjeu": ["E15"], "departement": ["35"]})
    narrowed = base.merged(explore.Filters.from_params({"enjeu": ["E15", "E04"], "annee": ["2023"], "q": "ept"}))
    assert narrowed.values == {"enjeu": ["E15"], "departement": ["35"], "annee": ["2023"]}
    assert narrowed.q == "ept"
    escaped = base.merged(explore.Filters.from_params({"departement": ["90"]}))
    assert escaped.values["departement"] == []  # a visitor cannot widen an atlas beyond its selection
