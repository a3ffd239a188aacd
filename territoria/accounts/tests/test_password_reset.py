"""Password reset by e-mail and password change (accounts.signin), with Django's password rules in French."""

from __future__ import annotations

import html
import re

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.core import mail
from django.core.cache import cache

from territoria.accounts import checks
from territoria.conftest import client_for

PASSWORD = "mot-de-passe-solide-42"
NEW_PASSWORD = "Rivière-Ardoise-Tilleul-7"
LINK = re.compile(r"http://testserver(/compte/mot-de-passe/nouveau/[^/\s]+/[^/\s]+/)")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def body(response) -> str:
    return html.unescape(response.content.decode())


def request_link(client, email: str):
    return client.post("/compte/mot-de-passe/oublie/", {"email": email})


def signs_in(password: str, username: str = "member") -> bool:
    from django.test import Client

    client = Client()
    client.post("/compte/connexion/", {"username": username, "password": password})
    return SESSION_KEY in client.session


def test_the_request_page_is_an_accessible_french_form(client, db):
    page = body(client.get("/compte/mot-de-passe/oublie/"))
    assert "<h1>Mot de passe oublié</h1>" in page
    assert '<label for="id_email">Adresse de courriel</label>' in page
    assert 'autocomplete="email"' in page


def test_the_mail_holds_a_link_that_sets_a_new_password(client, member, settings):
    settings.SITE_NAME = "Données de Test"
    response = request_link(client, "member@example.org")
    assert response.status_code == 302 and response["Location"] == "/compte/mot-de-passe/oublie/envoye/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["member@example.org"]
    assert message.subject == "Données de Test : choisir un nouveau mot de passe"
    assert "Votre identifiant : member" in message.body
    assert "&#x27;" not in message.body and "Quelqu'un" in message.body  # plain text, not HTML-escaped
    path = LINK.search(message.body)[1]

    # The link leads to the form (Django moves the token into the session first).
    opened = client.get(path, follow=True)
    assert opened.status_code == 200
    page = body(opened)
    assert "<h1>Nouveau mot de passe</h1>" in page and 'autocomplete="new-password"' in page
    form_url = opened.redirect_chain[-1][0]

    done = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/compte/mot-de-passe/nouveau/enregistre/"
    assert "Votre nouveau mot de passe est enregistré" in body(client.get(done["Location"]))
    assert signs_in(NEW_PASSWORD)
    assert not signs_in(PASSWORD)

    # The link works once.
    again = client.get(path, follow=True)
    assert "Ce lien n'est pas valide" in body(again)


def test_a_mistyped_link_is_invalid(client, member):
    page = body(client.get("/compte/mot-de-passe/nouveau/MQ/abc-123/"))
    assert "Ce lien n'est pas valide" in page and 'role="alert"' in page


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Court-1", "Ce mot de passe est trop court. Il doit contenir au minimum 12 caractères."),
        ("1234567890123", "Ce mot de passe est entièrement numérique."),
        ("1qaz2wsx3edc", "Ce mot de passe est trop courant."),
        ("member-example-org", "Le mot de passe est trop semblable"),
    ],
)
def test_password_rules_are_explained_in_french(client, member, password, message):
    request_link(client, "member@example.org")
    path = LINK.search(mail.outbox[0].body)[1]
    form_url = client.get(path, follow=True).redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": password, "new_password2": password})
    assert response.status_code == 200
    page = body(response)
    assert message in page
    assert 'role="alert"' in page and 'aria-invalid="true"' in page
    assert signs_in(PASSWORD)  # unchanged


def test_an_unknown_address_gets_the_same_page_and_no_mail(client, member):
    response = request_link(client, "personne@example.org")
    assert response["Location"] == "/compte/mot-de-passe/oublie/envoye/"
    assert mail.outbox == []


def test_a_single_sign_on_account_gets_no_reset_mail(client, db):
    user = get_user_model().objects.create_user("sso", "sso@ville-test.fr")  # no password, as SSO creates them
    assert not user.has_usable_password()
    request_link(client, "sso@ville-test.fr")
    assert mail.outbox == []


def test_without_a_mail_server_in_production_the_page_says_to_ask_an_administrator(client, member, settings):
    settings.PASSWORD_RESET_BY_EMAIL = False
    page = body(client.get("/compte/mot-de-passe/oublie/"))
    assert "la réinitialisation du mot de passe par courriel n'est pas disponible" in page
    assert "<form" not in page.split("<h1>")[1]  # no reset form (the header's forms come before the title)
    request_link(client, "member@example.org")
    assert mail.outbox == []
    login = body(client.get("/compte/connexion/"))
    assert "/compte/mot-de-passe/oublie/" not in login
    assert "Demandez à l'administrateur du portail" in login
    assert "TERRITORIA_EMAIL_HOST is not set" in checks.missing_mail_server()


def test_with_a_mail_server_there_is_no_warning(settings):
    settings.PASSWORD_RESET_BY_EMAIL = True
    assert checks.missing_mail_server() is None


def test_the_reset_form_is_rate_limited(client, member, settings):
    from territoria.accounts.ratelimit import Rate

    settings.LOGIN_RATE_LIMIT = Rate(2, 60)
    request_link(client, "member@example.org")
    request_link(client, "member@example.org")
    assert request_link(client, "member@example.org").status_code == 429
    assert len(mail.outbox) == 2


# --- changing one's password --------------------------------------------------------------------------------


def test_a_signed_in_person_changes_their_password(member):
    client = client_for(member)
    page = body(client.get("/compte/mot-de-passe/"))
    assert "<h1>Changer de mot de passe</h1>" in page
    assert 'autocomplete="current-password"' in page and 'autocomplete="new-password"' in page
    response = client.post(
        "/compte/mot-de-passe/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == "/compte/mot-de-passe/modifie/"
    assert "Mot de passe changé" in body(client.get(response["Location"]))
    assert signs_in(NEW_PASSWORD)


def test_a_wrong_old_password_is_refused(member):
    response = client_for(member).post(
        "/compte/mot-de-passe/",
        {"old_password": "pas-le-bon", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "Votre ancien mot de passe est incorrect" in body(response)
    assert signs_in(PASSWORD)


def test_changing_needs_to_be_signed_in(client, db):
    response = client.get("/compte/mot-de-passe/")
    assert response.status_code == 302
    assert response["Location"].startswith("/compte/connexion/?next=")


def test_a_single_sign_on_account_is_told_where_its_password_lives(db, settings):
    settings.OIDC_PROVIDER_NAME = "Compte Ville de Test"
    user = get_user_model().objects.create_user("sso", "sso@ville-test.fr")
    client = client_for(user)
    page = body(client.get("/compte/mot-de-passe/"))
    assert "Votre compte se connecte avec Compte Ville de Test" in page
    assert 'name="old_password"' not in page
    response = client.post("/compte/mot-de-passe/", {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 200
    user.refresh_from_db()
    assert not user.has_usable_password()
