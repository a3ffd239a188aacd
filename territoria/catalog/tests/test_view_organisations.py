"""/organisations/ and /organisations/<slug>/: publishers and their visible datasets."""

import html
import re

import pytest

from territoria.accounts.models import Organisation
from territoria.conftest import client_for

pytestmark = pytest.mark.django_db


def get(path: str, user=None):
    return client_for(user).get(path)


def page(path: str, user=None) -> str:
    response = get(path, user)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def org_rows(body: str) -> dict[str, str]:
    rows = re.findall(
        r'<li><h2><a href="/organisations/([^/]+)/">[^<]*</a></h2>\s*<p class="meta">([^<]*)</p></li>', body
    )
    return {slug: meta.strip() for slug, meta in rows}


@pytest.mark.parametrize(
    ("kind", "ours", "theirs"),
    [("anonymous", 1, 1), ("outsider", 1, 1), ("member", 2, 1), ("owner", 4, 1), ("admin_user", 4, 1)],
)
def test_list_counts_only_visible_datasets(kind, ours, theirs, catalogue, request):
    user = None if kind == "anonymous" else request.getfixturevalue(kind)
    rows = org_rows(page("/organisations/", user))
    assert set(rows) == {"ville-test", "autre-ville"}
    assert re.search(rf"\b{ours} jeux? de données", rows["ville-test"])
    assert re.search(rf"\b{theirs} jeux? de données", rows["autre-ville"])
    assert rows["ville-test"].startswith("Commune")


def test_organisation_without_datasets_is_listed_with_zero(db):
    Organisation.objects.create(slug="vide", name="Syndicat vide", kind="syndicat")
    rows = org_rows(page("/organisations/"))
    assert re.match(r"Syndicat · 0 jeux? de données", rows["vide"])


def test_list_is_ordered_by_name(db):
    for slug, name in [("c", "Cesson"), ("a", "Acigné"), ("b", "Betton")]:
        Organisation.objects.create(slug=slug, name=name)
    assert list(org_rows(page("/organisations/"))) == ["a", "b", "c"]


def test_empty_list(db):
    assert "Aucune organisation." in page("/organisations/")


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("anonymous", {"equipements-sportifs"}),
        ("outsider", {"equipements-sportifs"}),
        ("member", {"equipements-sportifs", "budget-interne"}),
        ("owner", {"equipements-sportifs", "budget-interne", "dossiers-sociaux", "brouillon-velo"}),
    ],
)
def test_organisation_page_lists_only_visible_datasets(kind, expected, catalogue, request):
    user = None if kind == "anonymous" else request.getfixturevalue(kind)
    body = page("/organisations/ville-test/", user)
    assert set(re.findall(r'<h3><a href="/datasets/([^/]+)/">', body)) == expected
    for key, dataset in catalogue.items():
        if dataset.slug not in expected:
            assert dataset.title not in body, key


def test_organisation_page_details(org, catalogue):
    org.siren = "213502388"
    org.website = "https://ville-test.example.org/"
    org.description = "La **commune** de Test. <script>alert(1)</script>"
    org.save()
    body = page("/organisations/ville-test/")
    assert "<h1>Ville de Test</h1>" in body
    assert "<dd>213502388</dd>" in body
    assert "<dd>35238</dd>" in body
    assert 'href="https://ville-test.example.org/"' in body
    assert "La <strong>commune</strong> de Test." in body
    assert "<script" not in body
    assert re.search(r"<h2>1 jeu de données</h2>", body)


def test_draft_badge_for_editors(catalogue, owner):
    body = page("/organisations/ville-test/", owner)
    assert '<span class="badge">brouillon</span>' in body


def test_unknown_organisation_is_a_404(db):
    response = get("/organisations/nope/")
    assert response.status_code == 404
    assert "Aucune organisation à cette adresse." in html.unescape(response.content.decode())


def test_post_is_not_allowed(org):
    assert client_for(None).post("/organisations/").status_code == 405
    assert client_for(None).post("/organisations/ville-test/").status_code == 405
