"""Structural checks over raw tables: each check finds its problem, where it is, and nothing else."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from territoria.lib.tables import RawColumn, RawTable
from territoria.quality.checks import CHECKS, Check, discover, run_structural
from territoria.quality.checks._base import ROW, VIEW, open_table
from territoria.quality.checks.mojibake import suggest

from .conftest import MakeRaw


def codes(issues):  # type: ignore[no-untyped-def]
    return [i.code for i in issues]


def test_registry_finds_every_check_module() -> None:
    names = [c.name for c in CHECKS]
    assert names == [
        "empty-header",
        "duplicate-header",
        "header-whitespace",
        "blank-row",
        "blank-column",
        "duplicate-row",
        "mojibake",
    ]
    assert all(isinstance(c, Check) and c.title for c in discover())


def test_clean_table_has_no_issue(make_raw: MakeRaw) -> None:
    raw = make_raw(
        [("code", "Code"), ("nom", "Nom")], [["35238", "Rennes"], ["35047", "Bruz"], ["35288", "Saint-Malo"]]
    )
    assert run_structural(raw) == []


def test_empty_and_duplicated_headers(make_raw: MakeRaw) -> None:
    raw = make_raw(
        [("nom", "Nom"), ("column_2", ""), ("nom_2", " nom"), ("ville", "Ville"), ("ville_2", "Ville")],
        [["a", "1", "b", "x", "y"]],
    )
    issues = run_structural(raw)
    empty = [i for i in issues if i.code == "empty-header"]
    assert len(empty) == 1 and empty[0].column == "column_2" and "n° 2" in empty[0].message
    dups = {i.column: i for i in issues if i.code == "duplicate-header"}
    assert set(dups) == {"Nom", "Ville"}
    assert dups["Nom"].details["positions"] == [1, 3] and "à la casse ou aux espaces près" in dups["Nom"].message
    assert dups["Ville"].details["positions"] == [4, 5]
    spaces = [i for i in issues if i.code == "header-whitespace"]
    assert [i.details["position"] for i in spaces] == [3] and "au début" in spaces[0].message


def test_header_checks_run_on_a_table_without_rows(make_raw: MakeRaw) -> None:
    raw = make_raw([("a", "A "), ("a_2", "A")], [])
    assert sorted(codes(run_structural(raw))) == ["duplicate-header", "header-whitespace"]


def test_blank_rows_are_counted_with_their_row_numbers(make_raw: MakeRaw) -> None:
    rows = [["a", "1"], [None, None], ["b", "2"], ["", "  "], ["\u00a0", None], ["c", "3"]]
    issues = run_structural(make_raw(["x", "y"], rows))
    (blank,) = [i for i in issues if i.code == "blank-row"]
    assert blank.details == {"count": 3, "rows": [2, 4, 5]}
    assert blank.row == 2 and "2, 4 et 5" in blank.message


def test_blank_columns(make_raw: MakeRaw) -> None:
    raw = make_raw([("x", "X"), ("vide", "Vide"), ("z", "Z")], [["1", None, "a"], ["2", " ", None]])
    (issue,) = [i for i in run_structural(raw) if i.code == "blank-column"]
    assert issue.column == "Vide" and issue.details["position"] == 2 and "2 lignes" in issue.message


def test_duplicate_rows_give_count_and_first_three_rows(make_raw: MakeRaw) -> None:
    rows = [["a", "1"], ["b", "2"], ["a", "1"], [None, None], [None, None], ["b", "2"], ["a", "1"], ["a", "1"]]
    (issue,) = [i for i in run_structural(make_raw(["x", "y"], rows)) if i.code == "duplicate-row"]
    # rows 3, 7, 8 repeat row 1; row 6 repeats row 2; the blank rows 4 and 5 are the blank-row check's.
    assert issue.details == {"count": 4, "rows": [3, 6, 7], "first_rows": [1, 2, 1]}
    assert issue.row == 3 and "3, 6, 7…" in issue.message


def test_null_and_empty_are_different_values_for_duplicates(make_raw: MakeRaw) -> None:
    rows = [["a", None], ["a", ""]]
    assert "duplicate-row" not in codes(run_structural(make_raw(["x", "y"], rows)))


def test_mojibake_counted_per_column_with_example_and_fix(make_raw: MakeRaw) -> None:
    rows = [
        ["Café", "l’école", "Saint-Étienne"],
        ["CafÃ©", "lâ€™Ã©cole", "Saint-Ã‰tienne"],
        ["ThÃ©Ã¢tre", "ok", "ok"],
        ["Ã  Paris", "SÃO PAULO", "ŒUVRE"],
    ]
    issues = [i for i in run_structural(make_raw(["a", "b", "c"], rows)) if i.code == "mojibake"]
    by_col = {i.column: i for i in issues}
    assert by_col["a"].details["count"] == 3 and by_col["a"].row == 2
    assert "probablement « Café »" in by_col["a"].message
    assert by_col["b"].details["count"] == 1 and by_col["b"].details["suggestion"] == "l’école"
    assert by_col["c"].details["suggestion"] == "Saint-Étienne"


def test_mojibake_in_headers(make_raw: MakeRaw) -> None:
    raw = make_raw([("id", "ï»¿id"), ("annee", "AnnÃ©e")], [["1", "2024"]])
    issues = [i for i in run_structural(raw) if i.code == "mojibake-header"]
    assert [i.column for i in issues] == ["ï»¿id", "AnnÃ©e"]
    assert "probablement « Année »" in issues[1].message


@pytest.mark.parametrize(
    ("value", "fixed"),
    [("Ã©tÃ©", "été"), ("Ã§a", "ça"), ("Å“uvre", "œuvre"), ("â‚¬", "€"), ("Ã  cÃ´tÃ©", "à côté"), ("propre", None)],
)
def test_suggest(value: str, fixed: str | None) -> None:
    assert suggest(value) == fixed


def test_clean_french_text_is_not_mojibake(make_raw: MakeRaw) -> None:
    words = ["Âge", "ÉCOLE", "Île-de-France", "Œuvre", "à côté", "São Paulo", "L’Haÿ-les-Roses", "10 €", "« oui »"]
    assert run_structural(make_raw(["w"], [[w] for w in words])) == []


def test_row_numbers_follow_file_order_across_row_groups(make_raw: MakeRaw) -> None:
    rows = [[str(i), "x" if i in (500, 2345) else ""] for i in range(1, 3001)]
    raw = make_raw(["n", "flag"], rows, row_group_size=128)
    with open_table(raw) as table:
        mismatches = table.fetchall(f"SELECT count(*) FROM {VIEW} WHERE CAST(n AS INTEGER) <> {ROW}")[0][0]  # noqa: S608
    assert mismatches == 0
    dup = make_raw(["n"], [[str(i % 1000)] for i in range(1, 2001)], row_group_size=100)
    (issue,) = run_structural(dup)
    assert issue.code == "duplicate-row" and issue.details["rows"] == [1001, 1002, 1003]
    assert issue.details["first_rows"] == [1, 2, 3] and issue.details["count"] == 1000


def test_a_column_named_file_row_number_still_gets_row_numbers(tmp_path: Path) -> None:
    table = pa.table({"file_row_number": pa.array(["a", "b", "a"]), "v": pa.array(["1", "2", "1"])})
    path = tmp_path / "t.parquet"
    pq.write_table(table, path)
    raw = RawTable(
        path=path, columns=[RawColumn("file_row_number", "file_row_number"), RawColumn("v", "v")], row_count=3
    )
    (issue,) = run_structural(raw)
    assert issue.code == "duplicate-row" and issue.row == 3


def test_geometry_column_is_not_scanned_for_mojibake(make_raw: MakeRaw) -> None:
    raw = make_raw(["nom", "geom"], [["Rennes", '{"type":"Point","coordinates":[0,0],"x":"Ã©"}']], geometry="geom")
    assert run_structural(raw) == []


def test_mojibake_on_a_real_utf8_file_read_as_cp1252(shared_data: Path, tmp_path: Path) -> None:
    """The UTF-8 BAL sample (Strasbourg, with BOM) decoded as Windows-1252: the classic accident."""
    import csv

    from .conftest import write_raw

    text = (shared_data / "exemples-schemas/bal/bal-sample.csv").read_bytes().decode("cp1252", errors="replace")
    records = list(csv.reader(text.splitlines(), delimiter=";"))
    header, body = records[0], records[1:]
    raw = write_raw(tmp_path / "bal.parquet", [(f"c{i}", h) for i, h in enumerate(header)], body)
    issues = run_structural(raw)
    assert [i.column for i in issues if i.code == "mojibake-header"] == ["ï»¿cle_interop"]
    damaged = {i.column: i for i in issues if i.code == "mojibake"}
    assert "voie_nom" in damaged
    example = damaged["voie_nom"].details
    assert "Ã" in example["example"] and example["suggestion"] and "Ã" not in example["suggestion"]
    # Read correctly, the same file is clean.
    good = list(
        csv.reader(
            (shared_data / "exemples-schemas/bal/bal-sample.csv").read_text("utf-8-sig").splitlines(), delimiter=";"
        )
    )
    raw = write_raw(tmp_path / "bal-ok.parquet", [(f"c{i}", h) for i, h in enumerate(good[0])], good[1:])
    assert [i for i in run_structural(raw) if i.code.startswith("mojibake")] == []
