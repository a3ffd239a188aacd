"""Reading the audit log: whose events an administrator sees, and the CSV export (admin and journal page)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from territoria.accounts.models import AuditEvent, Membership

Action = AuditEvent.Action

# Events about a person rather than an organisation (written without one): an organisation's administrators
# see those of its current members.
PERSONAL_ACTIONS = [Action.SIGN_IN, Action.SIGN_OUT, Action.TOKEN_CREATED, Action.TOKEN_REVOKED]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_BATCH = 500


def scope(organisation_ids: list[int]) -> Q:
    """The events of these organisations' logs.

    An organisation's log holds what was done to it (its datasets, members, groups, grants) and the
    personal events (sign-ins, API keys) of the people who are its members now.
    """
    members = Membership.objects.filter(user_id=OuterRef("actor_id"), organisation_id__in=organisation_ids)
    personal = Q(organisation__isnull=True, action__in=PERSONAL_ACTIONS) & Q(Exists(members))
    return Q(organisation_id__in=organisation_ids) | personal


def events_for(organisation_ids: list[int] | None) -> QuerySet[AuditEvent]:
    """The events of these organisations' logs (None: every event), newest first."""
    events = AuditEvent.objects.select_related("organisation").order_by("-when", "-pk")
    return events if organisation_ids is None else events.filter(scope(organisation_ids))


def dataset_slug(event: AuditEvent) -> str:
    value = event.detail.get("dataset") if isinstance(event.detail, dict) else None
    return value if isinstance(value, str) else ""


def _cell(value: Any) -> str:
    """A CSV cell; text a spreadsheet would run as a formula gets a leading single quote."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def csv_header() -> list[str]:
    return [
        _("date"),
        _("action"),
        _("libellé de l'action"),
        _("auteur"),
        _("organisation"),
        _("objet"),
        _("jeu de données"),
        _("adresse IP"),
        _("détails"),
    ]


def csv_row(event: AuditEvent, title: str = "") -> list[str]:
    return [
        _cell(timezone.localtime(event.when).isoformat(timespec="seconds")),
        _cell(event.action),
        _cell(event.get_action_display()),
        _cell(event.actor_name),
        _cell(event.organisation.name if event.organisation else ""),
        _cell(event.target),
        _cell(title),
        _cell(event.ip),
        _cell(json.dumps(event.detail, ensure_ascii=False, sort_keys=True) if event.detail else ""),
    ]


def _batches(events: Iterable[AuditEvent]) -> Iterator[list[AuditEvent]]:
    batch: list[AuditEvent] = []
    for event in events:
        batch.append(event)
        if len(batch) >= CSV_BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def csv_lines(
    events: QuerySet[AuditEvent], titles: Callable[[list[str]], dict[str, str]] | None = None
) -> Iterator[bytes]:
    """The events as CSV (UTF-8 with BOM, for spreadsheets), a batch at a time; ``titles`` maps slugs to titles."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(csv_header())
    yield ("\ufeff" + buffer.getvalue()).encode("utf-8")
    for batch in _batches(events.iterator(chunk_size=CSV_BATCH)):
        buffer.seek(0)
        buffer.truncate()
        names = titles(sorted({s for s in map(dataset_slug, batch) if s})) if titles else {}
        for event in batch:
            writer.writerow(csv_row(event, names.get(dataset_slug(event), "")))
        yield buffer.getvalue().encode("utf-8")
