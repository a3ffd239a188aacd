"""Accounts API: ``GET /api/accounts/v1/me``, who the API sees (to test a key)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from territoria.accounts.middleware import request_token
from territoria.accounts.models import Group, Membership
from territoria.web.errors import Unauthorized


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


@require_GET
def me(request: HttpRequest) -> JsonResponse:
    user = request.user
    if not user.is_authenticated:
        raise Unauthorized(
            _("Ni clé d'API ni session : envoyez l'en-tête « Authorization: Apikey <clé> » (clés dans « Mon compte »).")
        )
    token = request_token(request)
    memberships = Membership.objects.filter(user_id=user.pk).select_related("organisation")
    groups = Group.objects.filter(members=user.pk).select_related("organisation")
    body = {
        "username": user.get_username(),
        "name": user.get_full_name() if hasattr(user, "get_full_name") else "",
        "is_staff": bool(user.is_staff),
        "organisations": [
            {"id": m.organisation.slug, "name": m.organisation.name, "role": m.role}
            for m in memberships.order_by("organisation__name")
        ],
        "groups": [{"name": g.name, "organisation": g.organisation.slug} for g in groups],
        "authentication": "apikey" if token is not None else "session",
        "token": None
        if token is None
        else {
            "name": token.name,
            "prefix": token.prefix,
            "scope": token.scope,
            "created": _iso(token.created),
            "expires": _iso(token.expires),
        },
    }
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})
