"""Audit of sign-ins: SIGN_IN, SIGN_IN_FAILED (the name tried, never the password), SIGN_OUT, with the address.

Connected by ``AccountsConfig.ready()``. Only sign-ins that happen in a web request are recorded: the test
client's ``force_login``/``logout`` (and scripts) call Django's login with a bare request that has no path,
and recording them would fill the log with events that no person caused. Failed single sign-on attempts are
recorded by ``oidc.CallbackView``, which knows why they failed.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest

from territoria.accounts.audit import audit
from territoria.accounts.models import AuditEvent

Action = AuditEvent.Action
DISPATCH_PREFIX = "territoria.accounts.signals."


def _from_the_web(request: HttpRequest | None) -> bool:
    return request is not None and bool(getattr(request, "path", ""))


def _method(user: Any) -> str:
    return "oidc" if getattr(user, "backend", "").endswith("OidcBackend") else "password"


def signed_in(sender: Any, request: HttpRequest | None = None, user: Any = None, **kwargs: Any) -> None:
    if _from_the_web(request) and user is not None:
        audit(Action.SIGN_IN, request=request, actor=user, target=user.get_username(), method=_method(user))


def sign_in_failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any) -> None:
    if not _from_the_web(request) or "nonce" in credentials:  # single sign-on: see oidc.CallbackView
        return
    username = str(credentials.get("username") or "")[:150]
    audit(
        Action.SIGN_IN_FAILED,
        request=request,
        actor=None,
        target=username,
        username=username,
        method="password",
        locked_out=bool(getattr(request, "axes_locked_out", False)) or None,
    )


def signed_out(sender: Any, request: HttpRequest | None = None, user: Any = None, **kwargs: Any) -> None:
    if _from_the_web(request) and user is not None:
        audit(Action.SIGN_OUT, request=request, actor=user, target=user.get_username())


def connect() -> None:
    user_logged_in.connect(signed_in, dispatch_uid=DISPATCH_PREFIX + "signed_in")
    user_login_failed.connect(sign_in_failed, dispatch_uid=DISPATCH_PREFIX + "sign_in_failed")
    user_logged_out.connect(signed_out, dispatch_uid=DISPATCH_PREFIX + "signed_out")
