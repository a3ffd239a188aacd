"""Contributing to the atlas: submit or edit an action (members of a collectivité), the moderation queue and
decisions (moderators), saving a thematic atlas (moderators and editors), importing a referential."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from territoria.access import services as access
from territoria.accounts.services import roles_by_organisation
from territoria.atlas import actions, explore, proposals, referentials
from territoria.atlas.forms import ActionForm, AtlasForm, ModerationForm, ReferentialImportForm
from territoria.atlas.models import Action, Referential, ThematicAtlas
from territoria.atlas.views import visible_action
from territoria.catalog import services as catalog


def require(request: HttpRequest, allowed: bool) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not allowed:
        raise PermissionDenied(_("Cette page est réservée aux agents des collectivités du réseau."))
    return None


def current_referential() -> Referential:
    """The referential in force; a fresh installation has one after ``territoria migrate``."""
    referential = referentials.current()
    if referential is None:
        raise PermissionDenied(_("Aucun référentiel n'est installé : lancez « territoria migrate »."))
    return referential


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    refused = require(request, access.can_submit_actions(request.user))
    if refused:
        return refused
    referential = current_referential()
    datasets = catalog.visible_datasets(request.user).order_by("title")
    form = ActionForm(request.POST or None, datasets=datasets)
    if request.method == "POST" and form.is_valid():
        action: Action = form.save(commit=False)
        action.referential = referential
        action.submitted_by = request.user  # type: ignore[assignment]
        orgs = list(roles_by_organisation(request.user))
        action.organisation_id = orgs[0] if orgs else None
        action.state = Action.State.SUBMITTED
        actions.save(action, datasets=list(form.cleaned_data.get("datasets") or []))
        messages.success(request, _("Fiche envoyée : elle sera publiée après modération. Voici le classement proposé."))
        return HttpResponseRedirect(action.get_absolute_url())
    return render(request, "atlas/action_form.html", {"form": form, "creating": True})


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    action = visible_action(request, pk)
    refused = require(request, access.can_edit_action(request.user, action))
    if refused:
        return refused
    datasets = catalog.visible_datasets(request.user).order_by("title")
    form = ActionForm(request.POST or None, instance=action, datasets=datasets)
    if request.method == "POST" and form.is_valid():
        action = form.save(commit=False)
        # Datasets the editor cannot see stay linked: the form only offers what they may see.
        hidden = list(action.datasets.exclude(pk__in=datasets.values("pk")))
        actions.save(action, datasets=[*hidden, *(form.cleaned_data.get("datasets") or [])])
        messages.success(request, _("Fiche enregistrée ; le classement proposé a été recalculé."))
        return HttpResponseRedirect(action.get_absolute_url())
    return render(request, "atlas/action_form.html", {"form": form, "action": action, "creating": False})


@require_http_methods(["GET"])
def moderation(request: HttpRequest) -> HttpResponse:
    refused = require(request, access.can_moderate_actions(request.user))
    if refused:
        return refused
    waiting = explore.visible_actions(request.user).filter(state=Action.State.SUBMITTED).order_by("created")
    return render(request, "atlas/moderation.html", {"actions": waiting[:200], "total": waiting.count()})


def moderation_form(action: Action, data: object = None) -> ModerationForm:
    items = list(action.referential.items.filter(level__in=["enjeu", "service"]).order_by("position"))
    classes = proposals.classification(action)
    chosen = classes["confirmed"] if classes["confirmed"]["service"] else classes["proposed"]
    form = ModerationForm(
        data,
        enjeux=[(i.code, f"{i.code} {i.label}") for i in items if i.level == "enjeu"],
        services=[(i.code, f"{i.code} {i.label}") for i in items if i.level == "service"],
        initial={
            "enjeux": [c.item.code for c in chosen["enjeu"][:1]],
            "services": [c.item.code for c in chosen["service"][:2]],
        },
    )
    return form


@require_http_methods(["GET", "POST"])
def moderate(request: HttpRequest, pk: int) -> HttpResponse:
    action = visible_action(request, pk)
    refused = require(request, access.can_moderate_actions(request.user))
    if refused:
        return refused
    form = moderation_form(action, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actions.moderate(
            action,
            request.user,
            decision=data["decision"],
            enjeux=data["enjeux"],
            services=data["services"],
            note=data["note"],
        )
        messages.success(
            request,
            {
                "publish": _("Fiche publiée avec ce classement."),
                "classify": _("Classement enregistré."),
                "reject": _("Fiche refusée."),
            }[data["decision"]],
        )
        return HttpResponseRedirect(action.get_absolute_url())
    classes = proposals.classification(action)
    return render(request, "atlas/moderate.html", {"action": action, "form": form, "proposed": classes["proposed"]})


@require_POST
def atlas_create(request: HttpRequest) -> HttpResponse:
    refused = require(request, access.can_curate_atlases(request.user))
    if refused:
        return refused
    filters = explore.Filters.from_params(request.POST)
    data = request.POST.copy()
    if not data.get("slug"):
        data["slug"] = slugify(data.get("title", ""))[:80]
    form = AtlasForm(data)
    if form.is_valid():
        atlas: ThematicAtlas = form.save(commit=False)
        atlas.filters = filters.as_dict()
        atlas.created_by = request.user  # type: ignore[assignment]
        orgs = list(roles_by_organisation(request.user))
        atlas.organisation_id = orgs[0] if orgs else None
        atlas.save()
        messages.success(request, _("Atlas thématique enregistré : il a sa propre adresse et s'intègre ailleurs."))
        return HttpResponseRedirect(atlas.get_absolute_url())
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))
    return HttpResponseRedirect(reverse("atlas:explore") + "?" + filters.query_string())


@require_http_methods(["GET", "POST"])
def referential_import(request: HttpRequest) -> HttpResponse:
    refused = require(request, access.can_moderate_actions(request.user))
    if refused:
        return refused
    form = ReferentialImportForm(request.POST or None, request.FILES or None)
    errors: list[referentials.RowError] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = referentials.read_rows(upload.read(), upload.name)
            referential = referentials.import_rows(
                rows,
                slug=form.cleaned_data["slug"],
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                source=upload.name,
                make_current=form.cleaned_data["make_current"],
            )
        except referentials.ReferentialError as error:
            errors = error.errors
        except (ValueError, UnicodeError) as error:
            errors = [referentials.RowError(1, "", _("fichier illisible : %s") % error)]
        else:
            proposals.forget()
            messages.success(request, _("Référentiel importé : version %s.") % referential.version)
            return HttpResponseRedirect(referential.get_absolute_url() + f"?version={referential.version}")
    return render(
        request,
        "atlas/referential_import.html",
        {"form": form, "errors": errors[:200], "more": max(0, len(errors) - 200)},
    )
