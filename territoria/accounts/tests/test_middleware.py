"""accounts.middleware: API keys in the Authorization header, and the API's rate limit."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.utils import timezone

from territoria.accounts import tokens
from territoria.accounts.middleware import client_address
from territoria.accounts.models import ApiToken
from territoria.accounts.ratelimit import Rate
from territoria.conftest import client_for
from territoria.ingest.models import Job

pytestmark = pytest.mark.django_db

RESTRICTED = "/api/explore/v2.1/catalog/datasets/dossiers-sociaux"  # only the owner (editor of org) sees it
PUBLIC = "/api/explore/v2.1/catalog/datasets/equipements-sportifs"
UPLOAD = "/api/ingest/v1/datasets/dossiers-sociaux/uploads"


def auth(key: str, scheme: str = "Apikey") -> dict[str, str]:
    return {"Authorization": f"{scheme} {key}"}


@pytest.fixture
def read_key(owner):
    return tokens.create(owner, "lecture", "read")[1]


@pytest.fixture
def write_key(owner):
    return tokens.create(owner, "écriture", "write")[1]


def csv_file() -> SimpleUploadedFile:
    return SimpleUploadedFile("comptages.csv", b"site,passages\nA,12\nB,30\n", content_type="text/csv")


# --- Authentication -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["Apikey", "Bearer", "apikey", "BEARER"])
def test_a_key_reads_what_its_owner_may_read(catalogue, read_key, scheme):
    response = Client().get(RESTRICTED, headers=auth(read_key, scheme))
    assert response.status_code == 200, response.content
    assert response.json()["dataset_id"] == "dossiers-sociaux"


def test_a_key_reads_the_records_of_a_restricted_dataset(catalogue, read_key, demo_file, api_error):
    from territoria.ingest import pipeline
    from territoria.ingest import services as ingest

    job = ingest.submit_path(catalogue["restricted"], demo_file("lieux-covoiturage.csv"), publish=True, queue=False)
    pipeline.run(job.pk)
    records = f"{RESTRICTED}/records?limit=1"
    response = Client().get(records, headers=auth(read_key))
    assert response.status_code == 200, response.content
    assert response.json()["total_count"] >= 1 and len(response.json()["results"]) == 1
    api_error(Client().get(records), 404)


def test_without_a_key_the_restricted_dataset_does_not_exist(catalogue, api_error):
    api_error(Client().get(RESTRICTED), 404)


def test_a_key_gives_its_owners_rights_only(catalogue, member, api_error):
    _token, key = tokens.create(member, "agent", "read")
    api_error(Client().get(RESTRICTED, headers=auth(key)), 404)
    assert Client().get("/api/explore/v2.1/catalog/datasets/budget-interne", headers=auth(key)).status_code == 200


def test_another_authorization_scheme_is_left_alone(catalogue, api_error):
    assert Client().get(PUBLIC, headers=auth("dXNlcjpwYXNz", "Basic")).status_code == 200
    api_error(Client().get(RESTRICTED, headers=auth("dXNlcjpwYXNz", "Basic")), 404)


@pytest.mark.parametrize(
    ("header", "words"),
    [
        ("Apikey terr_ceci-n-existe-pas-du-tout-0123456789", "inconnue"),
        ("Bearer pas-une-cle", "mal formée"),
        ("Apikey", "sans clé"),
        ("Bearer   ", "sans clé"),
    ],
)
def test_a_bad_key_is_a_401_saying_what_is_wrong(catalogue, header, words, api_error):
    response = Client().get(PUBLIC, headers={"Authorization": header})
    body = api_error(response, 401, "Unauthorized")
    assert words in body["message"]
    assert "Apikey" in response["WWW-Authenticate"]
    assert response["Access-Control-Allow-Origin"] == "*"


def test_a_bad_key_is_refused_outside_the_api_too(catalogue, api_error):
    api_error(Client().get("/datasets/equipements-sportifs/", headers=auth("terr_nope-nope-nope")), 401)


def test_a_revoked_key_is_a_401(catalogue, owner, api_error):
    token, key = tokens.create(owner, "révoquée")
    tokens.revoke(token, owner)
    body = api_error(Client().get(RESTRICTED, headers=auth(key)), 401, "Unauthorized")
    assert "révoquée" in body["message"]


def test_an_expired_key_is_a_401(catalogue, owner, api_error):
    token, key = tokens.create(owner, "expirée", expires=timezone.now() + timedelta(days=30))
    assert Client().get(RESTRICTED, headers=auth(key)).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires=timezone.now() - timedelta(minutes=1))
    body = api_error(Client().get(RESTRICTED, headers=auth(key)), 401, "Unauthorized")
    assert "expiré" in body["message"]


def test_the_key_of_a_deactivated_account_is_a_401(catalogue, owner, read_key, api_error):
    owner.is_active = False
    owner.save()
    api_error(Client().get(RESTRICTED, headers=auth(read_key)), 401)


def test_a_key_opens_no_session_and_records_its_last_use(catalogue, read_key):
    client = Client()
    response = client.get(RESTRICTED, headers=auth(read_key))
    assert response.status_code == 200
    assert "sessionid" not in response.cookies and not Session.objects.exists()
    token = ApiToken.objects.get()
    assert token.last_used is not None and timezone.now() - token.last_used < timedelta(minutes=5)
    # The next request, with no key, is anonymous again.
    assert client.get(RESTRICTED).status_code == 404


def test_a_key_does_not_open_the_account_pages_nor_the_administration(admin_user, api_error):
    _token, key = tokens.create(admin_user, "super", "write")
    for url in ("/compte/", "/compte/cles/", "/admin/"):
        body = api_error(Client().get(url, headers=auth(key)), 403, "Forbidden")
        assert "connectez-vous" in body["message"]
    api_error(Client().post("/compte/cles/", {"name": "x", "scope": "write"}, headers=auth(key)), 403)
    assert ApiToken.objects.count() == 1


# --- Scopes and CSRF ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_read_key_cannot_write(catalogue, read_key, method, api_error):
    client = Client(enforce_csrf_checks=True)
    response = getattr(client, method)(UPLOAD, headers=auth(read_key))
    body = api_error(response, 403, "Forbidden")
    assert "lecture" in body["message"] and method.upper() in body["message"]
    assert not Job.objects.exists()


def test_a_read_key_upload_with_a_file_is_refused(catalogue, read_key, api_error):
    response = Client().post(UPLOAD, {"file": csv_file()}, headers=auth(read_key))
    api_error(response, 403)
    assert not Job.objects.exists()


def test_a_write_key_uploads_without_a_csrf_token(catalogue, write_key):
    client = Client(enforce_csrf_checks=True)
    response = client.post(UPLOAD, {"file": csv_file()}, headers=auth(write_key, "Bearer"))
    assert response.status_code == 202, response.content
    job = Job.objects.get()
    assert job.dataset.slug == "dossiers-sociaux"


def test_a_session_still_needs_its_csrf_token(catalogue, owner):
    """The exemption is for key requests only: the same upload by a signed-in browser without the token fails."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = client.post(UPLOAD, {"file": csv_file()})
    assert response.status_code == 403
    assert not Job.objects.exists()


def test_a_write_key_of_a_person_who_may_not_edit_gets_the_apis_answer(catalogue, member, api_error):
    _token, key = tokens.create(member, "agent", "write")
    api_error(Client().post(UPLOAD, {"file": csv_file()}, headers=auth(key)), 404)  # restricted: not visible
    response = Client().post("/api/ingest/v1/datasets/budget-interne/uploads", {"file": csv_file()}, headers=auth(key))
    api_error(response, 403)


# --- A key in the address -------------------------------------------------------------------------------------


def test_a_key_in_the_address_is_refused(catalogue, read_key, api_error):
    body = api_error(Client().get(f"{RESTRICTED}?apikey={read_key}"), 400, parameter="apikey")
    assert "Authorization" in body["message"]
    assert read_key not in body["message"]


def test_other_apikey_values_stay_accepted_and_ignored(catalogue, api_error):
    assert Client().get(f"{PUBLIC}?apikey=abc").status_code == 200
    api_error(Client().get(f"{RESTRICTED}?apikey=abc"), 404)


# --- Rate limit -----------------------------------------------------------------------------------------------


@pytest.fixture
def limit(settings):
    """Two API requests per hour (an hour: no window ends during the test)."""
    cache.clear()
    settings.API_RATE_LIMIT = Rate(2, 3600)
    yield
    cache.clear()


def test_beyond_the_limit_a_429_with_retry_after(catalogue, limit, api_error):
    client = Client()
    assert [client.get(PUBLIC).status_code for _ in range(2)] == [200, 200]
    response = client.get(PUBLIC)
    body = api_error(response, 429, "TooManyRequests")
    assert "2 par heure" in body["message"]
    assert 1 <= int(response["Retry-After"]) <= 3600
    assert response["Access-Control-Allow-Origin"] == "*"
    # Errors count too: the limit is on requests, whatever their answer.
    api_error(client.get("/api/explore/v2.1/catalog/datasets/nope"), 429)


def test_each_key_and_each_person_has_its_own_count(catalogue, limit, owner, member, read_key, api_error):
    _token, other_key = tokens.create(member, "autre", "read")
    for _ in range(2):
        assert Client().get(PUBLIC, headers=auth(read_key)).status_code == 200
    api_error(Client().get(PUBLIC, headers=auth(read_key)), 429)
    assert Client().get(PUBLIC, headers=auth(other_key)).status_code == 200
    assert client_for(owner).get(PUBLIC).status_code == 200  # the owner's session is not the owner's key
    assert Client().get(PUBLIC).status_code == 200  # nor is the anonymous address


def test_anonymous_visitors_count_per_address(catalogue, limit, api_error):
    for _ in range(2):
        assert Client(REMOTE_ADDR="192.0.2.1").get(PUBLIC).status_code == 200
    api_error(Client(REMOTE_ADDR="192.0.2.1").get(PUBLIC), 429)
    assert Client(REMOTE_ADDR="192.0.2.2").get(PUBLIC).status_code == 200


def test_pages_outside_the_api_are_not_limited(catalogue, limit):
    client = Client()
    assert all(client.get("/datasets/equipements-sportifs/").status_code == 200 for _ in range(4))


def test_no_limit_when_off(catalogue, settings):
    settings.API_RATE_LIMIT = None
    client = Client()
    assert all(client.get(PUBLIC).status_code == 200 for _ in range(5))


def test_a_cache_outage_leaves_the_api_open(catalogue, limit, monkeypatch):
    from territoria.accounts import ratelimit

    def broken(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(ratelimit, "hit", broken)
    client = Client()
    assert all(client.get(PUBLIC).status_code == 200 for _ in range(3))


def test_client_address_behind_the_proxy(settings):
    factory = RequestFactory()
    request = factory.get("/api/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7")
    settings.BEHIND_TLS_PROXY = False
    assert client_address(request) == "127.0.0.1"  # the header is not trusted without a proxy
    settings.BEHIND_TLS_PROXY = True
    assert client_address(request) == "198.51.100.7"  # the address the proxy saw (it appends it)
    ipv6 = factory.get("/api/", REMOTE_ADDR="2001:db8:1:2:3:4:5:6")
    settings.BEHIND_TLS_PROXY = False
    assert client_address(ipv6) == "2001:db8:1:2::"  # one /64, one count


# --- Settings: the limit and the cache it counts in ----------------------------------------------------------

ROOT = Path(__file__).resolve().parents[3]


def settings_in_child(tmp_path, **variables: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TERRITORIA_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update({"TERRITORIA_DATA_DIR": str(tmp_path / "data"), **variables})
    code = "import territoria.settings as s; print(s.API_RATE_LIMIT); print(s.CACHES['default']['BACKEND'])"
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT, env=env, check=False
    )


def production(**extra: str) -> dict[str, str]:
    return {
        "TERRITORIA_ENV": "production",
        "TERRITORIA_SECRET_KEY": secrets.token_hex(32),
        "TERRITORIA_ALLOWED_HOSTS": "data.ville-test.fr",
        **extra,
    }


def test_settings_production_limits_and_shares_the_cache_between_workers(tmp_path):
    done = settings_in_child(tmp_path, **production())
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [
        "Rate(count=600,",
        "seconds=60)",
        "django.core.cache.backends.filebased.FileBasedCache",
    ]


def test_settings_redis_cache_and_custom_limit(tmp_path):
    done = settings_in_child(
        tmp_path, **production(TERRITORIA_REDIS_URL="redis://127.0.0.1:6379/0", TERRITORIA_API_RATE_LIMIT="100/5m")
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["Rate(count=100,", "seconds=300)", "django.core.cache.backends.redis.RedisCache"]


def test_settings_development_has_no_limit_unless_asked(tmp_path):
    assert settings_in_child(tmp_path).stdout.split()[0] == "None"
    assert settings_in_child(tmp_path, TERRITORIA_API_RATE_LIMIT="30/m").stdout.split()[:2] == [
        "Rate(count=30,",
        "seconds=60)",
    ]
    assert settings_in_child(tmp_path, **production(TERRITORIA_API_RATE_LIMIT="0")).stdout.split()[0] == "None"


def test_settings_refuse_a_rate_they_cannot_read(tmp_path):
    done = settings_in_child(tmp_path, TERRITORIA_API_RATE_LIMIT="beaucoup")
    assert done.returncode != 0
    assert "TERRITORIA_API_RATE_LIMIT" in done.stderr


def test_without_redis_in_production_counters_are_files_shared_by_processes(catalogue, limit, settings, tmp_path):
    settings.RATE_LIMIT_FOLDER = str(tmp_path / "ratelimit")
    client = Client(REMOTE_ADDR="192.0.2.7")
    assert [client.get(PUBLIC).status_code for _ in range(3)] == [200, 200, 429]
    files = [p for p in (tmp_path / "ratelimit" / "api-3600").rglob("*") if p.is_file()]
    assert len(files) == 1 and files[0].stat().st_size == 3  # the refused request was counted too
    assert cache.get(f"territoria:ratelimit:api:{files[0].name}:{files[0].parent.name}") is None
