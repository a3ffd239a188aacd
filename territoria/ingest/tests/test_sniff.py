"""Sniffing real French files: encoding, delimiter, decimal mark, header, line ends; format from magic bytes."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from territoria.ingest.sniff import detect_encoding, detect_format, sniff_text

DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"
BAL_CP1252 = DATA / "csv-fr" / "bal-strasbourg-extrait.cp1252.csv"
SSMSI_GZ = DATA / "csv-fr" / "ssmsi-delinquance-departements-2016-2022.csv.gz"
ARBRES_CSV = DATA / "exemples-schemas" / "arbres-urbains" / "exemple-valide.csv"
AIRES_CSV = DATA / "exemples-schemas" / "aire-livraison" / "exemple-grand-lyon.csv"
XLSX = DATA / "exemples-schemas" / "stationnement" / "exemple-valide.xlsx"
XLS = DATA / "exemples-schemas" / "lieux-covoiturage" / "exemple-valide.xls"
GPKG = DATA / "geo" / "cnig-sites-economiques-modele-vide.gpkg"
SHP_ZIP = DATA / "geo" / "amenagements-cyclables-template-shp-lambert93.zip"
GEOJSON = DATA / "geo" / "communes-90-territoire-de-belfort.geojson"
DECP_JSON = DATA / "decp" / "concessions.json"

pytestmark = pytest.mark.skipif(not DATA.is_dir(), reason=f"données partagées absentes ({DATA})")


def _gunzip(src: Path, dst: Path) -> Path:
    with gzip.open(src, "rb") as fh, open(dst, "wb") as out:
        shutil.copyfileobj(fh, out)
    return dst


def test_cp1252_semicolon_file() -> None:
    sniff = sniff_text(BAL_CP1252)
    assert sniff.encoding == "cp1252"
    assert sniff.delimiter == ";"
    assert sniff.header is True
    assert sniff.field_count == 13
    assert sniff.decimal == "."  # 7.737072: dots, even with ";" as delimiter
    assert sniff.line_terminator == "\n"


def test_bom_crlf_semicolon_file() -> None:
    sniff = sniff_text(ARBRES_CSV)
    assert sniff.encoding == "utf-8-sig"
    assert sniff.delimiter == ";"
    assert sniff.line_terminator == "\r\n"
    assert sniff.quotechar == '"'


def test_comma_file_with_commas_inside_quotes() -> None:
    sniff = sniff_text(AIRES_CSV)
    assert sniff.encoding == "utf-8"
    assert sniff.delimiter == ","
    assert sniff.field_count == 31  # GEOM_WKT holds quoted commas: "POLYGON(4.855154 45.769666, ...)"


def test_decimal_comma_detected(tmp_path: Path) -> None:
    sniff = sniff_text(_gunzip(SSMSI_GZ, tmp_path / "ssmsi.csv"))
    assert sniff.encoding == "utf-8-sig"
    assert sniff.delimiter == ";"
    assert sniff.decimal == ","
    assert sniff.header is True


def test_utf16_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "bal.utf16.csv"
    path.write_text(BAL_CP1252.read_bytes().decode("cp1252"), encoding="utf-16")
    sniff = sniff_text(path)
    assert sniff.encoding == "utf-16"
    assert sniff.delimiter == ";"
    assert sniff.field_count == 13


def test_tab_and_pipe_delimiters(tmp_path: Path) -> None:
    text = BAL_CP1252.read_bytes().decode("cp1252")
    (tmp_path / "t.tsv").write_text(text.replace(";", "\t"), encoding="utf-8")
    (tmp_path / "p.txt").write_text(text.replace(";", "|"), encoding="utf-8")
    assert sniff_text(tmp_path / "t.tsv").delimiter == "\t"
    assert sniff_text(tmp_path / "p.txt").delimiter == "|"


def test_headerless_file(tmp_path: Path) -> None:
    lines = BAL_CP1252.read_bytes().decode("cp1252").splitlines()[1:]
    path = tmp_path / "sans-entete.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert sniff_text(path).header is False
    assert sniff_text(BAL_CP1252).header is True


def test_years_as_column_labels_are_a_header(tmp_path: Path) -> None:
    path = tmp_path / "annees.csv"
    path.write_text("commune;2019;2020\nRennes;1,5;2,5\nBrest;3,5;4\n", encoding="utf-8")
    sniff = sniff_text(path)
    assert sniff.header is True
    assert sniff.decimal == ","


def test_encoding_preference_cp1252_over_latin1() -> None:
    assert detect_encoding("Évreux ; 12 €".encode("cp1252")) == "cp1252"
    assert detect_encoding("Évreux".encode()) == "utf-8"
    # 0x81 does not exist in cp1252: only latin-1 decodes it
    assert detect_encoding(b"caf\xe9 \x81 ;" * 20) == "latin-1"


def test_detect_format_of_real_files() -> None:
    assert detect_format(BAL_CP1252, BAL_CP1252.name) == "csv"
    assert detect_format(SSMSI_GZ, SSMSI_GZ.name) == "csv"
    assert detect_format(XLSX, XLSX.name) == "xlsx"
    assert detect_format(XLS, XLS.name) == "xls"
    assert detect_format(GPKG, GPKG.name) == "gpkg"
    assert detect_format(SHP_ZIP, SHP_ZIP.name) == "shp"
    assert detect_format(GEOJSON, GEOJSON.name) == "geojson"
    assert detect_format(DECP_JSON, DECP_JSON.name) == "json"


@pytest.mark.parametrize(
    ("source", "lie", "expected"),
    [
        (XLSX, "donnees.csv", "xlsx"),
        (XLS, "donnees.csv", "xls"),
        (GPKG, "couche.json", "gpkg"),
        (SHP_ZIP, "tableau.xlsx", "shp"),
        (GEOJSON, "export.csv", "geojson"),
        (BAL_CP1252, "adresses.xlsx", "csv"),
        (SSMSI_GZ, "delinquance.json", "csv"),
    ],
)
def test_detect_format_ignores_a_lying_extension(tmp_path: Path, source: Path, lie: str, expected: str) -> None:
    target = tmp_path / lie
    shutil.copyfile(source, target)
    assert detect_format(target, lie) == expected


def test_detect_format_json_lines_kml_parquet(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text('{"a": 1}\n{"a": 2}\n', encoding="utf-8")
    assert detect_format(tmp_path / "a.json", "a.json") == "jsonl"
    (tmp_path / "b.xml").write_text('<?xml version="1.0"?>\n<kml xmlns="http://www.opengis.net/kml/2.2"/>')
    assert detect_format(tmp_path / "b.xml", "b.xml") == "kml"
    pq.write_table(pa.table({"x": [1]}), tmp_path / "c.csv")
    assert detect_format(tmp_path / "c.csv", "c.csv") == "parquet"
    (tmp_path / "d.csv").write_bytes(b"%PDF-1.4\x00\x00binary")
    assert detect_format(tmp_path / "d.csv", "d.csv") == "inconnu"
