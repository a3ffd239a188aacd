"""The demo's people: accounts (demo mode only), groups, referents, and which datasets are not public.

The accounts let a newcomer see the internal data space at once; ``make run`` prints them and the README gives
them. They are never created when TERRITORIA_ENV=production.
"""

from __future__ import annotations

from typing import Any

DEMO_PASSWORD = "territoria-demo-2026"  # noqa: S105  (public on purpose: demo mode only, printed by make run)

# username -> who they are, their organisation and role, and what they show
ACCOUNTS: dict[str, dict[str, Any]] = {
    "demo-admin": {
        "first_name": "Alice",
        "last_name": "Administratrice",
        "organisation": "ca-val-de-loire-demo",
        "role": "admin",
        "is_staff": True,
        "what": "administratrice de l'agglomération : membres, groupes, référents, journal d'audit, administration, "
        "modération de l'atlas",
    },
    "demo-editeur": {
        "first_name": "Étienne",
        "last_name": "Éditeur",
        "organisation": "ca-val-de-loire-demo",
        "role": "editor",
        "is_staff": False,
        "what": "éditeur : dépose, vérifie et publie les jeux de données de l'agglomération",
    },
    "demo-agent": {
        "first_name": "Agathe",
        "last_name": "Agent",
        "organisation": "ca-val-de-loire-demo",
        "role": "agent",
        "is_staff": False,
        "what": "agente du pôle aménagement : données internes, friches (groupe), « Qui contacter ? »",
    },
    "demo-externe": {
        "first_name": "Oscar",
        "last_name": "Extérieur",
        "organisation": "ville-de-lorval-demo",
        "role": "agent",
        "is_staff": False,
        "what": "agent d'une autre commune : ne voit que le public et les fiches publiques",
    },
}

# Datasets that are not public in the demo, and why (the reason is appended to their description).
VISIBILITY: dict[str, tuple[str, str]] = {
    "delinquance-departements": (
        "internal",
        "Diffusion interne : chiffres partagés avec les agents pour préparer le contrat local de sécurité.",
    ),
    "friches": (
        "restricted",
        "Accès restreint au groupe « Pôle aménagement » le temps de la vérification des sites.",
    ),
    "aires-de-livraison": (
        "metadata",
        "Fiche publique, données restreintes : l'inventaire est en cours de vérification sur le terrain.",
    ),
}

GROUPS: list[dict[str, Any]] = [
    {
        "organisation": "ca-val-de-loire-demo",
        "name": "Pôle aménagement",
        "description": "Urbanisme, foncier et friches.",
        "members": ["demo-agent"],
        "reads": ["friches", "aires-de-livraison"],
    },
]

REFERENTS: list[dict[str, Any]] = [
    {
        "organisation": "ca-val-de-loire-demo",
        "kind": "service",
        "name": "Direction des finances",
        "service": "Finances et commande publique",
        "email": "finances@territoria.example",
        "phone": "02 38 00 00 10",
        "expertise": "budget, subventions aux associations, marchés publics",
        "datasets": ["subventions-attribuees"],
    },
    {
        "organisation": "ca-val-de-loire-demo",
        "kind": "person",
        "name": "Marion Lefèvre",
        "job_title": "Chargée de mission mobilités",
        "service": "Mobilités et déplacements",
        "email": "marion.lefevre@territoria.example",
        "phone": "02 38 00 00 21",
        "expertise": "stationnement, covoiturage, vélo, livraisons, zones à faibles émissions",
        "datasets": [
            "stationnement",
            "lieux-covoiturage",
            "aires-de-livraison",
            "amenagements-cyclables",
            "zones-faibles-emissions",
            "arretes-circulation-marchandises",
        ],
    },
    {
        "organisation": "ca-val-de-loire-demo",
        "kind": "service",
        "name": "Service SIG",
        "service": "Système d'information géographique",
        "email": "sig@territoria.example",
        "expertise": "cartographie, adresses, limites administratives, arbres",
        "datasets": ["adresses-bal-strasbourg", "communes-ille-et-vilaine", "contours-departements", "arbres-urbains"],
    },
    {
        "organisation": "ca-val-de-loire-demo",
        "kind": "person",
        "name": "Karim Benali",
        "job_title": "Responsable foncier",
        "service": "Pôle aménagement",
        "email": "karim.benali@territoria.example",
        "phone": "02 38 00 00 35",
        "expertise": "friches, foncier, sécurité publique, prévention",
        "datasets": ["friches", "delinquance-departements"],
    },
]
