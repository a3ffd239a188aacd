"""Signing in and out, the account page, API keys, the referents directory."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from territoria.accounts import tokens
from territoria.accounts.models import ApiToken, Group, Membership


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("home")


# --- « Mon compte » and personal API keys ------------------------------------------------------------------


def _me(request: HttpRequest) -> User:
    """The signed-in person (the views below are behind login_required)."""
    return cast(User, request.user)


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    memberships = Membership.objects.filter(user_id=user.pk).select_related("organisation")
    groups = Group.objects.filter(members=user.pk).select_related("organisation")
    return render(
        request,
        "accounts/account.html",
        {
            "memberships": memberships.order_by("organisation__name"),
            "groups": groups,
            "active_keys": tokens.active(user).count(),
        },
    )


class TokenForm(forms.Form):
    EXPIRY_CHOICES = [
        ("30", gettext_lazy("30 jours")),
        ("90", gettext_lazy("90 jours")),
        ("365", gettext_lazy("1 an")),
        ("never", gettext_lazy("Sans expiration")),
    ]

    name = forms.CharField(
        label=gettext_lazy("Nom de la clé"),
        max_length=100,
        help_text=gettext_lazy("À quoi elle sert, pour la reconnaître (ex. « tableau de bord des subventions »)."),
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("Portée"),
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "« Lecture » suffit pour interroger l'API ; « lecture et écriture » permet aussi de déposer des données."
        ),
    )
    expiry = forms.ChoiceField(label=gettext_lazy("Durée de validité"), choices=EXPIRY_CHOICES, initial="90")

    def expires(self) -> datetime | None:
        chosen = self.cleaned_data["expiry"]
        return tokens.expiry_in(None if chosen == "never" else int(chosen))


@login_required
@never_cache  # the page may show a new key: no copy of it in any cache
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    created = None
    form = TokenForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            token, key = tokens.create(
                user,
                form.cleaned_data["name"],
                form.cleaned_data["scope"],
                form.expires(),
                request=request,
            )
        except tokens.TokenLimitReached as refused:
            form.add_error(None, refused.message)
        else:
            created = {"token": token, "key": key}
            form = TokenForm()
    rows = [{"token": t, "state": tokens.state(t)} for t in tokens.tokens_of(user)]
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "created": created, "rows": rows, "max_active": tokens.MAX_ACTIVE},
        status=201 if created else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user_id=request.user.pk)
    if request.method == "POST":
        if tokens.revoke(token, _me(request), request=request):
            messages.success(
                request, _("La clé « %(name)s » est révoquée : elle ne donne plus aucun accès.") % {"name": token.name}
            )
        else:
            messages.info(request, _("La clé « %(name)s » était déjà révoquée.") % {"name": token.name})
        return redirect("accounts:tokens")
    return render(request, "accounts/token_revoke.html", {"token": token, "state": tokens.state(token)})
