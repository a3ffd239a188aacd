"""/organisations/<slug>/logo: an organisation's uploaded logo, served so that it can never run scripts."""

import pytest
from django.core.files.base import ContentFile

from territoria.conftest import client_for

pytestmark = pytest.mark.django_db

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'


@pytest.fixture
def with_logo(org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    org.logo.save("logo.svg", ContentFile(SVG), save=True)
    return org


def fetch(slug: str):
    return client_for(None).get(f"/organisations/{slug}/logo")


def test_logo_bytes_are_served(with_logo):
    response = fetch("ville-test")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == SVG
    assert response["Content-Type"] == "image/svg+xml"


def test_logo_cannot_run_scripts_even_opened_directly(with_logo):
    response = fetch("ville-test")
    b"".join(response.streaming_content)
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "sandbox" in csp
    assert "script-src" not in csp


def test_logo_may_be_cached(with_logo):
    response = fetch("ville-test")
    b"".join(response.streaming_content)
    assert "max-age=" in response["Cache-Control"]
    assert "public" in response["Cache-Control"]


def test_organisation_page_shows_the_logo(with_logo):
    body = client_for(None).get("/organisations/ville-test/").content.decode()
    assert '<img class="logo" src="/organisations/ville-test/logo" alt=""' in body


def test_no_logo_no_image(org):
    assert "<img" not in client_for(None).get("/organisations/ville-test/").content.decode()
    assert fetch("ville-test").status_code == 404


def test_unknown_organisation(db):
    assert fetch("nope").status_code == 404


def test_logo_file_missing_on_disk_is_a_404(with_logo):
    with_logo.logo.storage.delete(with_logo.logo.name)
    assert fetch("ville-test").status_code == 404


def test_post_is_not_allowed(with_logo):
    assert client_for(None).post("/organisations/ville-test/logo").status_code == 405
