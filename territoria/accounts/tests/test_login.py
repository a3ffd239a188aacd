"""The sign-in page (accounts.signin.SignInView): form, errors, redirects, sign-out, rate limit per address."""

from __future__ import annotations

import html

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache

from territoria.accounts.ratelimit import Rate, parse_rate
from territoria.conftest import client_for

PASSWORD = "mot-de-passe-solide-42"  # the conftest's password for every person


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # rate-limit counters live in the cache, shared by every test of the process


def body(response) -> str:
    return html.unescape(response.content.decode())


def test_the_page_is_an_accessible_french_form(client, db):
    response = client.get("/compte/connexion/")
    assert response.status_code == 200
    page = body(response)
    assert "<h1>Connexion</h1>" in page
    assert '<label for="id_username">Identifiant</label>' in page
    assert '<label for="id_password">Mot de passe</label>' in page
    assert 'autocomplete="username"' in page and 'autocomplete="current-password"' in page
    assert 'href="/compte/mot-de-passe/oublie/">Mot de passe oublié ?</a>' in page
    assert "/oidc/authenticate/" not in page  # single sign-on is off by default


def test_good_credentials_sign_in_and_follow_next(client, member):
    response = client.post("/compte/connexion/", {"username": "member", "password": PASSWORD, "next": "/datasets/"})
    assert response.status_code == 302 and response["Location"] == "/datasets/"
    assert client.session[SESSION_KEY] == str(member.pk)


def test_an_outside_next_is_not_followed(client, member):
    response = client.post(
        "/compte/connexion/", {"username": "member", "password": PASSWORD, "next": "https://evil.example.com/"}
    )
    assert response["Location"] == "/"


def test_wrong_credentials_show_an_alert_in_french(client, member):
    response = client.post("/compte/connexion/", {"username": "member", "password": "pas-le-bon"})
    assert response.status_code == 200
    page = body(response)
    assert 'role="alert"' in page
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in page
    assert SESSION_KEY not in client.session


def test_missing_fields_are_linked_to_their_message(client, db):
    page = body(client.post("/compte/connexion/", {"username": "", "password": ""}))
    assert 'id="id_username_error"' in page
    assert 'aria-describedby="id_username_error"' in page and 'aria-invalid="true"' in page
    assert '<li><a href="#id_username">Identifiant</a> : Ce champ est obligatoire.</li>' in page
    assert '<li><a href="#id_password">Mot de passe</a> : Ce champ est obligatoire.</li>' in page


def test_a_signed_in_person_is_sent_on(member):
    response = client_for(member).get("/compte/connexion/")
    assert response.status_code == 302


def test_sign_out_is_a_post(member):
    client = client_for(member)
    assert client.get("/compte/deconnexion/").status_code == 405
    response = client.post("/compte/deconnexion/")
    assert response.status_code == 302
    assert SESSION_KEY not in client.session


def test_force_login_still_works_for_the_test_suite(member):
    response = client_for(member).get("/compte/mot-de-passe/")
    assert response.status_code == 200
    assert response.wsgi_request.user == member


# --- rate limit per address -------------------------------------------------------------------------------


def test_too_many_posts_from_one_address_are_refused_for_a_while(client, member, settings):
    settings.LOGIN_RATE_LIMIT = Rate(3, 60)
    for _ in range(3):
        assert client.post("/compte/connexion/", {"username": "x", "password": "y"}).status_code == 200
    response = client.post("/compte/connexion/", {"username": "member", "password": PASSWORD})
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    page = body(response)
    assert "Trop de formulaires ont été envoyés depuis votre adresse" in page and 'role="alert"' in page
    assert SESSION_KEY not in client.session
    # Reading the page is not limited, and another address is not affected.
    assert client.get("/compte/connexion/").status_code == 200
    other = client.post("/compte/connexion/", {"username": "member", "password": PASSWORD}, REMOTE_ADDR="192.0.2.44")
    assert other.status_code == 302


def test_the_rate_limit_can_be_switched_off(client, member, settings):
    settings.LOGIN_RATE_LIMIT = None
    for number in range(25):  # a different name each time, so that no lockout kicks in
        assert client.post("/compte/connexion/", {"username": f"nobody{number}", "password": "y"}).status_code == 200


@pytest.mark.parametrize(
    ("text", "expected"),
    [("20/m", Rate(20, 60)), ("100/h", Rate(100, 3600)), ("50 / 5m", Rate(50, 300)), ("1/d", Rate(1, 86400))],
)
def test_rates_are_read(text, expected):
    assert parse_rate(text) == expected


@pytest.mark.parametrize("text", ["off", "0", "OFF"])
def test_a_rate_can_be_off(text):
    assert parse_rate(text) is None


@pytest.mark.parametrize("text", ["20", "twenty/m", "20/w", "0/m", "20/0m", "-1/m"])
def test_bad_rates_are_refused(text):
    with pytest.raises(ValueError, match="expected N/PERIOD|at least 1"):
        parse_rate(text)
