"""The « Accès » page of a dataset: its visibility, the people and groups it is opened to, its collaborators."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from territoria.access import services as access
from territoria.accounts import services as accounts
from territoria.catalog import services
from territoria.catalog.models import Dataset


def _shareable(request: HttpRequest, slug: str) -> Dataset:
    dataset = services.get_visible_dataset(request.user, slug)
    if dataset is None:
        raise Http404(_("Aucun jeu de données à cette adresse."))
    if not access.can_share(request.user, dataset):
        raise PermissionDenied(_("Seuls les éditeurs et administrateurs de l'organisation gèrent les accès."))
    return dataset


@login_required
def sharing(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = _shareable(request, slug)
    if request.method == "POST":
        _apply(request, dataset)
        return redirect("catalog:sharing", slug=dataset.slug)
    context = {
        "dataset": dataset,
        "visibilities": access.Visibility.choices,
        "grants": access.grants_of(dataset),
        "groups": access.groups_for(dataset),
        "roles": [("read", _("Lecture des données")), ("edit", _("Collaborateur (modifie et publie)"))],
    }
    return render(request, "catalog/sharing.html", context)


def _apply(request: HttpRequest, dataset: Dataset) -> None:
    action = request.POST.get("action", "")
    if action == "visibility":
        visibility = request.POST.get("visibility", "")
        if visibility not in access.Visibility.values:
            messages.error(request, _("Visibilité inconnue."))
            return
        if visibility != dataset.visibility:
            dataset.visibility = visibility
            with accounts.acting(request=request):
                dataset.save(update_fields=["visibility"])
            messages.success(request, _("Visibilité enregistrée : %(v)s.") % {"v": dataset.get_visibility_display()})
    elif action == "give":
        group = request.POST.get("group", "")
        try:
            with accounts.acting(request=request):
                grant = access.give(
                    dataset,
                    role=request.POST.get("role", "read"),
                    person=request.POST.get("person", ""),
                    group_id=int(group) if group.isdigit() else None,
                )
        except access.GrantRefused as error:
            messages.error(request, str(error))
            return
        messages.success(request, _("Accès accordé : %(who)s.") % {"who": grant.user or grant.group})
    elif action == "take-back":
        grant_id = request.POST.get("grant", "")
        with accounts.acting(request=request):
            removed = grant_id.isdigit() and access.take_back(dataset, int(grant_id))
        if removed:
            messages.success(request, _("Accès retiré."))
        else:
            messages.error(request, _("Cet accès n'existe plus."))
    else:
        messages.error(request, _("Action inconnue."))
