"""GET /api/explore/v2.1/catalog/datasets/{id}/exports/{format}: streamed, complete, safe for spreadsheets."""

from __future__ import annotations

import csv
import io
import json

import pytest

from territoria.records import engine
from territoria.records.api import protect_cell

from .conftest import expected_rows, get, publish, write_csv

pytestmark = [pytest.mark.django_db, pytest.mark.urls("territoria.records.tests.urls")]


def content(response) -> bytes:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content
    assert response.streaming
    return b"".join(response.streaming_content)


def test_csv_with_semicolon_bom_and_formula_protection(equipements):
    response = get(None, "equipements", "exports/csv", delimiter=";", with_bom="true", select="nom, commentaire")
    assert response["Content-Disposition"] == 'attachment; filename="equipements.csv"'
    assert response["Content-Type"].startswith("text/csv")
    data = content(response)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["nom", "commentaire"]
    cells = dict((r[0], r[1]) for r in rows[1:])  # noqa: C402
    assert cells["Stade Sud"] == "'=1+2"
    assert cells["Piscine Été"] == "'@SOMME(A1)"
    assert cells["Salle des fêtes"] == "'-2"
    assert cells["Dojo"] == "fermé; travaux"
    assert cells["Gymnase Nord"] == "RAS"


def test_csv_defaults_to_comma_without_bom_and_filters(equipements):
    data = content(get(None, "equipements", "exports/csv", where='"lyon"', order_by="quantite desc", select="nom"))
    assert not data.startswith("\ufeff".encode())
    assert data.decode().split("\r\n") == ["nom", "Gymnase Nord", "Dojo", "Piscine Été", ""]


def test_json_and_jsonl_have_every_row(equipements):
    rows = json.loads(content(get(None, "equipements", "exports/json")))
    expected = expected_rows()
    assert [{k: r[k] for k in e} for r, e in zip(rows, expected, strict=True)] == expected
    lines = content(get(None, "equipements", "exports/jsonl", refine="ville:Lyon")).decode().splitlines()
    assert [json.loads(line)["nom"] for line in lines] == ["Gymnase Nord", "Piscine Été", "Dojo"]


def test_exports_have_no_row_limit_and_stream_in_chunks(make_dataset, tmp_path, monkeypatch):
    monkeypatch.setattr(engine, "CHUNK", 50)
    rows = [(f"n{i}", "Ville", "1,5", str(i), "2024-01-01", "45", "4", "oui", "") for i in range(1234)]
    publish(make_dataset("gros", "Gros"), write_csv(tmp_path / "gros.csv", rows))
    lines = content(get(None, "gros", "exports/jsonl")).splitlines()
    assert len(lines) == 1234 and json.loads(lines[-1])["quantite"] == 1233


@pytest.mark.parametrize(
    ("path", "params", "status", "parameter"),
    [
        ("exports/docx", {}, 404, "format"),
        ("exports/csv", {"delimiter": "x"}, 400, "delimiter"),
        ("exports/csv", {"with_bom": "peut-être"}, 400, "with_bom"),
        ("exports/csv", {"where": "nom = "}, 400, "where"),
        ("exports/csv", {"limit": "5"}, 400, "limit"),
    ],
)
def test_export_errors_are_json(equipements, api_error, path, params, status, parameter):
    api_error(get(None, "equipements", path, **params), status, parameter=parameter)


def test_csv_cells_are_the_json_values_protected(equipements):
    """The CSV is written column by column (exports/csv.py): each cell must equal protect_cell() of the value
    the JSON export gives, for every type of the fixture (text, decimal, integer, date, boolean, point)."""
    data = content(get(None, "equipements", "exports/csv")).decode("utf-8")
    table = list(csv.reader(io.StringIO(data)))
    rows = json.loads(content(get(None, "equipements", "exports/json")))
    assert table[0] == [n for n in rows[0] if n != "_id"]
    assert table[1:] == [[protect_cell(row[n]) for n in table[0]] for row in rows]
    assert table[1][table[0].index("geo_point_2d")] == '{"lon": 4.8357, "lat": 45.764}'


def test_large_exports_walk_windows_in_order_in_every_format(make_dataset, tmp_path, monkeypatch):
    monkeypatch.setattr(engine, "EXPORT_WINDOW", 100)
    monkeypatch.setattr(engine, "CHUNK", 64)
    comment = ["=x" if i % 7 else "" for i in range(1235)]
    rows = [(f"n{i}", "Ville", "1,5", str(i), "2024-01-01", "45", "4", "oui", comment[i]) for i in range(1, 1235)]
    publish(make_dataset("gros", "Gros"), write_csv(tmp_path / "gros.csv", rows))
    as_json = json.loads(content(get(None, "gros", "exports/json")))
    assert [r["quantite"] for r in as_json] == list(range(1, 1235))
    assert [r["_id"] for r in as_json] == list(range(1, 1235))
    data = content(get(None, "gros", "exports/csv", select="quantite, commentaire")).decode()
    table = list(csv.reader(io.StringIO(data)))
    assert table[0] == ["quantite", "commentaire"]
    assert table[1:] == [[str(i), "'=x" if i % 7 else ""] for i in range(1, 1235)]
    lines = content(get(None, "gros", "exports/jsonl", where="quantite > 1000")).splitlines()
    assert [json.loads(line)["quantite"] for line in lines] == list(range(1001, 1235))
