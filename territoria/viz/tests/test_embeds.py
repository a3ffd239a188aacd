"""Embeds of dashboards and blocks: framed by the configured sites only, same access policy as the full pages."""

from __future__ import annotations

import html

import pytest
from django.test import Client

from territoria.conftest import client_for

pytestmark = pytest.mark.django_db


def csp(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part for part in (p.strip() for p in header.split(";")) if part}


@pytest.fixture
def boards(make_dashboard, equipements, hidden):  # type: ignore[no-untyped-def]
    blocks = [
        {
            "kind": "chart",
            "title": "Par ville",
            "config": {"dataset": "equipements", "chart": {"type": "bar", "x": "ville"}},
        },
        {"kind": "table", "title": "Titre secret Hvk", "config": {"dataset": "dossiers-caches", "columns": ["nom"]}},
        {"kind": "map", "title": "Carte", "config": {"dataset": "equipements"}},
    ]
    return {
        "public": make_dashboard("public", "Tableau public", blocks=blocks),
        "internal": make_dashboard(
            "interne",
            "Tableau interne",
            visibility="internal",
            blocks=[{"kind": "text", "config": {"text": "Note Rxq"}}],
        ),
    }


def test_an_embed_may_be_framed_by_the_configured_sites_and_draws_charts(boards, settings):
    settings.EMBED_ORIGINS = ["https://www.ville-exemple.fr", "https://agglo.example"]
    chart = boards["public"].blocks.get(kind="chart")
    for url in ("/embed/tableaux-de-bord/public/", f"/embed/blocs/{chart.pk}/"):
        response = Client().get(url)
        assert response.status_code == 200, url
        assert "X-Frame-Options" not in response, url
        assert csp(response)["frame-ancestors"] == "frame-ancestors https://www.ville-exemple.fr https://agglo.example"
        assert "'unsafe-eval'" in csp(response)["script-src"]  # Vega
        assert "'unsafe-inline'" not in csp(response)["script-src"]


def test_the_full_pages_may_not_be_framed(boards):
    for url in ("/tableaux-de-bord/", "/tableaux-de-bord/public/"):
        response = Client().get(url)
        assert response["X-Frame-Options"] == "DENY", url
        assert csp(response)["frame-ancestors"] == "frame-ancestors 'none'", url
    assert "'unsafe-eval'" not in csp(Client().get("/tableaux-de-bord/"))["script-src"]


def test_an_embed_has_no_site_chrome_and_links_to_the_full_page(boards):
    body = Client().get("/embed/tableaux-de-bord/public/").content.decode()
    assert "Aller au contenu" not in body and "Navigation principale" not in body and "Se connecter" not in body
    assert '<base target="_blank">' in body and 'href="http://testserver/tableaux-de-bord/public/"' in body
    assert '<h1 class="embed-title">Tableau public</h1>' in body
    assert "data-vega-chart" in body and "data-viz-map" in body
    assert "Intégrer" not in body  # no snippet inside an embed


@pytest.mark.parametrize("person", [None, "outsider"])
def test_an_embed_of_a_non_public_dashboard_shows_nothing(person, boards, request):
    client = client_for(request.getfixturevalue(person) if person else None)
    block = boards["internal"].blocks.get()
    for url in ("/embed/tableaux-de-bord/interne/", f"/embed/blocs/{block.pk}/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Note Rxq" not in response.content.decode() and "Tableau interne" not in response.content.decode()
    assert client.get("/embed/blocs/999999/").status_code == 404


def test_agents_of_the_organisation_see_the_internal_embed(boards, member):
    block = boards["internal"].blocks.get()
    client = client_for(member)
    assert "Note Rxq" in client.get(f"/embed/blocs/{block.pk}/").content.decode()
    assert "Tableau interne" in client.get("/embed/tableaux-de-bord/interne/").content.decode()


def test_an_embedded_block_on_hidden_data_says_donnees_reservees_only(boards, owner):
    block = boards["public"].blocks.get(kind="table")
    body = html.unescape(Client().get(f"/embed/blocs/{block.pk}/").content.decode())
    assert "<h1" in body and "Données réservées" in body
    for leak in ("Titre secret Hvk", "Dossiers cachés Zzq", "Gymnase Nord", "dossiers-caches"):
        assert leak not in body, leak
    whole = html.unescape(Client().get("/embed/tableaux-de-bord/public/").content.decode())
    assert "Données réservées" in whole and "Titre secret Hvk" not in whole and "Dossiers cachés Zzq" not in whole
    seen = html.unescape(client_for(owner).get(f"/embed/blocs/{block.pk}/").content.decode())
    assert "Titre secret Hvk" in seen and "Gymnase Nord" in seen


def test_every_page_offers_the_snippet_with_a_title(boards):
    body = html.unescape(Client().get("/tableaux-de-bord/public/?x=1").content.decode())
    chart = boards["public"].blocks.get(kind="chart")
    assert (
        f'<iframe src="http://testserver/embed/blocs/{chart.pk}/" title="Par ville" width="100%" height="520" '
        'loading="lazy"></iframe>' in body
    )
    assert '<iframe src="http://testserver/embed/tableaux-de-bord/public/" title="Tableau public"' in body
    assert body.count("<summary>Intégrer") == 3  # the dashboard, the chart and the map; not the reserved block


def test_the_snippet_escapes_the_title(make_dashboard, client):
    make_dashboard("guillemets", 'Le "vrai" <b>tableau</b>')
    body = client.get("/tableaux-de-bord/guillemets/").content.decode()
    # Shown as text in a textarea: the HTML of the snippet is escaped once for the snippet, once for the page.
    assert "title=&quot;Le &amp;quot;vrai&amp;quot; &amp;lt;b&amp;gt;tableau&amp;lt;/b&amp;gt;&quot;" in body
    snippet = html.unescape(body.split('class="embed-code"')[1].split(">", 1)[1].split("</textarea>")[0])
    assert snippet.startswith('<iframe src="http://testserver/embed/tableaux-de-bord/guillemets/"')
    assert 'title="Le &quot;vrai&quot; &lt;b&gt;tableau&lt;/b&gt;"' in snippet  # what the person copies
