"""« Qui contacter ? »: the referents directory and a referent's card (territoria/portal/referents.py)."""

from __future__ import annotations

import html

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from territoria.accounts.models import Referent
from territoria.conftest import client_for
from territoria.portal.referents import parse_query, tel_href

DIRECTORY = "/qui-contacter/"


def text_of(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.content.decode())


def names_found(response) -> set[str]:  # type: ignore[no-untyped-def]
    return {card.referent.name for card in response.context["cards"]}


def look_after(referent: Referent, *datasets) -> None:  # type: ignore[no-untyped-def]
    for dataset in datasets:
        dataset.referent = referent
        dataset.save(update_fields=["referent"])


@pytest.fixture
def people(catalogue, org, other_org):  # type: ignore[no-untyped-def]
    """Three referents: sports (public dataset), social (public + restricted), trees (other organisation)."""
    sports = Referent.objects.create(
        organisation=org,
        kind="person",
        name="Hélène Écuyer",
        job_title="Chargée de mission équipements",
        service="Sports et loisirs",
        email="helene.ecuyer@example.org",
        phone="02 99 00 00 01",
        expertise="piscines, gymnases, créneaux des clubs",
    )
    social = Referent.objects.create(
        organisation=org,
        kind="service",
        name="Pôle solidarités",
        service="Solidarités",
        email="solidarites@example.org",
    )
    trees = Referent.objects.create(
        organisation=other_org,
        kind="person",
        name="Bruno Chêne",
        service="Espaces verts",
        email="bruno.chene@example.org",
        expertise="patrimoine arboré",
    )
    look_after(sports, catalogue["public"])
    look_after(social, catalogue["restricted"], catalogue["internal"])
    look_after(trees, catalogue["other"])
    return {"sports": sports, "social": social, "trees": trees}


# --- Who may use the directory -------------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(people):
    for url in (DIRECTORY + "?q=sport", people["sports"].get_absolute_url()):
        response = client_for(None).get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login") + "?next=")
        assert "helene" not in response["Location"].lower()


@pytest.mark.django_db
def test_a_signed_in_person_outside_every_organisation_gets_a_french_403(people):
    stranger = get_user_model().objects.create_user("stranger", "stranger@example.org", "mot-de-passe-solide-42")
    for url in (DIRECTORY, people["sports"].get_absolute_url()):
        response = client_for(stranger).get(url)
        assert response.status_code == 403
        body = text_of(response)
        assert "Accès réservé" in body
        assert "Hélène Écuyer" not in body and "02 99 00 00 01" not in body


@pytest.mark.django_db
def test_members_of_any_organisation_and_superusers_see_the_whole_directory(people, member, outsider, admin_user):
    everyone = {"Hélène Écuyer", "Pôle solidarités", "Bruno Chêne"}
    for user in (member, outsider, admin_user):
        response = client_for(user).get(DIRECTORY)
        assert response.status_code == 200
        assert names_found(response) == everyone


@pytest.mark.django_db
def test_the_directory_is_read_only(people, member):
    assert client_for(member).post(DIRECTORY).status_code == 405


# --- Search and filters --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_search_by_theme_uses_the_catalogue_vocabulary(people, member):
    response = client_for(member).get(DIRECTORY, {"theme": "EDUC"})
    assert names_found(response) == {"Hélène Écuyer"}
    response = client_for(member).get(DIRECTORY, {"theme": "ENVI"})
    assert names_found(response) == {"Bruno Chêne"}
    offered = {theme.code for theme in response.context["themes"]}
    assert {"EDUC", "ENVI", "ECON"} <= offered


@pytest.mark.django_db
def test_search_finds_a_referent_through_a_keyword_or_title_of_their_dataset(people, member):
    assert names_found(client_for(member).get(DIRECTORY, {"q": "gymnase"})) == {"Hélène Écuyer"}
    assert names_found(client_for(member).get(DIRECTORY, {"q": "arbres"})) == {"Bruno Chêne"}
    # the internal dataset's title, which the member may see
    assert names_found(client_for(member).get(DIRECTORY, {"q": "budget prévisionnel"})) == {"Pôle solidarités"}


@pytest.mark.django_db
def test_search_by_service_job_title_and_expertise(people, member):
    client = client_for(member)
    assert names_found(client.get(DIRECTORY, {"service": "Espaces verts"})) == {"Bruno Chêne"}
    assert names_found(client.get(DIRECTORY, {"q": "loisirs"})) == {"Hélène Écuyer"}
    assert names_found(client.get(DIRECTORY, {"q": "mission"})) == {"Hélène Écuyer"}
    assert names_found(client.get(DIRECTORY, {"q": "patrimoine"})) == {"Bruno Chêne"}
    assert names_found(client.get(DIRECTORY, {"organisation": "autre-ville"})) == {"Bruno Chêne"}


@pytest.mark.django_db
def test_search_ignores_accents_and_case_and_needs_every_word(people, member):
    client = client_for(member)
    for text in ("helene ecuyer", "HÉLÈNE", "Equipement", "piscine", "creneau"):
        assert names_found(client.get(DIRECTORY, {"q": text})) == {"Hélène Écuyer"}, text
    assert names_found(client.get(DIRECTORY, {"q": "chene"})) == {"Bruno Chêne"}
    assert names_found(client.get(DIRECTORY, {"q": "hélène arbres"})) == set()
    assert names_found(client.get(DIRECTORY, {"q": "de la"})) == {"Hélène Écuyer", "Pôle solidarités", "Bruno Chêne"}


@pytest.mark.django_db
def test_result_cards_show_kind_service_themes_count_and_contact(people, member):
    body = text_of(client_for(member).get(DIRECTORY, {"q": "helene"}))
    assert "Personne" in body
    assert "Chargée de mission équipements" in body and "Sports et loisirs" in body
    assert "Éducation, culture et sport" in body
    assert "1 jeu de données suivi" in body
    assert 'href="mailto:helene.ecuyer@example.org"' in body
    assert 'href="tel:0299000001"' in body


@pytest.mark.django_db
def test_no_result_says_so(people, member):
    response = client_for(member).get(DIRECTORY, {"q": "zzzz"})
    assert response.context["total"] == 0
    assert "Aucun référent ne correspond" in text_of(response)


# --- The policy: hidden datasets reveal nothing ----------------------------------------------------------


@pytest.mark.django_db
def test_a_card_lists_only_the_datasets_the_viewer_may_see(people, member, owner, outsider, catalogue):
    url = people["social"].get_absolute_url()
    body = text_of(client_for(member).get(url))
    assert "Pôle solidarités" in body and "Budget prévisionnel interne" in body
    assert "Dossiers sociaux nominatifs" not in body
    assert len(client_for(member).get(url).context["card"].datasets) == 1
    assert "Social" not in body  # the hidden dataset's theme
    body = text_of(client_for(outsider).get(url))
    assert "Budget prévisionnel interne" not in body and "Dossiers sociaux nominatifs" not in body
    assert "Aucun jeu de données suivi" in body
    body = text_of(client_for(owner).get(url))
    assert "Budget prévisionnel interne" in body and "Dossiers sociaux nominatifs" in body


@pytest.mark.django_db
def test_a_hidden_datasets_words_and_theme_do_not_find_its_referent(people, member, owner):
    # "social" and "nominatifs" come only from the restricted dataset, SOCI only from its theme
    for params in ({"q": "social"}, {"q": "nominatifs"}, {"theme": "SOCI"}):
        assert names_found(client_for(member).get(DIRECTORY, params)) == set(), params
        assert names_found(client_for(owner).get(DIRECTORY, params)) == {"Pôle solidarités"}, params
    offered = {theme.code for theme in client_for(member).get(DIRECTORY).context["themes"]}
    assert "SOCI" not in offered
    cards = {c.referent.name: c for c in client_for(member).get(DIRECTORY).context["cards"]}
    assert cards["Pôle solidarités"].dataset_count == 1


@pytest.mark.django_db
def test_an_unknown_referent_is_404(people, member):
    assert client_for(member).get("/qui-contacter/999999/").status_code == 404


@pytest.mark.django_db
def test_the_card_shows_service_contact_and_expertise(people, outsider):
    body = text_of(client_for(outsider).get(people["sports"].get_absolute_url()))
    assert "<h1>Hélène Écuyer</h1>" in body
    assert "Sports et loisirs" in body and "piscines, gymnases, créneaux des clubs" in body
    assert 'href="mailto:helene.ecuyer@example.org"' in body and 'href="tel:0299000001"' in body
    assert "Équipements sportifs" in body and "Éducation, culture et sport" in body


# --- The dataset page links to the card ----------------------------------------------------------------


@pytest.mark.django_db
def test_the_dataset_page_names_its_referent_to_members_only(people, member, outsider, catalogue):
    url = catalogue["public"].get_absolute_url()
    link = f'href="{people["sports"].get_absolute_url()}"'
    for user in (member, outsider):
        body = text_of(client_for(user).get(url))
        assert link in body and "Hélène Écuyer</a> (Sports et loisirs)" in body
    body = text_of(client_for(None).get(url))
    assert "Hélène Écuyer" not in body and link not in body
    stranger = get_user_model().objects.create_user("stranger", "stranger@example.org", "mot-de-passe-solide-42")
    assert "Hélène Écuyer" not in text_of(client_for(stranger).get(url))


# --- Helpers -------------------------------------------------------------------------------------------


def test_referent_url_and_helpers():
    assert Referent(pk=7).get_absolute_url() == "/qui-contacter/7/"
    assert tel_href("+33 (0)2 99 00-00-01") == "+330299000001"
    assert parse_query("Les Équipements") == [("equipements", "equip")]
