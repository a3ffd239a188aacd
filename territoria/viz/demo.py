"""The demo's dashboard, « Tableau de bord du territoire »: subsidies, parking and the communes' map.

:func:`load_demo_dashboards` is idempotent: run again, it resets the dashboard and its blocks to this
description (blocks keep their numbers, so their embed addresses stay valid). Called by
``territoria.portal.demo.loader.load`` once the demo's data versions exist.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from territoria.accounts.services import get_organisation
from territoria.viz.models import Block, Dashboard

SLUG = "tableau-de-bord-du-territoire"
ORGANISATION = "ca-val-de-loire-demo"
DESCRIPTION = (
    "Quelques chiffres du territoire tirés des jeux de données publiés sur le portail : les **subventions** "
    "attribuées aux associations, l'offre de **stationnement** et la carte des **communes**.\n\n"
    "Filtrez par année ou par nature d'aide : les blocs des subventions suivent le filtre."
)
FILTERS = {"period": {"label": "Année"}, "theme": {"label": "Nature de l'aide"}}
SUBSIDY_FILTERS = {"period": "dateconvention", "theme": "nature"}

BLOCKS: list[dict[str, Any]] = [
    {
        "kind": Block.Kind.KPI,
        "title": "Montant des subventions attribuées",
        "width": 1,
        "config": {
            "dataset": "subventions-attribuees",
            "aggregation": "sum",
            "column": "montant",
            "unit": "€",
            "compare": "year",
            "date_column": "dateconvention",
            "filters": SUBSIDY_FILTERS,
        },
    },
    {
        "kind": Block.Kind.KPI,
        "title": "Nombre de subventions",
        "width": 1,
        "config": {
            "dataset": "subventions-attribuees",
            "aggregation": "count",
            "compare": "year",
            "date_column": "dateconvention",
            "filters": SUBSIDY_FILTERS,
        },
    },
    {
        "kind": Block.Kind.KPI,
        "title": "Places de stationnement",
        "width": 1,
        "config": {"dataset": "stationnement", "aggregation": "sum", "column": "nb_places", "unit": "places"},
    },
    {
        "kind": Block.Kind.KPI,
        "title": "Parcs de stationnement",
        "width": 1,
        "config": {"dataset": "stationnement", "aggregation": "count", "unit": "parcs"},
    },
    {
        "kind": Block.Kind.CHART,
        "title": "Subventions par année",
        "width": 2,
        "config": {
            "dataset": "subventions-attribuees",
            "chart": {"type": "bar", "x": "dateconvention", "date_unit": "year", "aggregation": "sum", "y": "montant"},
            "filters": SUBSIDY_FILTERS,
        },
    },
    {
        "kind": Block.Kind.CHART,
        "title": "Places de stationnement par type d'ouvrage",
        "width": 2,
        "config": {
            "dataset": "stationnement",
            "chart": {"type": "bar", "x": "type_ouvrage", "aggregation": "sum", "y": "nb_places"},
        },
    },
    {
        "kind": Block.Kind.MAP,
        "title": "Les communes d'Ille-et-Vilaine",
        "width": 2,
        "config": {"dataset": "communes-ille-et-vilaine"},
    },
    {
        "kind": Block.Kind.TABLE,
        "title": "Les plus grosses subventions",
        "width": 2,
        "config": {
            "dataset": "subventions-attribuees",
            "columns": ["nombeneficiaire", "dateconvention", "montant", "nature"],
            "sort": "montant",
            "descending": True,
            "limit": 8,
            "filters": SUBSIDY_FILTERS,
        },
    },
    {
        "kind": Block.Kind.TEXT,
        "title": "À propos de ce tableau de bord",
        "width": 4,
        "config": {
            "text": (
                "Chaque bloc se lit aussi en tableau (« Les données du graphique ») et se **partage** : "
                "« Intégrer » donne le code d'une iframe à coller dans le site de la commune.\n\n"
                "Les chiffres viennent des données publiées : un nouveau dépôt les met à jour sans rien "
                "changer ici. Voir [toutes les données](/datasets/)."
            )
        },
    },
]


def load_demo_dashboards() -> int:
    """Create or reset the demo dashboard; return the number of its blocks."""
    organisation = get_organisation(ORGANISATION)
    if organisation is None:
        return 0
    with transaction.atomic():
        dashboard, created = Dashboard.objects.update_or_create(
            slug=SLUG,
            defaults={
                "organisation": organisation,
                "title": "Tableau de bord du territoire",
                "description": DESCRIPTION,
                "visibility": "public",
                "filters": FILTERS,
                "modified": timezone.now(),
            },
        )
        if dashboard.published is None:
            dashboard.published = timezone.now()
            dashboard.save(update_fields=["published"])
        for position, spec in enumerate(BLOCKS):
            Block.objects.update_or_create(dashboard=dashboard, position=position, defaults=spec)
        Block.objects.filter(dashboard=dashboard, position__gte=len(BLOCKS)).delete()
    return len(BLOCKS)
