"""Security headers: a strict Content-Security-Policy everywhere, widened only by the decorators of web/security.py."""

import re
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from territoria.web.security import draws_charts, embeddable

TEMPLATES = Path(__file__).resolve().parents[2]


def csp(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part for part in (p.strip() for p in header.split(";")) if part}


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/datasets/", "/compte/connexion/", "/api/explore/v2.1/catalog/datasets"])
def test_every_page_has_a_strict_policy(client, url):
    response = client.get(url)
    policy = csp(response)
    assert policy["default-src"] == "default-src 'self'"
    assert policy["frame-ancestors"] == "frame-ancestors 'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def _middleware_run(view):
    from csp.middleware import CSPMiddleware
    from django.middleware.clickjacking import XFrameOptionsMiddleware

    request = RequestFactory().get("/")
    return CSPMiddleware(XFrameOptionsMiddleware(view))(request)


def test_chart_pages_allow_vega_to_compile_its_expressions():
    response = _middleware_run(draws_charts(lambda request: HttpResponse("ok")))
    assert "'unsafe-eval'" in csp(response)["script-src"]
    assert csp(response)["frame-ancestors"] == "frame-ancestors 'none'"


def test_embed_pages_may_be_framed_by_the_configured_sites_only(settings):
    settings.EMBED_ORIGINS = ["https://www.ville-exemple.fr"]
    response = _middleware_run(embeddable(lambda request: HttpResponse("ok")))
    assert csp(response)["frame-ancestors"] == "frame-ancestors https://www.ville-exemple.fr"
    assert "X-Frame-Options" not in response
    plain = _middleware_run(lambda request: HttpResponse("ok"))
    assert plain["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", sorted(TEMPLATES.rglob("templates/**/*.html")), ids=lambda p: p.name)
def test_no_template_writes_script_or_style_inline(path):
    """The policy forbids inline code: a template that needs it would break silently in the browser."""
    text = path.read_text(encoding="utf-8")

    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline <script>: move it to a static file"
    assert "<style" not in text, "inline <style>: move it to a static stylesheet"
    assert not re.search(r"\sstyle=\"", text), "style attribute: use a class"
    assert not re.search(r"\son[a-z]+=\"", text), "inline event handler: use addEventListener in a static file"
