"""settings.py for sign-in: TERRITORIA_EMAIL_*, _LOGIN_*, _OIDC_* read strictly. Each case in a fresh interpreter."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SHOW = (
    "import json, territoria.settings as s; print(json.dumps({k: getattr(s, k) for k in ("
    "'EMAIL_BACKEND', 'EMAIL_HOST', 'EMAIL_PORT', 'EMAIL_USE_TLS', 'EMAIL_USE_SSL', 'EMAIL_HOST_USER', "
    "'DEFAULT_FROM_EMAIL', 'PASSWORD_RESET_BY_EMAIL', 'AXES_FAILURE_LIMIT', 'LOGIN_RATE_LIMIT', "
    "'OIDC_ENABLED', 'AUTHENTICATION_BACKENDS', 'OIDC_ORGANISATION', 'OIDC_ROLE', 'OIDC_ISSUER')} | "
    "{'COOLOFF_SECONDS': s.AXES_COOLOFF_TIME.total_seconds()}, default=lambda rate: [rate.count, rate.seconds]))"
)


def run(argv: list[str], tmp_path: Path, **variables: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TERRITORIA_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update({"TERRITORIA_DATA_DIR": str(tmp_path), **variables})
    return subprocess.run(  # noqa: S603
        [sys.executable, *argv], capture_output=True, text=True, timeout=120, cwd=ROOT, env=env, check=False
    )


def settings_with(tmp_path: Path, **variables: str) -> dict:
    result = run(["-c", SHOW], tmp_path, **variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def refused(tmp_path: Path, **variables: str) -> str:
    result = run(["-c", SHOW], tmp_path, **variables)
    assert result.returncode != 0
    return result.stderr


def production(**extra: str) -> dict[str, str]:
    return {
        "TERRITORIA_ENV": "production",
        "TERRITORIA_SECRET_KEY": secrets.token_hex(32),
        "TERRITORIA_ALLOWED_HOSTS": "data.ville-test.fr",
        **extra,
    }


def test_development_defaults(tmp_path):
    s = settings_with(tmp_path)
    assert s["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert s["PASSWORD_RESET_BY_EMAIL"] is True
    assert (s["AXES_FAILURE_LIMIT"], s["COOLOFF_SECONDS"], s["LOGIN_RATE_LIMIT"]) == (5, 900, [20, 60])
    assert s["OIDC_ENABLED"] is False
    assert not any("oidc" in backend.lower() for backend in s["AUTHENTICATION_BACKENDS"])


def test_lockout_and_rate_limit_are_configurable(tmp_path):
    s = settings_with(
        tmp_path,
        TERRITORIA_LOGIN_FAILURE_LIMIT="3",
        TERRITORIA_LOGIN_COOLOFF_MINUTES="60",
        TERRITORIA_LOGIN_RATE_LIMIT="100/5m",
    )
    assert (s["AXES_FAILURE_LIMIT"], s["COOLOFF_SECONDS"], s["LOGIN_RATE_LIMIT"]) == (3, 3600, [100, 300])
    assert settings_with(tmp_path, TERRITORIA_LOGIN_RATE_LIMIT="off")["LOGIN_RATE_LIMIT"] is None


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"TERRITORIA_LOGIN_RATE_LIMIT": "beaucoup"}, "TERRITORIA_LOGIN_RATE_LIMIT='beaucoup': expected N/PERIOD"),
        ({"TERRITORIA_LOGIN_FAILURE_LIMIT": "0"}, "TERRITORIA_LOGIN_FAILURE_LIMIT=0: must be at least 1"),
        ({"TERRITORIA_EMAIL_PORT": "smtp"}, "TERRITORIA_EMAIL_PORT='smtp': expected a whole number"),
        (
            {"TERRITORIA_EMAIL_USE_SSL": "true", "TERRITORIA_EMAIL_USE_TLS": "true"},
            "TERRITORIA_EMAIL_USE_SSL and TERRITORIA_EMAIL_USE_TLS: choose one",
        ),
        ({"TERRITORIA_OIDC_ROLE": "admin"}, "TERRITORIA_OIDC_ROLE='admin': expected one of agent, editor"),
        ({"TERRITORIA_OIDC_CLIENT_ID": "territoria"}, "TERRITORIA_OIDC_CLIENT_SECRET and TERRITORIA_OIDC_ISSUER"),
    ],
)
def test_wrong_values_stop_the_start_naming_the_variable(tmp_path, variables, message):
    assert message in refused(tmp_path, **variables)


def test_a_mail_server(tmp_path):
    s = settings_with(
        tmp_path,
        TERRITORIA_EMAIL_HOST="smtp.ville-test.fr",
        TERRITORIA_EMAIL_USER="portail",
        TERRITORIA_EMAIL_PASSWORD="secret",
        TERRITORIA_DEFAULT_FROM_EMAIL="Données de la ville <donnees@ville-test.fr>",
    )
    assert s["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (s["EMAIL_HOST"], s["EMAIL_PORT"], s["EMAIL_USE_TLS"], s["EMAIL_USE_SSL"]) == (
        "smtp.ville-test.fr",
        587,
        True,
        False,
    )
    assert s["DEFAULT_FROM_EMAIL"] == "Données de la ville <donnees@ville-test.fr>"
    ssl = settings_with(tmp_path, TERRITORIA_EMAIL_HOST="smtp.ville-test.fr", TERRITORIA_EMAIL_USE_SSL="true")
    assert (ssl["EMAIL_PORT"], ssl["EMAIL_USE_TLS"], ssl["EMAIL_USE_SSL"]) == (465, False, True)


def test_production_without_a_mail_server_starts_sends_nothing_and_warns(tmp_path):
    s = settings_with(tmp_path, **production())
    assert s["EMAIL_BACKEND"] == "django.core.mail.backends.dummy.EmailBackend"
    assert s["PASSWORD_RESET_BY_EMAIL"] is False
    check = run([str(ROOT / "manage.py"), "check", "--deploy"], tmp_path, **production())
    assert check.returncode == 0, check.stderr  # a warning in the log, not a refusal nor a failed check
    assert "WARNING territoria.accounts TERRITORIA_EMAIL_HOST is not set" in check.stderr


def test_production_with_a_mail_server_does_not_warn(tmp_path):
    check = run([str(ROOT / "manage.py"), "check"], tmp_path, **production(TERRITORIA_EMAIL_HOST="smtp.ville-test.fr"))
    assert check.returncode == 0, check.stderr
    assert "System check identified no issues" in check.stdout
    assert "TERRITORIA_EMAIL_HOST is not set" not in check.stderr


def test_single_sign_on_is_switched_on_by_its_three_variables(tmp_path):
    s = settings_with(
        tmp_path,
        TERRITORIA_OIDC_CLIENT_ID="territoria",
        TERRITORIA_OIDC_CLIENT_SECRET="secret",
        TERRITORIA_OIDC_ISSUER="https://sso.ville-test.fr/realms/agents/",
        TERRITORIA_OIDC_ORGANISATION="ville-test",
        TERRITORIA_OIDC_ROLE="editor",
    )
    assert s["OIDC_ENABLED"] is True
    assert s["AUTHENTICATION_BACKENDS"][-1] == "territoria.accounts.oidc.OidcBackend"
    assert s["AUTHENTICATION_BACKENDS"][0] == "axes.backends.AxesStandaloneBackend"
    assert s["OIDC_ISSUER"] == "https://sso.ville-test.fr/realms/agents"
    assert (s["OIDC_ORGANISATION"], s["OIDC_ROLE"]) == ("ville-test", "editor")


def test_production_refuses_an_issuer_without_https(tmp_path):
    message = refused(
        tmp_path,
        **production(
            TERRITORIA_OIDC_CLIENT_ID="territoria",
            TERRITORIA_OIDC_CLIENT_SECRET="secret",
            TERRITORIA_OIDC_ISSUER="http://sso.ville-test.fr/realms/agents",
        ),
    )
    assert "TERRITORIA_OIDC_ISSUER must be an https:// address" in message
