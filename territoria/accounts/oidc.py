"""Single sign-on with a collectivité's OpenID Connect provider (mozilla-django-oidc), off unless configured.

Set TERRITORIA_OIDC_CLIENT_ID, _CLIENT_SECRET and _ISSUER (docs/admin/authentication.md). Then:

- the provider's endpoints are read from ``<issuer>/.well-known/openid-configuration`` on first use and kept
  for an hour (``provider()``), so Territoria starts even when the provider is unreachable;
- ``/oidc/authenticate/`` sends the browser to the provider (authorization code flow with state, nonce and
  PKCE); ``/oidc/callback/`` takes the code back, and ``OidcBackend`` exchanges it for tokens, checks the ID
  token (RS256 signature against the provider's JWKS, issuer, audience, expiry, nonce), reads the user-info
  claims and finds the account by e-mail address, or creates it;
- a new account gets the given and family names, a user name from ``preferred_username``, no password, and
  optionally a membership of TERRITORIA_OIDC_ORGANISATION with the role TERRITORIA_OIDC_ROLE;
- every refusal ends on the sign-in page with a message, and an audit event (SIGN_IN_FAILED, method oidc).

When OIDC is not configured the two URLs exist but only lead back to the sign-in page.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from territoria.accounts.audit import audit
from territoria.accounts.models import AuditEvent, Membership, Organisation

log = logging.getLogger("territoria.oidc")

DISCOVERY_SECONDS = 3600
CLOCK_LEEWAY_SECONDS = 60
USERNAME_CHARACTERS = re.compile(r"[^\w.@+-]")


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be read or does not fit."""


@dataclass(frozen=True)
class Provider:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_uri: str


_discovered: dict[str, tuple[float, Provider]] = {}


def provider_name() -> str:
    return settings.OIDC_PROVIDER_NAME or _("le compte de votre collectivité")


def forget_provider() -> None:
    """Drop the cached discovery documents (tests; a provider that moved its endpoints)."""
    _discovered.clear()


def provider() -> Provider:
    """The provider's endpoints, from its discovery document (cached for DISCOVERY_SECONDS)."""
    issuer = settings.OIDC_ISSUER.rstrip("/")
    cached = _discovered.get(issuer)
    if cached is not None and cached[0] > time.monotonic():
        return cached[1]
    url = f"{issuer}/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(f"{url}: {error}") from error
    if not isinstance(document, dict):
        raise ProviderUnavailable(f"{url}: not a JSON object")
    if str(document.get("issuer", "")).rstrip("/") != issuer:
        raise ProviderUnavailable(f"{url}: announces issuer {document.get('issuer')!r}, expected {issuer!r}")
    missing = [
        key
        for key in ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri")
        if not isinstance(document.get(key), str) or not document[key]
    ]
    if missing:
        raise ProviderUnavailable(f"{url}: missing {', '.join(missing)}")
    algorithms = document.get("id_token_signing_alg_values_supported") or [settings.OIDC_RP_SIGN_ALGO]
    if settings.OIDC_RP_SIGN_ALGO not in algorithms:
        raise ProviderUnavailable(f"{url}: the provider does not sign ID tokens with {settings.OIDC_RP_SIGN_ALGO}")
    found = Provider(
        issuer=document["issuer"],
        authorization_endpoint=document["authorization_endpoint"],
        token_endpoint=document["token_endpoint"],
        userinfo_endpoint=document["userinfo_endpoint"],
        jwks_uri=document["jwks_uri"],
    )
    _discovered[issuer] = (time.monotonic() + DISCOVERY_SECONDS, found)
    return found


class OidcBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend with the endpoints discovered lazily and the ID token fully checked."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The parent reads the endpoints here; Django builds a backend for every request of a signed-in
        # person (get_user), so nothing is read nor fetched until a sign-in actually happens.
        self.UserModel = get_user_model()

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:
        if not settings.OIDC_ENABLED or request is None or "nonce" not in kwargs:
            return None  # a password sign-in, or OIDC switched off
        found = provider()
        self.provider = found
        self.OIDC_OP_TOKEN_ENDPOINT = found.token_endpoint
        self.OIDC_OP_USER_ENDPOINT = found.userinfo_endpoint
        self.OIDC_OP_JWKS_ENDPOINT = found.jwks_uri
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        return super().authenticate(request, **kwargs)

    def _verify_jws(self, payload: Any, key: Any) -> dict[str, Any]:
        """Signature, algorithm, issuer, audience, expiry (the parent leaves audience and issuer unchecked)."""
        try:
            algorithm = jwt.get_unverified_header(payload).get("alg")
        except jwt.PyJWTError as error:
            raise SuspiciousOperation(f"ID token unreadable: {error}") from error
        if algorithm != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(f"ID token signed with {algorithm!r}, expected {self.OIDC_RP_SIGN_ALGO!r}")
        try:
            claims = jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=self.provider.issuer,
                leeway=CLOCK_LEEWAY_SECONDS,
                options={"require": ["iss", "aud", "exp", "iat", "sub"]},
            )
        except jwt.PyJWTError as error:
            raise SuspiciousOperation(f"ID token refused: {error}") from error
        audience = claims["aud"]
        if isinstance(audience, list) and len(audience) > 1 and claims.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("ID token for several audiences without this client as azp")
        self.id_token_subject = claims["sub"]
        return claims

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> dict[str, Any]:
        claims = super().get_userinfo(access_token, id_token, payload)
        if not isinstance(claims, dict) or claims.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("user-info claims are not about the subject of the ID token")
        return claims

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get("email")) and claims.get("email_verified") is not False

    def create_user(self, claims: dict[str, Any]) -> Any:
        with transaction.atomic():
            user = self.UserModel.objects.create_user(
                self._free_username(claims),
                email=claims["email"],
                first_name=str(claims.get("given_name") or "")[:150],
                last_name=str(claims.get("family_name") or "")[:150],
            )  # no password: this account signs in through the provider only
            slug = settings.OIDC_ORGANISATION
            if slug:
                organisation = Organisation.objects.filter(slug=slug).first()
                if organisation is None:
                    log.error("TERRITORIA_OIDC_ORGANISATION=%r: no organisation has this identifier", slug)
                else:
                    Membership.objects.create(user=user, organisation=organisation, role=settings.OIDC_ROLE)
        log.info("account %s created from single sign-on", user.get_username())
        return user

    def update_user(self, user: Any, claims: dict[str, Any]) -> Any:
        changed = []
        for field, claim in (("first_name", "given_name"), ("last_name", "family_name")):
            value = str(claims.get(claim) or "")[:150]
            if value and getattr(user, field) != value:
                setattr(user, field, value)
                changed.append(field)
        if changed:
            user.save(update_fields=changed)
        return user

    def _free_username(self, claims: dict[str, Any]) -> str:
        wanted = str(claims.get("preferred_username") or claims["email"].split("@")[0])
        base = USERNAME_CHARACTERS.sub("", wanted)[:140] or "compte"
        taken = self.UserModel.objects.filter(username__iexact=base).exists
        if not taken():
            return base
        for number in range(2, 1000):
            candidate = f"{base}-{number}"
            if not self.UserModel.objects.filter(username__iexact=candidate).exists():
                return candidate
        raise SuspiciousOperation(f"no free user name left for {base!r}")


def _back_to_sign_in(request: HttpRequest, message: str) -> HttpResponse:
    messages.error(request, message)
    return redirect("accounts:login")


class AuthenticateView(OIDCAuthenticationRequestView):
    """GET /oidc/authenticate/?next=…: off to the provider's sign-in page."""

    def __init__(self, **kwargs: Any) -> None:
        View.__init__(self, **kwargs)  # the parent reads the settings here, even when OIDC is off

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.OIDC_ENABLED:
            return _back_to_sign_in(request, _("La connexion par un fournisseur d'identité n'est pas configurée."))
        try:
            found = provider()
        except ProviderUnavailable as error:
            log.error("OpenID Connect provider unavailable: %s", error)
            return _back_to_sign_in(
                request,
                _("%(provider)s ne répond pas pour le moment. Réessayez plus tard.") % {"provider": provider_name()},
            )
        self.OIDC_OP_AUTH_ENDPOINT = found.authorization_endpoint
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().dispatch(request, *args, **kwargs)


REFUSALS = (SuspiciousOperation, ProviderUnavailable, requests.RequestException, jwt.PyJWTError, KeyError, ValueError)


class CallbackView(OIDCAuthenticationCallbackView):
    """GET /oidc/callback/?code=…&state=…: the provider sends the browser back here."""

    reason = ""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.OIDC_ENABLED:
            return _back_to_sign_in(request, _("La connexion par un fournisseur d'identité n'est pas configurée."))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            return super().get(request)
        except REFUSALS as error:
            log.warning("OpenID Connect sign-in refused: %s: %s", type(error).__name__, error)
            self.reason = f"{type(error).__name__}: {error}"
            return self.login_failure()

    def login_failure(self) -> HttpResponse:
        request = self.request
        reason = self.reason or request.GET.get("error", "") or "no active account for these claims"
        audit(AuditEvent.Action.SIGN_IN_FAILED, request=request, actor=None, method="oidc", reason=reason[:300])
        return _back_to_sign_in(
            request,
            _(
                "La connexion avec %(provider)s n'a pas abouti. Réessayez, ou signalez-le à l'administrateur "
                "si cela se reproduit."
            )
            % {"provider": provider_name()},
        )
