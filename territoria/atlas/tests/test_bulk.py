"""Reading, checking and writing a workbook of fiches-actions (territoria/atlas/bulk.py).

Workbooks are built here with xlsxwriter, so each test shows the cells it is about."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

import pytest
import xlsxwriter
from django.contrib.auth import get_user_model

from territoria.atlas import actions, bulk, proposals
from territoria.atlas.bulk_views import workbook as template_workbook
from territoria.atlas.models import Action, Classification, Item


@dataclass(frozen=True)
class Formula:
    formula: str
    cached: Any


def xlsx(sheets: dict[str, list[list[Any]]]) -> bytes:
    """A workbook with these sheets; a cell is written with its own type (text, number, date, boolean, formula)."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
    )
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, Formula):
                    sheet.write_formula(r, c, value.formula, None, value.cached)
                elif isinstance(value, dt.date):
                    sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_format)
                elif isinstance(value, bool):
                    sheet.write_boolean(r, c, value)
                elif isinstance(value, int | float):
                    sheet.write_number(r, c, value)
                else:
                    sheet.write_string(r, c, value)
    book.close()
    return out.getvalue()


def table(key: str, *rows: dict[str, Any]) -> list[list[Any]]:
    """A sheet of the template (header row from bulk.SHEETS) with these rows, given as {column: value}."""
    spec = next(s for s in bulk.SHEETS if s.key == key)
    header = [c.name for c in spec.columns]
    return [header, *[[row.get(name) for name in header] for row in rows]]


def action(ref: str = "A1", **cells: Any) -> dict[str, Any]:
    row = {
        "ref": ref,
        "titre": f"Espace numérique {ref}",
        "resume": "Dix ordinateurs et un animateur.",
        "statut": "réalisée",
        "date_debut": dt.date(2022, 3, 1),
        "collectivite": "Ville de Rennes",
        "insee": "35238",
    }
    row.update(cells)
    return row


def full_workbook(**extra: list[list[Any]]) -> dict[str, list[list[Any]]]:
    """Two actions: A1 with a place, a contact and two services; A2 with a commune only."""
    sheets = {
        "Actions": table(
            "actions",
            action(
                "A1",
                service_contact="Direction du numérique",
                liens="https://example.org/a1 | https://example.org/a1-bis",
                outils="Linux; LibreOffice",
            ),
            action(
                "A2",
                titre="Portail famille",
                resume="Inscriptions à la cantine en ligne.",
                statut="en cours",
                insee="35047",
                population=4200,
            ),
        ),
        "Lieux": table("lieux", {"ref": "L1", "nom": "Médiathèque", "latitude": "48,1059", "longitude": "-1,6743"}),
        "Personnes": table(
            "personnes",
            {"ref": "P1", "nom": "Camille Exemple", "courriel": "camille@example.org", "telephone": "02 99 00 00 00"},
        ),
        "Services": table("services", {"code": "S001", "libelle": "Site internet"}),
        "Actions_Lieux": table("actions_lieux", {"action": "A1", "lieu": "L1"}),
        "Actions_Personnes": table("actions_personnes", {"action": "A1", "personne": "P1"}),
        "Actions_Services": table(
            "actions_services",
            {"action": "A1", "service": "S002", "principal": "non"},
            {"action": "A1", "service": "S001", "principal": "oui"},
        ),
    }
    sheets.update(extra)
    return sheets


def problems(report: bulk.Report, level: str = bulk.ERROR) -> list[tuple[str, int, str]]:
    return [(p.sheet, p.row, p.column) for p in report.problems if p.level == level]


@pytest.fixture
def no_proposals(monkeypatch):  # type: ignore[no-untyped-def]
    """Tests that do not look at the automatic proposal skip the classifier."""
    calls: list[int] = []
    monkeypatch.setattr(proposals, "store_proposal", lambda action: calls.append(action.pk))
    return calls


def test_a_valid_workbook_is_read_whole(referential):
    report = bulk.check(xlsx(full_workbook()), referential)
    assert not report.fatal and report.errors == [], report.problems
    first, second = report.drafts
    assert first.ref == "A1" and not first.rejected
    assert first.fields["title"] == "Espace numérique A1"
    assert first.fields["start_date"] == dt.date(2022, 3, 1)
    assert first.fields["status"] == Action.Status.DONE
    assert (first.fields["lat"], first.fields["lon"]) == (48.1059, -1.6743)
    assert first.fields["contact_name"] == "Camille Exemple"
    assert first.fields["contact_email"] == "camille@example.org"
    assert first.fields["links"] == "https://example.org/a1\nhttps://example.org/a1-bis"
    assert first.fields["tools"] == "Linux | LibreOffice"
    assert first.services == ["S001", "S002"], "the main service comes first"
    assert second.fields["status"] == Action.Status.IN_PROGRESS and second.fields["population"] == 4200
    assert "lat" not in second.fields and second.services == []


def test_writing_sends_every_action_to_moderation(referential, member, org, shared_classifier):
    report = bulk.check(xlsx(full_workbook()), referential)
    written = bulk.write(report, user=member, referential=referential)
    assert [a.title for a in written] == ["Espace numérique A1", "Portail famille"]
    for saved in Action.objects.filter(pk__in=[a.pk for a in written]):
        assert saved.state == Action.State.SUBMITTED
        assert saved.submitted_by == member and saved.organisation == org
    first = Action.objects.get(pk=written[0].pk)
    assert first.placement == Action.Placement.GIVEN and first.departement == "35"
    assert first.contact_phone == "02 99 00 00 00" and first.contact_service == "Direction du numérique"
    given = list(first.classifications.filter(level="service").order_by("rank"))
    assert [(c.item.code, c.source, c.confidence) for c in given] == [
        ("S001", Classification.Source.PROPOSED, None),
        ("S002", Classification.Source.PROPOSED, None),
    ]
    expected_enjeu = Item.objects.get(referential=referential, code="S001").parent.parent.code  # type: ignore[union-attr]
    assert first.main_service == "S001" and first.main_enjeu == expected_enjeu
    second = Action.objects.get(pk=written[1].pk)
    automatic = second.classifications.filter(source=Classification.Source.PROPOSED)
    assert automatic.filter(level="service").exists(), "an action without services gets the automatic proposal"
    assert all(c.confidence is not None for c in automatic)
    assert second.placement == Action.Placement.COMMUNE and second.commune


def test_the_template_workbook_imports_its_own_example(referential, member, no_proposals):
    report = bulk.check(template_workbook(referential), referential)
    assert report.errors == [] and not report.fatal, report.problems
    assert problems(report, bulk.WARNING) == [], "the Aide sheet is not an unknown sheet"
    (draft,) = report.drafts
    assert draft.fields["lat"] is not None and draft.services
    assert len(bulk.write(report, user=member, referential=referential)) == 1


ERRORS = [
    # (what, sheets to replace, expected (sheet, row, column), fragment of the message)
    ("required value", {"Actions": table("actions", action(titre=""))}, ("Actions", 2, "titre"), "obligatoire"),
    ("date", {"Actions": table("actions", action(date_debut="31/02/2022"))}, ("Actions", 2, "date_debut"), "date"),
    (
        "end before start",
        {"Actions": table("actions", action(date_fin="2021-01-01"))},
        ("Actions", 2, "date_fin"),
        "précède",
    ),
    (
        "statut",
        {"Actions": table("actions", action(statut="abandonnée"))},
        ("Actions", 2, "statut"),
        "prévue, en cours ou réalisée",
    ),
    (
        "territory type",
        {"Actions": table("actions", action(type_territoire="canton"))},
        ("Actions", 2, "type_territoire"),
        "attendu",
    ),
    ("INSEE format", {"Actions": table("actions", action(insee="3523"))}, ("Actions", 2, "insee"), "INSEE"),
    (
        "population",
        {"Actions": table("actions", action(population="beaucoup"))},
        ("Actions", 2, "population"),
        "nombre",
    ),
    (
        "link not a web address",
        {"Actions": table("actions", action(liens="mairie.fr"))},
        ("Actions", 2, "liens"),
        "adresse web",
    ),
    ("too long", {"Actions": table("actions", action(titre="x" * 201))}, ("Actions", 2, "titre"), "200"),
    ("no place", {"Actions": table("actions", action("A2", insee=None))}, ("Actions", 2, "insee"), "INSEE"),
    (
        "duplicate ref",
        {"Actions": table("actions", action("A1"), action("A2"), action("a1"))},
        ("Actions", 4, "ref"),
        "ligne 2",
    ),
    (
        "latitude",
        {"Lieux": table("lieux", {"ref": "L1", "latitude": "148,2", "longitude": "-1,6"})},
        ("Lieux", 2, "latitude"),
        "entre -90 et 90",
    ),
    (
        "e-mail",
        {"Personnes": table("personnes", {"ref": "P1", "nom": "Camille", "courriel": "camille@"})},
        ("Personnes", 2, "courriel"),
        "adresse électronique",
    ),
    (
        "telephone",
        {"Personnes": table("personnes", {"ref": "P1", "nom": "Camille", "telephone": "appeler"})},
        ("Personnes", 2, "telephone"),
        "téléphone",
    ),
    (
        "unknown action",
        {"Actions_Lieux": table("actions_lieux", {"action": "A1", "lieu": "L1"}, {"action": "A9", "lieu": "L1"})},
        ("Actions_Lieux", 3, "action"),
        "A9",
    ),
    (
        "unknown place",
        {"Actions_Lieux": table("actions_lieux", {"action": "A1", "lieu": "L7"})},
        ("Actions_Lieux", 2, "lieu"),
        "L7",
    ),
    (
        "unknown person",
        {"Actions_Personnes": table("actions_personnes", {"action": "A1", "personne": "P7"})},
        ("Actions_Personnes", 2, "personne"),
        "Personnes",
    ),
    (
        "second place",
        {
            "Lieux": table(
                "lieux",
                {"ref": "L1", "latitude": 48.1, "longitude": -1.6},
                {"ref": "L2", "latitude": 48.2, "longitude": -1.7},
            ),
            "Actions_Lieux": table("actions_lieux", {"action": "A1", "lieu": "L1"}, {"action": "A1", "lieu": "L2"}),
        },
        ("Actions_Lieux", 3, "lieu"),
        "qu'un",
    ),
    (
        "unknown service",
        {"Actions_Services": table("actions_services", {"action": "A1", "service": "S999"})},
        ("Actions_Services", 2, "service"),
        "S999",
    ),
    (
        "an enjeu is not a service",
        {"Actions_Services": table("actions_services", {"action": "A1", "service": "E03"})},
        ("Actions_Services", 2, "service"),
        "pas un service",
    ),
    (
        "two main services",
        {
            "Actions_Services": table(
                "actions_services",
                {"action": "A1", "service": "S001", "principal": "oui"},
                {"action": "A1", "service": "S002", "principal": "oui"},
            )
        },
        ("Actions_Services", 3, "principal"),
        "principal",
    ),
    (
        "principal",
        {"Actions_Services": table("actions_services", {"action": "A1", "service": "S001", "principal": "peut-être"})},
        ("Actions_Services", 2, "principal"),
        "oui ou non",
    ),
    (
        "unknown code in Services",
        {"Services": table("services", {"code": "S999"})},
        ("Services", 2, "code"),
        "inconnu du référentiel",
    ),
]


@pytest.mark.parametrize(("sheets", "where", "fragment"), [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_each_kind_of_error_names_sheet_row_and_column(referential, sheets, where, fragment):
    report = bulk.check(xlsx(full_workbook(**sheets)), referential)
    assert not report.fatal
    found = [p for p in report.errors if (p.sheet, p.row, p.column) == where]
    assert found, f"expected an error at {where}, got {problems(report)}"
    assert any(fragment in p.message for p in found), [p.message for p in found]
    if where[0] != "Services" and "A9" not in fragment:  # these rows belong to no action of the workbook
        assert report.rejected, "the action concerned is rejected"
    assert report.importable(partial=False) == [], "one rejected row: nothing is imported"


def test_a_duplicate_ref_rejects_both_rows(referential):
    report = bulk.check(xlsx(full_workbook(Actions=table("actions", action("A1"), action("A1")))), referential)
    assert {("Actions", 2, "ref"), ("Actions", 3, "ref")} <= set(problems(report))
    assert [(d.ref, d.row, d.rejected) for d in report.drafts] == [("A1", 2, True), ("A1", 3, True)]


def test_a_rejected_place_rejects_its_action_and_says_why(referential):
    sheets = full_workbook(Lieux=table("lieux", {"ref": "L1", "latitude": "quarante-huit", "longitude": -1.6}))
    report = bulk.check(xlsx(sheets), referential)
    assert ("Lieux", 2, "latitude") in problems(report)
    a1 = next(d for d in report.drafts if d.ref == "A1")
    a2 = next(d for d in report.drafts if d.ref == "A2")
    assert a1.rejected and not a2.rejected
    assert any(p.sheet == "Actions" and p.row == 2 and "Lieux" in p.message for p in report.errors)


@pytest.mark.parametrize(
    ("sheets", "message"),
    [
        ({"Lieux": table("lieux", {"ref": "L1"})}, "feuille « Actions » absente"),
        ({"Actions": [["ref", "titre", "collectivite"], ["A1", "Titre", "Ville"]]}, "resume"),
        ({"Actions": table("actions")}, "vide"),
        ({"Actions": [["ref", "titre", "titre", "resume", "collectivite"]]}, "en double"),
    ],
    ids=["no Actions sheet", "required column missing", "empty", "duplicate column"],
)
def test_a_workbook_that_does_not_follow_the_template_is_refused_whole(referential, sheets, message):
    report = bulk.check(xlsx(sheets), referential)
    assert report.fatal and report.importable(partial=True) == []
    assert any(message in f"{p.column} {p.message}" for p in report.errors), report.problems


def test_limits(referential, monkeypatch):
    assert bulk.check(b"PK\x03\x04 this is not a workbook", referential).fatal
    assert "XLSX" in bulk.check(b"ref;titre\nA1;x\n", referential).errors[0].message
    monkeypatch.setattr(bulk, "MAX_ROWS", 3)
    rows = [action(f"A{i}") for i in range(4)]
    report = bulk.check(xlsx(full_workbook(Actions=table("actions", *rows))), referential)
    assert report.fatal and report.errors[0].sheet == "Actions" and "3 lignes" in report.errors[0].message
    monkeypatch.setattr(bulk, "MAX_ACTIONS", 2)
    report = bulk.check(xlsx(full_workbook(Actions=table("actions", *rows[:3]))), referential)
    assert report.fatal and "2 fiches" in report.errors[0].message
    assert not bulk.check(xlsx(full_workbook(Actions=table("actions", *rows[:2]))), referential).fatal
    data = xlsx(full_workbook())
    monkeypatch.setattr(bulk, "MAX_FILE_SIZE", len(data) - 1)
    assert bulk.check(data, referential).fatal
    monkeypatch.setattr(bulk, "MAX_FILE_SIZE", len(data))
    monkeypatch.setattr(bulk, "MAX_UNPACKED", 1000)
    assert "décompressé" in bulk.check(data, referential).errors[0].message


def test_formulas_are_read_as_their_saved_values_never_evaluated(referential):
    sheets = full_workbook(
        Actions=table(
            "actions",
            action(
                titre=Formula('="Espace "&"numérique"', "Espace numérique calculé"),
                population=Formula("=1000*2", 2500),  # the saved value wins, even when it is not what the formula says
                insee=Formula('=TEXT(35238,"00000")', "35238"),
            ),
        )
    )
    report = bulk.check(xlsx(sheets), referential)
    assert report.errors == [], report.problems
    (draft,) = report.drafts
    assert draft.fields["title"] == "Espace numérique calculé"
    assert draft.fields["population"] == 2500
    assert draft.fields["insee"] == "35238"


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [("48,1059", "-1,6743"), (48.1059, -1.6743), ("48.1059", "-1.6743"), (" 48,1059 ", "-1,6743")],
)
def test_decimal_commas_and_points(referential, latitude, longitude):
    sheets = full_workbook(Lieux=table("lieux", {"ref": "L1", "latitude": latitude, "longitude": longitude}))
    report = bulk.check(xlsx(sheets), referential)
    assert report.errors == [], report.problems
    a1 = next(d for d in report.drafts if d.ref == "A1")
    assert (a1.fields["lat"], a1.fields["lon"]) == (48.1059, -1.6743)


@pytest.mark.parametrize(
    "cell", [dt.date(2022, 3, 1), 44621, 44621.75, "01/03/2022", "1/3/2022", "2022-03-01", "01.03.2022"]
)
def test_dates_excel_french_or_iso(referential, cell):
    report = bulk.check(xlsx(full_workbook(Actions=table("actions", action(date_debut=cell)))), referential)
    assert report.errors == [], report.problems
    assert report.drafts[0].fields["start_date"] == dt.date(2022, 3, 1)


def test_headers_and_sheet_names_tolerate_accents_case_and_spaces(referential):
    header = ["Ref", "Titre", "Résumé", "Collectivité", "INSEE", "Date début", "Statut"]
    rows = [header, ["A1", "Titre", "Résumé", "Ville", 1053, "2022-03-01", "Prévue"]]
    report = bulk.check(xlsx({"actions": rows}), referential)
    assert report.errors == [], report.problems
    fields = report.drafts[0].fields
    assert fields["insee"] == "01053", "a numeric INSEE cell gets its leading zero back"
    assert fields["status"] == Action.Status.PLANNED and fields["summary"] == "Résumé"


def test_unknown_columns_and_sheets_are_warnings(referential):
    sheets = full_workbook(Brouillon=[["x"]])
    sheets["Actions"][0].append("remarque")
    report = bulk.check(xlsx(sheets), referential)
    assert report.errors == []
    assert {("Brouillon", 0, ""), ("Actions", 1, "remarque")} <= set(problems(report, bulk.WARNING))


def test_an_unknown_commune_is_flagged_not_rejected(referential, member, no_proposals):
    sheets = full_workbook(Actions=table("actions", action("A1", insee="35999")))
    report = bulk.check(xlsx(sheets), referential)
    assert report.errors == []
    assert ("Actions", 2, "insee") in problems(report, bulk.WARNING)
    (written,) = bulk.write(report, user=member, referential=referential)
    saved = Action.objects.get(pk=written.pk)
    assert "commune inconnue" in saved.location_warning
    assert saved.placement == Action.Placement.GIVEN, "placed at its place (L1), not at a guessed commune"


def test_an_unknown_commune_without_a_place_is_not_placed(referential, member, no_proposals):
    sheets = {"Actions": table("actions", action("A2", insee="35999"))}
    (written,) = bulk.write(bulk.check(xlsx(sheets), referential), user=member, referential=referential)
    saved = Action.objects.get(pk=written.pk)
    assert saved.placement == Action.Placement.NONE and saved.lat is None
    assert "35999" in saved.location_warning


def test_coordinates_outside_france_are_flagged(referential, member, no_proposals):
    sheets = full_workbook(Lieux=table("lieux", {"ref": "L1", "latitude": "51,5074", "longitude": "-0,1278"}))
    report = bulk.check(xlsx(sheets), referential)
    assert report.errors == []
    assert ("Lieux", 2, "latitude") in problems(report, bulk.WARNING)
    written = bulk.write(report, user=member, referential=referential)
    saved = Action.objects.get(pk=written[0].pk)
    assert "hors de France" in saved.location_warning
    assert (saved.lat, saved.lon) == (51.5074, -0.1278), "kept as given, for the moderator to judge"


def test_nothing_is_imported_when_a_row_is_rejected_unless_asked(referential, member, no_proposals):
    sheets = full_workbook(Actions=table("actions", action("A1"), action("A2", statut="?"), action("A3")))
    report = bulk.check(xlsx(sheets), referential)
    assert [d.ref for d in report.rejected] == ["A2"]
    assert bulk.write(report, user=member, referential=referential) == []
    assert not Action.objects.exists()
    written = bulk.write(report, user=member, referential=referential, partial=True)
    assert sorted(a.title for a in written) == ["Espace numérique A1", "Espace numérique A3"]
    assert Action.objects.count() == 2


def test_writing_is_one_transaction(referential, member, no_proposals, monkeypatch):
    save = actions.save
    calls = []

    def failing_save(action, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(action)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return save(action, **kwargs)

    monkeypatch.setattr(actions, "save", failing_save)
    report = bulk.check(xlsx(full_workbook()), referential)
    with pytest.raises(RuntimeError):
        bulk.write(report, user=member, referential=referential)
    assert not Action.objects.exists()
    assert not Classification.objects.exists()


def test_a_moderator_without_organisation_imports_without_one(referential, no_proposals):
    moderator = get_user_model().objects.create_user("moderatrice", "m@example.org", "x", is_superuser=True)
    (written, _second) = bulk.write(
        bulk.check(xlsx(full_workbook()), referential), user=moderator, referential=referential
    )
    assert written.organisation_id is None and written.submitted_by == moderator


def test_unused_places_and_people_are_warnings(referential):
    sheets = full_workbook(
        Lieux=table(
            "lieux",
            {"ref": "L1", "latitude": 48.1, "longitude": -1.68},
            {"ref": "L2", "latitude": 48.2, "longitude": -1.7},
        )
    )
    report = bulk.check(xlsx(sheets), referential)
    assert report.errors == []
    assert ("Lieux", 3, "ref") in problems(report, bulk.WARNING)
