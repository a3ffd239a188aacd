"""territoria.web.middleware: every error under /api/ becomes the JSON error shape, never an HTML page."""

import json
import logging

import pytest
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.test import Client, RequestFactory
from django.utils import translation

from territoria.catalog import services
from territoria.web.errors import ApiError
from territoria.web.middleware import ApiErrorMiddleware, LanguageMiddleware

DATASETS = "/api/explore/v2.1/catalog/datasets"


def middleware_returning(response: HttpResponse) -> ApiErrorMiddleware:
    return ApiErrorMiddleware(lambda request: response)


def request(path: str) -> HttpRequest:
    return RequestFactory().get(path)


def test_html_error_under_api_is_replaced_by_json(api_error):
    response = middleware_returning(HttpResponse("<h1>oops</h1>", status=404))(request("/api/whatever"))
    api_error(response, 404, "NotFound")


def test_json_error_under_api_is_kept_as_is():
    original = JsonResponse({"error_code": "Custom", "message": "m", "status": 409}, status=409)
    assert middleware_returning(original)(request("/api/x")) is original


def test_success_under_api_is_untouched():
    original = HttpResponse("<html>API reference</html>")
    assert middleware_returning(original)(request("/api/")) is original


def test_html_errors_outside_api_are_untouched():
    original = HttpResponse("<h1>Page introuvable</h1>", status=404)
    assert middleware_returning(original)(request("/datasets/nope/")) is original


def test_process_exception_ignores_non_api_paths():
    mw = middleware_returning(HttpResponse())
    assert mw.process_exception(request("/datasets/"), RuntimeError("boom")) is None
    assert mw.process_exception(request("/datasets/"), ApiError("x")) is None


def test_process_exception_turns_api_error_into_its_shape(api_error):
    mw = middleware_returning(HttpResponse())
    response = mw.process_exception(request("/api/x"), ApiError("Nope.", status=422, error_code="Unprocessable"))
    body = api_error(response, 422, "Unprocessable")
    assert body["message"] == "Nope."


def test_process_exception_turns_http404_into_not_found(api_error):
    response = middleware_returning(HttpResponse()).process_exception(request("/api/x"), Http404("secret detail"))
    body = api_error(response, 404, "NotFound")
    assert "secret detail" not in body["message"]


@pytest.mark.parametrize(
    "exception",
    [RuntimeError("db password is hunter2"), ValueError("secret-value-error"), TypeError("secret-type-error")],
)
def test_crash_under_api_is_a_json_500_that_reveals_nothing(api_error, exception, caplog):
    with caplog.at_level(logging.ERROR, logger="territoria.api"):
        response = middleware_returning(HttpResponse()).process_exception(request("/api/x"), exception)
    body = api_error(response, 500, "InternalError")
    assert str(exception) not in body["message"]
    assert any(record.name == "territoria.api" for record in caplog.records)


def test_405_without_json_becomes_the_shape(api_error):
    response = middleware_returning(HttpResponseNotAllowed(["GET"]))(request("/api/x"))
    api_error(response, 405, "MethodNotAllowed")


# Through the full stack


@pytest.mark.django_db
def test_unhandled_exception_in_an_api_view_gives_a_json_500(monkeypatch, api_error):
    def crash(*args, **kwargs):
        raise RuntimeError("internal detail that must not leak")

    monkeypatch.setattr(services, "DatasetSearch", crash)
    client = Client(raise_request_exception=False)
    response = client.get(DATASETS)
    body = api_error(response, 500, "InternalError")
    assert "internal detail" not in response.content.decode()
    assert "Traceback" not in json.dumps(body)


@pytest.mark.django_db
def test_post_on_a_get_endpoint_is_a_json_405(api_error):
    response = Client().post(DATASETS, {"where": "x"})
    api_error(response, 405, "MethodNotAllowed")


@pytest.mark.django_db
def test_json_405_keeps_the_allow_header():
    response = Client().post(DATASETS)
    assert response.status_code == 405
    assert response.has_header("Allow")
    assert "GET" in response["Allow"]


@pytest.mark.django_db
def test_unknown_api_url_is_a_json_404(api_error):
    api_error(Client().get("/api/does/not/exist"), 404, "NotFound")


# CORS on the API


@pytest.mark.django_db
@pytest.mark.parametrize("url", [DATASETS, "/api/openapi.json", "/api/", DATASETS + "?limit=abc", DATASETS + "/nope"])
def test_api_answers_any_origin_without_credentials(url, catalogue):
    response = Client().get(url, HTTP_ORIGIN="https://reuser.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_api_errors_made_by_the_middleware_keep_cors(method, db):
    url = "/api/nope" if method == "get" else DATASETS
    response = getattr(Client(), method)(url, HTTP_ORIGIN="https://reuser.example")
    assert response.status_code in (404, 405)
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.django_db
def test_pages_outside_the_api_get_no_cors_header(db):
    assert "Access-Control-Allow-Origin" not in Client().get("/datasets/", HTTP_ORIGIN="https://x.example")


# Language


def language_middleware(seen: list):
    def view(request):
        seen.append((translation.get_language(), request.LANGUAGE_CODE))
        return HttpResponse("ok")

    return LanguageMiddleware(view)


@pytest.mark.parametrize(
    ("cookie", "expected"), [(None, "fr"), ("en", "en"), ("fr", "fr"), ("de", "fr"), ("", "fr"), ("EN", "fr")]
)
def test_language_is_the_cookie_choice_else_the_default(cookie, expected, settings):
    settings.LANGUAGE_CODE = "fr"
    seen = []
    request = RequestFactory().get("/", HTTP_ACCEPT_LANGUAGE="en")
    if cookie is not None:
        request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = cookie
    with translation.override("fr"):
        response = language_middleware(seen)(request)
    assert seen == [(expected, expected)]
    assert response["Content-Language"] == expected
    assert "Cookie" in response["Vary"]


def test_default_language_follows_the_setting(settings):
    settings.LANGUAGE_CODE = "en"
    seen = []
    with translation.override("fr"):
        language_middleware(seen)(RequestFactory().get("/"))
    assert seen == [("en", "en")]


@pytest.mark.django_db
def test_a_cors_preflight_lets_other_sites_send_an_api_key(client):
    response = client.options(
        "/api/explore/v2.1/catalog/datasets",
        HTTP_ORIGIN="https://appli.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization",
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Authorization" in response["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in response


@pytest.mark.django_db
def test_an_options_request_outside_the_api_is_not_a_preflight(client):
    response = client.options("/datasets/", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
    assert "Access-Control-Allow-Origin" not in response
