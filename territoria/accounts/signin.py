"""Signing in with a password: the sign-in page, its rate limit and lockout page, password reset and change.

- Lockout after repeated failures is django-axes (settings ``AXES_*``): it counts failures per user name and
  client address and, once locked, answers with ``locked_out()`` below instead of the sign-in page.
- On top of it, every POST of the sign-in and reset forms is counted per client address
  (``TERRITORIA_LOGIN_RATE_LIMIT``, see ``ratelimit.py``): this slows down guessing over many user names.
- Single sign-on (OpenID Connect) lives in ``oidc.py``; the audit of sign-ins in ``signals.py``.
"""

from __future__ import annotations

import ipaddress
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from territoria.accounts import ratelimit
from territoria.accounts.middleware import client_address as _address_seen


def client_address(request: HttpRequest) -> str | None:
    """The address sign-in limits count against (also AXES_CLIENT_IP_CALLABLE): the one the API rate limit
    uses (behind TERRITORIA_BEHIND_TLS_PROXY, the last X-Forwarded-For entry; IPv6 per /64), or None."""
    address = _address_seen(request)
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return None
    return address


def too_many_requests(request: HttpRequest, wait_seconds: int) -> HttpResponse:
    """429 page: this address sent too many sign-in (or reset) forms in the current window."""
    context = {"rate_limited": True, "retry_at": timezone.now() + timedelta(seconds=wait_seconds)}
    response = render(request, "accounts/lockout.html", context, status=429)
    response["Retry-After"] = str(wait_seconds)
    return response


def locked_out(request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the page shown instead of the sign-in form while a name and address are locked out.

    Every attempt during the lockout starts the cool-off again (axes' default), so it ends now + the cool-off.
    """
    minutes = settings.LOGIN_COOLOFF_MINUTES
    context = {
        "rate_limited": False,
        "retry_at": timezone.now() + timedelta(minutes=minutes),
        "minutes": minutes,
        "failure_limit": settings.LOGIN_FAILURE_LIMIT,
        "password_reset": settings.PASSWORD_RESET_BY_EMAIL,
    }
    response = render(request, "accounts/lockout.html", context, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response


class RateLimitedPostMixin:
    """Counts each POST of the form per client address (TERRITORIA_LOGIN_RATE_LIMIT) before handling it."""

    rate_scope = "sign-in"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        wait = ratelimit.hit(self.rate_scope, client_address(request) or "-", settings.LOGIN_RATE_LIMIT)
        if wait is not None:
            return too_many_requests(request, wait)
        return super().post(request, *args, **kwargs)  # type: ignore[misc]


class SignInView(RateLimitedPostMixin, auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_form(self, form_class: Any = None) -> Any:
        form = super().get_form(form_class)
        form.fields["username"].label = _("Identifiant")
        return form

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["oidc_enabled"] = settings.OIDC_ENABLED
        context["oidc_provider_name"] = settings.OIDC_PROVIDER_NAME
        context["password_reset"] = settings.PASSWORD_RESET_BY_EMAIL
        return context


class PasswordResetView(RateLimitedPostMixin, auth_views.PasswordResetView):
    """Asks for an e-mail address and sends a one-time link (valid PASSWORD_RESET_TIMEOUT) to matching accounts.

    Accounts without a usable password (created by single sign-on) receive nothing; the next page says the
    same thing whether or not an account exists. With no mail server in production, the page says to ask an
    administrator instead.
    """

    rate_scope = "password-reset"
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-done")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not settings.PASSWORD_RESET_BY_EMAIL:
            return TemplateResponse(request, self.template_name, {"unavailable": True})
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class: Any = None) -> Any:
        form = super().get_form(form_class)
        form.fields["email"].label = _("Adresse de courriel")
        return form

    def form_valid(self, form: Any) -> HttpResponse:
        self.extra_email_context = {"portal_name": settings.SITE_NAME}
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")

    def form_valid(self, form: Any) -> HttpResponse:
        from axes.utils import reset

        response = super().form_valid(form)
        reset(username=form.user.get_username())  # a new password lifts the lockout of that name
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


def _has_password(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_usable_password())


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's password. Accounts from single sign-on have none here: the page says where it is managed."""

    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:password-change-done")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["sso_only"] = not _has_password(self.request.user)
        context["oidc_provider_name"] = settings.OIDC_PROVIDER_NAME
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _has_password(request.user):  # nothing to change here; the page says where
            return self.get(request, *args, **kwargs)
        return super().post(request, *args, **kwargs)


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"
