"""Writing fiches-actions: placing them (given coordinates, else the commune's centre), checking the place,
proposing a classification, moderation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from territoria.accounts.services import AnyUser
from territoria.atlas import communes, proposals
from territoria.atlas.models import Action, Classification


def place(action: Action) -> None:
    """Fill commune, département, population and coordinates from the INSEE code; flag what looks wrong."""
    warnings: list[str] = []
    commune = communes.lookup(action.insee) if action.insee else None
    if action.insee and commune is None:
        warnings.append(_("commune inconnue (code INSEE %s)") % action.insee)
    if commune is not None:
        action.commune = action.commune or commune.name
        action.departement = commune.departement
        if action.population is None and commune.population is not None:
            action.population = commune.population
    elif action.insee:
        action.departement = communes.departement_of(action.insee)
    if action.lat is not None and action.lon is not None:
        action.placement = Action.Placement.GIVEN
        where = communes.departement_at(action.lat, action.lon)
        if where is None:
            warnings.append(_("coordonnées hors de France (%(lat)s, %(lon)s)") % {"lat": action.lat, "lon": action.lon})
        elif action.departement and where != action.departement and not action.departement.startswith("97"):
            warnings.append(
                _("coordonnées dans le département %(found)s, pas dans celui de la commune (%(dep)s)")
                % {"found": where, "dep": action.departement}
            )
    elif commune is not None:
        action.lat, action.lon = commune.lat, commune.lon
        action.placement = Action.Placement.COMMUNE
    else:
        action.placement = Action.Placement.NONE
    action.location_warning = "; ".join(warnings)[:200]
    action.population_band = communes.population_band(action.population)
    action.year = action.start_date.year if isinstance(action.start_date, dt.date) else None


def _main_codes(action: Action) -> None:
    rows = list(action.classifications.select_related("item").order_by("level", "rank"))
    # Tagged by level (« e:E15 s:S122 »): filters and facets read them without a join.
    confirmed_codes = [f"{c.level[0]}:{c.item.code}" for c in rows if c.source == Classification.Source.CONFIRMED]
    action.codes = f" {' '.join(dict.fromkeys(confirmed_codes))} " if confirmed_codes else ""
    for level, attribute in (("enjeu", "main_enjeu"), ("service", "main_service")):
        confirmed = [c for c in rows if c.level == level and c.source == Classification.Source.CONFIRMED]
        proposed = [c for c in rows if c.level == level and c.source == Classification.Source.PROPOSED]
        chosen = (confirmed or proposed)[:1]
        setattr(action, attribute, chosen[0].item.code if chosen else "")


@transaction.atomic
def save(action: Action, *, propose: bool = True, datasets: list[Any] | None = None) -> Action:
    """Place, index, save and (unless already confirmed) propose a classification for ``action``."""
    place(action)
    action.refresh_search_text()
    action.save()
    if datasets is not None:
        action.datasets.set(datasets)
    if propose:
        proposals.store_proposal(action)
    _main_codes(action)
    _store_codes(action)
    return action


def _store_codes(action: Action) -> None:
    Action.objects.filter(pk=action.pk).update(
        main_enjeu=action.main_enjeu, main_service=action.main_service, codes=action.codes
    )


@transaction.atomic
def moderate(
    action: Action, user: AnyUser, *, decision: str, enjeux: list[str], services: list[str], note: str = ""
) -> Action:
    """Publish (with the classification the moderator chose) or reject an action."""
    if decision == "publish":
        proposals.confirm(action, enjeux, services)
        action.state = Action.State.PUBLISHED
    elif decision == "reject":
        action.state = Action.State.REJECTED
    elif decision == "classify":
        proposals.confirm(action, enjeux, services)
    else:
        raise ValueError(decision)
    action.moderated_by = user if user.is_authenticated else None  # type: ignore[assignment]
    action.moderated_at = timezone.now()
    action.moderation_note = note
    action.save(update_fields=["state", "moderated_by", "moderated_at", "moderation_note", "updated"])
    _main_codes(action)
    _store_codes(action)
    return action
