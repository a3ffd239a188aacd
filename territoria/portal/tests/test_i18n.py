"""/i18n/setlang/: switching the portal to English."""

import html

import pytest
from django.test import Client
from django.utils import translation

pytestmark = pytest.mark.django_db


def switch(client: Client, language: str, next_url: str = "/"):
    return client.post("/i18n/setlang/", {"language": language, "next": next_url})


def test_switching_to_english_changes_lang_attribute_and_theme_labels(catalogue):
    client = Client()
    before = html.unescape(client.get("/").content.decode())
    assert '<html lang="fr">' in before
    assert "Éducation, culture et sport" in before

    response = switch(client, "en", "/datasets/")
    assert response.status_code == 302
    assert response["Location"] == "/datasets/"

    home = html.unescape(client.get("/").content.decode())
    assert '<html lang="en">' in home
    assert "Education, culture and sport" in home
    assert "Éducation, culture et sport" not in home
    assert '<option value="en" selected lang="en">' in home

    search = html.unescape(client.get("/datasets/").content.decode())
    assert '<html lang="en">' in search
    assert "Environment" in search  # facet label of the other organisation's dataset

    page = html.unescape(client.get("/datasets/equipements-sportifs/").content.decode())
    assert '<html lang="en">' in page
    assert ">Education, culture and sport</a>" in page


def test_switching_back_to_french(catalogue):
    client = Client()
    switch(client, "en")
    switch(client, "fr")
    body = html.unescape(client.get("/").content.decode())
    assert '<html lang="fr">' in body
    assert "Éducation, culture et sport" in body


def test_unknown_language_is_ignored(catalogue):
    client = Client()
    switch(client, "de")
    assert '<html lang="fr">' in client.get("/").content.decode()


def test_browser_preference_is_not_followed_french_first(catalogue):
    # A public service site reads in French unless the visitor chooses otherwise (LanguageMiddleware).
    response = Client(HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8").get("/")
    body = html.unescape(response.content.decode())
    assert '<html lang="fr">' in body
    assert "Éducation, culture et sport" in body
    assert response["Content-Language"] == "fr"


def test_chosen_language_is_announced_and_varies_on_cookie(catalogue):
    client = Client()
    switch(client, "en")
    response = client.get("/datasets/")
    assert response["Content-Language"] == "en"
    assert "Cookie" in response["Vary"]


def test_api_follows_the_chosen_language_unless_lang_is_given(catalogue):
    client = Client()
    switch(client, "en")
    url = "/api/explore/v2.1/catalog/datasets/equipements-sportifs"
    assert client.get(url).json()["metas"]["default"]["theme"] == ["Education, culture and sport"]
    assert client.get(url + "?lang=fr").json()["metas"]["default"]["theme"] == ["Éducation, culture et sport"]


def test_unsafe_next_url_is_not_followed(db):
    response = switch(Client(), "en", "https://evil.example/")
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_one_french_word_two_english_ones_by_context():
    """« En cours » is a running job and an action in progress: told apart by a translation context."""
    from territoria.atlas.models import Action
    from territoria.ingest.models import Job

    with translation.override("en"):
        assert (str(Action.Status.IN_PROGRESS.label), str(Job.Status.RUNNING.label)) == ("In progress", "Running")
    with translation.override("fr"):
        assert str(Action.Status.IN_PROGRESS.label) == str(Job.Status.RUNNING.label) == "En cours"
