"""The HTML 404 and 500 pages (outside /api/, which always answers JSON)."""

import html

import pytest
from django.test import Client, RequestFactory
from django.utils import translation

from territoria.portal import views

pytestmark = pytest.mark.django_db


def main(response) -> str:
    body = html.unescape(response.content.decode())
    return body.split("<main")[1].split("</main>")[0]


def test_unknown_page_is_an_html_404_in_the_site_layout(db):
    response = Client().get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    body = html.unescape(response.content.decode())
    assert '<html lang="fr">' in body
    assert "<h1>Page introuvable</h1>" in body
    assert 'href="/datasets/"' in main(response)


def test_unknown_page_does_not_reveal_the_url_configuration(db):
    body = main(Client().get("/cette-page-n-existe-pas/"))
    for leak in ("tried", "URLPattern", "URLResolver", "territoria/catalog/urls.py", "admin/"):
        assert leak not in body
    assert "Cette adresse ne correspond à aucune page." in body


def test_404_raised_by_a_view_shows_its_french_message(catalogue):
    assert "Aucun jeu de données à cette adresse." in main(Client().get("/datasets/nope/"))
    assert "Aucune organisation à cette adresse." in main(Client().get("/organisations/nope/"))


def test_404_of_a_hidden_dataset_does_not_reveal_it(catalogue):
    body = html.unescape(Client().get("/datasets/dossiers-sociaux/").content.decode())
    assert "Dossiers sociaux nominatifs" not in body


def test_404_in_english(db):
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get("/nope/")
    assert response.status_code == 404
    assert '<html lang="en">' in response.content.decode()


def test_404_handler_without_message(db):
    request = RequestFactory().get("/x")
    with translation.override("fr"):
        response = views.page_not_found(request, Exception())
    assert response.status_code == 404
    assert "Cette adresse ne correspond à aucune page." in html.unescape(response.content.decode())


def test_500_page(db):
    request = RequestFactory().get("/x")
    response = views.server_error(request)
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")


def test_crash_outside_api_is_an_html_500(monkeypatch, db):
    from territoria.catalog import services

    def crash(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(services, "DatasetSearch", crash)
    response = Client(raise_request_exception=False).get("/datasets/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert "secret internal detail" not in response.content.decode()
