"""Who sees a dataset, through the API (the « Gérer les accès » page's twin).

    GET    /api/catalog/v1/datasets/{dataset_id}/access                   visibility and grants
    POST   /api/catalog/v1/datasets/{dataset_id}/access                   {"visibility": "..."}
    POST   /api/catalog/v1/datasets/{dataset_id}/access/grants            {"person": "login or e-mail" | "group": id,
                                                                           "role": "read" | "edit"}
    DELETE /api/catalog/v1/datasets/{dataset_id}/access/grants/{grant_id}

For the dataset organisation's editors and administrators (session, or an API key with the write scope for
changes). Bodies may be JSON or form-encoded. Every change is written to the audit log.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from territoria.access import services as access
from territoria.access.models import Grant
from territoria.accounts import services as accounts
from territoria.catalog import services
from territoria.catalog.models import Dataset
from territoria.web.errors import ApiError, Forbidden, NotFound, Unauthorized


def _json(body: object, status: int = 200) -> JsonResponse:
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _dataset(request: HttpRequest, dataset_id: str) -> Dataset:
    dataset = services.get_visible_dataset(request.user, dataset_id)
    if dataset is None:
        raise NotFound(_("Aucun jeu de données « %(id)s ».") % {"id": dataset_id[:100]}, parameter="dataset_id")
    if not request.user.is_authenticated:
        raise Unauthorized(_("Connectez-vous ou envoyez une clé d'API pour gérer les accès."))
    if not access.can_share(request.user, dataset):
        raise Forbidden(_("Seuls les éditeurs et administrateurs de l'organisation gèrent les accès de ce jeu."))
    return dataset


def _body(request: HttpRequest) -> dict[str, Any]:
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            raise ApiError(_("Corps de requête JSON illisible."), error_code="InvalidBody") from None
        if not isinstance(body, dict):
            raise ApiError(_("Le corps de la requête doit être un objet JSON."), error_code="InvalidBody")
        return body
    return request.POST.dict()


def grant_json(grant: Grant) -> dict[str, Any]:
    return {
        "id": grant.pk,
        "person": grant.user.get_username() if grant.user else None,
        "group": {"id": grant.group.pk, "name": grant.group.name} if grant.group else None,
        "role": grant.role,
        "created": grant.created.isoformat(),
    }


def access_json(dataset: Dataset) -> dict[str, Any]:
    return {
        "dataset_id": dataset.slug,
        "visibility": dataset.visibility,
        "published": dataset.published is not None,
        "grants": [grant_json(g) for g in access.grants_of(dataset)],
        "groups": [{"id": g.pk, "name": g.name} for g in access.groups_for(dataset)],
    }


@require_http_methods(["GET", "POST"])
def dataset_access(request: HttpRequest, dataset_id: str) -> JsonResponse:
    dataset = _dataset(request, dataset_id)
    if request.method == "POST":
        visibility = str(_body(request).get("visibility", ""))
        if visibility not in access.Visibility.values:
            raise ApiError(
                _("Visibilité inconnue « %(v)s ».") % {"v": visibility[:50]},
                parameter="visibility",
                expected=list(access.Visibility.values),
            )
        if visibility != dataset.visibility:
            dataset.visibility = visibility
            with accounts.acting(request=request):
                dataset.save(update_fields=["visibility"])
    return _json(access_json(dataset))


@require_http_methods(["POST"])
def grants(request: HttpRequest, dataset_id: str) -> JsonResponse:
    dataset = _dataset(request, dataset_id)
    body = _body(request)
    group = str(body.get("group") or "")
    if group and not group.isdigit():
        raise ApiError(_("« group » est l'identifiant numérique d'un groupe."), parameter="group")
    try:
        with accounts.acting(request=request):
            grant = access.give(
                dataset,
                role=str(body.get("role", "read")),
                person=str(body.get("person", "")),
                group_id=int(group) if group else None,
            )
    except access.GrantRefused as error:
        raise ApiError(str(error), error_code="GrantRefused") from None
    return _json(grant_json(grant), status=201)


@require_http_methods(["DELETE"])
def grant(request: HttpRequest, dataset_id: str, grant_id: int) -> JsonResponse:
    dataset = _dataset(request, dataset_id)
    with accounts.acting(request=request):
        removed = access.take_back(dataset, grant_id)
    if not removed:
        raise NotFound(_("Aucun droit n° %(id)s sur ce jeu de données.") % {"id": grant_id}, parameter="grant_id")
    return _json(access_json(dataset))
