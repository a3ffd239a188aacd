"""Demo content of the atlas: the default referential, a few hundred fiches-actions in real communes
(data/demo_actions.csv, written for Territoria: the actions are illustrations, the communes and their codes are
real), some awaiting moderation, and three thematic atlases."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction

from territoria.accounts.models import Organisation
from territoria.atlas import actions, proposals, referentials
from territoria.atlas.models import Action, ThematicAtlas

DATA = Path(__file__).resolve().parent / "data"
AWAITING = 6  # the last rows of the file wait for moderation, submitted by the demo agent
ATLASES = [
    {
        "slug": "inclusion-numerique-ille-et-vilaine",
        "title": "L'inclusion numérique en Ille-et-Vilaine",
        "description": "Espaces publics numériques, conseillers numériques, ateliers et accompagnement aux "
        "démarches : ce que font les communes d'Ille-et-Vilaine pour que personne ne reste au bord du numérique.",
        "filters": {"enjeu": ["E15"], "departement": ["35"]},
    },
    {
        "slug": "ecole-numerique",
        "title": "L'école numérique",
        "description": "Équipement des écoles, espaces numériques de travail, portail famille : les actions des "
        "collectivités pour l'éducation et la jeunesse.",
        "filters": {"enjeu": ["E03"]},
    },
    {
        "slug": "territoire-de-belfort",
        "title": "Le numérique dans le Territoire de Belfort",
        "description": "Toutes les actions des communes du Territoire de Belfort, tous enjeux confondus.",
        "filters": {"departement": ["90"]},
    },
]


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _float(value: str) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


def rows(path: Path = DATA / "demo_actions.csv") -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_demo_atlas(
    organisation: Organisation | None = None, moderator: Any = None, agent: Any = None, limit: int | None = None
) -> dict[str, int]:
    referential = referentials.load_default()
    if referential is None:
        return {"actions": 0}
    if moderator is not None:
        moderator.user_permissions.add(
            Permission.objects.get(codename="moderate_action", content_type__app_label="atlas")
        )
    data = rows()[:limit] if limit else rows()
    with transaction.atomic():
        Action.objects.filter(referential__slug=referential.slug, moderation_note="démo").delete()
        for index, row in enumerate(data):
            waiting = index >= len(data) - AWAITING
            action = Action(
                referential=referential,
                title=row["titre"][:200],
                summary=row["resume"],
                description=row.get("description", ""),
                results=row.get("resultats", ""),
                recommendations=row.get("recommandations", ""),
                tools=row.get("outils", ""),
                status=row.get("statut") or Action.Status.DONE,
                start_date=_date(row.get("date_debut", "")),
                end_date=_date(row.get("date_fin", "")),
                collectivite=row["collectivite"][:200],
                territory_type=Action.TerritoryType.EPCI
                if "Métropole" in row["collectivite"] or "Communauté" in row["collectivite"]
                else Action.TerritoryType.COMMUNE,
                insee=row["insee"],
                population=int(row["population"]) if row.get("population", "").isdigit() else None,
                lat=_float(row.get("lat", "")),
                lon=_float(row.get("lon", "")),
                contact_service=row.get("contact_service", ""),
                links=row.get("liens", ""),
                organisation=organisation,
                state=Action.State.SUBMITTED if waiting else Action.State.PUBLISHED,
                moderation_note="démo",
            )
            if waiting and agent is not None:
                action.submitted_by = agent
                action.contact_name = f"{agent.first_name} {agent.last_name}"
                action.contact_email = agent.email
            actions.save(action, propose=waiting)
            if not waiting:
                proposals.confirm(action, [row["enjeu"]], row["services"].split("|"))
                actions.save(action, propose=False)
        for spec in ATLASES:
            ThematicAtlas.objects.update_or_create(
                slug=spec["slug"],
                defaults={**{k: v for k, v in spec.items() if k != "slug"}, "organisation": organisation},
            )
    return {"actions": len(data), "atlases": len(ATLASES)}


def demo_people() -> dict[str, Any]:
    users = get_user_model().objects.filter(username__in=["demo-admin", "demo-agent"])
    return {u.username: u for u in users}
