"""Turns every error under /api/ into the JSON error shape, never an HTML page."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from territoria.web.errors import ApiError, error_response, generic_error, is_api_path

log = logging.getLogger("territoria.api")


class ApiErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if is_api_path(request.path):
            # Public reads from any origin; browsers send no cookies with "*", so nothing private leaks.
            response.headers.setdefault("Access-Control-Allow-Origin", "*")
        if (
            is_api_path(request.path)
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            return error_response(generic_error(response.status_code))
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
