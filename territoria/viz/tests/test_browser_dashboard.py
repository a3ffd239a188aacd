"""Dashboards in a real browser (headless Chromium, Playwright): key figures, charts, maps, filters, embeds.

Uses the browser fixtures of test_browser.py (same skip rules, same artefacts directory); the screenshots
``dashboard.png``, ``dashboard-phone.png`` and ``embed.png`` go to $TERRITORIA_ARTEFACTS.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from territoria.viz.tests.test_browser import browser, page, shot  # noqa: F401  (fixtures shared with this module)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HOST_PAGE = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Site de la commune</title></head>
<body><h1>Le site d'une commune</h1><p>Un tableau de bord intégré :</p>
<iframe src="{src}" title="Tableau de bord des équipements" width="100%" height="1400"></iframe></body></html>"""


@pytest.fixture
def demo_like(make_dashboard, equipements, communes):  # type: ignore[no-untyped-def]
    """A dashboard made like the demo's: key figures, charts, a map of points, one of shapes, a table, a text."""
    period = {"period": "date_ouverture"}
    return make_dashboard(
        "equipements-du-territoire",
        "Équipements du territoire",
        description="Les **équipements** de la métropole, en chiffres.",
        filters={"period": {"label": "Année"}},
        blocks=[
            {
                "kind": "kpi",
                "title": "Équipements ouverts",
                "width": 1,
                "config": {
                    "dataset": "equipements",
                    "compare": "year",
                    "date_column": "date_ouverture",
                    "filters": period,
                },
            },
            {
                "kind": "kpi",
                "title": "Montant total",
                "width": 1,
                "config": {
                    "dataset": "equipements",
                    "aggregation": "sum",
                    "column": "montant",
                    "unit": "€",
                    "filters": period,
                },
            },
            {
                "kind": "chart",
                "title": "Équipements par ville",
                "width": 2,
                "config": {"dataset": "equipements", "chart": {"type": "bar", "x": "ville"}, "filters": period},
            },
            {
                "kind": "map",
                "title": "Où sont-ils ?",
                "width": 2,
                "config": {"dataset": "equipements", "filters": period},
            },
            {"kind": "map", "title": "Les communes", "width": 2, "config": {"dataset": "communes-35"}},
            {
                "kind": "table",
                "title": "Les plus chers",
                "width": 2,
                "config": {
                    "dataset": "equipements",
                    "columns": ["nom", "ville", "montant"],
                    "sort": "montant",
                    "descending": True,
                    "limit": 4,
                    "filters": period,
                },
            },  # fmt: skip
            {"kind": "text", "title": "À propos", "width": 2, "config": {"text": "Données **de test**."}},
        ],
    )


def wait_drawn(frame) -> None:  # type: ignore[no-untyped-def]
    """Charts drawn and maps loaded (``frame``: a page or a frame locator)."""
    frame.locator("figure[data-rendered=true]").first.wait_for()
    for index in range(frame.locator("[data-viz-map]").count()):
        frame.locator("[data-viz-map]").nth(index).and_(frame.locator("[data-state=ready]")).wait_for()


def test_open_the_dashboard_see_figures_chart_and_maps_then_filter(page, live_server, demo_like):  # noqa: F811
    page.goto(f"{live_server.url}/tableaux-de-bord/")
    page.get_by_role("link", name="Équipements du territoire").click()
    page.wait_for_url(re.compile(r"/tableaux-de-bord/equipements-du-territoire/$"))
    wait_drawn(page)
    assert page.locator("h1").inner_text() == "Équipements du territoire"
    figure = page.locator("#" + page.locator(".dash-kpi").first.get_attribute("id"))
    assert figure.locator(".kpi-value").inner_text() == "3"
    assert "+50" in figure.locator(".kpi-compare").inner_text()
    assert "en hausse de 50" in figure.locator("[data-kpi-text]").text_content()
    assert page.locator(".dash-chart figure svg .mark-rect path").count() == 4  # Lyon, Villeurbanne, Bron, Écully
    points = page.locator(".dash-map").first
    assert points.locator(".viz-point").count() + points.locator(".marker-cluster").count() >= 1
    assert page.locator(".dash-map").nth(1).locator("path.leaflet-interactive").count() == 345
    assert page.locator(".dash-table tbody th").all_inner_texts() == [
        "Stade Sud",
        "Salle des fêtes",
        "Gymnase Nord",
        "Piscine Été",
    ]
    shot(page, "dashboard.png")

    page.get_by_label("Année").select_option("2024")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url(re.compile(r"\?periode=2024"))
    wait_drawn(page)
    assert page.locator(".dash-chart figure svg .mark-rect path").count() == 3
    assert page.locator(".dash-table tbody th").all_inner_texts() == ["Stade Sud", "Salle des fêtes", "Gymnase Nord"]
    chart = page.locator(".dash-chart")
    chart.get_by_text("Intégrer").click()
    snippet = chart.get_by_label("Code à copier dans une page de votre site (iframe) :").input_value()
    assert re.fullmatch(r'<iframe src="http://[^"]+/embed/blocs/\d+/\?periode=2024" title="Équipements par ville" '
                        r'width="100%" height="520" loading="lazy"></iframe>', snippet), snippet  # fmt: skip

    page.set_viewport_size({"width": 390, "height": 844})  # a phone: one block per row
    boxes = [page.locator(".dash-block").nth(i).bounding_box() for i in range(3)]
    assert boxes[0]["x"] == boxes[1]["x"] == boxes[2]["x"] and boxes[0]["width"] > 300
    shot(page, "dashboard-phone.png")
    assert not page.errors  # type: ignore[attr-defined]


@pytest.fixture
def other_site(live_server) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """Another web site (another origin: 127.0.0.1 on its own port) whose page frames the dashboard's embed."""
    body = HOST_PAGE.format(src=f"{live_server.url}/embed/tableaux-de-bord/equipements-du-territoire/").encode()

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802  (http.server's naming)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_open_the_dashboard_embedded_in_another_site(page, live_server, demo_like, other_site):  # noqa: F811
    page.set_viewport_size({"width": 1280, "height": 1600})  # the whole frame on screen, for the screenshot
    page.goto(other_site)
    frame = page.frame_locator("iframe")
    wait_drawn(frame)
    assert frame.locator("h1").inner_text() == "Équipements du territoire"
    assert frame.locator(".kpi-value").first.inner_text() == "3"
    assert frame.locator(".dash-chart figure svg .mark-rect path").count() == 4
    assert frame.locator(".dash-map").first.locator(".viz-point, .marker-cluster").count() >= 1
    assert frame.locator(".site-header").count() == 0  # no site chrome
    frame.get_by_label("Année").select_option("2023")
    frame.get_by_role("button", name="Filtrer").click()  # the filters stay in the frame
    # The frame reloads: wait (retrying through the navigation) for the filtered table, not for a row that the
    # unfiltered table already showed.
    expect(frame.locator(".dash-table tbody th")).to_have_text(["Piscine Été", "Médiathèque"])
    assert page.url == other_site
    wait_drawn(frame)
    shot(page, "embed.png")
    assert not page.errors  # type: ignore[attr-defined]


def test_one_block_embedded_directly(page, live_server, demo_like):  # noqa: F811
    chart = demo_like.blocks.get(kind="chart")
    page.goto(f"{live_server.url}/embed/blocs/{chart.pk}/")
    wait_drawn(page)
    assert page.locator("h1").inner_text() == "Équipements par ville"
    assert page.locator("figure svg .mark-rect path").count() == 4
    shot(page, "embed-block.png")
    assert not page.errors  # type: ignore[attr-defined]
