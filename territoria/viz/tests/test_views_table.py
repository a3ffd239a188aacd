"""/datasets/<slug>/tableau/: the records of a dataset as a paginated, sortable, filterable table."""

from __future__ import annotations

import csv
import io
import json
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import reverse

from territoria.conftest import client_for

from .conftest import ROWS, publish, write_csv

pytestmark = pytest.mark.django_db

NAMES = [r[0] for r in ROWS]
CITY = {r[0]: r[1] for r in ROWS}
AMOUNT = {r[0]: float(r[2].replace(",", ".")) for r in ROWS}
DATE = {r[0]: r[4] for r in ROWS}


def url(slug: str = "equipements", **params) -> str:  # type: ignore[no-untyped-def]
    from urllib.parse import urlencode

    return reverse("viz:table", args=[slug]) + ("?" + urlencode(params, doseq=True) if params else "")


def shown(response) -> list[str]:  # type: ignore[no-untyped-def]
    """The names of the rows on the page, in order (first column)."""
    return [row[0] for row in response.context["rows"]]


def test_the_table_lists_the_published_rows_with_labels_and_tabs(client, equipements):
    response = client.get(url())
    assert response.status_code == 200
    assert shown(response) == NAMES
    body = response.content.decode()
    assert "6 enregistrements" in body
    assert '<th scope="row">Gymnase Nord</th>' in body
    assert re.search(r'<a href="/datasets/equipements/tableau/"\s+aria-current="page">Tableau</a>', body)
    assert 'href="/datasets/equipements/carte/"' in body  # the dataset has latitude/longitude
    assert 'href="/datasets/equipements/"' in body and "Informations" in body
    assert "<h1>Équipements</h1>" in body


def test_a_dataset_without_geography_has_no_map_tab(client, make_dataset, tmp_path):
    rows = [(n, v) for n, v, *_ in ROWS]
    publish(make_dataset("sans-geo", "Sans géographie"), write_csv(tmp_path / "s.csv", rows, ["nom", "ville"]))
    body = client.get(url("sans-geo")).content.decode()
    assert "/datasets/sans-geo/carte/" not in body
    assert "/datasets/sans-geo/graphique/" in body


def test_full_text_search(client, equipements):
    response = client.get(url(q="lyon"))
    assert shown(response) == [n for n in NAMES if CITY[n] == "Lyon"]
    response = client.get(url(q="ecully"))  # accents and case do not matter
    assert shown(response) == ["Salle des fêtes"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"f_montant": ">10"}, [n for n in NAMES if AMOUNT[n] > 10]),
        ({"f_montant": "3,5..42"}, [n for n in NAMES if 3.5 <= AMOUNT[n] <= 42]),
        ({"f_montant": "<=7,75"}, [n for n in NAMES if AMOUNT[n] <= 7.75]),
        ({"f_ville": "villeur"}, ["Stade Sud"]),
        ({"f_date_ouverture": "2024"}, [n for n in NAMES if DATE[n].startswith("2024")]),
        ({"f_date_ouverture": "2024-03"}, [n for n in NAMES if DATE[n].startswith("2024-03")]),
        ({"f_date_ouverture": "2023..2024-03"}, [n for n in NAMES if "2023-01-01" <= DATE[n] <= "2024-03-31"]),
        ({"f_date_ouverture": "<2023"}, [n for n in NAMES if DATE[n] < "2023"]),
        ({"f_date_ouverture": ">2023"}, [n for n in NAMES if DATE[n] >= "2024"]),
        ({"f_actif": "true"}, [r[0] for r in ROWS if r[7] == "oui"]),
        ({"f_actif": "false", "f_ville": "lyon"}, ["Dojo"]),
    ],
)
def test_column_filters(client, equipements, params, expected):
    response = client.get(url(**params))
    assert response.status_code == 200
    assert shown(response) == expected


@pytest.mark.parametrize(
    ("params", "words"),
    [({"f_montant": "beaucoup"}, "Un nombre est attendu"), ({"f_date_ouverture": "2024-02-30"}, "Valeur invalide")],
)
def test_a_filter_that_cannot_be_read_is_explained_and_left_out(client, equipements, params, words):
    response = client.get(url(**params))
    assert response.status_code == 200
    assert shown(response) == NAMES
    body = response.content.decode()
    assert words in body
    assert 'aria-invalid="true"' in body


def test_sorting_by_a_column_both_ways(client, equipements):
    response = client.get(url(tri="-montant"))
    assert shown(response) == sorted(NAMES, key=lambda n: -AMOUNT[n])
    body = response.content.decode()
    assert re.search(r'<th scope="col" aria-sort="descending"><a href="\?tri=montant"', body)
    response = client.get(url(tri="montant"))
    assert shown(response) == sorted(NAMES, key=lambda n: AMOUNT[n])
    assert 'href="?tri=-montant"' in response.content.decode()
    assert shown(client.get(url(tri="nope"))) == NAMES  # an unknown column is ignored


def test_facets_count_values_and_refine(client, equipements):
    response = client.get(url())
    facets = {f["column"].name: {v["value"]: v["count"] for v in f["values"]} for f in response.context["facets"]}
    assert facets["ville"] == {"Lyon": 3, "Villeurbanne": 1, "Bron": 1, "Écully": 1}
    assert facets["actif"] == {True: 3, False: 3}
    assert "nom" not in facets  # every value differs: no facet
    lyon = next(v for f in response.context["facets"] for v in f["values"] if v["value"] == "Lyon")
    response = client.get(url() + lyon["url"])
    assert shown(response) == [n for n in NAMES if CITY[n] == "Lyon"]
    refined = next(v for f in response.context["facets"] for v in f["values"] if v["value"] == "Lyon")
    assert refined["selected"] and refined["url"] == "?"  # choosing it again takes it away
    assert response.context["chips"] == [{"label": "ville : Lyon", "url": "?"}]


def test_the_page_address_carries_the_whole_query(client, equipements):
    response = client.get(url(q="lyon", f_montant=">3", tri="-montant", refine="actif:true"))
    share = response.context["share_url"]
    query = dict(parse_qsl(urlsplit(share).query))
    assert query == {"q": "lyon", "f_montant": ">3", "tri": "-montant", "refine": "actif:true"}
    assert shown(client.get(share)) == shown(response) == ["Gymnase Nord", "Piscine Été"]


def test_the_api_box_gives_the_same_rows_as_the_page(client, equipements):
    response = client.get(url(q="lyon", f_montant=">3", tri="-montant", refine="actif:true"))
    example = response.context["example"]
    api = client.get(example.url)
    assert api.status_code == 200
    assert [r["nom"] for r in json.loads(api.content)["results"]] == shown(response)
    for snippet in (example.curl, example.python, example.javascript):
        assert "/api/explore/v2.1/catalog/datasets/equipements/records" in snippet
        assert "montant > 3" in snippet and "actif:true" in snippet
    assert "Apikey" not in example.curl  # a public dataset needs no key
    export = client.get(response.context["export_url"])
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert [row["nom"] for row in csv.DictReader(io.StringIO(text), delimiter=";")] == shown(response)


def test_examples_for_internal_data_carry_the_key_header(make_dataset, tmp_path, member):
    dataset = make_dataset("interne", "Interne", visibility="internal")
    publish(dataset, write_csv(tmp_path / "i.csv", ROWS))
    response = client_for(member).get(url("interne"))
    assert response.status_code == 200
    assert "Authorization: Apikey VOTRE_CLE" in response.context["example"].curl


def test_pages_of_twenty(client, many_points):
    response = client.get(url("mobilier-urbain", page=2))
    assert response.context["total"] == 3000
    assert shown(response) == [f"P{i}" for i in range(20, 40)]
    body = response.content.decode()
    assert "Lignes 21 à 40 sur 3" in body
    assert 'href="?page=3" rel="next"' in body and 'href="?" rel="prev"' in body  # page 1 has no parameter
    assert client.get(url("mobilier-urbain", page=99999)).context["page"] == 500  # 10,000 rows at most


def test_values_are_escaped(client, make_dataset, tmp_path):
    rows = [("<script>alert(1)</script>", "https://exemple.fr/a?b=1&c=2")]
    publish(make_dataset("html", "HTML"), write_csv(tmp_path / "h.csv", rows, ["nom", "lien"]))
    body = client.get(url("html")).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert '<a href="https://exemple.fr/a?b=1&amp;c=2" rel="nofollow noopener">' in body


def test_a_hidden_dataset_is_not_found(client, hidden, outsider, owner):
    for person in (None, outsider):
        response = client_for(person).get(url("dossiers-caches"))
        assert response.status_code == 404
        assert "Dossiers cachés Zzq" not in response.content.decode()
    assert client_for(owner).get(url("dossiers-caches")).status_code == 200


def test_restricted_data_get_a_french_explanation(client, metadata_only, outsider, owner):
    for person in (None, outsider):
        response = client_for(person).get(url("fiche-seule"))
        assert response.status_code == 403
        body = response.content.decode()
        assert "Données réservées" in body and "Fiche publique seule" in body
        assert "Gymnase Nord" not in body
    assert client_for(owner).get(url("fiche-seule")).status_code == 200


def test_a_dataset_without_published_data(client, make_dataset):
    make_dataset("vide", "Jeu vide")
    response = client.get(url("vide"))
    assert response.status_code == 200
    assert "Aucune donnée n'est encore publiée" in response.content.decode()


def test_the_api_tab_gives_working_examples(client, equipements, hidden, metadata_only, outsider):
    response = client.get(reverse("viz:api", args=["equipements"]))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'aria-current="page">API</a>' in body and 'href="/api/"' in body
    ids = [item["id"] for item in response.context["examples"]]
    assert ids == ["records", "facets", "export"]
    for item in response.context["examples"]:
        answer = client.get(item["example"].url)
        assert answer.status_code == 200, item["example"].url
    assert "Apikey" not in body
    for person in (None, outsider):
        assert client_for(person).get(reverse("viz:api", args=["dossiers-caches"])).status_code == 404
    reserved = client.get(reverse("viz:api", args=["fiche-seule"])).content.decode()
    assert "Authorization: Apikey" in reserved and "Gymnase" not in reserved
