"""The agents' space /espace/ (territoria/portal/internal.py) and the links to it."""

from __future__ import annotations

import html

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from territoria.accounts.models import Referent
from territoria.conftest import client_for
from territoria.ingest.models import Job

SPACE = "/espace/"


def text_of(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.content.decode())


def titles(datasets) -> set[str]:  # type: ignore[no-untyped-def]
    return {d.title for d in datasets}


@pytest.fixture
def other_internal(make_dataset, other_org):  # type: ignore[no-untyped-def]
    return make_dataset(
        "registre-autre", "Registre interne de l'autre ville", organisation=other_org, visibility="internal"
    )


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(catalogue):
    response = client_for(None).get(SPACE)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login") + "?next=/espace/"


@pytest.mark.django_db
def test_an_agent_sees_the_internal_datasets_of_their_organisation_only(catalogue, other_internal, member):
    response = client_for(member).get(SPACE)
    assert response.status_code == 200
    assert titles(response.context["internal"]) == {"Budget prévisionnel interne"}
    body = text_of(response)
    assert "Budget prévisionnel interne" in body
    for hidden in ("Registre interne de l'autre ville", "Dossiers sociaux nominatifs", "Comptages vélo (brouillon)"):
        assert hidden not in body
    assert "Ville de Test</a> (Agent)" in body


@pytest.mark.django_db
def test_an_agent_of_another_organisation_sees_theirs_not_ours(catalogue, other_internal, outsider):
    response = client_for(outsider).get(SPACE)
    assert titles(response.context["internal"]) == {"Registre interne de l'autre ville"}
    assert "Budget prévisionnel interne" not in text_of(response)


@pytest.mark.django_db
def test_restricted_datasets_opened_to_a_person_are_listed(catalogue, member):
    from territoria.access.models import Grant

    Grant.objects.create(dataset=catalogue["restricted"], user=member, role="read")
    response = client_for(member).get(SPACE)
    assert titles(response.context["internal"]) == {"Budget prévisionnel interne", "Dossiers sociaux nominatifs"}


@pytest.mark.django_db
def test_recent_updates_are_the_visible_ones(catalogue, member):
    recent = titles(client_for(member).get(SPACE).context["recent"])
    assert {"Budget prévisionnel interne", "Équipements sportifs", "Arbres d'alignement"} <= recent
    assert not recent & {"Dossiers sociaux nominatifs", "Comptages vélo (brouillon)"}


@pytest.mark.django_db
def test_an_editor_sees_their_drafts_an_agent_does_not(catalogue, owner, member):
    response = client_for(owner).get(SPACE)
    assert titles(response.context["drafts"]) == {"Comptages vélo (brouillon)"}
    assert "Vos brouillons (1)" in text_of(response)
    assert titles(response.context["internal"]) == {"Budget prévisionnel interne", "Dossiers sociaux nominatifs"}
    response = client_for(member).get(SPACE)
    assert response.context["drafts"] == []
    assert "Vos brouillons" not in text_of(response)


@pytest.mark.django_db
def test_an_editor_sees_datasets_whose_last_import_failed(catalogue, owner, member):
    def job(key: str, status: str, message: str = "") -> Job:
        return Job.objects.create(
            dataset=catalogue[key], source_kind="upload", source_name="x.csv", status=status, message=message
        )

    job("public", Job.Status.FAILED, "colonne manquante")
    job("internal", Job.Status.FAILED, "ancien échec")
    job("internal", Job.Status.SUCCEEDED)  # the last one succeeded: nothing to report
    response = client_for(owner).get(SPACE)
    assert [(d.title, j.message) for d, j in response.context["failed"]] == [
        ("Équipements sportifs", "colonne manquante")
    ]
    assert "Imports en échec" in text_of(response)
    assert client_for(member).get(SPACE).context["failed"] == []


@pytest.mark.django_db
def test_the_referents_of_their_organisation_and_the_search_box(catalogue, org, other_org, member):
    Referent.objects.create(organisation=org, name="Nadia Rivière", service="Finances", email="nadia@example.org")
    Referent.objects.create(organisation=other_org, name="Paul Ailleurs", email="paul@example.org")
    body = text_of(client_for(member).get(SPACE))
    assert "Nadia Rivière" in body and "Paul Ailleurs" not in body
    assert 'action="/qui-contacter/"' in body and 'name="q"' in body


@pytest.mark.django_db
def test_a_person_outside_every_organisation_gets_a_space_without_the_directory(catalogue, org):
    Referent.objects.create(organisation=org, name="Nadia Rivière", email="nadia@example.org")
    stranger = get_user_model().objects.create_user("stranger", "stranger@example.org", "mot-de-passe-solide-42")
    response = client_for(stranger).get(SPACE)
    assert response.status_code == 200
    body = text_of(response)
    assert "aucune organisation" in body
    assert "/qui-contacter/" not in body and "Nadia Rivière" not in body
    assert response.context["internal"] == []


@pytest.mark.django_db
def test_the_nav_and_the_home_page_link_to_the_space_for_signed_in_people(catalogue, member):
    assert 'href="/espace/"' in text_of(client_for(member).get("/"))
    assert 'href="/espace/" aria-current="page"' in text_of(client_for(member).get(SPACE))
    public_home = client_for(None).get("/")
    assert public_home.status_code == 200
    assert 'href="/espace/"' not in text_of(public_home)


@pytest.mark.django_db
def test_organisation_administrators_find_their_audit_log_from_the_space(org, member):
    from django.contrib.auth import get_user_model

    from territoria.accounts.models import Membership

    admin = get_user_model().objects.create_user("adm-space", "a@example.org", "mot-de-passe-solide-42")
    Membership.objects.create(user=admin, organisation=org, role="admin")
    assert f"/organisations/{org.slug}/journal/" in client_for(admin).get("/espace/").content.decode()
    assert "/journal/" not in client_for(member).get("/espace/").content.decode()
