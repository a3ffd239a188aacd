"""/ : the home page (themes with counts, latest and most viewed datasets, organisations)."""

import html
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from territoria.catalog import services
from territoria.conftest import client_for

pytestmark = pytest.mark.django_db


def home(user=None) -> str:
    response = client_for(user).get("/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    return html.unescape(response.content.decode())


def section(body: str, heading_id: str) -> str:
    return body.split(f'id="{heading_id}"')[1].split("</section>")[0]


def theme_tiles(body: str) -> dict[str, int]:
    tiles = re.findall(r'<a href="/datasets/\?theme=([A-Z]+)">[^<]*<span class="count">\((\d+)\)</span>', body)
    return {code: int(n) for code, n in tiles}


def test_home_counts_visible_datasets(catalogue, member, owner):
    assert "2 jeux de données à consulter" in home()
    assert "3 jeux de données à consulter" in home(member)
    assert "5 jeux de données à consulter" in home(owner)


def test_theme_tiles_show_only_themes_with_visible_datasets(catalogue, member):
    assert theme_tiles(home()) == {"EDUC": 1, "ENVI": 1}
    assert theme_tiles(home(member)) == {"EDUC": 1, "ENVI": 1, "ECON": 1}


def test_theme_tile_leads_to_the_refined_search(catalogue, client):
    response = client.get("/datasets/?theme=EDUC")
    assert re.findall(r'<h3><a href="/datasets/([^/]+)/">', response.content.decode()) == ["equipements-sportifs"]


def test_latest_updates_are_newest_first(make_dataset):
    now = timezone.now()
    for n in range(8):
        make_dataset(f"jeu-{n}", f"Jeu {n}", modified=now - timedelta(days=n))
    latest = re.findall(r'<h3><a href="/datasets/([^/]+)/">', section(home(), "latest-title"))
    assert latest == [f"jeu-{n}" for n in range(6)]


def test_most_viewed(make_dataset):
    for n, views in enumerate([3, 300, 30]):
        services.set_view_count(make_dataset(f"jeu-{n}", f"Jeu {n}"), views)
    viewed = re.findall(r'<h3><a href="/datasets/([^/]+)/">', section(home(), "viewed-title"))
    assert viewed == ["jeu-1", "jeu-2", "jeu-0"]


def test_hidden_datasets_appear_nowhere_on_the_home_page(catalogue, outsider):
    for user in (None, outsider):
        body = home(user)
        for key in ("internal", "restricted", "draft"):
            assert catalogue[key].title not in body


def test_organisations_are_listed(org, other_org):
    body = section(home(), "orgs-title")
    assert '<a href="/organisations/ville-test/">Ville de Test</a>' in body
    assert '<a href="/organisations/autre-ville/">Autre Ville</a>' in body


def test_empty_portal(db):
    body = home()
    assert "0 jeu" in body
    assert "Aucun jeu de données." in body


def test_page_is_french_with_navigation(db):
    body = home()
    assert '<html lang="fr">' in body
    for href in ('href="/datasets/"', 'href="/organisations/"', 'href="/api/"', 'href="/api/openapi.json"'):
        assert href in body
    assert 'action="/i18n/setlang/"' in body


def test_staff_get_a_link_to_the_administration(admin_user, owner):
    assert 'href="/admin/"' in home(admin_user)
    assert 'href="/admin/"' not in home(owner)


def test_post_is_not_allowed(db):
    assert client_for(None).post("/").status_code == 405
