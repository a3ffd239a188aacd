"""CSV reader on real French files: text kept as written, encodings, ragged rows, headers, limits."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from territoria.ingest.readers import csv_reader, read_any
from territoria.ingest.readers.base import RawTable, ReadError, ReadOptions
from territoria.ingest.readers.common import clean_name, make_columns

DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"
BAL_CP1252 = DATA / "csv-fr" / "bal-strasbourg-extrait.cp1252.csv"
SSMSI_GZ = DATA / "csv-fr" / "ssmsi-delinquance-departements-2016-2022.csv.gz"
ARBRES_CSV = DATA / "exemples-schemas" / "arbres-urbains" / "exemple-valide.csv"
AIRES_CSV = DATA / "exemples-schemas" / "aire-livraison" / "exemple-grand-lyon.csv"

pytestmark = pytest.mark.skipif(not DATA.is_dir(), reason=f"données partagées absentes ({DATA})")


def rows(table: RawTable) -> list[dict[str, str | None]]:
    data = pq.read_table(table.path)
    assert data.column_names == [c.name for c in table.columns]
    assert all(pa.types.is_string(f.type) for f in data.schema), data.schema
    assert data.num_rows == table.row_count
    return data.to_pylist()


def test_bal_cp1252_semicolon(tmp_path: Path) -> None:
    table = csv_reader.read(BAL_CP1252, tmp_path / "w")
    assert table.source["encoding"] == "cp1252"
    assert table.source["delimiter"] == ";"
    assert table.row_count == 15
    assert [c.name for c in table.columns][:4] == ["cle_interop", "uid_adresse", "voie_nom", "numero"]
    data = rows(table)
    assert data[0]["voie_nom"] == "Rue du Verdon"
    assert data[0]["position"] == "Entrée"  # cp1252 é decoded
    assert data[0]["x"] == "1049409.0"  # kept as written, not 1049409
    assert data[0]["date_der_maj"] == "2013.01.26"
    assert data[1]["cle_interop"] == "00000_5513_52"  # leading zeros kept
    assert data[1]["date_der_maj"] is None
    assert "Aubépine" in data[2]["voie_nom"]
    assert not (tmp_path / "w" / "source.utf8.csv").exists()  # the transcoded copy is removed


def test_encoding_variants_give_the_same_table(tmp_path: Path) -> None:
    text = BAL_CP1252.read_bytes().decode("cp1252")
    variants = {
        "cp1252": BAL_CP1252,
        "utf-8": tmp_path / "utf8.csv",
        "utf-8-sig": tmp_path / "bom.csv",
        "utf-16": tmp_path / "utf16.csv",
        "crlf": tmp_path / "crlf.csv",
    }
    variants["utf-8"].write_text(text, encoding="utf-8")
    variants["utf-8-sig"].write_text(text, encoding="utf-8-sig")
    variants["utf-16"].write_text(text, encoding="utf-16")
    variants["crlf"].write_bytes(text.replace("\n", "\r\n").encode("cp1252"))
    tables = {k: csv_reader.read(p, tmp_path / k) for k, p in variants.items()}
    reference = rows(tables["utf-8"])
    assert len(reference) == 15
    for key, table in tables.items():
        assert table.source["encoding"] == {"crlf": "cp1252"}.get(key, key)
        assert table.columns == tables["utf-8"].columns, key
        assert rows(table) == reference, key


def test_gzipped_decimal_commas_kept(tmp_path: Path) -> None:
    table = read_any(SSMSI_GZ, tmp_path, declared_name=SSMSI_GZ.name)
    assert table.source["compression"] == "gzip"
    assert table.source["decimal"] == ","
    assert table.row_count == 9898
    assert [c.label for c in table.columns][:4] == ["classe", "annee", "Code.département", "Code.région"]
    assert [c.name for c in table.columns][:4] == ["classe", "annee", "code_departement", "code_region"]
    first = rows(table)[0]
    assert first["code_departement"] == "01"  # not 1
    assert first["tauxpourmille"] == "2,25085170536868073"  # decimal comma untouched
    assert first["log"] == "308491,1600513844"
    assert not (tmp_path / "unpacked").exists()


def test_bom_crlf_and_doubled_quotes(tmp_path: Path) -> None:
    table = csv_reader.read(ARBRES_CSV, tmp_path)
    assert table.columns[0].name == "id" and table.columns[0].label == "id"  # no BOM in the name
    data = rows(table)
    assert len(data) == 4
    assert data[1]["nom_vernaculaire"] == 'Poirier "chanticleerc"'
    assert all(not (v or "").endswith("\r") for row in data for v in row.values())


def test_quoted_commas_and_wkt(tmp_path: Path) -> None:
    table = csv_reader.read(AIRES_CSV, tmp_path)
    data = rows(table)
    assert table.row_count == 16
    assert data[0]["geom_wkt"].startswith("POLYGON(4.855154 45.769666, 4.855176")
    assert data[0]["adresse"] == "27 Rue Ney, 69006 Lyon"


def test_ragged_rows_reported_with_source_lines(tmp_path: Path) -> None:
    good = [f"{i:05d};commune {i};{i},5" for i in range(1, 40)]
    physical = ["code;nom;valeur", *good[:4]]
    physical += ['00005;"nom sur', 'deux lignes";5,5']  # lines 6-7: a quoted newline
    physical += [*good[5:9], "00010;trop;de;champs"]  # line 12
    physical += [*good[10:19], "", ""]  # lines 22-23: blank
    physical += ["00020;manque"]  # line 24, right after the blank lines
    physical += [*good[20:], "00099;a;b;c;d;e"]  # last line, more than one extra field
    path = tmp_path / "ragged.csv"
    path.write_text("\n".join(physical) + "\n", encoding="utf-8")
    table = csv_reader.read(path, tmp_path / "w")
    ragged = [i for i in table.issues if i.code == "ragged-row"]
    assert [i.row for i in ragged] == [12, 24, len(physical)]
    assert [physical[i.row - 1] for i in ragged] == ["00010;trop;de;champs", "00020;manque", "00099;a;b;c;d;e"]
    assert "3 champs attendus, 4 trouvés" in ragged[0].message
    assert "3 champs attendus, 2 trouvés" in ragged[1].message
    assert "3 champs attendus, 6 trouvés" in ragged[2].message
    blank = next(i for i in table.issues if i.code == "blank-lines")
    assert blank.details["count"] == 2 and blank.row == 22
    assert table.source["rejected_rows"] == 3
    data = rows(table)
    assert table.row_count == len(data) == 39 - 2  # good rows 1-39 minus n° 10 and 20
    assert data[4] == {"code": "00005", "nom": "nom sur\ndeux lignes", "valeur": "5,5"}


def test_many_ragged_rows_are_capped(tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    body = "".join(f"{i};x;y\n" if i % 3 else f"{i};x\n" for i in range(1, 601))
    path.write_text("a;b;c\n" + body, encoding="utf-8")
    table = csv_reader.read(path, tmp_path / "w")
    ragged = [i for i in table.issues if i.code == "ragged-row"]
    assert len(ragged) == 100
    assert ragged[0].row == 4  # value 3 sits on line 4
    more = next(i for i in table.issues if i.code == "rows-rejected-more")
    assert more.details["total"] == 200
    assert table.row_count == 400
    assert not any(i.code == "most-rows-rejected" for i in table.issues)


def test_mostly_rejected_rows_are_an_error(tmp_path: Path) -> None:
    path = tmp_path / "mauvais.csv"
    path.write_text("a;b;c\n" + "1;2\n" * 10 + "1;2;3\n" * 2, encoding="utf-8")
    table = csv_reader.read(path, tmp_path / "w", options=ReadOptions(delimiter=";"))
    assert table.row_count == 2
    issue = next(i for i in table.issues if i.code == "most-rows-rejected")
    assert issue.severity == "error" and issue.details == {"rejected": 10, "read": 2}


def test_empty_and_duplicate_headers(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text(
        "Code INSEE;Commune;;Commune;Région (libellé)\n35238;Rennes;x;Rennes bis;Bretagne\n", encoding="utf-8"
    )
    table = csv_reader.read(path, tmp_path / "w")
    assert [c.name for c in table.columns] == ["code_insee", "commune", "colonne_3", "commune_2", "region_libelle"]
    assert [c.label for c in table.columns] == ["Code INSEE", "Commune", "", "Commune", "Région (libellé)"]
    codes = {i.code for i in table.issues}
    assert {"empty-header", "duplicate-header"} <= codes
    assert rows(table)[0]["commune_2"] == "Rennes bis"


def test_clean_names() -> None:
    assert clean_name("Code INSEE") == "code_insee"
    assert clean_name("  Œuvre d'art n°1 ") == "oeuvre_d_art_n_1"
    assert clean_name("2019") == "c_2019"
    columns, issues = make_columns(["a", "A", "a_2"])
    assert [c.name for c in columns] == ["a", "a_2", "a_2_2"]
    assert issues == []  # different labels: renamed without complaint


def test_header_only_and_forced_options(tmp_path: Path) -> None:
    path = tmp_path / "vide.csv"
    path.write_text("a;b;c\n", encoding="utf-8")
    assert csv_reader.read(path, tmp_path / "w1").row_count == 0
    path2 = tmp_path / "sans.csv"
    path2.write_text("01;x\n02;y\n", encoding="utf-8")
    table = csv_reader.read(path2, tmp_path / "w2", options=ReadOptions(header_row=0, delimiter=";"))
    assert [c.name for c in table.columns] == ["colonne_1", "colonne_2"]
    assert rows(table) == [{"colonne_1": "01", "colonne_2": "x"}, {"colonne_1": "02", "colonne_2": "y"}]


def test_header_row_option_skips_title_lines(tmp_path: Path) -> None:
    path = tmp_path / "titre.csv"
    path.write_text("Export du 01/02/2024\n\ncode;nom\n01;Ain\n", encoding="utf-8")
    table = csv_reader.read(path, tmp_path / "w", options=ReadOptions(header_row=3, delimiter=";"))
    assert [c.name for c in table.columns] == ["code", "nom"]
    assert rows(table) == [{"code": "01", "nom": "Ain"}]


def test_utf8_sample_with_cp1252_further_down(tmp_path: Path) -> None:
    path = tmp_path / "mixte.csv"
    with open(path, "wb") as fh:
        fh.write(b"code;nom\n")
        for i in range(100_000):  # 3.5 MB of ASCII: beyond the 2 MB the sniffer looks at
            fh.write(f"{i:05d};ligne ascii {i:>20}\n".encode())
        fh.write("99999;Évreux\n".encode("cp1252"))
    table = csv_reader.read(path, tmp_path / "w")
    assert table.source["encoding"] == "cp1252"
    fallback = next(i for i in table.issues if i.code == "encoding-fallback")
    assert fallback.row == 100_002
    assert rows(table)[-1] == {"code": "99999", "nom": "Évreux"}


def test_size_and_line_limits(tmp_path: Path) -> None:
    shutil.copyfile(BAL_CP1252, tmp_path / "bal.csv")
    with pytest.raises(ReadError) as size_error:
        csv_reader.read(tmp_path / "bal.csv", tmp_path / "w", options=ReadOptions(max_bytes=1000))
    assert "bal.csv" in size_error.value.message and "limite" in size_error.value.message
    long_line = tmp_path / "long.csv"
    long_line.write_text("a;b\n1;2\n3;" + "x" * 5000 + "\n5;6\n", encoding="utf-8")
    with pytest.raises(ReadError) as line_error:
        csv_reader.read(long_line, tmp_path / "w2", options=ReadOptions(max_row_bytes=4096))
    assert line_error.value.row == 3
    assert "ligne 3" in line_error.value.message


def test_empty_file_refused(tmp_path: Path) -> None:
    (tmp_path / "vide.csv").write_bytes(b"")
    (tmp_path / "blanc.csv").write_bytes(b"\n\n\r\n")
    for name in ("vide.csv", "blanc.csv"):
        with pytest.raises(ReadError, match="vide"):
            csv_reader.read(tmp_path / name, tmp_path / "w")


def test_unterminated_quote_reported(tmp_path: Path) -> None:
    path = tmp_path / "guillemet.csv"
    path.write_text('a;b\n1;2\n"3;4\n5;6\n', encoding="utf-8")
    table = csv_reader.read(path, tmp_path / "w")
    issue = next(i for i in table.issues if i.code in ("quote-error", "ragged-row"))
    assert issue.row == 3
    assert rows(table)[0] == {"a": "1", "b": "2"}


def test_gzip_through_read_any_matches_plain(tmp_path: Path) -> None:
    plain = tmp_path / "bal.csv"
    shutil.copyfile(BAL_CP1252, plain)
    with open(plain, "rb") as src, gzip.open(tmp_path / "bal.csv.gz", "wb") as dst:
        shutil.copyfileobj(src, dst)
    a = read_any(plain, tmp_path / "a", declared_name="bal.csv")
    b = read_any(tmp_path / "bal.csv.gz", tmp_path / "b", declared_name="bal.csv.gz")
    assert rows(a) == rows(b)
