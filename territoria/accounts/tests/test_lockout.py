"""Lockout after repeated failures (django-axes, configured in settings.py; page in accounts.signin.locked_out)."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from territoria.conftest import client_for

PASSWORD = "mot-de-passe-solide-42"
NEW_PASSWORD = "Rivière-Ardoise-Tilleul-7"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def attempt(client: Client, password: str, username: str = "member", address: str = "127.0.0.1"):
    return client.post("/compte/connexion/", {"username": username, "password": password}, REMOTE_ADDR=address)


def fail(client: Client, times: int, username: str = "member", address: str = "127.0.0.1"):
    return [attempt(client, "pas-le-bon", username, address).status_code for _ in range(times)]


def test_the_settings_follow_the_territoria_variables(settings):
    assert settings.AXES_FAILURE_LIMIT == settings.LOGIN_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == timedelta(minutes=settings.LOGIN_COOLOFF_MINUTES) == timedelta(minutes=15)
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


def test_the_fifth_failure_locks_the_name_from_this_address_with_a_french_page(client, member):
    assert fail(client, 4) == [200, 200, 200, 200]
    locked = attempt(client, "pas-le-bon")
    assert locked.status_code == 429
    assert locked["Retry-After"] == str(15 * 60)
    page = html.unescape(locked.content.decode())
    assert "<h1>Connexion bloquée temporairement</h1>" in page and 'role="alert"' in page
    assert "Après 5 tentatives infructueuses" in page
    until = re.search(r"Vous pourrez réessayer après (\d\d:\d\d) \(dans 15 minutes\)", page)
    assert until is not None
    expected = timezone.localtime(timezone.now() + timedelta(minutes=15))
    assert until[1] in {expected.strftime("%H:%M"), (expected - timedelta(minutes=1)).strftime("%H:%M")}
    assert 'href="/compte/mot-de-passe/oublie/"' in page
    assert "pas-le-bon" not in AccessAttempt.objects.get().post_data  # axes masks the password it keeps
    # Even the right password is refused now.
    again = attempt(client, PASSWORD)
    assert again.status_code == 429
    assert SESSION_KEY not in client.session


def test_the_limit_is_configurable(client, member, settings):
    settings.AXES_FAILURE_LIMIT = 2
    assert fail(client, 2) == [200, 429]


def test_the_lockout_is_for_this_name_and_this_address_only(client, member, owner):
    fail(client, 5)
    assert attempt(client, PASSWORD, address="192.0.2.7").status_code == 302  # the person, elsewhere
    other = Client()
    assert attempt(other, PASSWORD, username="owner").status_code == 302  # another name, same address


def test_the_lockout_ends_after_the_cool_off(client, member):
    fail(client, 5)
    assert attempt(client, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert attempt(client, PASSWORD).status_code == 302
    assert SESSION_KEY in client.session


def test_a_success_before_the_limit_starts_the_count_again(client, member):
    fail(client, 4)
    assert attempt(client, PASSWORD).status_code == 302
    client.post("/compte/deconnexion/")
    assert fail(client, 4) == [200, 200, 200, 200]
    assert attempt(client, PASSWORD).status_code == 302


def test_a_password_reset_lifts_the_lockout(client, member):
    fail(client, 5)
    client.post("/compte/mot-de-passe/oublie/", {"email": "member@example.org"})
    path = re.search(r"http://testserver(/compte/mot-de-passe/nouveau/\S+/)", mail.outbox[0].body)[1]
    form_url = client.get(path, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert not AccessAttempt.objects.exists()
    assert attempt(Client(), NEW_PASSWORD).status_code == 302


def test_the_admin_shows_and_can_clear_lockouts(client, member, admin_user):
    fail(client, 5)
    admin = client_for(admin_user)
    page = admin.get("/admin/axes/accessattempt/")
    assert page.status_code == 200
    assert "member" in page.content.decode()
    attempt_row = AccessAttempt.objects.get(username="member")
    assert attempt_row.failures_since_start == 5
    response = admin.post(f"/admin/axes/accessattempt/{attempt_row.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert attempt(client, PASSWORD).status_code == 302


def test_the_admin_login_is_protected_too(client, admin_user):
    for _ in range(5):
        response = client.post(
            "/admin/login/?next=/admin/", {"username": "admin", "password": "pas-le-bon", "next": "/admin/"}
        )
    assert response.status_code == 429
    assert "Connexion bloquée temporairement" in html.unescape(response.content.decode())


def test_behind_the_proxy_the_address_is_the_one_nginx_appended(client, member, settings):
    settings.BEHIND_TLS_PROXY = True

    def through_proxy(password: str, visitor: str):
        return client.post(
            "/compte/connexion/",
            {"username": "member", "password": password},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"10.9.9.9, {visitor}",  # the first entry is whatever the visitor sent
        )

    statuses = [through_proxy("pas-le-bon", "198.51.100.1").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    assert AccessAttempt.objects.get().ip_address == "198.51.100.1"
    assert through_proxy(PASSWORD, "198.51.100.2").status_code == 302  # another visitor behind the same proxy


def test_an_unknown_address_does_not_break_the_count(client, member):
    statuses = [attempt(client, "pas-le-bon", address="").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    assert AccessAttempt.objects.get().ip_address is None
