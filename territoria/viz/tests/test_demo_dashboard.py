"""The demo's « Tableau de bord du territoire »: loaded with the demo's data, every block draws its data."""

from __future__ import annotations

import html
import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.test import Client, RequestFactory

from territoria.catalog import services as catalog
from territoria.portal.demo import loader
from territoria.portal.demo.content import DATASETS
from territoria.viz import demo
from territoria.viz.dashboards.views import page_context
from territoria.viz.models import Block, Dashboard

pytestmark = pytest.mark.django_db


USED = ("subventions-attribuees", "stationnement", "communes-ille-et-vilaine")


@pytest.fixture
def loaded():  # type: ignore[no-untyped-def]
    """The demo without data, then the data of the three datasets the dashboard uses (faster than all 13)."""
    call_command("load_demo", "--without-data", stdout=io.StringIO())
    assert not Dashboard.objects.exists()  # no data, no dashboard
    for slug in USED:
        spec = next(s for s in DATASETS if s["slug"] == slug)
        loader._ingest_first_file(catalog.get_dataset(slug), loader.FILES / spec["files"][0][0])
    demo.load_demo_dashboards()
    return Dashboard.objects.get(slug=demo.SLUG)


def test_the_demo_command_loads_the_dashboard():
    call_command("load_demo", stdout=io.StringIO())  # with the data versions
    dashboard = Dashboard.objects.get(slug=demo.SLUG)
    assert dashboard.blocks.count() == len(demo.BLOCKS)
    assert all(view.state == "ok" for view in draw(dashboard)["blocks"])


def draw(dashboard: Dashboard, query: str = ""):  # type: ignore[no-untyped-def]
    request = RequestFactory().get(f"/tableaux-de-bord/{dashboard.slug}/{query}")
    request.user = AnonymousUser()
    return page_context(request, dashboard)


def test_the_demo_dashboard_loads_with_the_demo_and_every_block_has_data(loaded):
    assert loaded.title == "Tableau de bord du territoire"
    assert loaded.visibility == "public" and loaded.published is not None
    assert loaded.organisation.slug == demo.ORGANISATION
    context = draw(loaded)
    views = context["blocks"]
    assert [v.block.kind for v in views] == [b["kind"] for b in demo.BLOCKS]
    assert {v.block.kind for v in views} == {"kpi", "chart", "map", "table", "text"}
    used = {v.block.dataset_slug for v in views} - {""}
    assert used == set(USED)
    for view in views:
        assert view.state == "ok", (view.block, view.message)
        kind = view.block.kind
        if kind == "kpi":
            assert view.kpi is not None and view.kpi.value, view.block.title
        elif kind == "chart":
            assert view.drawn is not None and view.drawn.table, view.block.title
        elif kind == "map":
            assert view.map_config and view.map_config["shapes"] and view.total == 345
        elif kind == "table":
            assert view.rows and len(view.rows) == 8
        else:
            assert "iframe" in view.text
    amount = views[0]
    # The latest subsidies date from 2018: the figure compares 2018 with 2017.
    assert (amount.kpi.period, amount.kpi.previous_period) == ("2018", "2017")
    assert amount.kpi.value == pytest.approx(75000) and amount.kpi.previous == pytest.approx(277916)
    assert context["filter_fields"][0]["choices"][:2] == ["2018", "2017"]
    assert "aide en numéraire" in context["filter_fields"][1]["choices"]


def test_the_demo_dashboards_filters_and_page(loaded):
    views = draw(loaded, "?periode=2015")["blocks"]
    table = next(v for v in views if v.block.kind == "table")
    assert table.rows and all(str(row[1]).startswith("2015") for row in table.rows)
    assert views[0].kpi.period == "2015"
    page = html.unescape(Client().get(f"/tableaux-de-bord/{demo.SLUG}/").content.decode())
    assert page.count('class="dash-block') == len(demo.BLOCKS) and "Données réservées" not in page
    sentence = "Montant des subventions attribuées en 2018 : 75\u00a0000\u00a0€, en baisse de 73\u00a0%"
    assert sentence + " par rapport à 2017 (277\u00a0916\u00a0€)." in page
    listing = html.unescape(Client().get("/tableaux-de-bord/").content.decode())
    assert "Tableau de bord du territoire" in listing
    assert 'href="/tableaux-de-bord/"' in Client().get("/").content.decode()  # the main menu and the home page


def test_loading_again_changes_nothing(loaded):
    before = list(Block.objects.filter(dashboard=loaded).values_list("pk", "position", "kind", "title"))
    published = loaded.published
    Block.objects.filter(dashboard=loaded, position=0).update(title="Changé")
    assert demo.load_demo_dashboards() == len(demo.BLOCKS)
    assert Dashboard.objects.count() == 1
    assert list(Block.objects.filter(dashboard=loaded).values_list("pk", "position", "kind", "title")) == before
    loaded.refresh_from_db()
    assert loaded.published == published


def test_without_the_demo_organisation_nothing_is_made():
    assert demo.load_demo_dashboards() == 0 and not Dashboard.objects.exists()
