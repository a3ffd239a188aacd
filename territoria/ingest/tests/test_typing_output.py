"""The typed Parquet file (Arrow types, _row, order) and the column profiles."""

from __future__ import annotations

import datetime as dt

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from territoria.ingest.tests.test_typing_support import column, make_raw, run, values
from territoria.ingest.typing import connect, type_table

TABLE = {
    "nom": ["  Parc Blandan ", "Berges du Rhône", "NA", "Parc de la Tête d'Or"],
    "code_insee": ["69387", "69383", "69381", "69389"],
    "surface_m2": ["170 000", "100\u202f000", "", "1\u00a0170\u00a0000"],
    "note": ["4,5", "3,25", "5", "-"],
    "ouvert": ["oui", "non", "Oui", "NON"],
    "date_ouverture": ["01/06/2014", "31/12/2007", "", "15/03/1857"],
    "maj": ["2024-01-05T10:30:00Z", "2024-01-05T11:00:00+01:00", "", "2024-01-06T00:00:00Z"],
    "releve": ["2024-01-05 10:30", "2024-01-05 11:00:00", "2024-01-05T12:00", ""],
}


def test_typed_parquet_has_the_expected_arrow_types_and_order(tmp_path):
    result, table = run(tmp_path, TABLE)
    schema = pq.read_schema(result.path)
    assert schema.names == ["_row", *TABLE]
    expected = {
        "_row": pa.int64(),
        "nom": pa.string(),
        "code_insee": pa.string(),
        "surface_m2": pa.int64(),
        "note": pa.float64(),
        "ouvert": pa.bool_(),
        "date_ouverture": pa.date32(),
        "maj": pa.timestamp("us", tz="UTC"),
        "releve": pa.timestamp("us"),
    }
    assert {f.name: f.type for f in schema} == expected
    assert values(table, "_row") == [1, 2, 3, 4]
    assert values(table, "nom") == ["Parc Blandan", "Berges du Rhône", None, "Parc de la Tête d'Or"]
    assert values(table, "surface_m2") == [170000, 100000, None, 1170000]
    assert values(table, "note") == [4.5, 3.25, 5.0, None]
    assert values(table, "date_ouverture")[3] == dt.date(1857, 3, 15)
    assert values(table, "maj")[1] == dt.datetime(2024, 1, 5, 10, 0, tzinfo=dt.UTC)
    assert [c.name for c in result.columns] == list(TABLE)
    assert [c.type for c in result.columns] == [
        "text", "text", "integer", "decimal", "boolean", "date", "datetime", "datetime"
    ]  # fmt: skip
    assert result.row_count == 4
    assert result.geo is None


def test_file_is_zstd_compressed_and_no_temporary_file_is_left(tmp_path):
    result, _ = run(tmp_path, TABLE)
    meta = pq.ParquetFile(result.path).metadata
    assert meta.row_group(0).column(1).compression == "ZSTD"
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["typed.parquet"]


def test_row_is_one_to_n_in_source_order(tmp_path):
    raw = [str(9999 - i) for i in range(5000)]
    result, table = run(tmp_path, {"valeur": raw, "libelle": [f"l{i}" for i in range(5000)]})
    assert values(table, "_row") == list(range(1, 5001))
    assert values(table, "valeur") == [9999 - i for i in range(5000)]
    assert values(table, "libelle")[4999] == "l4999"


def test_profiles(tmp_path):
    long = "x" * 150
    result, _ = run(
        tmp_path,
        {
            "nom": ["b", "a", "a", long, "", "c", "d", "e"],
            "valeur": ["3", "1", "2", "2", "N/A", "10", "2", "-4"],
            "jour": ["02/01/2024", "01/01/2024", "", "", "", "", "", "03/01/2024"],
        },
    )
    nom, valeur, jour = (column(result, n) for n in ("nom", "valeur", "jour"))
    assert (nom.nulls, nom.min, nom.max) == (1, "a", "x" * 100)  # lexicographic, cut to 100 characters
    assert nom.label == "Nom"
    assert len(nom.examples) == 5 and len(set(nom.examples)) == 5
    assert nom.examples[0] == "a"  # most frequent first
    assert all(len(e) <= 100 for e in nom.examples)
    assert nom.distinct == 6
    assert (valeur.nulls, valeur.min, valeur.max, valeur.distinct) == (1, -4, 10, 5)
    assert set(valeur.examples) <= {"3", "1", "2", "10", "-4"} and valeur.examples[0] == "2"
    assert (jour.nulls, jour.min, jour.max, jour.distinct) == (5, "2024-01-01", "2024-01-03", 3)
    assert jour.details["distinct_approx"] is False  # fewer than 5 values: counted exactly
    assert nom.details["distinct_approx"] is True


def test_progress_reports_each_pass(tmp_path):
    raw = make_raw(tmp_path / "in", {"valeur": ["1", "2", "3"]})
    seen = []
    type_table(raw, tmp_path / "t.parquet", workdir=tmp_path / "w", progress=lambda s, r: seen.append((s, r)))
    assert seen == [("typage", 0), ("typage", 3), ("écriture", 0), ("écriture", 3), ("profil", 0), ("profil", 3)]


def test_empty_table(tmp_path):
    result, table = run(tmp_path, {"valeur": [], "nom": []})
    assert result.row_count == 0 and table.num_rows == 0
    assert [c.type for c in result.columns] == ["text", "text"]


def test_duckdb_connection_is_bounded_and_spills_to_workdir(tmp_path):
    con = connect(tmp_path)
    try:
        limit, temp = con.execute(
            "SELECT current_setting('memory_limit'), current_setting('temp_directory')"
        ).fetchone()
        autoload = con.execute("SELECT current_setting('autoload_known_extensions')").fetchone()[0]
    finally:
        con.close()
    assert limit.startswith("488") or limit.startswith("512")  # 512 MB shown in MiB
    assert temp.startswith(str(tmp_path))
    assert autoload is False


def test_duckdb_reads_the_typed_file(tmp_path):
    result, _ = run(tmp_path, TABLE)
    query = "SELECT sum(surface_m2), count(*) FILTER (WHERE ouvert) FROM read_parquet(?)"
    got = duckdb.execute(query, [str(result.path)]).fetchone()
    assert got == (1440000, 2)


def test_a_source_column_called_row_is_renamed(tmp_path):
    _, table = run(tmp_path, {"_row": ["a", "b"], "valeur": ["1", "2"]})
    assert table.column_names == ["_row", "_row_source", "valeur"]
    assert values(table, "_row") == [1, 2]


def test_an_interrupted_run_leaves_no_output_nor_scratch_file(tmp_path):
    raw = make_raw(tmp_path / "in", {"valeur": ["1", "2", "3"]})

    def stop(stage, rows):
        if stage == "profil":
            raise KeyboardInterrupt

    out = tmp_path / "out" / "t.parquet"
    out.parent.mkdir()
    try:
        type_table(raw, out, workdir=tmp_path / "w", progress=stop)
    except KeyboardInterrupt:
        pass
    else:  # pragma: no cover
        raise AssertionError("the interruption was swallowed")
    assert list(out.parent.iterdir()) == []
    assert not (tmp_path / "w" / "geo_points.parquet").exists()
