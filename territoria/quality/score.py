"""A quality score per dataset, out of 100, from plain inputs, with a French line per criterion.

- métadonnées, 30: title 4, description 6 (full at 200 characters), keywords 3, theme 3,
  publisher 3, contact 3, spatial coverage 3, temporal coverage 3, documentation page 2;
- licence, 15: declared 5, open 10;
- format, 15: declared 5, open 10;
- fraîcheur, 20: frequency declared 5, up to date 15 (late when now - last update > 1.5 ×
  the expected interval of the declared frequency);
- schéma, 20: declared 10, conform 10 (0 error: 10, 1 to 9 errors: 5, 10 or more: 0).

No schema applies to every dataset, but declaring one is what makes a dataset reusable at
scale (SCDL): a dataset without a schema loses those 20 points and is told how to earn them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# Expected interval between two updates for each DCAT frequency code (EU "frequency" vocabulary,
# names as in data.gouv.fr / DCAT-AP). None: no expected interval (the data is not judged late).
FREQUENCIES: dict[str, dt.timedelta | None] = {
    "CONT": dt.timedelta(days=1),  # continuous: at least one new version a day
    "HOURLY": dt.timedelta(hours=1),
    "DAILY": dt.timedelta(days=1),
    "WEEKLY": dt.timedelta(weeks=1),
    "BIWEEKLY": dt.timedelta(weeks=2),
    "MONTHLY": dt.timedelta(days=365.25 / 12),
    "BIMONTHLY": dt.timedelta(days=365.25 / 6),
    "QUARTERLY": dt.timedelta(days=365.25 / 4),
    "ANNUAL_2": dt.timedelta(days=365.25 / 2),  # twice a year
    "ANNUAL_3": dt.timedelta(days=365.25 / 3),  # three times a year
    "ANNUAL": dt.timedelta(days=365.25),
    "BIENNIAL": dt.timedelta(days=2 * 365.25),
    "TRIENNIAL": dt.timedelta(days=3 * 365.25),
    "IRREG": None,
    "NEVER": None,
    "UNKNOWN": None,
}
FREQUENCY_FR = {
    "CONT": "en continu",
    "HOURLY": "toutes les heures",
    "DAILY": "quotidienne",
    "WEEKLY": "hebdomadaire",
    "BIWEEKLY": "toutes les deux semaines",
    "MONTHLY": "mensuelle",
    "BIMONTHLY": "tous les deux mois",
    "QUARTERLY": "trimestrielle",
    "ANNUAL_2": "semestrielle",
    "ANNUAL_3": "trois fois par an",
    "ANNUAL": "annuelle",
    "BIENNIAL": "tous les deux ans",
    "TRIENNIAL": "tous les trois ans",
    "IRREG": "irrégulière",
    "NEVER": "aucune (données figées)",
    "UNKNOWN": "inconnue",
}
LATE_FACTOR = 1.5
DESCRIPTION_FULL = 200  # characters for the full description points

# (field, points, French name, what to do)
METADATA: list[tuple[str, int, str, str]] = [
    ("title", 4, "titre", "donnez un titre qui dit ce que contient le jeu de données"),
    ("description", 6, "description", "décrivez le contenu, la méthode de production et les limites"),
    ("keywords", 3, "mots-clés", "ajoutez quelques mots-clés pour la recherche"),
    ("theme", 3, "thème", "rattachez le jeu de données à un thème du catalogue"),
    ("publisher", 3, "producteur", "indiquez l'organisation qui produit les données"),
    ("contact_point", 3, "point de contact", "indiquez un contact (adresse de service) pour les questions"),
    ("spatial", 3, "couverture géographique", "indiquez le territoire couvert (commune, EPCI, département…)"),
    ("temporal", 3, "couverture temporelle", "indiquez la période couverte par les données"),
    ("landing_page", 2, "documentation", "ajoutez un lien vers une page de documentation"),
]


@dataclass(frozen=True)
class ScoreLine:
    criterion: str  # stable key: "metadata.title", "licence", "freshness"…
    points: int
    max: int
    explanation: str  # French: why these points, what to do for the missing ones

    def as_dict(self) -> dict[str, Any]:
        return {"criterion": self.criterion, "points": self.points, "max": self.max, "explanation": self.explanation}


@dataclass
class Score:
    lines: list[ScoreLine] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(line.points for line in self.lines)

    @property
    def max(self) -> int:
        return sum(line.max for line in self.lines)

    def as_dict(self) -> dict[str, Any]:
        return {"total": self.total, "max": self.max, "lines": [line.as_dict() for line in self.lines]}


def _filled(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, Mapping | list | tuple | set):
        return bool(value)
    return True


def _metadata_lines(metadata: Mapping[str, Any]) -> list[ScoreLine]:
    lines = []
    for key, points, name, todo in METADATA:
        value = metadata.get(key)
        if key == "description" and _filled(value):
            length = len(str(value).strip())
            if length >= DESCRIPTION_FULL:
                lines.append(
                    ScoreLine(f"metadata.{key}", points, points, f"La {name} est renseignée ({length} caractères).")
                )
            else:
                got = max(1, points * length // DESCRIPTION_FULL)
                lines.append(
                    ScoreLine(
                        f"metadata.{key}",
                        got,
                        points,
                        f"La {name} est courte ({length} caractères) : développez-la jusqu'à {DESCRIPTION_FULL} "
                        "caractères au moins (contenu, méthode, limites, unités).",
                    )
                )
        elif _filled(value):
            lines.append(ScoreLine(f"metadata.{key}", points, points, f"Le champ « {name} » est renseigné."))
        else:
            lines.append(ScoreLine(f"metadata.{key}", 0, points, f"Le champ « {name} » est vide : {todo}."))
    return lines


def _as_datetime(value: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)


def _days(delta: dt.timedelta) -> str:
    days = delta.days
    if days < 1:
        hours = int(delta.total_seconds() // 3600)
        return f"{hours} heure{'s' if hours > 1 else ''}"
    return f"{days} jour{'s' if days > 1 else ''}"


def _freshness_lines(
    last_update: dt.date | dt.datetime | None, frequency: str | None, now: dt.datetime
) -> list[ScoreLine]:
    code = (frequency or "").upper() or None
    lines = []
    if code is None or code == "UNKNOWN" or code not in FREQUENCIES:
        what = "n'est pas déclarée" if code in (None, "UNKNOWN") else f"« {frequency} » n'est pas un code connu"
        lines.append(
            ScoreLine(
                "freshness.frequency",
                0,
                5,
                f"La fréquence de mise à jour {what} : choisissez-en une (quotidienne, mensuelle, annuelle, "
                "irrégulière…) pour que les réutilisateurs sachent à quoi s'attendre.",
            )
        )
    else:
        lines.append(
            ScoreLine("freshness.frequency", 5, 5, f"La fréquence de mise à jour est déclarée ({FREQUENCY_FR[code]}).")
        )
    expected = FREQUENCIES.get(code) if code else None
    if last_update is None:
        lines.append(
            ScoreLine(
                "freshness.up_to_date",
                0,
                15,
                "La date de dernière mise à jour est inconnue : publiez une nouvelle version ou renseignez la date.",
            )
        )
        return lines
    age = now - _as_datetime(last_update)
    if expected is None:
        if code in {"IRREG", "NEVER"}:
            reason = (
                f"dernière mise à jour il y a {_days(age)} ; la fréquence {FREQUENCY_FR[code]} n'impose pas de délai"
            )
            lines.append(ScoreLine("freshness.up_to_date", 15, 15, f"Rien à rattraper : {reason}."))
        else:
            lines.append(
                ScoreLine(
                    "freshness.up_to_date",
                    0,
                    15,
                    f"Dernière mise à jour il y a {_days(age)}, mais sans fréquence déclarée on ne peut pas dire "
                    "si les données sont à jour : déclarez une fréquence.",
                )
            )
        return lines
    label = FREQUENCY_FR.get(code or "", code or "")
    limit = expected * LATE_FACTOR
    if age > limit:
        late = age - expected
        lines.append(
            ScoreLine(
                "freshness.up_to_date",
                0,
                15,
                f"Les données sont en retard : dernière mise à jour il y a {_days(age)} pour une fréquence "
                f"{label} (retard de {_days(late)}). Publiez une version à jour, ou corrigez la "
                "fréquence déclarée si elle ne correspond plus à la réalité.",
            )
        )
    else:
        lines.append(
            ScoreLine(
                "freshness.up_to_date",
                15,
                15,
                f"Les données sont à jour : dernière mise à jour il y a {_days(age)}, fréquence {label}.",
            )
        )
    return lines


def _schema_lines(schema_declared: bool, schema_errors: int | None) -> list[ScoreLine]:
    if not schema_declared:
        return [
            ScoreLine(
                "schema.declared",
                0,
                10,
                "Aucun schéma n'est déclaré : si un schéma national existe pour ces données (SCDL, "
                "schema.data.gouv.fr), déclarez-le et respectez-le.",
            ),
            ScoreLine("schema.valid", 0, 10, "Sans schéma déclaré, la conformité ne peut pas être vérifiée."),
        ]
    lines = [ScoreLine("schema.declared", 10, 10, "Un schéma est déclaré.")]
    if schema_errors is None:
        lines.append(ScoreLine("schema.valid", 0, 10, "Le fichier n'a pas encore été validé contre son schéma."))
    elif schema_errors == 0:
        lines.append(ScoreLine("schema.valid", 10, 10, "Le fichier est conforme à son schéma (aucune erreur)."))
    else:
        points = 5 if schema_errors < 10 else 0
        lines.append(
            ScoreLine(
                "schema.valid",
                points,
                10,
                f"Le fichier compte {schema_errors} erreur{'s' if schema_errors > 1 else ''} de conformité au "
                "schéma : corrigez-les (le rapport de qualité donne la ligne et la colonne de chacune).",
            )
        )
    return lines


def _declared_open_lines(
    key: str, name: str, feminine: bool, value: str | None, is_open: bool, todo_declare: str, todo_open: str
) -> list[ScoreLine]:
    """``name`` with its article ("La licence", "Le format"); adjectives agree with ``feminine``."""
    e = "e" if feminine else ""
    bare = name.split(" ", 1)[1]
    if not _filled(value):
        return [
            ScoreLine(f"{key}.declared", 0, 5, f"{name} n'est pas renseigné{e} : {todo_declare}."),
            ScoreLine(f"{key}.open", 0, 10, f"Sans {bare} déclaré{e}, l'ouverture ne peut pas être vérifiée."),
        ]
    lines = [ScoreLine(f"{key}.declared", 5, 5, f"{name} est renseigné{e} : {value}.")]
    if is_open:
        lines.append(ScoreLine(f"{key}.open", 10, 10, f"{name} {value} est ouvert{e}."))
    else:
        lines.append(ScoreLine(f"{key}.open", 0, 10, f"{name} {value} n'est pas ouvert{e} : {todo_open}."))
    return lines


def score(
    metadata: Mapping[str, Any],
    *,
    schema_declared: bool = False,
    schema_errors: int | None = None,
    last_update: dt.date | dt.datetime | None = None,
    frequency: str | None = None,
    format_code: str | None = None,
    format_open: bool = False,
    licence: str | None = None,
    licence_open: bool = False,
    now: dt.datetime | None = None,
) -> Score:
    """The score of one dataset: ``total`` out of ``max`` (100) and one line per criterion."""
    now = _as_datetime(now) if now else dt.datetime.now(dt.UTC)
    lines = _metadata_lines(metadata)
    lines += _declared_open_lines(
        "licence",
        "La licence",
        True,
        licence,
        licence_open,
        "choisissez une licence (Licence Ouverte 2.0 ou ODbL pour des données publiques)",
        "les données publiques doivent être diffusées sous une licence ouverte (Licence Ouverte 2.0, ODbL)",
    )
    lines += _declared_open_lines(
        "format",
        "Le format",
        False,
        format_code,
        format_open,
        "indiquez le format du fichier",
        "publiez aussi les données dans un format ouvert et lisible par machine (CSV, GeoJSON, JSON, Parquet)",
    )
    lines += _freshness_lines(last_update, frequency, now)
    lines += _schema_lines(schema_declared, schema_errors)
    return Score(lines)
