"""Turns every error under /api/ into the JSON error shape, never an HTML page."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from territoria.web.errors import ApiError, error_response, generic_error, is_api_path

log = logging.getLogger("territoria.api")


def _nul_parameter(request: HttpRequest) -> str | None:
    """The name of the first part of the request holding a NUL character (databases refuse them)."""
    if "\x00" in request.path:
        return "path"
    for name, values in request.GET.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            return name.replace("\x00", "")
    return None


def cors_preflight() -> HttpResponse:
    """Lets a web page on another site call the API with an API key (sent in Authorization, never with cookies)."""
    response = HttpResponse(status=204)
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
    response.headers["Access-Control-Max-Age"] = "600"
    return response


class ApiErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nul = _nul_parameter(request)
        if nul is not None:
            message = _("Caractère nul (%%00) interdit dans « %(name)s ».") % {"name": nul}
            if is_api_path(request.path):
                refused = error_response(ApiError(message, parameter=nul))
                refused.headers["Access-Control-Allow-Origin"] = "*"
                return refused
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        if (
            request.method == "OPTIONS"
            and is_api_path(request.path)
            and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in request.META
        ):
            return cors_preflight()
        response = self.get_response(request)
        if not is_api_path(request.path):
            return response
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith("application/json"):
            original = response
            response = error_response(generic_error(original.status_code))
            if original.has_header("Allow"):
                response["Allow"] = original["Allow"]
        # Public reads from any origin; browsers send no cookies with "*", so nothing private leaks.
        response.headers.setdefault("Access-Control-Allow-Origin", "*")
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_api_path(request.path):
            return None
        if isinstance(exception, ApiError):
            return error_response(exception)
        if isinstance(exception, Http404):
            return error_response(generic_error(404))
        if isinstance(exception, json.JSONDecodeError | ValueError | TypeError):
            log.exception("API error on %s", request.path)
        else:
            log.exception("API crash on %s", request.path)
        return error_response(generic_error(500))


class LanguageMiddleware:
    """French first: the language is the visitor's explicit choice (cookie set by /i18n/setlang/), else
    TERRITORIA_LANGUAGE. The browser's Accept-Language is not followed, so a public service site reads
    in French unless the visitor asks otherwise."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response
