"""Writing the audit log: one call, ``audit(action, ...)``, from every part that does something worth tracing."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from territoria.accounts.models import AuditEvent

Action = AuditEvent.Action


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: behind the TLS proxy (TERRITORIA_BEHIND_TLS_PROXY), the one it appended to
    X-Forwarded-For, else REMOTE_ADDR; None when neither is a valid address."""
    if request is None:
        return None
    address = request.META.get("REMOTE_ADDR") or ""
    if getattr(settings, "BEHIND_TLS_PROXY", False):
        address = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip() or address
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def audit(
    action: str,
    *,
    request: HttpRequest | None = None,
    actor: Any = None,
    target: object = "",
    organisation_id: int | None = None,
    **detail: Any,
) -> AuditEvent:
    """Record ``action`` done by ``actor`` (default: the request's user) on ``target`` (its str() is kept)."""
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    if actor is not None and not actor.is_authenticated:
        actor = None
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_name=actor.get_username() if actor is not None else "",
        target=str(target)[:300],
        organisation_id=organisation_id,
        ip=client_ip(request),
        detail={key: value for key, value in detail.items() if value is not None},
    )
