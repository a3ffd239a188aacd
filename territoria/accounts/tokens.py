"""Personal API keys: created and revoked by their owner, stored as a SHA-256 digest, scoped, with an expiry.

A key reads ``terr_`` followed by 43 random URL-safe characters (256 bits from ``secrets``). Only its digest
and its first 12 characters (to recognise it in a list) are stored: the key itself is shown once, at creation,
and cannot be found again. A key is looked up by its digest (a unique index), so checking one never compares
secrets character by character.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from territoria.accounts.audit import audit
from territoria.accounts.models import ApiToken, AuditEvent

KEY_PREFIX = "terr_"
DISPLAY_LENGTH = 12  # ApiToken.prefix: "terr_" + 7 random characters
RANDOM_BYTES = 32
EXPIRY_DAYS = (30, 90, 365)  # the choices offered on the account page, besides "never"
LAST_USED_EVERY = timedelta(minutes=1)  # last_used is written at most this often per key
MAX_ACTIVE = 20  # keys a person may hold at once (neither revoked nor expired)

Scope = ApiToken.Scope


class TokenRefused(Exception):
    """The key cannot be used; ``reason`` is stable (malformed, unknown, revoked, expired, inactive)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


class TokenLimitReached(Exception):
    """The person already holds MAX_ACTIVE working keys."""

    def __init__(self) -> None:
        self.message = _(
            "Vous avez déjà %(count)d clés d'API en service : révoquez celles qui ne servent plus avant d'en créer "
            "une autre."
        ) % {"count": MAX_ACTIVE}
        super().__init__(self.message)


def digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def looks_like_key(text: str) -> bool:
    """True for something shaped like a Territoria key (used to refuse one sent where it would leak)."""
    return text.startswith(KEY_PREFIX) and len(text) > DISPLAY_LENGTH


def expiry_in(days: int | None, *, now: datetime | None = None) -> datetime | None:
    """The expiry date ``days`` days from now, or None for a key that never expires."""
    if days is None:
        return None
    return (now or timezone.now()) + timedelta(days=days)


def create(
    user: User,
    name: str,
    scope: str = Scope.READ,
    expires: datetime | None = None,
    *,
    request: HttpRequest | None = None,
) -> tuple[ApiToken, str]:
    """Make a key for ``user``; return the stored token and the plaintext key (to show once, never stored).

    TokenLimitReached when ``user`` already holds MAX_ACTIVE working keys."""
    if scope not in Scope.values:
        raise ValueError(f"unknown scope {scope!r}")
    if active(user).count() >= MAX_ACTIVE:
        raise TokenLimitReached
    name = name.strip()[: ApiToken._meta.get_field("name").max_length] or _("Clé sans nom")
    key = KEY_PREFIX + secrets.token_urlsafe(RANDOM_BYTES)
    token = ApiToken.objects.create(
        user=user, name=name, scope=scope, expires=expires, prefix=key[:DISPLAY_LENGTH], digest=digest(key)
    )
    audit(
        AuditEvent.Action.TOKEN_CREATED,
        request=request,
        actor=user,
        target=token,
        prefix=token.prefix,
        scope=scope,
        expires=expires.isoformat() if expires else None,
    )
    return token, key


def verify(key: str, *, now: datetime | None = None) -> ApiToken:
    """The token for ``key``, or TokenRefused saying why it cannot be used."""
    key = key.strip()
    if not looks_like_key(key):
        raise TokenRefused(
            "malformed",
            _("Clé d'API mal formée : une clé Territoria commence par « %(prefix)s ».") % {"prefix": KEY_PREFIX},
        )
    token = ApiToken.objects.select_related("user").filter(digest=digest(key)).first()
    if token is None:
        raise TokenRefused("unknown", _("Clé d'API inconnue : vérifiez-la, ou créez-en une dans « Mon compte »."))
    if token.revoked is not None:
        raise TokenRefused(
            "revoked",
            _("Cette clé d'API a été révoquée le %(date)s ; créez-en une autre dans « Mon compte ».")
            % {"date": timezone.localtime(token.revoked).strftime("%d/%m/%Y")},
        )
    if token.expires is not None and token.expires <= (now or timezone.now()):
        raise TokenRefused(
            "expired",
            _("Cette clé d'API a expiré le %(date)s ; créez-en une autre dans « Mon compte ».")
            % {"date": timezone.localtime(token.expires).strftime("%d/%m/%Y")},
        )
    if not token.user.is_active:
        raise TokenRefused("inactive", _("Le compte lié à cette clé d'API est désactivé."))
    return token


def authenticate(key: str) -> ApiToken | None:
    """The usable token for ``key``; None when it is malformed, unknown, revoked, expired or its user inactive."""
    try:
        return verify(key)
    except TokenRefused:
        return None


def touch(token: ApiToken, *, now: datetime | None = None) -> bool:
    """Record that ``token`` was used, at most once per LAST_USED_EVERY; True when a write happened."""
    now = now or timezone.now()
    if token.last_used is not None and now - token.last_used < LAST_USED_EVERY:
        return False
    stale = Q(last_used__isnull=True) | Q(last_used__lt=now - LAST_USED_EVERY)
    written = ApiToken.objects.filter(stale, pk=token.pk).update(last_used=now)
    if written:
        token.last_used = now
    return bool(written)


def revoke(token: ApiToken, by: User | None, *, request: HttpRequest | None = None) -> bool:
    """Revoke ``token`` for good; False (and nothing recorded) when it already was."""
    now = timezone.now()
    if not ApiToken.objects.filter(pk=token.pk, revoked__isnull=True).update(revoked=now):
        return False
    token.revoked = now
    audit(AuditEvent.Action.TOKEN_REVOKED, request=request, actor=by, target=token, prefix=token.prefix)
    return True


def tokens_of(user: User) -> QuerySet[ApiToken]:
    """Every key of ``user``, newest first, revoked and expired ones included."""
    return ApiToken.objects.filter(user=user).order_by("-created", "-pk")


def active(user: User, *, now: datetime | None = None) -> QuerySet[ApiToken]:
    """The keys of ``user`` that still work."""
    now = now or timezone.now()
    return tokens_of(user).filter(Q(expires__isnull=True) | Q(expires__gt=now), revoked__isnull=True)


def state(token: ApiToken, *, now: datetime | None = None) -> str:
    """The key's state: ``active``, ``revoked`` or ``expired``."""
    if token.revoked is not None:
        return "revoked"
    if token.expires is not None and token.expires <= (now or timezone.now()):
        return "expired"
    return "active"
