"""/datasets/<slug>/graphique/ (chart builder) and /graphiques/<uuid>/ (saved charts)."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from territoria.conftest import client_for
from territoria.viz.models import Chart

from .conftest import ROWS

pytestmark = pytest.mark.django_db

CITY_COUNTS = Counter(r[1] for r in ROWS)


def url(slug: str = "equipements", **params) -> str:  # type: ignore[no-untyped-def]
    return reverse("viz:chart", args=[slug]) + ("?" + urlencode(params) if params else "")


def spec_of(response) -> dict:  # type: ignore[no-untyped-def]
    """The Vega-Lite spec as the page ships it (json_script), not as the view built it."""
    body = response.content.decode()
    start = body.index('<script id="chart-spec" type="application/json">') + len(
        '<script id="chart-spec" type="application/json">'
    )
    return json.loads(body[start : body.index("</script>", start)])


def test_the_builder_starts_empty_with_every_chart_type(client, equipements):
    response = client.get(url())
    assert response.status_code == 200
    body = response.content.decode()
    for label in ("Barres", "Courbe", "Aires", "Camembert", "Nuage de points", "Histogramme"):
        assert label in body
    assert "data-vega-chart" not in body
    assert 'aria-current="page">Graphique</a>' in body
    assert "/static/vendor/vega/vega-embed6.js" in body


def test_a_bar_chart_counts_rows_per_category(client, equipements):
    response = client.get(url(type="bar", x="ville"))
    assert response.status_code == 200
    spec = spec_of(response)
    assert {v["x"]: v["y"] for v in spec["data"]["values"]} == dict(CITY_COUNTS)
    assert spec["mark"]["type"] == "bar"
    body = response.content.decode()
    assert 'data-vega-chart data-spec="chart-spec"' in body
    assert 'data-chart-download="png"' in body and 'data-chart-download="svg"' in body
    assert '<details class="chart-data">' in body and '<th scope="row">Lyon</th><td>3</td>' in body
    assert "Valeur la plus haute : 3 pour Lyon" in body


def test_a_line_of_monthly_sums(client, equipements):
    response = client.get(url(type="line", x="date_ouverture", date_unit="month", aggregation="sum", y="montant"))
    assert response.status_code == 200
    expected: dict[str, float] = defaultdict(float)
    for row in ROWS:
        expected[row[4][:7] + "-01"] += float(row[2].replace(",", "."))
    got = {v["x"]: v["y"] for v in spec_of(response)["data"]["values"]}
    assert got == pytest.approx(dict(expected))
    assert list(got) == sorted(expected)


def test_the_api_box_gives_the_same_numbers(client, equipements):
    response = client.get(url(type="bar", x="ville", aggregation="avg", y="quantite"))
    example = response.context["example"]
    answer = json.loads(client.get(example.url).content)
    assert {r["x"]: r["y"] for r in answer["results"]} == {v["x"]: v["y"] for v in spec_of(response)["data"]["values"]}
    assert "avg(quantite) as y" in example.python


def test_a_filter_narrows_the_chart(client, equipements):
    response = client.get(url(type="pie", x="ville", where="quantite >= 3"))
    expected = Counter(r[1] for r in ROWS if int(r[3]) >= 3)
    assert {v["x"]: v["y"] for v in spec_of(response)["data"]["values"]} == dict(expected)


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"type": "line", "x": "ville"}, "ne peut pas utiliser la colonne"),
        ({"type": "bar", "x": "ville", "aggregation": "sum"}, "Choisissez la colonne de valeurs"),
        ({"type": "bar", "x": "ville", "where": "quantite >"}, "where"),
        ({"type": "bar", "x": "ville", "where": "nope = 1"}, "champ inconnu"),
        ({"type": "bar", "x": "nope"}, "nope"),
    ],
)
def test_a_chart_that_cannot_be_drawn_says_why_next_to_the_field(client, equipements, params, words):
    response = client.get(url(**params))
    assert response.status_code == 400
    body = response.content.decode()
    assert words in body
    assert "data-vega-chart" not in body
    assert 'aria-invalid="true"' in body


def test_saving_needs_a_signed_in_person(client, equipements):
    config = {"type": "bar", "x": "ville", "title": "Par ville"}
    response = client.post(url(), config)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert not Chart.objects.exists()


def test_a_saved_chart_gets_its_own_address(equipements, member, outsider):
    response = client_for(member).post(
        url(), {"type": "bar", "x": "ville", "aggregation": "count", "title": "Par ville"}
    )
    chart = Chart.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/graphiques/{chart.pk}/"
    assert chart.title == "Par ville" and chart.created_by == member and chart.dataset == equipements
    assert chart.config == {"type": "bar", "x": "ville", "aggregation": "count", "date_unit": "month"}
    for person in (None, outsider, member):  # public data: anyone may see it
        page = client_for(person).get(chart.get_absolute_url())
        assert page.status_code == 200
        assert "<h1>Par ville</h1>" in page.content.decode()
        assert {v["x"]: v["y"] for v in spec_of(page)["data"]["values"]} == dict(CITY_COUNTS)
    listed = client_for(outsider).get(url()).content.decode()
    assert f'href="/graphiques/{chart.pk}/"' in listed


def test_a_chart_that_cannot_be_drawn_is_not_saved(equipements, member):
    response = client_for(member).post(url(), {"type": "bar", "x": "ville", "where": "nope = 1", "title": "T"})
    assert response.status_code == 400
    assert not Chart.objects.exists()
    response = client_for(member).post(url(), {"type": "bar", "x": "ville", "title": ""})
    assert response.status_code == 400 and not Chart.objects.exists()


def test_saved_charts_obey_the_policy_on_their_dataset(hidden, metadata_only, owner, outsider):
    secret = Chart.objects.create(dataset=hidden, title="Graphique secret Qwx", config={"type": "bar", "x": "ville"})
    reserved = Chart.objects.create(
        dataset=metadata_only, title="Graphique réservé Qwy", config={"type": "bar", "x": "ville"}
    )
    for person in (None, outsider):
        response = client_for(person).get(secret.get_absolute_url())
        assert response.status_code == 404
        assert "Qwx" not in response.content.decode() and "Dossiers cachés" not in response.content.decode()
        response = client_for(person).get(reserved.get_absolute_url())
        assert response.status_code == 403
        assert "Qwy" not in response.content.decode() and "Gymnase" not in response.content.decode()
    assert client_for(owner).get(secret.get_absolute_url()).status_code == 200
    assert client_for(owner).get(reserved.get_absolute_url()).status_code == 200
    assert client_for(None).get("/graphiques/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_saving_on_restricted_data_is_refused(metadata_only, outsider):
    response = client_for(outsider).post(url("fiche-seule"), {"type": "bar", "x": "ville", "title": "T"})
    assert response.status_code == 403
    assert not Chart.objects.exists()


def test_a_saved_chart_that_no_longer_fits_the_data_explains_why(client, equipements):
    chart = Chart.objects.create(dataset=equipements, title="Ancien", config={"type": "bar", "x": "colonne_disparue"})
    response = client.get(chart.get_absolute_url())
    assert response.status_code == 200
    assert "ne correspond plus aux colonnes" in response.content.decode()


def test_the_chart_page_obeys_the_policy(client, hidden, metadata_only, outsider):
    assert client.get(url("dossiers-caches")).status_code == 404
    assert client_for(outsider).get(url("dossiers-caches", type="bar", x="ville")).status_code == 404
    response = client.get(url("fiche-seule", type="bar", x="ville"))
    assert response.status_code == 403
    assert "Données réservées" in response.content.decode()
