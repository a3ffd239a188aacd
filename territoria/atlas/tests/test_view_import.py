"""The import page (/atlas/import/) and its template workbook (/atlas/import/modele.xlsx)."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from python_calamine import CalamineWorkbook

from territoria.atlas import bulk, proposals
from territoria.atlas.models import Action
from territoria.atlas.tests.test_bulk import action, full_workbook, table, xlsx
from territoria.conftest import client_for

URL = "/atlas/import/"


@pytest.fixture(autouse=True)
def _no_proposals(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(proposals, "store_proposal", lambda action: None)


@pytest.fixture
def nobody(db):  # type: ignore[no-untyped-def]
    """Signed in, but a member of no organisation."""
    return get_user_model().objects.create_user("nobody", "nobody@example.org", "mot-de-passe-solide-42")


def upload(data: bytes, name: str = "actions.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def test_routes():
    assert reverse("atlas:import") == URL
    assert reverse("atlas:import-template") == "/atlas/import/modele.xlsx"


def test_anonymous_visitors_are_sent_to_the_login_page(db):
    for method in ("get", "post"):
        response = getattr(client_for(None), method)(URL)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert not Action.objects.exists()


def test_people_of_no_organisation_are_refused(nobody, referential):
    client = client_for(nobody)
    assert client.get(URL).status_code == 403
    response = client.post(URL, {"file": upload(xlsx(full_workbook()))})
    assert response.status_code == 403
    assert not Action.objects.exists()


def test_a_member_sees_the_form_and_the_template_link(member, referential):
    response = client_for(member).get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'enctype="multipart/form-data"' in body and 'name="partial"' in body
    assert reverse("atlas:import-template") in body


def test_a_member_imports_a_workbook_for_moderation(member, org, referential):
    response = client_for(member).post(URL, {"file": upload(xlsx(full_workbook()))})
    assert response.status_code == 200
    imported = list(Action.objects.order_by("pk"))
    assert [a.title for a in imported] == ["Espace numérique A1", "Portail famille"]
    assert {(a.state, a.submitted_by_id, a.organisation_id) for a in imported} == {
        (Action.State.SUBMITTED, member.pk, org.pk)
    }
    body = response.content.decode()
    assert "2 fiches envoyées à la modération" in body
    for saved in imported:
        assert f'href="{saved.get_absolute_url()}"' in body
    # the submitter can open what they sent, while it waits for moderation
    assert client_for(member).get(imported[0].get_absolute_url()).status_code == 200


def test_a_rejected_row_blocks_the_import_and_the_report_says_where(member, referential):
    sheets = full_workbook(Actions=table("actions", action("A1"), action("A2", date_debut="32/13/2022")))
    response = client_for(member).post(URL, {"file": upload(xlsx(sheets))})
    assert response.status_code == 200
    assert not Action.objects.exists()
    body = response.content.decode()
    assert "Rien n'a été importé" in body and 'role="alert"' in body
    assert '<th scope="col">Feuille</th>' in body and "<caption" in body
    assert "<td>Actions</td><td>3</td><td>date_debut</td>" in body
    assert "« 32/13/2022 » n&#x27;est pas une date" in body


def test_the_option_imports_the_valid_rows_only(member, referential):
    sheets = full_workbook(Actions=table("actions", action("A1"), action("A2", date_debut="32/13/2022")))
    response = client_for(member).post(URL, {"file": upload(xlsx(sheets)), "partial": "on"})
    assert response.status_code == 200
    assert list(Action.objects.values_list("title", flat=True)) == ["Espace numérique A1"]
    body = response.content.decode()
    assert "1 fiche envoyée à la modération" in body and "1 fiche rejetée" in body


def test_flagged_actions_are_imported_and_shown_as_flagged(member, referential):
    sheets = full_workbook(Lieux=table("lieux", {"ref": "L1", "latitude": "51,5074", "longitude": "-0,1278"}))
    body = client_for(member).post(URL, {"file": upload(xlsx(sheets))}).content.decode()
    flagged = Action.objects.get(title="Espace numérique A1")
    assert "hors de France" in flagged.location_warning
    assert "Alerte : n’empêche pas l’import" in body and "hors de France" in body


def test_a_file_that_is_not_a_workbook_is_refused(member, referential):
    response = client_for(member).post(URL, {"file": upload(b"ref;titre\nA1;Titre\n", "actions.csv")})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Le classeur est refusé" in body and "XLSX" in body
    assert not Action.objects.exists()


def test_a_too_large_file_is_refused_before_reading(member, referential, monkeypatch):
    monkeypatch.setattr(bulk, "MAX_FILE_SIZE", 100)
    monkeypatch.setattr(bulk, "check", lambda *args: pytest.fail("a too large file is not read"))
    body = client_for(member).post(URL, {"file": upload(xlsx(full_workbook()))}).content.decode()
    assert "Le classeur est refusé" in body
    assert not Action.objects.exists()


def test_the_template_workbook(db, referential):
    response = client_for(None).get(reverse("atlas:import-template"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert book.sheet_names == [spec.name for spec in bulk.SHEETS] + ["Aide"]
    for spec in bulk.SHEETS:
        rows = book.get_sheet_by_name(spec.name).to_python()
        assert rows[0] == [c.name for c in spec.columns], spec.name
        assert len(rows) == 2, f"{spec.name}: a header row and one example row"
    help_text = " ".join(str(v) for row in book.get_sheet_by_name("Aide").to_python() for v in row)
    for spec in bulk.SHEETS:
        for column in spec.columns:
            assert str(column.help) in help_text
    assert referential.items.filter(level="service").first().code in help_text  # type: ignore[union-attr]


def test_the_downloaded_template_imports_as_is(member, referential):
    data = client_for(member).get(reverse("atlas:import-template")).content
    response = client_for(member).post(URL, {"file": upload(data)})
    assert "1 fiche envoyée à la modération" in response.content.decode()
    assert Action.objects.count() == 1
