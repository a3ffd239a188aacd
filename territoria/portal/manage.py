"""Pages for organisation administrators: the audit log (journal), filtered, paginated and exported as CSV.

``/organisations/<slug>/journal/`` shows one organisation's log to its administrators (``access.can_manage``);
``/journal/`` shows every log the person manages (all of them for a superuser). Anonymous visitors are sent
to the sign-in page; signed-in people who manage nothing here get 403 (the organisation itself is public).
Dataset titles shown beside the events go through the access policy (``catalog.visible_datasets``).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET

from territoria.access import services as access
from territoria.access.models import Grant
from territoria.accounts import audit_log
from territoria.accounts import services as accounts
from territoria.accounts.services import AnyUser, AuditEvent, Organisation
from territoria.catalog import services as catalog

PAGE_SIZE = 50
DETAIL_VALUE_MAX = 120

DETAIL_LABELS = {
    "change": gettext_lazy("changement"),
    "user": gettext_lazy("personne"),
    "users": gettext_lazy("personnes"),
    "group": gettext_lazy("groupe"),
    "role": gettext_lazy("rôle"),
    "previous_role": gettext_lazy("rôle précédent"),
    "version": gettext_lazy("version"),
    "previous_version": gettext_lazy("version précédente"),
    "rollback": gettext_lazy("retour en arrière"),
    "first_publication": gettext_lazy("première publication"),
    "visibility": gettext_lazy("visibilité"),
    "previous_visibility": gettext_lazy("visibilité précédente"),
    "published": gettext_lazy("publié"),
    "previous_published": gettext_lazy("publié auparavant"),
    "created": gettext_lazy("création"),
    "endpoint": gettext_lazy("point d'accès"),
    "query": gettext_lazy("requête"),
    "format": gettext_lazy("format"),
    "record_id": pgettext_lazy("a row of a dataset", "enregistrement"),
    "resource": gettext_lazy("ressource"),
    "file": gettext_lazy("fichier"),
    "prefix": gettext_lazy("clé"),
    "scope": gettext_lazy("portée"),
    "expires": gettext_lazy("expire le"),
}
CHANGES = {
    "added": gettext_lazy("ajout"),
    "changed": gettext_lazy("modification"),
    "removed": gettext_lazy("retrait"),
    "members-added": gettext_lazy("membres ajoutés"),
    "members-removed": gettext_lazy("membres retirés"),
}
ROLE_KEYS = {"role", "previous_role"}
VISIBILITY_KEYS = {"visibility", "previous_visibility"}
HIDDEN_DETAILS = {"dataset", "group_id"}  # shown in their own column, or of no use to a reader


# Membership roles (admin, editor, agent) and grant roles (read, edit) do not share a value.
ROLES = {**dict(accounts.Membership.Role.choices), **dict(Grant.Role.choices)}


class JournalFilter(forms.Form):
    action = forms.ChoiceField(label=gettext_lazy("Action"), required=False)
    person = forms.ChoiceField(label=gettext_lazy("Personne"), required=False)
    organisation = forms.ChoiceField(label=gettext_lazy("Organisation"), required=False)
    start = forms.DateField(
        label=gettext_lazy("Du"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=gettext_lazy("Au"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, data: Any, *, people: list[str], organisations: list[Organisation] | None) -> None:
        super().__init__(data)
        everyone = [("", _("Toutes"))]
        self._choose("action", everyone + list(AuditEvent.Action.choices))
        self._choose("person", [("", _("Tout le monde"))] + [(name, name) for name in people])
        if organisations is None:
            del self.fields["organisation"]
        else:
            self._choose("organisation", everyone + [(org.slug, org.name) for org in organisations])

    def _choose(self, name: str, choices: list[tuple[str, Any]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", _("La date de fin précède la date de début."))
            cleaned.pop("start", None)  # the period as a whole is not applied
        return cleaned

    def apply(self, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        """The events matching the valid filters (an invalid one is shown in error and not applied)."""
        self.is_valid()
        data = self.cleaned_data
        if data.get("action"):
            events = events.filter(action=data["action"])
        if data.get("person"):
            events = events.filter(actor_name=data["person"])
        if data.get("organisation"):
            events = events.filter(organisation__slug=data["organisation"])
        tz = timezone.get_current_timezone()
        if data.get("start"):
            events = events.filter(when__gte=dt.datetime.combine(data["start"], dt.time.min, tzinfo=tz))
        if data.get("end"):
            after = data["end"] + dt.timedelta(days=1)
            events = events.filter(when__lt=dt.datetime.combine(after, dt.time.min, tzinfo=tz))
        return events


def _titles(user: AnyUser, slugs: list[str]) -> dict[str, str]:
    """Titles of the datasets ``user`` may know exist, by slug (the others stay shown by their slug only)."""
    if not slugs:
        return {}
    return dict(catalog.visible_datasets(user).filter(slug__in=slugs).values_list("slug", "title"))


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return " ; ".join(f"{key} = {_text(v)}" for key, v in value.items())
    text = str(value)
    return text if len(text) <= DETAIL_VALUE_MAX else text[: DETAIL_VALUE_MAX - 1] + "…"


def _details(detail: Any) -> list[tuple[str, str]]:
    if not isinstance(detail, dict):
        return [] if not detail else [("", json.dumps(detail, ensure_ascii=False))]
    rows = []
    for key, value in detail.items():
        if key in HIDDEN_DETAILS:
            continue
        shown = value
        if isinstance(value, str):
            if key == "change":
                shown = CHANGES.get(value, value)
            elif key in ROLE_KEYS:
                shown = ROLES.get(value, value)
            elif key in VISIBILITY_KEYS:
                shown = dict(access.Visibility.choices).get(value, value)
        rows.append((str(DETAIL_LABELS.get(key, key)), _text(shown)))
    return rows


def _scope(request: HttpRequest, slug: str | None) -> tuple[Organisation | None, list[int] | None]:
    """The organisation of the page (None for /journal/) and the organisation ids whose log is shown."""
    if slug is not None:
        org = accounts.get_organisation(slug)
        if org is None:
            raise Http404(_("Aucune organisation à cette adresse."))
        if not access.can_manage(request.user, org.pk):
            raise PermissionDenied(_("Le journal d'audit est réservé aux administrateurs de l'organisation."))
        return org, [org.pk]
    managed = access.managed_organisations(request.user)
    if managed is not None and not managed:
        raise PermissionDenied(_("Le journal d'audit est réservé aux administrateurs d'une organisation."))
    return None, managed


def _filtered(
    request: HttpRequest, slug: str | None
) -> tuple[Organisation | None, JournalFilter, QuerySet[AuditEvent]]:
    org, ids = _scope(request, slug)
    events = audit_log.events_for(ids)
    people = sorted(
        set(events.exclude(actor_name="").order_by().values_list("actor_name", flat=True).distinct()), key=str.lower
    )
    organisations = None
    if org is None:
        choices = accounts.organisations()
        organisations = list(choices if ids is None else choices.filter(pk__in=ids))
        if len(organisations) < 2:
            organisations = None
    form = JournalFilter(request.GET, people=people, organisations=organisations)
    return org, form, form.apply(events)


def _page(request: HttpRequest, slug: str | None) -> HttpResponse:
    org, form, events = _filtered(request, slug)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    titles = _titles(request.user, sorted({s for s in map(audit_log.dataset_slug, page.object_list) if s}))
    rows = [
        {
            "event": event,
            "dataset": audit_log.dataset_slug(event),
            "title": titles.get(audit_log.dataset_slug(event), ""),
            "details": _details(event.detail),
        }
        for event in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "organisation": org,
        "form": form,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
        "show_organisation": org is None,
    }
    return render(request, "portal/manage/journal.html", context)


def _export(request: HttpRequest, slug: str | None) -> StreamingHttpResponse:
    org, _form, events = _filtered(request, slug)
    user = request.user
    response = StreamingHttpResponse(
        audit_log.csv_lines(events, lambda slugs: _titles(user, slugs)), content_type="text/csv; charset=utf-8"
    )
    name = f"journal-{org.slug if org else 'territoria'}-{timezone.localtime():%Y%m%d-%H%M}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def organisation_journal(request: HttpRequest, slug: str) -> HttpResponse:
    return _page(request, slug)


@login_required
@require_GET
def organisation_journal_export(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    return _export(request, slug)


@login_required
@require_GET
def journal(request: HttpRequest) -> HttpResponse:
    return _page(request, None)


@login_required
@require_GET
def journal_export(request: HttpRequest) -> StreamingHttpResponse:
    return _export(request, None)
