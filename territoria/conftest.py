"""Shared fixtures: ready-made people (owner, member, outsider) and a small catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from territoria.accounts.models import Membership, Organisation
from territoria.catalog import services as catalog

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(autouse=True)
def _files_dir(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.FILES_DIR = tmp_path / "files"


@pytest.fixture
def org(db) -> Organisation:  # type: ignore[no-untyped-def]
    return Organisation.objects.create(slug="ville-test", name="Ville de Test", kind="commune", insee_code="35238")


@pytest.fixture
def other_org(db) -> Organisation:  # type: ignore[no-untyped-def]
    return Organisation.objects.create(slug="autre-ville", name="Autre Ville", kind="commune")


def _user(username: str, org: Organisation | None = None, role: str | None = None, **extra):  # type: ignore[no-untyped-def]
    user = get_user_model().objects.create_user(username, f"{username}@example.org", "mot-de-passe-solide-42", **extra)
    if org is not None and role is not None:
        Membership.objects.create(user=user, organisation=org, role=role)
    return user


@pytest.fixture
def owner(org):  # type: ignore[no-untyped-def]
    """Editor of ``org``: may see and change all its datasets."""
    return _user("owner", org, "editor")


@pytest.fixture
def member(org):  # type: ignore[no-untyped-def]
    """Agent of ``org``: reads its internal datasets."""
    return _user("member", org, "agent")


@pytest.fixture
def outsider(other_org):  # type: ignore[no-untyped-def]
    """Agent of another organisation."""
    return _user("outsider", other_org, "agent")


@pytest.fixture
def admin_user(db):  # type: ignore[no-untyped-def]
    return _user("admin", is_staff=True, is_superuser=True)


@pytest.fixture
def org_admin(org):  # type: ignore[no-untyped-def]
    """Administrator of ``org``: runs its members, groups, referents and audit log (not a superuser)."""
    return _user("org-admin", org, "admin")


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def make_dataset(org):  # type: ignore[no-untyped-def]
    """Factory: make_dataset(slug, title, visibility=..., themes=[...], keywords=[...], published=True)."""
    from django.utils import timezone

    def make(slug: str, title: str, *, published: bool = True, organisation=None, **fields):  # type: ignore[no-untyped-def]
        fields.setdefault("licence", "etalab-2.0")
        fields.setdefault("description", "")
        return catalog.save_dataset(
            organisation=organisation or org,
            slug=slug,
            title=title,
            published=timezone.now() if published else None,
            **fields,
        )

    return make


@pytest.fixture
def catalogue(make_dataset, other_org):  # type: ignore[no-untyped-def]
    """Five datasets covering every visibility: public, internal, restricted, draft, other organisation."""
    return {
        "public": make_dataset(
            "equipements-sportifs",
            "Équipements sportifs",
            themes=["EDUC"],
            keywords=["sport", "gymnase"],
            description="Gymnases, stades et piscines de la commune.",
        ),
        "internal": make_dataset(
            "budget-interne",
            "Budget prévisionnel interne",
            visibility="internal",
            themes=["ECON"],
            keywords=["budget"],
        ),
        "restricted": make_dataset(
            "dossiers-sociaux",
            "Dossiers sociaux nominatifs",
            visibility="restricted",
            themes=["SOCI"],
            keywords=["social"],
        ),
        "draft": make_dataset("brouillon-velo", "Comptages vélo (brouillon)", published=False, themes=["TRAN"]),
        "other": make_dataset(
            "arbres-autre-ville",
            "Arbres d'alignement",
            organisation=other_org,
            themes=["ENVI"],
            keywords=["arbres"],
        ),
    }


# --- Shared by the test suite (appended) -----------------------------------------------------------------

API_ERROR_KEYS = {"error_code", "message", "status", "parameter", "position", "expected"}


def check_api_error(response, status: int | None = None, error_code: str | None = None, parameter: str | None = None):  # type: ignore[no-untyped-def]
    """Assert ``response`` carries the one JSON error shape of the API and return its body."""
    import json

    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = json.loads(response.content)
    assert isinstance(body, dict), body
    assert {"error_code", "message", "status"} <= set(body), body
    assert set(body) <= API_ERROR_KEYS, f"unexpected keys {set(body) - API_ERROR_KEYS}"
    assert isinstance(body["error_code"], str) and body["error_code"]
    assert isinstance(body["message"], str) and body["message"]
    assert body["status"] == response.status_code
    if "position" in body:
        assert isinstance(body["position"], int) and body["position"] >= 1, body
    if "expected" in body:
        assert isinstance(body["expected"], list) and all(isinstance(e, str) for e in body["expected"]), body
    if status is not None:
        assert response.status_code == status, body
    if error_code is not None:
        assert body["error_code"] == error_code, body
    if parameter is not None:
        assert body.get("parameter") == parameter, body
    return body


@pytest.fixture
def api_error():  # type: ignore[no-untyped-def]
    """``api_error(response, status, error_code, parameter)``: checks the JSON error shape, returns the body."""
    return check_api_error


@pytest.fixture
def demo_file():  # type: ignore[no-untyped-def]
    """Path of a file shipped with the demo content, by name."""
    from territoria.portal.demo.loader import FILES

    def get(name: str) -> Path:
        path = FILES / name
        assert path.is_file(), path
        return path

    return get


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    """Test users get passwords; the production hasher's 10^6 rounds would cost a second per user."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _tasks_run_inline():  # type: ignore[no-untyped-def]
    """Background tasks run in the test's process, right when enqueued (after commit)."""
    from huey.contrib.djhuey import HUEY

    previous = HUEY.immediate
    HUEY.immediate = True
    yield
    HUEY.immediate = previous


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Context manager: on_commit callbacks (job enqueueing) run at the end of the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
