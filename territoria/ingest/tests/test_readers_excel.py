"""Spreadsheet reader: real XLSX/XLS, hand-written XLSX (formulas with cached values, dates, title rows) and ODS."""

from __future__ import annotations

import importlib.util
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from territoria.ingest.readers import excel_reader, read_any
from territoria.ingest.readers.base import RawTable, ReadError, ReadOptions
from territoria.ingest.readers.excel_reader import cell_text

DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"
ARBRES_XLSX = DATA / "exemples-schemas" / "arbres-urbains" / "exemple-valide.xlsx"
STATIONNEMENT_XLSX = DATA / "exemples-schemas" / "stationnement" / "exemple-valide.xlsx"
COVOIT_XLS = DATA / "exemples-schemas" / "lieux-covoiturage" / "exemple-valide.xls"

pytestmark = pytest.mark.skipif(not DATA.is_dir(), reason=f"données partagées absentes ({DATA})")

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


def rows(table: RawTable) -> list[dict[str, str | None]]:
    data = pq.read_table(table.path)
    assert data.column_names == [c.name for c in table.columns]
    assert all(pa.types.is_string(f.type) for f in data.schema)
    return data.to_pylist()


def _column(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell(ref: str, value: Any) -> str:
    if isinstance(value, tuple) and value[0] == "date":  # serial number with a date style
        return f'<c r="{ref}" s="1"><v>{value[1]}</v></c>'
    if isinstance(value, tuple) and value[0] == "f":  # formula with the value cached by the last save
        formula, cached = escape(value[1]), value[2]
        if isinstance(cached, str):
            return f'<c r="{ref}" t="str"><f>{formula}</f><v>{escape(cached)}</v></c>'
        return f'<c r="{ref}"><f>{formula}</f><v>{cached}</v></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c>'


def write_xlsx(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    """A minimal but valid XLSX written by hand (openpyxl never stores cached formula values)."""
    names = list(sheets)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(names) + 1)
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{overrides}</Types>",
        )
        zf.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{_PKG}"><Relationship Id="rId1" Target="xl/workbook.xml" '
            f'Type="{_REL}/officeDocument"/></Relationships>',
        )
        zf.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
            + "".join(f'<sheet name="{escape(n)}" sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(names, 1))
            + "</sheets></workbook>",
        )
        zf.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{_PKG}">'
            + "".join(
                f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                for i in range(1, len(names) + 1)
            )
            + f'<Relationship Id="rId{len(names) + 1}" Type="{_REL}/styles" Target="styles.xml"/></Relationships>',
        )
        zf.writestr(
            "xl/styles.xml",
            f'<styleSheet xmlns="{_MAIN}"><fonts count="1"><font/></fonts><fills count="1"><fill/></fills>'
            '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
            '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>',
        )
        for i, name in enumerate(names, 1):
            body = "".join(
                f'<row r="{r}">'
                + "".join(_cell(f"{_column(c)}{r}", v) for c, v in enumerate(row) if v is not None)
                + "</row>"
                for r, row in enumerate(sheets[name], 1)
            )
            zf.writestr(
                f"xl/worksheets/sheet{i}.xml", f'<worksheet xmlns="{_MAIN}"><sheetData>{body}</sheetData></worksheet>'
            )
    return path


def write_ods(path: Path, rows_: list[list[Any]]) -> Path:
    """A minimal ODS: strings, floats and a date cell."""
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    )

    def cell(v: Any) -> str:
        if isinstance(v, tuple):
            kind, attributes, shown = "date", f'office:date-value="{v[1]}"', v[1]
        elif isinstance(v, float | int):
            kind, attributes, shown = "float", f'office:value="{v}"', v
        else:
            kind, attributes, shown = "string", "", escape(v)
        return f'<table:table-cell office:value-type="{kind}" {attributes}><text:p>{shown}</text:p></table:table-cell>'

    table = "".join("<table:table-row>" + "".join(cell(v) for v in r) + "</table:table-row>" for r in rows_)
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        zf.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            '<manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>",
        )
        zf.writestr(
            "content.xml",
            f'<office:document-content {ns} office:version="1.2"><office:body><office:spreadsheet>'
            f'<table:table table:name="Feuille1">{table}</table:table></office:spreadsheet></office:body>'
            "</office:document-content>",
        )
    return path


def test_real_xlsx_numbers_as_plain_text(tmp_path: Path) -> None:
    table = excel_reader.read(ARBRES_XLSX, tmp_path)
    assert table.source["sheets"] == ["Sheet1"] and table.source["header_row"] == 1
    assert table.row_count == 4
    data = rows(table)
    assert data[0]["id"] == "1"  # a float 1.0 in the file, written without ".0"
    assert data[0]["longitude"] == "49.802"
    assert data[0]["code_insee"] == "2A123"
    assert data[1]["code_insee"] == "75013"
    assert data[0]["cultivar_variete_arbre"] is None


def test_real_xlsx_stationnement(tmp_path: Path) -> None:
    table = excel_reader.read(STATIONNEMENT_XLSX, tmp_path)
    data = rows(table)
    assert table.row_count == 2
    assert data[0]["id"] == "75114-P-001"
    assert data[0]["nb_places"] == "325"
    assert data[0]["adresse"] == "3 rue de la Gare, 92300, Levallois-Peret"


def test_real_xls_cp1252(tmp_path: Path) -> None:
    table = read_any(COVOIT_XLS, tmp_path, declared_name="covoiturage.csv")  # a lying extension
    assert table.source["format"] == "xls"
    data = rows(table)
    assert table.row_count == 1
    assert data[0]["insee"] == "76217"
    assert data[0]["source"] == "217602176"
    assert data[0]["xlong"] == "1.081183"
    assert [c.label for c in table.columns][9:11] == ["Xlong", "Ylat"]


def test_formulas_come_back_as_cached_values(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "formules.xlsx",
        {
            "Budget": [
                ["Code", "Montant", "Double", "Libellé", "Erreur"],
                # The cached 99 is not what C2*2 would give: a reader that evaluates would say 2469.
                ["01234", 1234.5, ("f", "B2*2", 99), ("f", 'A2&" bis"', "valeur cachée"), ("f", "1/0", "#DIV/0!")],
            ]
        },
    )
    data = rows(excel_reader.read(path, tmp_path / "w"))
    assert data == [
        {"code": "01234", "montant": "1234.5", "double": "99", "libelle": "valeur cachée", "erreur": "#DIV/0!"}
    ]


def test_title_rows_dates_and_sheet_choice(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "classeur.xlsx",
        {
            "Notes": [],
            "Subventions": [
                [],
                ["Subventions 2023 de la commune"],
                [],
                [None, "Code INSEE", "Montant", "Date", "Actif", "Grand"],
                [None, "35238", 12.0, ("date", 45000), True, 1e20],
                [None, "2A004", 0.1, None, False, 123456789.125],
                [],
                [None, "01001", -3.5, ("date", 44927), None, None],
            ],
            "Autre": [["x"], ["1"]],
        },
    )
    table = excel_reader.read(path, tmp_path / "w")
    assert table.source["sheets"] == ["Notes", "Subventions", "Autre"]
    assert table.source["sheet"] == "Subventions"  # the first sheet with data
    assert table.source["header_row"] == 4
    assert [c.name for c in table.columns] == ["code_insee", "montant", "date", "actif", "grand"]
    data = rows(table)
    assert data[0] == {
        "code_insee": "35238",
        "montant": "12",
        "date": "2023-03-15",
        "actif": "true",
        "grand": "100000000000000000000",
    }
    assert data[1]["montant"] == "0.1" and data[1]["grand"] == "123456789.125"
    assert data[2] == {"code_insee": "01001", "montant": "-3.5", "date": "2023-01-01", "actif": None, "grand": None}
    assert any(i.code == "blank-lines" for i in table.issues)
    other = excel_reader.read(path, tmp_path / "w2", options=ReadOptions(sheet="3"))
    assert other.source["sheet"] == "Autre" and rows(other) == [{"x": "1"}]
    with pytest.raises(ReadError, match="Subventions"):
        excel_reader.read(path, tmp_path / "w3", options=ReadOptions(sheet="Inconnue"))


def test_forced_header_row(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "h.xlsx", {"F": [["a", "b"], ["c", "d"], ["1", "2"]]})
    table = excel_reader.read(path, tmp_path / "w", options=ReadOptions(header_row=2))
    assert [c.label for c in table.columns] == ["c", "d"]
    assert rows(table) == [{"c": "1", "d": "2"}]


def test_ods(tmp_path: Path) -> None:
    path = write_ods(tmp_path / "tableau.ods", [["Code", "Valeur", "Jour"], ["01234", 2.5, ("date", "2024-02-29")]])
    table = read_any(path, tmp_path / "w", declared_name="tableau.ods")
    assert table.source["format"] == "ods"
    assert rows(table) == [{"code": "01234", "valeur": "2.5", "jour": "2024-02-29"}]


def test_cell_text() -> None:
    import datetime as dt

    assert cell_text(76217.0) == "76217"
    assert cell_text(1.081183) == "1.081183"
    assert cell_text(1e-7) == "0.0000001"
    assert cell_text(dt.datetime(2023, 3, 15, 12, 30)) == "2023-03-15T12:30:00"
    assert cell_text(dt.timedelta(hours=26, minutes=5)) == "26:05:00"
    assert cell_text("") is None


@pytest.mark.skipif(importlib.util.find_spec("openpyxl") is None, reason="openpyxl n'est pas installé dans le venv")
def test_openpyxl_workbook(tmp_path: Path) -> None:  # pragma: no cover - only when openpyxl is there
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["code", "n"])
    sheet.append(["01234", 3])
    book.save(tmp_path / "o.xlsx")
    assert rows(excel_reader.read(tmp_path / "o.xlsx", tmp_path / "w")) == [{"code": "01234", "n": "3"}]
