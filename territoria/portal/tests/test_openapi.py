"""/api/openapi.json: the OpenAPI 3.1 document of every API."""

import json
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from territoria import __version__
from territoria.catalog.facets import FACETS
from territoria.catalog.odsql import FIELDS
from territoria.conftest import client_for

pytestmark = pytest.mark.django_db

METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


@pytest.fixture
def doc() -> dict:
    response = client_for(None).get("/api/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def resolve_ref(doc: dict, ref: str) -> dict:
    assert ref.startswith("#/"), ref
    node = doc
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def all_refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from all_refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from all_refs(item)


def api_routes() -> set[str]:
    """Every declared URL of the API, written the OpenAPI way (``{name}`` for a parameter); not the document itself
    nor the reference page."""
    routes = set()

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                route = "/" + prefix + str(p.pattern)
                routes.add(re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route))

    walk(get_resolver().url_patterns)
    return {r for r in routes if r.startswith("/api/") and r not in {"/api/", "/api/openapi.json"}}


def test_top_level(doc):
    assert doc["openapi"] == "3.1.0"
    assert doc["info"]["title"]
    assert doc["info"]["version"] == __version__
    assert doc["info"]["license"]["identifier"] == "AGPL-3.0-or-later"
    assert doc["servers"] == [{"url": "http://testserver"}]
    assert set(doc) >= {"openapi", "info", "paths", "components"}


def test_every_api_route_is_documented(doc):
    routes = api_routes()
    assert len(routes) >= 3
    assert routes <= set(doc["paths"]), routes - set(doc["paths"])


def test_documented_paths_exist(doc):
    assert set(doc["paths"]) <= api_routes()


def test_every_operation_has_responses_with_a_400_using_the_error_schema(doc):
    operations = 0
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            operations += 1
            assert operation.get("operationId"), (path, method)
            assert operation.get("summary"), (path, method)
            responses = operation["responses"]
            assert any(code.startswith("2") for code in responses), (path, method)
            bad_request = responses["400"]
            if "$ref" in bad_request:
                bad_request = resolve_ref(doc, bad_request["$ref"])
            schema = bad_request["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/Error"}, (path, method)
    assert operations >= 3


def test_operation_ids_are_unique(doc):
    ids = [op["operationId"] for item in doc["paths"].values() for m, op in item.items() if m in METHODS]
    assert len(ids) == len(set(ids))


def test_path_parameters_are_declared(doc):
    for path, item in doc["paths"].items():
        names = set(re.findall(r"{(\w+)}", path))
        for method, operation in item.items():
            if method not in METHODS:
                continue
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert declared == names, (path, method)
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path":
                    assert parameter["required"] is True


def test_error_schema_matches_the_error_shape(doc):
    error = doc["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"error_code", "message", "status"}
    assert set(error["properties"]) == {"error_code", "message", "status", "parameter", "position", "expected"}
    for name in ("BadRequest", "NotFound"):
        response = doc["components"]["responses"][name]
        example = response["content"]["application/json"]["example"]
        assert set(error["required"]) <= set(example) <= set(error["properties"])


def test_every_reference_resolves(doc):
    refs = set(all_refs(doc))
    assert "#/components/schemas/Error" in refs
    for ref in refs:
        resolve_ref(doc, ref)


def test_documented_parameters_match_what_the_api_accepts(doc):
    from territoria.catalog import api

    listing = doc["paths"]["/api/explore/v2.1/catalog/datasets"]["get"]
    documented = {p["name"] for p in listing["parameters"]}
    assert documented == api.LIST_PARAMS - api.COMPATIBLE
    facets = doc["paths"]["/api/explore/v2.1/catalog/facets"]["get"]
    assert {p["name"] for p in facets["parameters"]} == api.FACET_PARAMS - api.COMPATIBLE
    exports = doc["paths"]["/api/explore/v2.1/catalog/exports/{format}"]["get"]
    assert {p["name"] for p in exports["parameters"]} == (api.EXPORT_PARAMS - api.COMPATIBLE) | {"format"}


def test_every_export_format_is_documented(doc):
    from territoria.catalog import exports as catalog_exports
    from territoria.records import exports

    records = doc["paths"]["/api/explore/v2.1/catalog/datasets/{dataset_id}/exports/{format}"]["get"]
    (fmt,) = [p for p in records["parameters"] if p["name"] == "format"]
    assert fmt["schema"]["enum"] == list(exports.EXPORTERS) == list(fmt["examples"])
    media = records["responses"]["200"]["content"]
    assert set(media) == {e.CONTENT_TYPE.split(";")[0] for e in exports.EXPORTERS.values()}
    for name, exporter in exports.EXPORTERS.items():
        assert f"`{name}`" in records["description"] and exporter.DOC in records["description"]
    catalog = doc["paths"]["/api/explore/v2.1/catalog/exports/{format}"]["get"]
    (fmt,) = [p for p in catalog["parameters"] if p["name"] == "format"]
    assert fmt["schema"]["enum"] == list(catalog_exports.CONTENT_TYPES)


def test_documented_limits_match_the_settings(doc, settings):
    limit = next(
        p for p in doc["paths"]["/api/explore/v2.1/catalog/datasets"]["get"]["parameters"] if p["name"] == "limit"
    )
    assert limit["schema"]["minimum"] == -1
    assert limit["schema"]["maximum"] == settings.API_MAX_LIMIT


def test_where_documentation_names_every_field_and_facet_enum_lists_every_facet(doc):
    listing = doc["paths"]["/api/explore/v2.1/catalog/datasets"]["get"]
    where = next(p for p in listing["parameters"] if p["name"] == "where")
    for name in FIELDS:
        assert name in where["description"]
    facet = next(
        p for p in doc["paths"]["/api/explore/v2.1/catalog/facets"]["get"]["parameters"] if p["name"] == "facet"
    )
    assert facet["schema"]["items"]["enum"] == list(FACETS)


def test_documented_examples_are_accepted_by_the_api(doc, catalogue):
    client = client_for(None)
    for path, item in doc["paths"].items():
        if "get" not in item or not path.startswith("/api/explore/") or "{dataset_id}/" in path:
            continue  # writes, editor-only reads and records (need data) are exercised in ingest/ and records/ tests
        operation = item["get"]
        query = []
        url = path
        for parameter in operation.get("parameters", []):
            if "example" not in parameter:
                continue
            if parameter["in"] == "path":
                value = "equipements-sportifs" if parameter["name"] == "dataset_id" else parameter["example"]
                url = url.replace("{" + parameter["name"] + "}", value)
            else:
                values = parameter["example"] if isinstance(parameter["example"], list) else [parameter["example"]]
                query += [(parameter["name"], str(v)) for v in values]
        from urllib.parse import urlencode

        response = client.get(url + ("?" + urlencode(query) if query else ""))
        assert response.status_code == 200, (path, response.content)


def test_post_on_the_document_is_a_json_405(api_error):
    api_error(client_for(None).post("/api/openapi.json"), 405, "MethodNotAllowed")
