"""territoria.settings: configuration from TERRITORIA_* variables, refusing to start when it is unsafe or wrong.

Each case runs in a fresh interpreter, as settings are read once at import.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
MANAGE = ROOT / "manage.py"


def clean_env(**variables: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TERRITORIA_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update(variables)
    return env


def run(argv: list[str], **variables: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, *argv],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=clean_env(**variables),
        check=False,
    )


def import_settings(**variables: str) -> subprocess.CompletedProcess:
    return run(["-c", "import territoria.settings as s; print('DEBUG', s.DEBUG)"], **variables)


def production(tmp_path, **extra: str) -> dict[str, str]:
    variables = {
        "TERRITORIA_ENV": "production",
        "TERRITORIA_SECRET_KEY": secrets.token_hex(32),  # 64 characters
        "TERRITORIA_ALLOWED_HOSTS": "data.ville-test.fr",
        "TERRITORIA_DATA_DIR": str(tmp_path / "data"),
    }
    variables.update(extra)
    return variables


def test_development_defaults_start(tmp_path):
    result = import_settings(TERRITORIA_DATA_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "DEBUG True" in result.stdout


def test_production_without_secret_key_refuses_to_start(tmp_path):
    variables = production(tmp_path)
    del variables["TERRITORIA_SECRET_KEY"]
    result = import_settings(**variables)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "TERRITORIA_SECRET_KEY is required when TERRITORIA_ENV=production" in result.stderr


@pytest.mark.parametrize("key", ["short-key", "a" * 64, "abcd" * 20])
def test_production_refuses_a_weak_secret_key(key, tmp_path):
    result = import_settings(**production(tmp_path, TERRITORIA_SECRET_KEY=key))
    assert result.returncode != 0
    assert "TERRITORIA_SECRET_KEY must be at least 50 characters of random text" in result.stderr


def test_production_requires_allowed_hosts(tmp_path):
    result = import_settings(**production(tmp_path, TERRITORIA_ALLOWED_HOSTS=""))
    assert result.returncode != 0
    assert "TERRITORIA_ALLOWED_HOSTS is required" in result.stderr


def test_production_requires_a_data_dir(tmp_path):
    variables = production(tmp_path)
    del variables["TERRITORIA_DATA_DIR"]
    result = import_settings(**variables)
    assert result.returncode != 0
    assert "TERRITORIA_DATA_DIR" in result.stderr


def test_production_passes_the_deployment_checks(tmp_path):
    result = run([str(MANAGE), "check", "--deploy", "--fail-level", "WARNING"], **production(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_is_not_in_debug(tmp_path):
    result = import_settings(**production(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "DEBUG False" in result.stdout


def test_development_fails_the_deployment_checks(tmp_path):
    result = run([str(MANAGE), "check", "--deploy", "--fail-level", "WARNING"], TERRITORIA_DATA_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "security.W018" in result.stderr + result.stdout  # DEBUG on


@pytest.mark.parametrize(
    ("name", "value", "fragment"),
    [
        ("TERRITORIA_DEBUG", "maybe", "expected a boolean"),
        ("TERRITORIA_ENV", "staging", "expected one of development, production"),
        ("TERRITORIA_LANGUAGE", "de", "expected one of fr, en"),
        ("TERRITORIA_API_MAX_LIMIT", "0", "must be at least 1"),
        ("TERRITORIA_API_MAX_LIMIT", "lots", "expected a whole number"),
        ("TERRITORIA_HSTS_SECONDS", "-5", "must be at least 0"),
        ("TERRITORIA_LOG_LEVEL", "verbose", "expected one of"),
    ],
)
def test_bad_values_fail_loudly_naming_the_variable(name, value, fragment, tmp_path):
    result = import_settings(**{name: value, "TERRITORIA_DATA_DIR": str(tmp_path)})
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured: Territoria configuration:")
    assert name in last_line
    assert fragment in last_line


def test_unsupported_database_url_fails_loudly(tmp_path):
    result = import_settings(TERRITORIA_DATABASE_URL="mysql://x", TERRITORIA_DATA_DIR=str(tmp_path))
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured: Territoria configuration:")
    assert "unsupported scheme 'mysql'" in last_line


def test_unsupported_database_url_names_the_variable(tmp_path):
    result = import_settings(TERRITORIA_DATABASE_URL="mysql://x", TERRITORIA_DATA_DIR=str(tmp_path))
    assert "TERRITORIA_DATABASE_URL" in result.stderr.strip().splitlines()[-1]


def test_sqlite_folder_is_created_on_first_start(tmp_path):
    data_dir = tmp_path / "new" / "folder"
    result = import_settings(TERRITORIA_DATA_DIR=str(data_dir))
    assert result.returncode == 0, result.stderr
    assert data_dir.is_dir()


def test_settings_values_from_the_environment(tmp_path):
    code = (
        "import territoria.settings as s; "
        "print(s.ALLOWED_HOSTS, s.API_MAX_LIMIT, s.LANGUAGE_CODE, s.DATABASES['default']['NAME'], s.FILES_DIR)"
    )
    result = run(
        ["-c", code],
        TERRITORIA_DATA_DIR=str(tmp_path),
        TERRITORIA_ALLOWED_HOSTS="a.example, b.example",
        TERRITORIA_API_MAX_LIMIT="250",
        TERRITORIA_LANGUAGE="EN",
        TERRITORIA_DATABASE_URL="sqlite:///portail.sqlite3",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "['a.example',",
        "'b.example']",
        "250",
        "en",
        str(tmp_path / "portail.sqlite3"),
        str(tmp_path / "files"),
    ]
