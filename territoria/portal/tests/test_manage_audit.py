"""The audit log pages (/organisations/<slug>/journal/, /journal/) and their CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io

import pytest
from django.utils import timezone

from territoria.accounts.audit import audit
from territoria.accounts.models import AuditEvent, Membership
from territoria.conftest import client_for

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action


def page_url(slug: str = "ville-test") -> str:
    return f"/organisations/{slug}/journal/"


def export_url(slug: str = "ville-test") -> str:
    return f"/organisations/{slug}/journal/export.csv"


def text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.content.decode())


def rows_of(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(body[1:])))


def at(event: AuditEvent, when: dt.datetime) -> AuditEvent:
    AuditEvent.objects.filter(pk=event.pk).update(when=when)
    event.refresh_from_db()
    return event


@pytest.fixture
def journal(catalogue, org, other_org, owner, member, outsider, org_admin):  # type: ignore[no-untyped-def]
    """A few events of each organisation, written directly (the hooks are tested in accounts/tests)."""
    AuditEvent.objects.all().delete()  # the fixtures' own events (datasets created, memberships added)
    tz = timezone.get_current_timezone()
    restricted = catalogue["restricted"]
    events = {
        "publish": audit(
            Action.PUBLISH,
            actor=owner,
            target=restricted.slug,
            organisation_id=org.pk,
            dataset=restricted.slug,
            version=2,
            previous_version=1,
        ),
        "download": audit(
            Action.DOWNLOAD,
            actor=member,
            target=catalogue["internal"].slug,
            organisation_id=org.pk,
            dataset=catalogue["internal"].slug,
            file="=cmd|' /C calc'!A0",
        ),
        "role": audit(Action.ROLE, actor=owner, target="member", organisation_id=org.pk, change="added", role="agent"),
        "sign-in": audit(Action.SIGN_IN, actor=member),  # personal event of a member: in the org's log
        "foreign": audit(
            Action.API_READ,
            actor=outsider,
            target=catalogue["other"].slug,
            organisation_id=other_org.pk,
            dataset=catalogue["other"].slug,
            endpoint="records",
        ),
        "foreign-sign-in": audit(Action.SIGN_IN, actor=outsider),
    }
    at(events["publish"], dt.datetime(2025, 3, 10, 9, 0, tzinfo=tz))
    at(events["download"], dt.datetime(2025, 3, 12, 23, 30, tzinfo=tz))
    at(events["role"], dt.datetime(2025, 3, 14, 8, 0, tzinfo=tz))
    return events


def shown(response) -> set[int]:  # type: ignore[no-untyped-def]
    return {row["event"].pk for row in response.context["rows"]}


def test_an_organisation_administrator_sees_their_log_only(journal, org_admin):
    response = client_for(org_admin).get(page_url())
    assert response.status_code == 200
    assert shown(response) == {journal[k].pk for k in ("publish", "download", "role", "sign-in")}
    body = text(response)
    assert "<h1>Journal d'audit — Ville de Test</h1>" in body
    # Titles of datasets come through the access policy; the other organisation's never appear.
    assert "Dossiers sociaux nominatifs" in body and "Budget prévisionnel interne" in body
    assert "Arbres d'alignement" not in body and "outsider" not in body


def test_an_administrator_of_one_organisation_is_refused_the_other(journal, org_admin):
    assert client_for(org_admin).get(page_url("autre-ville")).status_code == 403
    assert client_for(org_admin).get(export_url("autre-ville")).status_code == 403


@pytest.mark.parametrize("person", ["owner", "member", "outsider"])
def test_editors_agents_and_outsiders_are_refused(journal, person, request):
    client = client_for(request.getfixturevalue(person))
    for url in (page_url(), export_url(), "/journal/", "/journal/export.csv"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Dossiers sociaux" not in text(response)


def test_anonymous_visitors_are_sent_to_sign_in(journal):
    for url in (page_url(), export_url(), "/journal/", "/journal/export.csv"):
        response = client_for(None).get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/compte/connexion/?next=")


def test_unknown_organisation_is_404(org_admin):
    assert client_for(org_admin).get(page_url("nulle-part")).status_code == 404


def test_superuser_sees_every_log_at_journal(journal, admin_user):
    response = client_for(admin_user).get("/journal/")
    assert response.status_code == 200
    assert shown(response) == {e.pk for e in journal.values()}
    assert "Arbres d'alignement" in text(response)
    # Organisation filter for those who see several.
    response = client_for(admin_user).get("/journal/", {"organisation": "autre-ville"})
    assert shown(response) == {journal["foreign"].pk}


def test_journal_of_a_manager_covers_the_organisations_they_manage(journal, org_admin):
    response = client_for(org_admin).get("/journal/")
    assert response.status_code == 200
    assert shown(response) == {journal[k].pk for k in ("publish", "download", "role", "sign-in")}
    assert "organisation" not in response.context["form"].fields  # one organisation: no choice to make


def test_filters_by_action_person_and_dates(journal, org_admin):
    client = client_for(org_admin)
    assert shown(client.get(page_url(), {"action": "publish"})) == {journal["publish"].pk}
    assert shown(client.get(page_url(), {"person": "member"})) == {journal["download"].pk, journal["sign-in"].pk}
    # Dates are whole local days, both ends included.
    dates = {"start": "2025-03-10", "end": "2025-03-12"}
    assert shown(client.get(page_url(), dates)) == {journal["publish"].pk, journal["download"].pk}
    assert shown(client.get(page_url(), {"start": "2025-03-13"})) == {journal["role"].pk, journal["sign-in"].pk}


def test_invalid_filters_are_reported_not_applied(journal, org_admin):
    response = client_for(org_admin).get(page_url(), {"start": "2025-03-20", "end": "2025-03-01", "action": "nope"})
    assert response.status_code == 200
    body = text(response)
    assert 'role="alert"' in body
    assert "La date de fin précède la date de début." in body
    assert len(shown(response)) == 4


def test_pagination(org, org_admin):
    for i in range(55):
        audit(Action.GRANT, actor=org_admin, target=f"personne-{i}", organisation_id=org.pk)
    client = client_for(org_admin)
    first = client.get(page_url(), {"action": "grant"})
    assert len(first.context["rows"]) == 50
    assert 'rel="next"' in first.content.decode()
    assert "action=grant&amp;page=2" in first.content.decode()
    second = client.get(page_url(), {"action": "grant", "page": "2"})
    assert len(second.context["rows"]) == 5
    assert shown(first).isdisjoint(shown(second))


def test_csv_export_streams_every_matching_row(journal, org_admin, org):
    for i in range(60):  # more than a page: the export is not paginated
        audit(Action.GRANT, actor=org_admin, target=f"personne-{i}", organisation_id=org.pk)
    response = client_for(org_admin).get(export_url())
    assert response.status_code == 200
    assert response.streaming
    assert "attachment;" in response["Content-Disposition"] and ".csv" in response["Content-Disposition"]
    rows = rows_of(response)
    assert len(rows) == 64
    assert list(rows[0]) == [
        "date",
        "action",
        "libellé de l'action",
        "auteur",
        "organisation",
        "objet",
        "jeu de données",
        "adresse IP",
        "détails",
    ]
    publish = next(r for r in rows if r["action"] == "publish")
    assert publish["auteur"] == "owner"
    assert publish["organisation"] == "Ville de Test"
    assert publish["jeu de données"] == "Dossiers sociaux nominatifs"
    assert publish["date"].startswith("2025-03-10T09:00:00")
    assert '"version": 2' in publish["détails"]
    download = next(r for r in rows if r["action"] == "download")
    assert download["détails"].startswith("{")  # JSON, not a formula
    assert all(not r["objet"].startswith("=") for r in rows)
    assert not any("outsider" in r["auteur"] for r in rows)


def test_csv_export_applies_the_filters(journal, org_admin):
    rows = rows_of(client_for(org_admin).get(export_url(), {"action": "download"}))
    assert [r["action"] for r in rows] == ["download"]
    assert rows[0]["jeu de données"] == "Budget prévisionnel interne"


def test_csv_cells_that_look_like_formulas_are_neutralised(org, org_admin):
    audit(Action.GRANT, actor=org_admin, target='=HYPERLINK("http://x")', organisation_id=org.pk)
    [row] = rows_of(client_for(org_admin).get(export_url(), {"action": "grant"}))
    assert row["objet"] == '\'=HYPERLINK("http://x")'


def test_a_former_member_sign_ins_leave_the_organisation_log(journal, org_admin, member):
    Membership.objects.filter(user=member).delete()
    response = client_for(org_admin).get(page_url())
    assert journal["sign-in"].pk not in shown(response)
    assert journal["download"].pk in shown(response)  # done for the organisation: stays


def test_page_is_accessible_markup(journal, org_admin):
    body = client_for(org_admin).get(page_url()).content.decode()
    for name in ("action", "person", "start", "end"):
        assert f'<label for="id_{name}">' in body
    assert '<th scope="col">' in body
    assert 'type="date"' in body
    assert body.count("<h1>") == 1


def test_titles_of_datasets_the_administrator_cannot_see_are_not_shown(make_dataset, org, other_org, org_admin):
    """Titles go through the access policy: a dataset hidden from the reader shows by its stored slug only."""
    make_dataset("notes-voisines", "Notes internes voisines", organisation=other_org, visibility="internal")
    audit(Action.GRANT, target="notes-voisines", organisation_id=org.pk, dataset="notes-voisines")
    response = client_for(org_admin).get(page_url())
    body = text(response)
    assert "notes-voisines" in body
    assert "Notes internes voisines" not in body
    assert "Notes internes voisines" not in b"".join(client_for(org_admin).get(export_url()).streaming_content).decode()
