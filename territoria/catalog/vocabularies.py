"""Controlled vocabularies of the catalogue (DCAT-AP aligned)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

EU_THEME_BASE = "http://publications.europa.eu/resource/authority/data-theme/"
EU_FREQUENCY_BASE = "http://publications.europa.eu/resource/authority/frequency/"

# The 13 themes of the EU "data-theme" authority table, with French labels.
THEMES = [
    ("AGRI", "Agriculture, pêche, sylviculture et alimentation", "Agriculture, fisheries, forestry and food"),
    ("ECON", "Économie et finances", "Economy and finance"),
    ("EDUC", "Éducation, culture et sport", "Education, culture and sport"),
    ("ENER", "Énergie", "Energy"),
    ("ENVI", "Environnement", "Environment"),
    ("GOVE", "Gouvernement et secteur public", "Government and public sector"),
    ("HEAL", "Santé", "Health"),
    ("INTR", "Questions internationales", "International issues"),
    ("JUST", "Justice, système juridique et sécurité publique", "Justice, legal system and public safety"),
    ("REGI", "Régions et villes", "Regions and cities"),
    ("SOCI", "Population et société", "Population and society"),
    ("TECH", "Science et technologie", "Science and technology"),
    ("TRAN", "Transports", "Transport"),
]

LICENCES = [
    # (identifier, title, url, open)
    (
        "etalab-2.0",
        "Licence Ouverte / Open Licence 2.0",
        "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
        True,
    ),
    ("odbl-1.0", "Open Database License (ODbL) 1.0", "https://opendatacommons.org/licenses/odbl/1-0/", True),
    (
        "cc-by-4.0",
        "Creative Commons Attribution 4.0 (CC-BY 4.0)",
        "https://creativecommons.org/licenses/by/4.0/",
        True,
    ),
    (
        "cc0-1.0",
        "Creative Commons Zero 1.0 (CC0)",
        "https://creativecommons.org/publicdomain/zero/1.0/",
        True,
    ),
    ("unlicense", "The Unlicense (domaine public)", "https://unlicense.org/", True),
    ("mit", "Licence MIT", "https://opensource.org/license/mit", True),
    ("other-closed", "Autre licence, réutilisation restreinte", "", False),
]


class Frequency(models.TextChoices):
    """DCAT frequency vocabulary (EU authority table), the commonly used entries."""

    CONTINUOUS = "CONT", _("En continu")
    HOURLY = "HOURLY", _("Toutes les heures")
    DAILY = "DAILY", _("Quotidienne")
    WEEKLY = "WEEKLY", _("Hebdomadaire")
    BIWEEKLY = "BIWEEKLY", _("Toutes les deux semaines")
    MONTHLY = "MONTHLY", _("Mensuelle")
    QUARTERLY = "QUARTERLY", _("Trimestrielle")
    BIANNUAL = "ANNUAL_2", _("Semestrielle")
    ANNUAL = "ANNUAL", _("Annuelle")
    BIENNIAL = "BIENNIAL", _("Tous les deux ans")
    IRREGULAR = "IRREG", _("Irrégulière")
    NEVER = "NEVER", _("Jamais (donnée figée)")
    UNKNOWN = "UNKNOWN", _("Inconnue")

    @property
    def uri(self) -> str:
        return EU_FREQUENCY_BASE + self.value


# Expected days between two updates, for freshness checks.
FREQUENCY_DAYS = {
    "CONT": 1,
    "HOURLY": 1,
    "DAILY": 1,
    "WEEKLY": 7,
    "BIWEEKLY": 14,
    "MONTHLY": 31,
    "QUARTERLY": 92,
    "ANNUAL_2": 183,
    "ANNUAL": 366,
    "BIENNIAL": 731,
}


class Granularity(models.TextChoices):
    COMMUNE = "commune", _("Commune")
    EPCI = "epci", _("Intercommunalité")
    DEPARTEMENT = "departement", _("Département")
    REGION = "region", _("Région")
    COUNTRY = "pays", _("France entière")
    POINT = "point", _("Adresse ou point")
    OTHER = "other", _("Autre")
