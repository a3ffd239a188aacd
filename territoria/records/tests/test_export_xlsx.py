"""exports/xlsx: every row, typed cells, formula text kept as text, the sheet named after the dataset."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from python_calamine import CalamineWorkbook

from territoria.records.exports import xlsx

from .conftest import content, get, records_of

pytestmark = [pytest.mark.django_db, pytest.mark.urls("territoria.records.tests.urls")]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sheets(data: bytes) -> dict[str, list[list[object]]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def test_the_sheet_holds_what_the_records_api_returns(equipements):
    query = {
        "where": "quantite >= 2",
        "order_by": "montant desc",
        "select": "nom, montant, quantite, actif, commentaire",
    }
    response = get(None, "equipements", "exports/xlsx", **query)
    assert response["Content-Type"] == XLSX_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="equipements.xlsx"'
    found = sheets(content(response))
    assert list(found) == ["Équipements"]
    header, *rows = found["Équipements"]
    expected = records_of("equipements", **query)
    assert header == ["nom", "montant", "quantite", "actif", "commentaire"]
    assert len(rows) == len(expected) == 5
    assert rows == [[r[name] for name in header] for r in expected]


def test_dates_are_dates_and_points_are_their_json_text(equipements):
    header, *rows = sheets(content(get(None, "equipements", "exports/xlsx")))["Équipements"]
    expected = records_of("equipements")
    dates = [row[header.index("date_ouverture")] for row in rows]
    assert all(type(d) is dt.date for d in dates)
    assert [d.isoformat() for d in dates] == [r["date_ouverture"] for r in expected]
    points = [json.loads(row[header.index("geo_point_2d")]) for row in rows]
    assert points == [r["geo_point_2d"] for r in expected]


def test_text_starting_like_a_formula_is_text_never_a_formula(equipements):
    data = content(get(None, "equipements", "exports/xlsx", select="nom, commentaire"))
    rows = dict(sheets(data)["Équipements"][1:])
    assert rows["Stade Sud"] == "=1+2"
    assert rows["Piscine Été"] == "@SOMME(A1)"
    assert rows["Salle des fêtes"] == "-2"
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet
    assert '<c r="B3" t="s"' in sheet or '<c r="B3" t="inlineStr"' in sheet  # "=1+2" is a string cell


def test_beyond_a_sheet_the_rows_go_on_in_the_next(equipements, monkeypatch):
    monkeypatch.setattr(xlsx, "SHEET_ROWS", 4)  # header + 3 rows per sheet
    found = sheets(content(get(None, "equipements", "exports/xlsx", select="nom")))
    assert list(found) == ["Équipements", "Équipements (2)"]
    assert [s[0] for s in found.values()] == [["nom"], ["nom"]]
    names = [row[0] for s in found.values() for row in s[1:]]
    assert names == [r["nom"] for r in records_of("equipements", select="nom")]


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Budget [2024]: dépenses / recettes?", "Budget  2024   dépenses   recet"),
        ("'", "export"),
        ("Équipements", "Équipements"),
    ],
)
def test_sheet_names_are_ones_excel_accepts(title, name):
    assert xlsx.sheet_name(title) == name
    assert len(xlsx.sheet_name(title * 5, 12)) <= 31
