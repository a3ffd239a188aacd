"""territoria.web.middleware: every error under /api/ becomes the JSON error shape, never an HTML page."""

import json
import logging

import pytest
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.test import Client, RequestFactory

from territoria.catalog import services
from territoria.web.errors import ApiError
from territoria.web.middleware import ApiErrorMiddleware

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


@pytest.mark.parametrize("exception", [RuntimeError("db password is hunter2"), ValueError("secret-value-error"), TypeError("secret-type-error")])
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


@pytest.mark.xfail(
    reason="BUG: ApiErrorMiddleware replaces the 405 response and drops its Allow header (RFC 9110 §15.5.6)",
    strict=True,
)
@pytest.mark.django_db
def test_json_405_keeps_the_allow_header():
    response = Client().post(DATASETS)
    assert response.status_code == 405
    assert response.has_header("Allow")
    assert "GET" in response["Allow"]


@pytest.mark.django_db
def test_unknown_api_url_is_a_json_404(api_error):
    api_error(Client().get("/api/does/not/exist"), 404, "NotFound")
