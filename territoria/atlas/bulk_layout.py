"""The layout of the bulk-import workbook (docs/atlas-import.md): its sheets, their columns, and the French help.

``SHEETS`` describes each sheet and its columns; the template (territoria/atlas/bulk_views.py) and its « Aide »
sheet are built from it, and territoria/atlas/bulk.py reads the workbook against it. ``HELP`` holds what the
« Aide » sheet says about each sheet and column. A column's ``kind`` names its cell reader in
territoria/atlas/bulk_cells.py (``PARSERS``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

StrOrPromise = str | Promise
IGNORED_SHEETS = {"aide", "help", "lisez_moi"}


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # a key of bulk_cells.PARSERS
    example: Any = ""
    required: bool = False
    field: str = ""  # the Action field it fills (sheet Actions)
    max_length: int = 0
    bounds: tuple[float, float] | None = None
    help: StrOrPromise = ""


@dataclass(frozen=True)
class SheetSpec:
    key: str
    name: str
    columns: tuple[Column, ...]

    @property
    def help(self) -> StrOrPromise:
        return HELP[self.key]


def _columns(sheet: str, *columns: Column) -> tuple[Column, ...]:
    return tuple(replace(c, help=HELP[f"{sheet}.{c.name}"]) for c in columns)


# What the « Aide » sheet of the template says about each sheet and column.
HELP: dict[str, StrOrPromise] = {
    "actions": gettext_lazy("Une ligne par fiche-action."),
    "actions.ref": gettext_lazy(
        "Identifiant de l'action dans ce classeur (A1, A2…), repris par les feuilles de liens."
    ),
    "actions.titre": gettext_lazy("Titre de la fiche (200 caractères au plus)."),
    "actions.resume": gettext_lazy("Résumé en quelques phrases."),
    "actions.description": gettext_lazy("Description détaillée (facultatif)."),
    "actions.resultats": gettext_lazy("Résultats obtenus (facultatif)."),
    "actions.recommandations": gettext_lazy("Conseils à qui voudrait faire de même (facultatif)."),
    "actions.outils": gettext_lazy("Outils et prestataires, séparés par « | » ou « ; »."),
    "actions.statut": gettext_lazy("prévue, en cours ou réalisée (ou planned, in_progress, done) ; vide : réalisée."),
    "actions.date_debut": gettext_lazy("Date de début : date Excel, jj/mm/aaaa ou aaaa-mm-jj."),
    "actions.date_fin": gettext_lazy("Date de fin (facultatif), au même format."),
    "actions.collectivite": gettext_lazy("La collectivité qui porte l'action."),
    "actions.type_territoire": gettext_lazy(
        "commune, intercommunalité (ou epci), département, région, syndicat ou autre ; vide : commune."
    ),
    "actions.insee": gettext_lazy(
        "Code INSEE de la commune (5 caractères, 2A/2B pour la Corse) : place l'action au centre de la commune si "
        "aucun lieu n'est relié."
    ),
    "actions.population": gettext_lazy("Population de la collectivité ; vide : celle de la commune."),
    "actions.service_contact": gettext_lazy("Service à contacter (public)."),
    "actions.liens": gettext_lazy("Adresses web (https://…), une par ligne ou séparées par « | »."),
    "lieux": gettext_lazy("Les lieux précis des actions (facultatif)."),
    "lieux.ref": gettext_lazy("Identifiant du lieu dans ce classeur (L1, L2…)."),
    "lieux.nom": gettext_lazy("Nom du lieu, pour vous y retrouver (il n'est pas enregistré)."),
    "lieux.insee": gettext_lazy("Code INSEE de la commune du lieu (facultatif) : sert si l'action n'en a pas."),
    "lieux.latitude": gettext_lazy("Latitude en degrés décimaux (WGS 84), virgule ou point."),
    "lieux.longitude": gettext_lazy("Longitude en degrés décimaux (WGS 84), virgule ou point."),
    "personnes": gettext_lazy(
        "Les personnes à contacter (données personnelles : visibles seulement des agents connectés des collectivités)."
    ),
    "personnes.ref": gettext_lazy("Identifiant de la personne dans ce classeur (P1, P2…)."),
    "personnes.nom": gettext_lazy("Prénom et nom."),
    "personnes.courriel": gettext_lazy("Adresse électronique."),
    "personnes.telephone": gettext_lazy("Numéro de téléphone."),
    "personnes.service": gettext_lazy("Son service : devient le service à contacter si l'action n'en donne pas."),
    "services": gettext_lazy(
        "Les services du référentiel que le classeur utilise (facultatif) : chaque code doit exister."
    ),
    "services.code": gettext_lazy("Code d'un service du référentiel en vigueur (S001…)."),
    "services.libelle": gettext_lazy("Son libellé, pour mémoire."),
    "actions_lieux": gettext_lazy("Le lieu de chaque action (un au plus)."),
    "actions_lieux.action": gettext_lazy("ref d'une action de la feuille Actions."),
    "actions_lieux.lieu": gettext_lazy("ref d'un lieu de la feuille Lieux."),
    "actions_personnes": gettext_lazy("La personne à contacter de chaque action (une au plus)."),
    "actions_personnes.action": gettext_lazy("ref d'une action de la feuille Actions."),
    "actions_personnes.personne": gettext_lazy("ref d'une personne de la feuille Personnes."),
    "actions_services": gettext_lazy(
        "Les services de chaque action : ils forment le classement proposé aux modérateurs."
    ),
    "actions_services.action": gettext_lazy("ref d'une action de la feuille Actions."),
    "actions_services.service": gettext_lazy("Code d'un service du référentiel en vigueur."),
    "actions_services.principal": gettext_lazy(
        "oui pour le service principal (un par action au plus) ; sinon non ou vide."
    ),
}

SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec(
        "actions",
        "Actions",
        _columns(
            "actions",
            Column("ref", "text", "A1", True, max_length=50),
            Column("titre", "text", "Ouverture d'un espace public numérique", True, "title", 200),
            Column(
                "resume", "text", "Dix ordinateurs et un animateur pour accompagner les habitants.", True, "summary"
            ),
            Column("description", "text", field="description"),
            Column("resultats", "text", field="results"),
            Column("recommandations", "text", field="recommendations"),
            Column("outils", "tools", "Linux | LibreOffice", field="tools"),
            Column("statut", "status", "réalisée", field="status"),
            Column("date_debut", "date", dt.date(2022, 3, 1), field="start_date"),
            Column("date_fin", "date", field="end_date"),
            Column("collectivite", "text", "Ville de Rennes", True, "collectivite", 200),
            Column("type_territoire", "territory", "commune", field="territory_type"),
            Column("insee", "insee", "35238", field="insee"),
            Column("population", "integer", field="population", bounds=(0, 100_000_000)),
            Column("service_contact", "text", "Direction du numérique", field="contact_service", max_length=200),
            Column("liens", "links", "https://metropole.rennes.fr", field="links"),
        ),
    ),
    SheetSpec(
        "lieux",
        "Lieux",
        _columns(
            "lieux",
            Column("ref", "text", "L1", True, max_length=50),
            Column("nom", "text", "Médiathèque des Champs Libres", max_length=200),
            Column("insee", "insee", "35238"),
            Column("latitude", "decimal", 48.1059, True, bounds=(-90, 90)),
            Column("longitude", "decimal", -1.6743, True, bounds=(-180, 180)),
        ),
    ),
    SheetSpec(
        "personnes",
        "Personnes",
        _columns(
            "personnes",
            Column("ref", "text", "P1", True, max_length=50),
            Column("nom", "text", "Camille Exemple", True, max_length=200),
            Column("courriel", "email", "camille.exemple@example.org", max_length=254),
            Column("telephone", "phone", "02 99 00 00 00"),
            Column("service", "text", max_length=200),
        ),
    ),
    SheetSpec(
        "services",
        "Services",
        _columns(
            "services",
            Column("code", "text", "", True, max_length=30),
            Column("libelle", "text"),
        ),
    ),
    SheetSpec(
        "actions_lieux",
        "Actions_Lieux",
        _columns("actions_lieux", Column("action", "text", "A1", True), Column("lieu", "text", "L1", True)),
    ),
    SheetSpec(
        "actions_personnes",
        "Actions_Personnes",
        _columns("actions_personnes", Column("action", "text", "A1", True), Column("personne", "text", "P1", True)),
    ),
    SheetSpec(
        "actions_services",
        "Actions_Services",
        _columns(
            "actions_services",
            Column("action", "text", "A1", True),
            Column("service", "text", "", True, max_length=30),
            Column("principal", "yesno", "oui"),
        ),
    ),
)
