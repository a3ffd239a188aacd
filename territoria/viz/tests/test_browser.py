"""In a real browser (headless Chromium driven by Playwright) on a live server: table, chart, map.

Screenshots go to $TERRITORIA_ARTEFACTS (default: artefacts/ at the repository root). Without
/usr/bin/chromium the tests are skipped with the reason, except in CI (CI=true), where they fail.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client

from territoria.viz import geo
from territoria.viz.models import Chart

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[3]


def artefacts() -> Path:
    path = Path(os.environ.get("TERRITORIA_ARTEFACTS") or ROOT / "artefacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        reason = f"Chromium n'est pas installé ({CHROMIUM}) : apt-get install -y chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(reason + " ; la CI exige les tests dans le navigateur.")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's synchronous API runs an event loop in this thread; the ORM calls of the fixtures
    # are still synchronous, so Django's guard against async contexts is lifted for these tests only.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    # Django's connections are context-local, and Playwright's greenlets give this thread a new context:
    # carry over the test database's serialized contents so that each test starts from the migrated data.
    serialized = {alias: getattr(connections[alias], "_test_serialized_contents", None) for alias in connections}
    try:
        with sync_playwright() as playwright:
            for alias, contents in serialized.items():
                if contents is not None:
                    connections[alias]._test_serialized_contents = contents
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR", accept_downloads=True)
    opened = context.new_page()
    opened.errors = []  # type: ignore[attr-defined]
    opened.on("pageerror", lambda error: opened.errors.append(str(error)))  # type: ignore[attr-defined]
    # A script, style or frame refused by the Content-Security-Policy is only said on the console: count it too.
    opened.on(
        "console",
        lambda message: (
            opened.errors.append(message.text)  # type: ignore[attr-defined]
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    opened.set_default_timeout(20_000)
    yield opened
    context.close()


def sign_in(page, live_server, user) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}])


def shot(page, name: str, full_page: bool = True) -> None:  # type: ignore[no-untyped-def]
    page.screenshot(path=str(artefacts() / name), full_page=full_page)


def table_names(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.locator("table.records tbody th[scope=row]").all_inner_texts()


def test_open_the_table_search_refine_and_sort(page, live_server, equipements):
    page.goto(f"{live_server.url}/datasets/equipements/tableau/")
    assert page.locator("h1").inner_text() == "Équipements"
    assert len(table_names(page)) == 6
    page.get_by_label("Rechercher dans les données").fill("lyon")
    page.get_by_label("Rechercher dans les données").press("Enter")
    page.wait_for_url(re.compile(r"\?q=lyon"))
    assert table_names(page) == ["Gymnase Nord", "Piscine Été", "Dojo"]
    page.locator(".viz-facets a", has_text="non").first.click()  # « actif : non »
    page.wait_for_url(re.compile(r"refine=actif"))
    assert table_names(page) == ["Dojo"]
    page.goto(f"{live_server.url}/datasets/equipements/tableau/?f_montant=%3E5")
    page.locator("thead a", has_text="montant").click()
    page.locator("thead a", has_text="montant").click()
    page.wait_for_url(re.compile(r"tri=-montant"))
    assert table_names(page) == ["Stade Sud", "Salle des fêtes", "Gymnase Nord", "Piscine Été"]
    assert page.locator('th[aria-sort="descending"]').count() == 1
    shot(page, "table.png")
    assert not page.errors  # type: ignore[attr-defined]


def test_build_a_chart_download_it_and_save_it(page, live_server, equipements, member):
    sign_in(page, live_server, member)
    page.goto(f"{live_server.url}/datasets/equipements/graphique/")
    page.get_by_label("Type de graphique").select_option("bar")
    page.get_by_label("Axe horizontal (catégories ou dates)").select_option("ville")
    page.get_by_label("Couleur par groupe").select_option("actif")
    page.get_by_role("button", name="Dessiner le graphique").click()
    page.wait_for_selector("figure[data-rendered=true]")
    bars = page.locator("figure svg .mark-rect path")
    assert bars.count() == 5  # Lyon oui, Lyon non, Villeurbanne, Bron, Écully
    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger en SVG").click()
    assert download.value.suggested_filename.endswith(".svg")
    page.get_by_text("Les données du graphique (tableau)").click()
    assert page.locator(".chart-data tbody tr").count() == 5
    shot(page, "chart.png")
    page.get_by_label("Titre du graphique").fill("Équipements par ville")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_url(re.compile(r"/graphiques/[0-9a-f-]{36}/$"))
    page.wait_for_selector("figure[data-rendered=true]")
    assert page.locator("h1").inner_text() == "Équipements par ville"
    assert page.locator("figure svg .mark-rect path").count() == 5
    chart = Chart.objects.get()
    assert chart.created_by == member and chart.config["color"] == "actif"
    shot(page, "saved-chart.png")
    assert not page.errors  # type: ignore[attr-defined]


def test_line_and_pie_charts_render(page, live_server, equipements):
    page.goto(
        f"{live_server.url}/datasets/equipements/graphique/"
        "?type=line&x=date_ouverture&date_unit=month&aggregation=sum&y=montant"
    )
    page.wait_for_selector("figure[data-rendered=true]")
    assert page.locator("figure svg .mark-line path").count() == 1
    page.goto(f"{live_server.url}/datasets/equipements/graphique/?type=pie&x=ville")
    page.wait_for_selector("figure[data-rendered=true]")
    assert page.locator("figure svg .mark-arc path").count() == 4
    shot(page, "chart-pie.png")
    assert not page.errors  # type: ignore[attr-defined]


def test_the_map_shows_server_clusters_then_points(page, live_server, many_points, monkeypatch):
    monkeypatch.setattr(geo, "MAX_POINTS", 500)
    page.goto(f"{live_server.url}/datasets/mobilier-urbain/carte/")
    page.wait_for_selector("[data-viz-map][data-state=ready]")
    assert page.locator("[data-viz-map]").get_attribute("data-kind") == "clusters"
    assert page.locator(".viz-cluster").count() > 1
    assert "3" in page.locator("[data-map-status]").inner_text()
    shot(page, "map-clusters.png", full_page=False)
    for _ in range(8):  # zoom in until the box holds few enough points to get them one by one
        with page.expect_response(lambda response: "/api/viz/v1/" in response.url):
            page.locator(".leaflet-control-zoom-in").click()
        page.wait_for_selector("[data-viz-map][data-state=ready]")
        if page.locator("[data-viz-map]").get_attribute("data-kind") == "points":
            break
    assert page.locator("[data-viz-map]").get_attribute("data-kind") == "points"
    assert page.locator(".viz-point").count() + page.locator(".marker-cluster").count() > 0
    shot(page, "map-points.png", full_page=False)
    assert not page.errors  # type: ignore[attr-defined]


def test_points_are_clustered_in_the_browser_and_open_their_record(page, live_server, equipements):
    page.goto(f"{live_server.url}/datasets/equipements/carte/")
    page.wait_for_selector("[data-viz-map][data-state=ready]")
    assert page.locator("[data-viz-map]").get_attribute("data-kind") == "points"
    assert page.locator(".viz-point").count() + page.locator(".marker-cluster").count() >= 1
    page.get_by_text("Les éléments affichés sur la carte (liste)").click()
    page.locator("[data-map-list] button", has_text="Stade Sud").click()
    page.wait_for_selector(".viz-popup table")
    assert "Villeurbanne" in page.locator(".viz-popup").inner_text()
    shot(page, "map-markers.png", full_page=False)
    assert not page.errors  # type: ignore[attr-defined]


def test_a_map_of_the_communes_of_ille_et_vilaine(page, live_server, communes):
    page.goto(f"{live_server.url}/datasets/communes-35/carte/")
    page.wait_for_selector("[data-viz-map][data-state=ready]")
    assert page.locator("[data-viz-map]").get_attribute("data-kind") == "shapes"
    assert page.locator("path.leaflet-interactive").count() == 345
    assert "345 formes" in page.locator("[data-map-status]").inner_text()
    page.get_by_text("Les éléments affichés sur la carte (liste)").click()
    page.locator("[data-map-list] button").get_by_text("Rennes", exact=True).click()
    page.wait_for_selector(".viz-popup table")
    assert "35238" in page.locator(".viz-popup").inner_text()  # Rennes' INSEE code
    shot(page, "map-communes.png", full_page=False)
    assert not page.errors  # type: ignore[attr-defined]
