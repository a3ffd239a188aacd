"""Referentials: the default one, import as new versions with line-level errors, export, carrying over."""

from __future__ import annotations

import io

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from territoria.atlas import referentials
from territoria.atlas.models import Action, Classification, Item, Referential

MINI = (
    "niveau;code;parent;libelle;description;mots_cles\n"
    "axe;A;;Un axe;;\n"
    "enjeu;E1;A;Un enjeu;Sa description;a|b\n"
    "usage;U1;E1;Un usage;;\n"
    "service;S1;U1;Un service;Le service;x|y\n"
    "service;S2;U1;Un autre service;;\n"
)


def test_the_default_referential_is_installed_by_migrate(referential):
    assert referential.is_default and referential.is_current
    counts = {level: referential.items.filter(level=level).count() for level in Item.Level.values}
    assert counts["enjeu"] == 16
    assert counts["service"] == 138
    assert counts["axe"] >= 2
    assert not referential.items.filter(level="service", parent__isnull=True).exists()


def test_a_valid_semicolon_csv_in_windows_1252_imports(db):
    data = MINI.replace("Un axe", "Éducation").encode("cp1252")
    rows = referentials.read_rows(data, "ref.csv")
    referential = referentials.import_rows(rows, slug="reseau", name="Réseau")
    assert referential.version == 1 and referential.is_current
    assert referential.items.get(code="A").label == "Éducation"
    assert referential.items.get(code="S1").parent.code == "U1"
    assert referential.items.get(code="E1").keyword_list() == ["a", "b"]


def test_errors_name_the_line_and_column_and_nothing_is_written(db):
    bad = MINI + "service;S1;U1;Doublon;;\nservice;S3;U9;Orphelin;;\nenjeu;E2;U1;Mauvais parent;;\nniveau;S4;U1;x;;\n"
    rows = referentials.read_rows(bad.encode(), "ref.csv")
    before = Referential.objects.count()
    with pytest.raises(referentials.ReferentialError) as caught:
        referentials.import_rows(rows, slug="reseau", name="Réseau")
    found = {(e.row, e.column) for e in caught.value.errors}
    assert (7, "code") in found  # S1 again
    assert (8, "parent") in found  # unknown U9
    assert (9, "parent") in found  # an enjeu under a usage
    assert (10, "niveau") in found
    assert "ligne 7" in str(caught.value)
    assert Referential.objects.count() == before


def test_missing_columns_are_reported(db):
    errors = referentials.validate(referentials.read_rows(b"code,libelle\nS1,x\n", "r.csv"))
    assert {e.column for e in errors} == {"niveau", "parent"}


def test_xlsx_round_trip_and_csv_export(referential):
    data = referentials.export_xlsx(referential)
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert [str(h) for h in sheet[0]] == referentials.COLUMNS
    assert len(sheet) == referential.items.count() + 1
    again = referentials.import_rows(referentials.read_rows(data, "export.xlsx"), slug="copie", name="Copie")
    assert again.items.count() == referential.items.count()
    assert (
        referentials.export_csv(again).decode().splitlines()[1:]
        == referentials.export_csv(referential).decode().splitlines()[1:]
    )


def test_excel_numbers_read_as_codes(db):
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    for r, row in enumerate(
        [
            referentials.COLUMNS,
            ["axe", 1, "", "Axe"],
            ["enjeu", 10, 1, "Enjeu"],
            ["usage", 100, 10, "Usage"],
            ["service", 1000, 100, "Service"],
        ]
    ):
        sheet.write_row(r, 0, row)
    book.close()
    referential = referentials.import_rows(referentials.read_rows(out.getvalue(), "r.xlsx"), slug="num", name="N")
    assert set(referential.items.values_list("code", flat=True)) == {"1", "10", "100", "1000"}


def test_a_new_version_carries_confirmed_classifications_by_code(referential, action_factory):
    action = action_factory(enjeu="E15", services=("S122", "S123"))
    rows = list(referentials.read_rows(referentials.export_csv(referential), "r.csv"))
    rows = [r for r in rows if r["code"] != "S123"]  # the new version drops a service
    new = referentials.import_rows(rows, slug=referential.slug, name="")
    assert new.version == referential.version + 1
    referential.refresh_from_db()
    assert not referential.is_current and new.is_current
    action.refresh_from_db()
    assert action.referential_id == new.pk
    codes = set(Classification.objects.filter(action=action).values_list("item__code", flat=True))
    assert codes == {"E15", "S122"}
    assert Classification.objects.filter(action=action, item__referential=new).count() == 2
    assert Action.objects.filter(referential=referential).count() == 0
    assert action.codes == " e:E15 s:S122 "  # the dropped service no longer filters nor counts


def test_an_installation_classifies_into_its_network_referential(referential, settings):
    own = referentials.import_rows(referentials.read_rows(MINI.encode(), "r.csv"), slug="reseau", name="Réseau")
    assert referentials.current() == referential  # the default, until the installation names its own
    settings.ATLAS_REFERENTIAL = "reseau"
    assert referentials.current() == own
    settings.ATLAS_REFERENTIAL = "inconnu"
    assert referentials.current() == referential
