"""/api/: the browsable API reference, generated from the OpenAPI document."""

import html
import json

import pytest

from territoria.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def page() -> str:
    response = client_for(None).get("/api/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    return html.unescape(response.content.decode())


@pytest.fixture
def doc() -> dict:
    return json.loads(client_for(None).get("/api/openapi.json").content)


def test_every_operation_is_listed_with_its_method_and_path(page, doc):
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            assert f'<span class="method">{method.upper()}</span> <code>{path}</code>' in page
            assert f'id="op-{operation["operationId"]}"' in page
            assert operation["summary"] in page


def test_every_parameter_is_described(page, doc):
    for item in doc["paths"].values():
        for operation in item.values():
            section = page.split(f'id="op-{operation["operationId"]}"')[1].split("</section>")[0]
            for parameter in operation.get("parameters", []):
                assert f'<th scope="row"><code>{parameter["name"]}</code></th><td>{parameter["in"]}</td>' in section


def test_links_to_the_openapi_document_and_explains_errors(page):
    assert 'href="/api/openapi.json"' in page
    for key in ("error_code", "message", "status", "parameter", "position", "expected"):
        assert f"<code>{key}</code>" in page


def test_reference_is_an_html_page_in_the_site_layout(page):
    assert page.startswith("<!doctype html>")
    assert 'aria-current="page"' in page.split('href="/api/"')[1][:40]


def test_post_on_the_reference_is_a_json_405(api_error):
    api_error(client_for(None).post("/api/"), 405, "MethodNotAllowed")
