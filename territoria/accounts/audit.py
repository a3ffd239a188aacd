"""Writing the audit log: one call, ``audit(action, ...)``, from every part that does something worth tracing."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from territoria.accounts.models import AuditEvent

Action = AuditEvent.Action


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address as Django sees it (behind a proxy, configure the proxy to set REMOTE_ADDR)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


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
