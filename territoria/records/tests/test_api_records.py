"""GET /api/explore/v2.1/catalog/datasets/{id}/records on a dataset ingested from a real CSV."""

from __future__ import annotations

import json
import math
import statistics
from collections import Counter, defaultdict

import pytest

from territoria.conftest import client_for

from .conftest import expected_rows, get, publish, write_csv

pytestmark = [pytest.mark.django_db, pytest.mark.urls("territoria.records.tests.urls")]


def records(**params):  # type: ignore[no-untyped-def]
    response = get(None, "equipements", **params)
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def noms(body) -> list[str]:  # type: ignore[no-untyped-def]
    return [r["nom"] for r in body["results"]]


def test_all_records_with_typed_values_and_ids(equipements):
    body = records(limit=100)
    expected = expected_rows()
    assert body["total_count"] == len(expected)
    for got, want in zip(body["results"], expected, strict=True):
        assert {k: got[k] for k in want} == want
        assert got["geo_point_2d"] == {"lon": want["longitude"], "lat": want["latitude"]}
        assert "_row" not in got


def test_filters_compare_and_combine(equipements):
    expected = [r["nom"] for r in expected_rows() if r["montant"] > 5 and r["ville"] != "Villeurbanne"]
    body = records(where='montant > 5 and not ville = "Villeurbanne"')
    assert noms(body) == expected and body["total_count"] == len(expected)
    assert noms(records(where="quantite in [2..5]")) == [r["nom"] for r in expected_rows() if 2 <= r["quantite"] <= 5]
    assert noms(records(where='ville in ("Bron", "Écully")')) == ["Médiathèque", "Salle des fêtes"]
    assert noms(records(where='nom like "*thèque"')) == ["Médiathèque"]
    assert noms(records(where="actif and quantite >= 3")) == ["Gymnase Nord", "Salle des fêtes"]
    assert records(where="commentaire is null")["total_count"] == 0


def test_text_search_ignores_case_and_accents(equipements):
    assert noms(records(where='"lyon"')) == ["Gymnase Nord", "Piscine Été", "Dojo"]
    assert noms(records(where='"ecully"')) == ["Salle des fêtes"]
    assert noms(records(where='search(nom, "PISCINE ete")')) == ["Piscine Été"]
    assert noms(records(where='startswith(nom, "sta")')) == ["Stade Sud"]
    assert records(where='"50%"')["total_count"] == 0  # % is not a wildcard


def test_dates(equipements):
    expected = [r["nom"] for r in expected_rows() if str(r["date_ouverture"]) >= "2024-01-01"]
    assert noms(records(where="date_ouverture >= date'2024'")) == expected
    assert noms(records(where="year(date_ouverture) = 2024 and month(date_ouverture) = 3")) == [
        "Gymnase Nord",
        "Salle des fêtes",
    ]
    assert records(where="date_ouverture < now()")["total_count"] == 6


def test_geo_bbox_and_distance(equipements):
    rows = expected_rows()
    in_box = [r["nom"] for r in rows if 45.7 <= r["latitude"] <= 45.8 and 4.8 <= r["longitude"] <= 4.9]
    assert noms(records(where="in_bbox(geo_point_2d, 45.8, 4.9, 45.7, 4.8)")) == in_box

    def haversine(lat1, lon1, lat2, lon2):  # type: ignore[no-untyped-def]
        p1, p2 = math.radians(lat1), math.radians(lat2)
        a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
        return 2 * 6_371_008.8 * math.asin(math.sqrt(a))

    near = [r["nom"] for r in rows if haversine(45.764, 4.8357, r["latitude"], r["longitude"]) <= 2000]
    assert near and len(near) < len(rows)
    assert noms(records(where="within_distance(geo_point_2d, geom'POINT(4.8357 45.764)', 2km)")) == near


def test_select_aliases_and_arithmetic(equipements):
    body = records(select="nom, montant * 2 as double, quantite + 1", where='ville = "Bron"')
    assert body["results"] == [{"_id": 4, "nom": "Médiathèque", "double": 1.0, "quantite + 1": 6}]


def test_aggregates_match_python(equipements):
    rows = expected_rows()
    amounts = [r["montant"] for r in rows]
    body = records(
        select="count(*) as n, sum(montant) as s, avg(montant) as a, min(quantite) as mi, "
        "max(quantite) as ma, median(montant) as me, percentile(montant, 50) as p"
    )
    assert body["total_count"] == 1
    result = body["results"][0]
    assert result["n"] == len(rows)
    assert result["s"] == pytest.approx(sum(amounts))
    assert result["a"] == pytest.approx(statistics.mean(amounts))
    assert (result["mi"], result["ma"]) == (min(r["quantite"] for r in rows), max(r["quantite"] for r in rows))
    assert result["me"] == pytest.approx(statistics.median(amounts)) == result["p"]


def test_group_by_matches_python(equipements):
    rows = expected_rows()
    sums: dict[str, float] = defaultdict(float)
    for r in rows:
        sums[str(r["ville"])] += float(r["montant"])  # type: ignore[arg-type]
    body = records(group_by="ville", select="ville, sum(montant) as total", order_by="total desc")
    assert body["total_count"] == len(sums)
    assert [(g["ville"], pytest.approx(g["total"])) for g in body["results"]] == sorted(
        sums.items(), key=lambda kv: -kv[1]
    )
    months = Counter(str(r["date_ouverture"])[:7] for r in rows)
    body = records(group_by="date_format(date_ouverture, 'yyyy-MM') as mois", select="mois, count(*) as n")
    assert {g["mois"]: g["n"] for g in body["results"]} == months
    years = Counter(int(str(r["date_ouverture"])[:4]) for r in rows)
    body = records(group_by="year(date_ouverture) as annee", select="annee, count(*) as n", order_by="annee")
    assert [(g["annee"], g["n"]) for g in body["results"]] == sorted(years.items())
    buckets = Counter(int(r["quantite"]) // 5 * 5 for r in rows)  # type: ignore[call-overload]
    body = records(group_by="range(quantite, 5) as tranche", select="tranche, count(*) as n")
    assert {int(g["tranche"]): g["n"] for g in body["results"]} == buckets


def test_order_and_pagination(equipements):
    ordered = sorted(expected_rows(), key=lambda r: -r["quantite"])  # type: ignore[operator]
    body = records(order_by="quantite desc", limit=2, offset=1)
    assert noms(body) == [r["nom"] for r in ordered[1:3]] and body["total_count"] == 6
    assert noms(records(order_by="ville asc, nom desc", limit=3)) == ["Médiathèque", "Piscine Été", "Gymnase Nord"]
    assert len(records(limit=-1)["results"]) == 6
    assert len(records()["results"]) == 6


def test_refine_and_exclude(equipements):
    assert noms(records(refine="ville:Lyon")) == ["Gymnase Nord", "Piscine Été", "Dojo"]
    assert noms(records(refine=["ville:Lyon", "date_ouverture:2023"])) == ["Piscine Été"]
    assert noms(records(refine="date_ouverture:2024/03")) == ["Gymnase Nord", "Salle des fêtes"]
    assert noms(records(exclude="ville:Lyon", refine="actif:true")) == ["Salle des fêtes"]


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"limit": "101"}, "limit"),
        ({"limit": "abc"}, "limit"),
        ({"offset": "9995", "limit": "10"}, "offset"),
        ({"where": "montant >"}, "where"),
        ({"where": "montant > 'a' and"}, "where"),
        ({"select": "frobnicate(montant)"}, "select"),
        ({"refine": "inconnu:1"}, "refine"),
        ({"refine": "quantite:abc"}, "refine"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_parameters_are_json_errors(equipements, api_error, params, parameter):
    api_error(get(None, "equipements", **params), 400, parameter=parameter)


def test_unknown_column_error_names_the_suggestion_and_position(equipements, api_error):
    body = api_error(get(None, "equipements", where='ville = "Lyon" and montnt > 3'), 400, "ODSQLError", "where")
    assert body["position"] == 20
    assert "vouliez-vous dire « montant » ?" in body["message"]


def test_database_errors_are_400_without_database_text(equipements, api_error):
    body = api_error(get(None, "equipements", where='quantite = "abc"'), 400, "QueryError")
    assert "Conversion" not in body["message"] and "Binder" not in body["message"]


def test_hidden_unknown_and_unpublished_datasets_are_404(equipements, make_dataset, outsider, api_error, tmp_path):
    internal = make_dataset("interne", "Interne", visibility="internal")
    publish(internal, write_csv(tmp_path / "interne.csv", [("a", "b", "1", "1", "2024-01-01", "45", "4", "oui", "c")]))
    api_error(get(client_for(outsider), "interne"), 404, "NotFound")
    api_error(get(None, "interne"), 404, "NotFound")
    api_error(get(None, "nexiste-pas"), 404, "NotFound")
    make_dataset("vide", "Sans données")
    body = api_error(get(None, "vide"), 404, "NotFound")
    assert "aucune donnée publiée" in body["message"].lower()


def test_pages_totals_and_new_versions_on_a_larger_dataset(make_dataset, tmp_path):
    """Pages in _id order come from row windows (engine.py): the same rows, totals and ends as the whole file."""
    villes = ["Lyon", "Bron", "Écully"]
    rows = [(f"n{i}", villes[i % 3], "1,5", str(i), "2024-01-01", "45", "4", "oui", "") for i in range(1, 1235)]
    dataset = publish(make_dataset("gros", "Gros"), write_csv(tmp_path / "gros.csv", rows))

    def page(**params):  # type: ignore[no-untyped-def]
        response = get(None, "gros", **params)
        assert response.status_code == 200, response.content
        body = json.loads(response.content)
        return body["total_count"], [r["quantite"] for r in body["results"]]

    assert page(limit=5) == (1234, [1, 2, 3, 4, 5])
    assert page(limit=100, offset=1200) == (1234, list(range(1201, 1235)))
    assert page(limit=10, offset=1234) == (1234, [])
    bron = [i for i in range(1, 1235) if i % 3 == 1]
    assert page(where='ville = "Bron"', limit=4, offset=100) == (len(bron), bron[100:104])
    assert page(where='ville = "Bron"', limit=100, offset=400) == (len(bron), bron[400:])
    assert page(where="quantite > 1230", limit=2) == (4, [1231, 1232])
    assert page(where="quantite > 5000", limit=2) == (0, [])
    # A new published version: new file, new counts (nothing kept from the previous one is served).
    publish(dataset, write_csv(tmp_path / "gros-v2.csv", rows[:10]))
    assert page(limit=5) == (10, [1, 2, 3, 4, 5])
    assert page(where='ville = "Bron"', limit=2) == (4, [1, 4])
