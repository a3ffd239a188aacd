"""Composing a dashboard: create it, add blocks of each kind, reorder, delete; editors only; CSRF."""

from __future__ import annotations

import pytest
from django.test import Client

from territoria.conftest import client_for
from territoria.viz.models import Block, Dashboard

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(make_dashboard):  # type: ignore[no-untyped-def]
    return make_dashboard("compose", "À composer", filters={"period": {"label": "Année"}})


def test_an_editor_creates_a_dashboard(owner, org):
    client = client_for(owner)
    page = client.get("/tableaux-de-bord/nouveau/")
    assert page.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    response = client.post(
        "/tableaux-de-bord/nouveau/",
        {
            "organisation": org.pk,
            "title": "Budget en un coup d'œil",
            "visibility": "internal",
            "is_published": "on",
            "filtre_period": "Année",
        },
    )
    dashboard = Dashboard.objects.get()
    assert response.status_code == 302 and response["Location"] == "/tableaux-de-bord/budget-en-un-coup-doeil/modifier/"
    assert dashboard.organisation == org and dashboard.created_by == owner and dashboard.visibility == "internal"
    assert dashboard.published is not None and dashboard.filters == {"period": {"label": "Année"}}
    # The same title again gets another address; « nouveau » is never a dashboard's address.
    client.post(
        "/tableaux-de-bord/nouveau/",
        {"organisation": org.pk, "title": "Budget en un coup d'œil", "visibility": "public"},
    )
    assert Dashboard.objects.filter(slug="budget-en-un-coup-doeil-2").exists()
    refused = client.post(
        "/tableaux-de-bord/nouveau/", {"organisation": org.pk, "title": "X", "slug": "nouveau", "visibility": "public"}
    )
    assert refused.status_code == 400 and "déjà pris" in refused.content.decode()


def test_an_editor_may_create_only_for_their_organisations(owner, other_org):
    response = client_for(owner).post(
        "/tableaux-de-bord/nouveau/", {"organisation": other_org.pk, "title": "Ailleurs", "visibility": "public"}
    )
    assert response.status_code == 400 and not Dashboard.objects.exists()


@pytest.mark.parametrize("person", ["member", "outsider"])
def test_people_who_are_not_editors_get_403(person, board, request):
    client = client_for(request.getfixturevalue(person))
    assert client.get("/tableaux-de-bord/nouveau/").status_code == 403
    assert client.post("/tableaux-de-bord/nouveau/", {"title": "X"}).status_code == 403
    block = Block.objects.create(dashboard=board, kind="text", config={"text": "x"})
    for url in (
        "/tableaux-de-bord/compose/modifier/",
        "/tableaux-de-bord/compose/supprimer/",
        "/tableaux-de-bord/compose/blocs/ajouter/?type=text",
        f"/tableaux-de-bord/compose/blocs/{block.pk}/modifier/",
        f"/tableaux-de-bord/compose/blocs/{block.pk}/supprimer/",
    ):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"confirmer": "oui", "text": "y", "width": "2"}).status_code == 403, url
    assert client.post(f"/tableaux-de-bord/compose/blocs/{block.pk}/deplacer/", {"sens": "bas"}).status_code == 403
    assert Block.objects.get().config == {"text": "x"} and Dashboard.objects.filter(slug="compose").exists()
    assert "Modifier ce tableau de bord" not in client.get("/tableaux-de-bord/compose/").content.decode()


def test_anonymous_visitors_are_sent_to_the_login_page(board):
    response = Client().get("/tableaux-de-bord/compose/modifier/")
    assert response.status_code == 302 and response["Location"].startswith("/compte/connexion/")
    assert Client().get("/tableaux-de-bord/nouveau/").status_code == 302


def test_a_hidden_dashboard_is_not_found_even_for_editing(make_dashboard, outsider):
    make_dashboard("cache", visibility="restricted")
    assert client_for(outsider).get("/tableaux-de-bord/cache/modifier/").status_code == 404


def test_editing_the_dashboard_settings(board, owner):
    client = client_for(owner)
    assert "Modifier ce tableau de bord" in client.get("/tableaux-de-bord/compose/").content.decode()
    response = client.post(
        "/tableaux-de-bord/compose/modifier/",
        {"title": "Renommé", "description": "**Intro**", "visibility": "restricted", "filtre_theme": "Thème"},
    )
    assert response.status_code == 302
    board.refresh_from_db()
    assert (board.title, board.visibility, board.published) == ("Renommé", "restricted", None)
    assert board.filters == {"theme": {"label": "Thème"}} and board.slug == "compose"
    assert client.post("/tableaux-de-bord/compose/modifier/", {"title": ""}).status_code == 400


def add(client, kind, data, dataset="equipements"):  # type: ignore[no-untyped-def]
    url = f"/tableaux-de-bord/compose/blocs/ajouter/?type={kind}" + (f"&jeu={dataset}" if dataset else "")
    return client.post(url, {"width": "2", **data})


def test_adding_a_block_of_each_kind(board, owner, equipements, communes):
    client = client_for(owner)
    kinds = client.get("/tableaux-de-bord/compose/blocs/ajouter/").content.decode()
    for kind in ("kpi", "chart", "map", "table", "text"):
        assert f"?type={kind}" in kinds
    step_one = client.get("/tableaux-de-bord/compose/blocs/ajouter/?type=chart").content.decode()
    assert '<option value="equipements">Équipements</option>' in step_one and "Continuer" in step_one
    step_two = client.get("/tableaux-de-bord/compose/blocs/ajouter/?type=chart&jeu=equipements").content.decode()
    assert '<option value="ville">' in step_two and 'name="filtre_period"' in step_two
    maps = client.get("/tableaux-de-bord/compose/blocs/ajouter/?type=map").content.decode()
    assert 'value="communes-35"' in maps and 'value="equipements"' in maps  # both have geometries

    responses = [
        add(client, "kpi", {"title": "Total", "aggregation": "sum", "column": "montant", "unit": "€",
                            "compare": "year", "date_column": "date_ouverture", "filtre_period": "date_ouverture"}),
        add(client, "chart", {"type": "bar", "x": "ville", "aggregation": "count", "date_unit": "month"}),
        add(client, "map", {"value": ""}),
        add(client, "table", {"columns_shown": ["nom", "montant"], "sort": "montant", "descending": "on",
                              "limit": "3"}),
        add(client, "text", {"title": "À lire", "text": "Du **texte**."}, dataset=""),
        add(client, "map", {"where": 'nom = "Rennes"'}, dataset="communes-35"),
    ]  # fmt: skip
    assert [r.status_code for r in responses] == [302] * 6, [r.content.decode()[:2000] for r in responses]
    blocks = list(Block.objects.filter(dashboard=board))
    assert [b.kind for b in blocks] == ["kpi", "chart", "map", "table", "text", "map"]
    assert [b.position for b in blocks] == [0, 1, 2, 3, 4, 5]
    kpi, chart, _map, table, text, rennes = blocks
    assert rennes.config == {"dataset": "communes-35", "where": 'nom = "Rennes"'}
    assert kpi.config == {
        "dataset": "equipements",
        "filters": {"period": "date_ouverture"},
        "aggregation": "sum",
        "column": "montant",
        "unit": "€",
        "compare": "year",
        "date_column": "date_ouverture",
    }
    assert chart.config == {
        "dataset": "equipements",
        "chart": {"type": "bar", "x": "ville", "aggregation": "count", "date_unit": "month"},
    }
    assert table.config == {
        "dataset": "equipements",
        "columns": ["nom", "montant"],
        "sort": "montant",
        "descending": True,
        "limit": 3,
    }
    assert text.config == {"text": "Du **texte**."} and text.title == "À lire"
    page = client.get("/tableaux-de-bord/compose/").content.decode()
    assert page.count('class="dash-block') == 6 and "Stade Sud" in page and "<strong>texte</strong>" in page


def test_block_settings_are_checked(board, owner, equipements):
    client = client_for(owner)
    wrong = [
        add(client, "chart", {"type": "line", "x": "ville"}),  # a line needs dates or numbers
        add(client, "chart", {"type": "bar", "x": "ville", "where": "nope = 1"}),
        add(client, "kpi", {"aggregation": "sum"}),
        add(client, "kpi", {"aggregation": "count", "compare": "year"}),
        add(client, "table", {"limit": "1000"}),
        add(client, "text", {"text": ""}, dataset=""),
    ]
    assert [r.status_code for r in wrong] == [400] * 6
    assert "champ inconnu" in wrong[1].content.decode()
    assert not Block.objects.exists()


def test_a_dataset_the_editor_may_not_read_cannot_be_chosen(
    board, owner, make_dataset, other_org, tmp_path, equipements
):
    from territoria.viz.tests.conftest import ROWS, publish, write_csv

    elsewhere = make_dataset("interne-ailleurs", "Interne ailleurs", visibility="internal", organisation=other_org)
    publish(elsewhere, write_csv(tmp_path / "a.csv", ROWS))
    client = client_for(owner)
    response = add(client, "table", {"limit": "3"}, dataset="interne-ailleurs")
    assert response.status_code == 200 and "Continuer" in response.content.decode()
    assert "Interne ailleurs" not in response.content.decode()
    assert not Block.objects.exists()


def test_editing_a_block_keeps_its_settings_and_may_change_them(board, owner, equipements):
    block = Block.objects.create(
        dashboard=board,
        kind="chart",
        title="Avant",
        config={"dataset": "equipements", "chart": {"type": "bar", "x": "ville"}},
    )
    client = client_for(owner)
    form = client.get(f"/tableaux-de-bord/compose/blocs/{block.pk}/modifier/").content.decode()
    assert 'value="Avant"' in form and '<option value="ville" selected>' in form
    response = client.post(
        f"/tableaux-de-bord/compose/blocs/{block.pk}/modifier/",
        {
            "title": "Après",
            "width": "4",
            "type": "pie",
            "x": "ville",
            "aggregation": "sum",
            "y": "montant",
            "date_unit": "month",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith(f"#bloc-{block.pk}")
    block.refresh_from_db()
    assert (block.title, block.width, block.config["chart"]["type"], block.config["chart"]["y"]) == (
        "Après",
        4,
        "pie",
        "montant",
    )


def test_moving_blocks_up_and_down(board, owner):
    first, second, third = (
        Block.objects.create(dashboard=board, kind="text", position=i, config={"text": str(i)}) for i in range(3)
    )
    client = client_for(owner)

    def order() -> list[int]:
        return list(Block.objects.filter(dashboard=board).values_list("pk", flat=True))

    assert client.post(f"/tableaux-de-bord/compose/blocs/{third.pk}/deplacer/", {"sens": "haut"}).status_code == 302
    assert order() == [first.pk, third.pk, second.pk]
    client.post(f"/tableaux-de-bord/compose/blocs/{first.pk}/deplacer/", {"sens": "bas"})
    assert order() == [third.pk, first.pk, second.pk]
    client.post(f"/tableaux-de-bord/compose/blocs/{third.pk}/deplacer/", {"sens": "haut"})  # already first
    client.post(f"/tableaux-de-bord/compose/blocs/{second.pk}/deplacer/", {})  # no direction: nothing
    assert order() == [third.pk, first.pk, second.pk]
    assert client.get(f"/tableaux-de-bord/compose/blocs/{second.pk}/deplacer/").status_code == 405
    edit = client.get("/tableaux-de-bord/compose/modifier/").content.decode()
    assert edit.count('name="sens" value="haut"') == 2 and edit.count('name="sens" value="bas"') == 2


def test_deleting_a_block_then_the_dashboard_needs_a_confirmation(board, owner, make_dashboard):
    block = Block.objects.create(dashboard=board, kind="text", config={"text": "x"})
    other = make_dashboard("autre", blocks=[{"kind": "text", "config": {"text": "y"}}]).blocks.get()
    client = client_for(owner)
    url = f"/tableaux-de-bord/compose/blocs/{block.pk}/supprimer/"
    assert "Supprimer ce bloc ?" in client.get(url).content.decode()
    assert client.post(url).status_code == 200 and Block.objects.filter(pk=block.pk).exists()
    assert (
        client.post(f"/tableaux-de-bord/compose/blocs/{other.pk}/supprimer/", {"confirmer": "oui"}).status_code == 404
    )
    assert client.post(url, {"confirmer": "oui"}).status_code == 302
    assert not Block.objects.filter(pk=block.pk).exists() and Block.objects.filter(pk=other.pk).exists()
    assert client.post("/tableaux-de-bord/compose/supprimer/").status_code == 200
    assert client.post("/tableaux-de-bord/compose/supprimer/", {"confirmer": "oui"})["Location"] == "/tableaux-de-bord/"
    assert not Dashboard.objects.filter(slug="compose").exists()


def test_every_form_needs_the_csrf_token(board, owner, org):
    block = Block.objects.create(dashboard=board, kind="text", config={"text": "x"})
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    for url, data in (
        ("/tableaux-de-bord/nouveau/", {"organisation": org.pk, "title": "Sans jeton", "visibility": "public"}),
        ("/tableaux-de-bord/compose/modifier/", {"title": "Sans jeton", "visibility": "public"}),
        ("/tableaux-de-bord/compose/blocs/ajouter/?type=text", {"text": "t", "width": "2"}),
        (f"/tableaux-de-bord/compose/blocs/{block.pk}/deplacer/", {"sens": "bas"}),
        (f"/tableaux-de-bord/compose/blocs/{block.pk}/supprimer/", {"confirmer": "oui"}),
        ("/tableaux-de-bord/compose/supprimer/", {"confirmer": "oui"}),
    ):
        assert client.post(url, data).status_code == 403, url
    assert Dashboard.objects.get().title == "À composer" and Block.objects.count() == 1
    client.get("/tableaux-de-bord/compose/modifier/")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/tableaux-de-bord/compose/modifier/",
        {"title": "Avec jeton", "visibility": "public", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302 and Dashboard.objects.get().title == "Avec jeton"
