"""API keys and the API's rate limit, as two middlewares placed right after Django's AuthenticationMiddleware.

``ApiTokenMiddleware``: a request carrying ``Authorization: Apikey <key>`` (the Opendatasoft convention) or
``Authorization: Bearer <key>`` acts as the key's owner for this request only (no session is opened). A bad,
revoked or expired key is a 401 in the API's JSON error shape saying what is wrong; a read-only key is a 403
on POST, PUT, PATCH and DELETE. Key requests are exempt from the CSRF check: a browser never adds this header
by itself to a cross-site request, so the attack CSRF protects from cannot carry a key. A key opens neither
the account pages (where keys are made) nor the administration.

A key in the address (``?apikey=terr_…``) is refused: addresses end up in server and proxy logs, browser
history and ``Referer`` headers. Other ``apikey`` values are still accepted and ignored, as before, for
compatibility with Opendatasoft clients.

``ApiRateLimitMiddleware``: at most ``TERRITORIA_API_RATE_LIMIT`` requests under /api/ per key, else per
signed-in person, else per address, counted in Django's cache by the fixed-window counter of
``accounts/ratelimit.py`` (shared with the sign-in form); beyond, a 429 with ``Retry-After``.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from territoria.accounts import ratelimit, tokens
from territoria.accounts.models import ApiToken
from territoria.web.errors import ApiError, Forbidden, Unauthorized, error_response, is_api_path

log = logging.getLogger("territoria.api")

SCHEMES = {"apikey", "bearer"}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
RATE_SCOPE = "api"


def request_token(request: HttpRequest) -> ApiToken | None:
    """The API key this request was authenticated with, if any."""
    return getattr(request, "api_token", None)


def _refusal(request: HttpRequest, error: ApiError) -> HttpResponse:
    response = error_response(error)
    if is_api_path(request.path):
        response.headers["Access-Control-Allow-Origin"] = "*"
    if error.status == 401:
        response.headers["WWW-Authenticate"] = 'Apikey realm="Territoria", Bearer realm="Territoria"'
    return response


def _presented_key(request: HttpRequest) -> str | None:
    """The key of an ``Apikey`` or ``Bearer`` Authorization header ("" if empty); None for no such header."""
    header = request.META.get("HTTP_AUTHORIZATION", "").strip()
    scheme, _space, key = header.partition(" ")
    if scheme.lower() not in SCHEMES:
        return None
    return key.strip()


def _closed_to_keys(path: str) -> bool:
    """Account pages (where keys are made) and the administration: a key must not open them."""
    prefixes = []
    for name in ("accounts:account", "admin:index"):
        try:
            prefixes.append(reverse(name))
        except NoReverseMatch:  # pragma: no cover - both are always routed
            continue
    return any(path.startswith(prefix) for prefix in prefixes)


class ApiTokenMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        in_query = request.GET.get("apikey", "")
        if tokens.looks_like_key(in_query.strip()):
            return _refusal(
                request,
                ApiError(
                    _(
                        "Ne mettez pas la clé d'API dans l'adresse : elle finirait dans les journaux et "
                        "l'historique. Envoyez-la dans l'en-tête « Authorization: Apikey <clé> ». Par prudence, "
                        "révoquez cette clé dans « Mon compte » et créez-en une autre."
                    ),
                    parameter="apikey",
                ),
            )
        key = _presented_key(request)
        if key is None:
            return self.get_response(request)
        if not key:
            return _refusal(
                request, Unauthorized(_("En-tête Authorization sans clé : écrivez « Authorization: Apikey <clé> »."))
            )
        try:
            token = tokens.verify(key)
        except tokens.TokenRefused as refused:
            return _refusal(request, Unauthorized(refused.message))
        if _closed_to_keys(request.path):
            return _refusal(
                request,
                Forbidden(_("Une clé d'API n'ouvre ni les pages du compte ni l'administration : connectez-vous.")),
            )
        if token.scope != ApiToken.Scope.WRITE and request.method not in SAFE_METHODS:
            return _refusal(
                request,
                Forbidden(
                    _(
                        "Cette clé d'API ne permet que la lecture : %(method)s est refusé. Créez une clé "
                        "« lecture et écriture » dans « Mon compte »."
                    )
                    % {"method": request.method}
                ),
            )
        request.user = token.user
        request._cached_user = token.user  # type: ignore[attr-defined]  # what AuthenticationMiddleware reads
        request.api_token = token  # type: ignore[attr-defined]
        request._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]  # not a cookie-borne request
        tokens.touch(token)
        return self.get_response(request)


def client_address(request: HttpRequest) -> str:
    """The client's address; behind the TLS proxy, the one it appended to X-Forwarded-For. IPv6 per /64."""
    address = request.META.get("REMOTE_ADDR", "") or ""
    if getattr(settings, "BEHIND_TLS_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip()
        address = forwarded or address
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64] or "unknown"
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return str(ip)


def rate_key(request: HttpRequest) -> str:
    """Whom a request counts against: its key, else its signed-in person, else its address."""
    token = request_token(request)
    if token is not None:
        return f"token:{token.pk}"
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    return f"ip:{client_address(request)}"


def _period_text(seconds: int) -> str:
    named = {1: _("seconde"), 60: _("minute"), 3600: _("heure"), 86400: _("jour")}
    if seconds in named:
        return named[seconds]
    return ngettext("%(n)d seconde", "%(n)d secondes", seconds) % {"n": seconds}


class ApiRateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rate: ratelimit.Rate | None = getattr(settings, "API_RATE_LIMIT", None)
        if rate is None or not is_api_path(request.path) or request.method == "OPTIONS":
            return self.get_response(request)
        try:
            wait = ratelimit.hit(RATE_SCOPE, rate_key(request), rate)
        except Exception:  # a cache outage must not close the API
            log.warning("API rate limit: cache unreachable, request let through", exc_info=True)
            wait = None
        if wait is None:
            return self.get_response(request)
        response = _refusal(
            request,
            ApiError(
                _(
                    "Trop de requêtes : %(limit)d par %(period)s au plus pour une même clé d'API, un même "
                    "compte ou une même adresse. Réessayez dans %(wait)d s."
                )
                % {"limit": rate.count, "period": _period_text(rate.seconds), "wait": wait},
                status=429,
                error_code="TooManyRequests",
            ),
        )
        response.headers["Retry-After"] = str(wait)
        return response
