"""Portal pages that span parts: home, API reference, error pages, health."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404
from django.views.decorators.http import require_GET

from territoria.accounts import services as accounts
from territoria.catalog import services as catalog
from territoria.portal import openapi


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    context = {
        "themes": [(theme, n) for theme, n in catalog.themes_with_counts(request.user) if n],
        "latest": catalog.latest(request.user),
        "most_viewed": catalog.most_viewed(request.user),
        "organisations": list(accounts.organisations()[:12]),
        "total": catalog.visible_datasets(request.user).count(),
    }
    return render(request, "portal/home.html", context)


@require_GET
def openapi_json(request: HttpRequest) -> JsonResponse:
    return JsonResponse(openapi.document(request), json_dumps_params={"ensure_ascii": False, "indent": 1})


@require_GET
def api_reference(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/api.html", {"operations": openapi.operations(openapi.document(request))})


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    catalog.visible_datasets(request.user).exists()  # touches the database
    return JsonResponse({"status": "ok"})


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    # Only our own messages are shown: a Resolver404 carries the URL patterns and must stay private.
    message = ""
    if not isinstance(exception, Resolver404) and exception.args and isinstance(exception.args[0], str):
        message = exception.args[0]
    return render(request, "404.html", {"message": message}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
