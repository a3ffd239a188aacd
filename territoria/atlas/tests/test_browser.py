"""The atlas in a real browser (headless Chromium, Playwright) on a live server: the map of the demo actions,
a thematic atlas, submitting an action and reading the proposed classification, the observatory's charts.

Screenshots go to $TERRITORIA_ARTEFACTS (default artefacts/): atlas-map.png, atlas-thematic.png,
atlas-submitted.png, atlas-observatory.png.
"""

from __future__ import annotations

import pytest

from territoria.atlas.demo import ATLASES, load_demo_atlas
from territoria.atlas.models import Action
from territoria.viz.tests.test_browser import browser, page, shot, sign_in  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
DEMO_ROWS = 120


@pytest.fixture
def demo(org, member):  # type: ignore[no-untyped-def]
    load_demo_atlas(org, agent=member, limit=DEMO_ROWS)
    return Action.objects.filter(state=Action.State.PUBLISHED)


def _loaded(page) -> str:  # type: ignore[no-untyped-def]  # noqa: F811
    # A selector, not wait_for_function: the page's Content-Security-Policy forbids evaluating strings.
    page.wait_for_selector("[data-atlas-map][data-loaded]", state="attached")
    return page.locator("[data-atlas-map]").get_attribute("data-loaded") or ""


def test_the_map_shows_every_placed_action_and_opens_one(page, live_server, demo):  # noqa: F811
    page.goto(live_server.url + "/atlas/")
    placed = demo.exclude(lat=None).count()
    assert _loaded(page) == str(placed) and placed > 50
    assert page.locator(".marker-cluster").count() > 0  # nearby actions are grouped
    shot(page, "atlas-map.png")
    page.locator(".marker-cluster").first.click()  # zooms in
    page.fill("#atlas-q", "médiathèque")
    page.press("#atlas-q", "Enter")
    page.wait_for_url("**/atlas/?q=*")
    shown = int(_loaded(page))
    assert 0 < shown < placed
    assert "médiath" in page.locator(".atlas-list").inner_text().lower()
    assert page.errors == []


def test_a_thematic_atlas_has_its_own_page(page, live_server, demo):  # noqa: F811
    spec = ATLASES[2]  # the Territoire de Belfort
    page.goto(f"{live_server.url}/atlas/thematiques/{spec['slug']}/")
    assert page.locator("h1").inner_text() == spec["title"]
    expected = demo.filter(departement="90").exclude(lat=None).count()
    assert _loaded(page) == str(expected) and expected > 0
    shot(page, "atlas-thematic.png")
    assert page.errors == []


def test_submit_an_action_and_read_the_proposed_classification(
    page,  # noqa: F811
    live_server,
    demo,
    member,
    shared_classifier,
):
    sign_in(page, live_server, member)
    page.goto(live_server.url + "/atlas/proposer/")
    page.fill("#id_title", "Un espace public numérique à la mairie annexe")
    page.fill("#id_summary", "Dix postes, un animateur et des ateliers pour apprendre à faire ses démarches en ligne.")
    page.fill("#id_collectivite", "Ville de Test")
    page.fill("#id_insee", "35238")
    page.click("form.stacked-form button[type=submit]")
    page.wait_for_url("**/atlas/actions/*/")
    page.wait_for_selector(".proposal")
    text = page.locator(".proposal").inner_text()
    assert "Classement proposé" in text and "%" in text
    assert "E15" in text  # inclusion numérique
    shot(page, "atlas-submitted.png")
    assert page.errors == []


def test_the_observatory_draws_its_charts(page, live_server, demo):  # noqa: F811
    page.goto(live_server.url + "/atlas/observatoire/")
    page.wait_for_selector("figure[data-vega-chart] svg, figure[data-vega-chart] canvas")
    assert page.locator("figure[data-vega-chart]").count() >= 4
    page.wait_for_selector("[data-observatory-map][data-loaded=true]", state="attached")
    assert page.locator("[data-observatory-map] path.leaflet-interactive").count() >= 90  # the départements
    shot(page, "atlas-observatory.png")
    assert page.errors == []
