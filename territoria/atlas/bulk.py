"""Bulk import of fiches-actions from an XLSX workbook: reading, checking every row, writing the valid actions.

The workbook (docs/atlas-import.md) has the sheets Actions, Lieux, Personnes, Services and the link sheets
Actions_Lieux, Actions_Personnes, Actions_Services. It is read with python-calamine: a formula is read as the value
Excel last computed and saved, never evaluated. Each problem names the sheet, the row as Excel numbers it, the
column, and says in French what is wrong. An *error* rejects its row and the action the row belongs to; a
*warning* (unknown commune, coordinates outside France) keeps the action, which is flagged for the moderators.
A workbook that does not follow the template (no Actions sheet, a required column missing, too large) is
rejected whole. ``write`` saves the actions as submitted (moderation) in one transaction: all of them, or, when
asked, the valid ones only.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from territoria.accounts.services import AnyUser, roles_by_organisation
from territoria.atlas import actions, communes
from territoria.atlas.models import Action, Classification, Item, Referential

MAX_FILE_SIZE = 5 * 1024 * 1024  # bytes of the uploaded file
MAX_UNPACKED = 60 * 1024 * 1024  # bytes of the XML inside it: a small file must not unpack into gigabytes
MAX_ROWS = 2_000  # rows of data per sheet
MAX_COLUMNS = 60
ERROR, WARNING = "error", "warning"
StrOrPromise = str | Promise
IGNORED_SHEETS = {"aide", "help", "lisez_moi"}

__all__ = ["SHEETS", "Column", "Draft", "Problem", "Report", "SheetSpec", "check", "write"]


# --- the workbook's sheets and columns ----------------------------------------------------------------------------


class Invalid(ValueError):
    """A cell that cannot be read as its column says; the message is French."""


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # a key of PARSERS
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

STATUS = {
    "prevue": Action.Status.PLANNED,
    "planned": Action.Status.PLANNED,
    "a_venir": Action.Status.PLANNED,
    "en_cours": Action.Status.IN_PROGRESS,
    "in_progress": Action.Status.IN_PROGRESS,
    "realisee": Action.Status.DONE,
    "done": Action.Status.DONE,
    "terminee": Action.Status.DONE,
}
TERRITORY = {
    "commune": "commune",
    "intercommunalite": "epci",
    "epci": "epci",
    "departement": "departement",
    "region": "region",
    "syndicat": "syndicat",
    "autre": "other",
    "other": "other",
}
YES = {"oui", "o", "yes", "y", "vrai", "true", "1", "x"}
NO = {"non", "n", "no", "faux", "false", "0"}
INSEE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
PHONE = re.compile(r"^\+?[0-9 ().\-]{4,30}$")
EXCEL_EPOCH = dt.date(1899, 12, 30)


def norm(text: Any) -> str:
    """A header or a sheet name as compared: no accents, lower case, spaces and dashes as « _ »."""
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().strip().lower()
    return re.sub(r"[\s\-]+", "_", plain)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).replace("\r\n", "\n").strip()


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2_958_466:  # an Excel date without a date format: days since 1899-12-30
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise Invalid(_("« %s » n'est pas une date") % _text(value))
    text = _text(value)
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise Invalid(_("« %s » n'est pas une date (attendu : jj/mm/aaaa, aaaa-mm-jj ou une date Excel)") % text)


def _choice(table: Mapping[str, str], expected: str) -> Callable[[Any], str]:
    def parse_choice(value: Any) -> str:
        key = norm(_text(value))
        if key not in table:
            raise Invalid(_("« %(value)s » : attendu %(expected)s") % {"value": _text(value), "expected": expected})
        return table[key]

    return parse_choice


def _insee(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        text = str(int(value)).zfill(5)  # Excel drops the leading zero of 01053 when the cell is a number
    else:
        text = _text(value).upper()
    if not INSEE.match(text):
        raise Invalid(_("« %s » n'est pas un code INSEE (5 caractères : chiffres, ou 2A/2B pour la Corse)") % text)
    return text


def _number(value: Any) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    text = _text(value).replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        raise Invalid(_("« %s » n'est pas un nombre") % _text(value)) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise Invalid(_("« %s » n'est pas un nombre") % _text(value))
    return number


def _integer(value: Any) -> int:
    number = _number(value)
    if not number.is_integer() or number < 0:
        raise Invalid(_("« %s » n'est pas un nombre entier positif") % _text(value))
    return int(number)


def _email(value: Any) -> str:
    text = _text(value)
    try:
        validate_email(text)
    except ValidationError:
        raise Invalid(_("« %s » n'est pas une adresse électronique") % text) from None
    return text


def _phone(value: Any) -> str:
    text = _text(value)
    if not PHONE.match(text):
        raise Invalid(_("« %s » n'est pas un numéro de téléphone") % text)
    return text


def _yesno(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    key = norm(_text(value))
    if key in YES or key in NO:
        return key in YES
    raise Invalid(_("« %s » : attendu oui ou non") % _text(value))


def _links(value: Any) -> str:
    urls = [u for u in re.split(r"[\s|;]+", _text(value)) if u]
    check_url = URLValidator(schemes=["http", "https"])
    for url in urls:
        try:
            check_url(url)
        except ValidationError:
            raise Invalid(_("« %s » n'est pas une adresse web (https://…)") % url) from None
    return "\n".join(urls)


def _tools(value: Any) -> str:
    return " | ".join(t.strip() for t in re.split(r"[|;\n]", _text(value)) if t.strip())


PARSERS: dict[str, Callable[[Any], Any]] = {
    "text": _text,
    "tools": _tools,
    "date": _date,
    "status": _choice(STATUS, "prévue, en cours ou réalisée"),
    "territory": _choice(TERRITORY, "commune, intercommunalité, département, région, syndicat ou autre"),
    "insee": _insee,
    "integer": _integer,
    "decimal": _number,
    "email": _email,
    "phone": _phone,
    "yesno": _yesno,
    "links": _links,
}


def parse(column: Column, value: Any) -> Any:
    """The cell's value as its column wants it; None or "" when empty. Raises Invalid (French message)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if column.required:
            raise Invalid(_("valeur obligatoire absente"))
        return False if column.kind == "yesno" else None if column.kind not in ("text", "tools") else ""
    parsed = PARSERS[column.kind](value)
    if column.max_length and len(parsed) > column.max_length:
        raise Invalid(_("plus de %s caractères") % column.max_length)
    if column.bounds and not column.bounds[0] <= parsed <= column.bounds[1]:
        raise Invalid(
            _("%(value)s n'est pas compris entre %(low)s et %(high)s")
            % {"value": parsed, "low": column.bounds[0], "high": column.bounds[1]}
        )
    return parsed


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int  # as Excel shows it (the header is row 1); 0 for the workbook as a whole
    column: str
    message: str
    level: str = ERROR

    @property
    def is_error(self) -> bool:
        return self.level == ERROR


@dataclass
class Draft:
    """An action read from the workbook: the fields of an ``Action`` and the codes of its services (main first)."""

    ref: str
    row: int
    fields: dict[str, Any]
    services: list[str] = field(default_factory=list)
    rejected: bool = False


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    drafts: list[Draft] = field(default_factory=list)
    fatal: bool = False  # the workbook itself is unusable: nothing can be imported, even partially

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def valid(self) -> list[Draft]:
        return [d for d in self.drafts if not d.rejected]

    @property
    def rejected(self) -> list[Draft]:
        return [d for d in self.drafts if d.rejected]

    def importable(self, partial: bool = False) -> list[Draft]:
        """The drafts to write: all of them when no row is rejected; the valid ones if ``partial``."""
        if self.fatal or (self.errors and not partial):
            return []
        return self.valid


def refused(message: str) -> Report:
    """The report of a workbook refused before reading (too large, not sent)."""
    return Report(problems=[Problem("", 0, "", message)], fatal=True)


def too_large() -> Report:
    return refused(_("le fichier dépasse %s Mo") % (MAX_FILE_SIZE // (1024 * 1024)))


class _Fatal(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


@dataclass
class _Row:
    sheet: str
    number: int
    values: dict[str, Any]
    errors: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


# --- reading ----------------------------------------------------------------------------------------------------


def _read(data: bytes) -> tuple[dict[str, tuple[str, list[list[Any]]]], list[str]]:
    """{normalised name: (name as written, rows from A1)} of the sheets the import knows, and the others' names."""
    from python_calamine import CalamineError, CalamineWorkbook

    def fatal(message: str, sheet: str = "") -> _Fatal:
        return _Fatal(Problem(sheet, 0, "", message))

    if len(data) > MAX_FILE_SIZE:
        raise _Fatal(too_large().problems[0])
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as error:
        raise fatal(_("ce fichier n'est pas un classeur XLSX")) from error
    if unpacked > MAX_UNPACKED:
        raise fatal(_("le classeur décompressé dépasse %s Mo") % (MAX_UNPACKED // (1024 * 1024)))
    known = {norm(spec.name) for spec in SHEETS}
    sheets: dict[str, tuple[str, list[list[Any]]]] = {}
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        others = [n for n in book.sheet_names if norm(n) not in known | IGNORED_SHEETS]
        for name in book.sheet_names:
            key = norm(name)
            if key not in known:
                continue
            if key in sheets:
                raise fatal(_("deux feuilles s'appellent « %s »") % name, name)
            sheet = book.get_sheet_by_name(name)
            height, width = (sheet.end[0] + 1, sheet.end[1] + 1) if sheet.end else (0, 0)
            if height > MAX_ROWS + 1:
                raise fatal(_("plus de %s lignes : découpez le classeur") % MAX_ROWS, name)
            if width > MAX_COLUMNS:
                raise fatal(_("plus de %s colonnes") % MAX_COLUMNS, name)
            sheets[key] = (name, sheet.to_python(skip_empty_area=False))
    except CalamineError as error:
        raise fatal(_("classeur illisible : %s") % error) from error
    return sheets, others


def _rows(spec: SheetSpec, name: str, raw: list[list[Any]], report: Report) -> list[_Row]:
    """The data rows of a sheet, parsed column by column; a missing required column is fatal."""
    filled = [i for i, row in enumerate(raw) if any(_present(v) for v in row)]
    if not filled:
        return []
    top = filled[0]
    header = [norm(v) if _present(v) else "" for v in raw[top]]
    columns = {c.name: c for c in spec.columns}
    for index, title in enumerate(header):
        if title and header.index(title) != index:
            raise _Fatal(Problem(name, top + 1, title, _("colonne en double")))
        if title and title not in columns:
            report.problems.append(Problem(name, top + 1, title, _("colonne inconnue : ignorée"), WARNING))
    missing = [c.name for c in spec.columns if c.required and c.name not in header]
    if missing:
        raise _Fatal(
            Problem(
                name,
                top + 1,
                ", ".join(missing),
                _("colonne obligatoire absente ; colonnes attendues : %s") % ", ".join(columns),
            )
        )
    where = {title: index for index, title in enumerate(header) if title in columns}
    rows = []
    for index in filled[1:]:
        cells = raw[index]
        row = _Row(name, index + 1, {})
        for column in spec.columns:
            position = where.get(column.name)
            value = cells[position] if position is not None and position < len(cells) else None
            try:
                row.values[column.name] = parse(column, value)
            except Invalid as error:
                row.errors.append(Problem(name, index + 1, column.name, str(error)))
                row.values[column.name] = None
        rows.append(row)
    return rows


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


# --- checking ---------------------------------------------------------------------------------------------------


def check(data: bytes, referential: Referential) -> Report:
    """Read and check the whole workbook; nothing is written."""
    report = Report()
    try:
        sheets, others = _read(data)
        if "actions" not in sheets:
            raise _Fatal(Problem("Actions", 0, "", _("feuille « Actions » absente")))
        report.problems += [Problem(name, 0, "", _("feuille inconnue : ignorée"), WARNING) for name in others]
        tables = {s.key: _rows(s, *sheets[norm(s.name)], report) if norm(s.name) in sheets else [] for s in SHEETS}
        if not tables["actions"]:
            raise _Fatal(Problem(sheets["actions"][0], 0, "", _("la feuille « Actions » est vide")))
    except _Fatal as error:
        report.problems.append(error.problem)
        report.fatal = True
        return report
    _Checker(report, tables, referential).run()
    order = {norm(spec.name): position for position, spec in enumerate(SHEETS)}
    report.problems.sort(key=lambda p: (order.get(norm(p.sheet), -1), p.row, p.level != ERROR))
    return report


def _error(row: _Row, column: str, message: str) -> None:
    row.errors.append(Problem(row.sheet, row.number, column, message))


Links = dict[str, list[tuple[_Row, Any]]]  # action key -> [(link row, target row or service code)]


class _Checker:
    def __init__(self, report: Report, tables: dict[str, list[_Row]], referential: Referential) -> None:
        self.report = report
        self.tables = tables
        self.codes = {code.upper(): (code, level) for code, level in referential.items.values_list("code", "level")}

    def _warn(self, row: _Row, column: str, message: str) -> None:
        self.report.problems.append(Problem(row.sheet, row.number, column, message, WARNING))

    def run(self) -> None:
        by_ref = self._unique("actions")
        places, people = self._unique("lieux"), self._unique("personnes")
        for row in self.tables["services"]:
            if row.values.get("code"):
                self._service_code(row, "code", row.values["code"])
        for row in self.tables["actions"]:
            start, end = row.values.get("date_debut"), row.values.get("date_fin")
            if start and end and end < start:
                _error(row, "date_fin", _("la fin précède le début"))
            self._commune(row)
        for row in self.tables["lieux"]:
            self._place(row)
        for row in self.tables["personnes"]:
            if not any(row.values.get(c) for c in ("courriel", "telephone", "service")):
                self._warn(row, "courriel", _("ni courriel, ni téléphone, ni service : comment la joindre ?"))
        to_places = self._links("actions_lieux", "lieu", by_ref, places)
        to_people = self._links("actions_personnes", "personne", by_ref, people)
        to_services = self._links("actions_services", "service", by_ref, None)
        self._unused(places, to_places, _("ce lieu n'est relié à aucune action"))
        self._unused(people, to_people, _("cette personne n'est reliée à aucune action"))
        for row in self.tables["actions"]:
            key = (row.values.get("ref") or "").casefold()
            linked = by_ref.get(key) is row  # a duplicate's links belong to the first row with that ref
            self.report.drafts.append(
                self._draft(
                    row, *(links.get(key, []) if linked else [] for links in (to_places, to_people, to_services))
                )
            )
        for rows in self.tables.values():
            for row in rows:
                self.report.problems.extend(row.errors)

    def _unique(self, table: str) -> dict[str, _Row]:
        """Rows by their ref (case does not count); a ref used twice rejects both rows."""
        found: dict[str, _Row] = {}
        for row in self.tables[table]:
            ref = row.values.get("ref")
            first = found.setdefault(ref.casefold(), row) if ref else row
            if first is not row:
                _error(row, "ref", _("« %(ref)s » est déjà utilisé ligne %(row)s") % {"ref": ref, "row": first.number})
                if not any(p.column == "ref" for p in first.errors):
                    _error(
                        first, "ref", _("« %(ref)s » est utilisé aussi ligne %(row)s") % {"ref": ref, "row": row.number}
                    )
        return found

    def _service_code(self, row: _Row, column: str, code: str) -> str:
        known = self.codes.get(code.upper())
        if known is None:
            _error(row, column, _("service « %s » inconnu du référentiel en vigueur") % code)
        elif known[1] != Item.Level.SERVICE:
            _error(
                row,
                column,
                _("« %(code)s » est un élément de niveau « %(level)s », pas un service")
                % {"code": known[0], "level": known[1]},
            )
        else:
            return known[0]
        return ""

    def _commune(self, row: _Row) -> None:
        insee = row.values.get("insee")
        if insee and communes.lookup(insee) is None:
            self._warn(
                row, "insee", _("commune inconnue (code INSEE %s) : l'action sera signalée aux modérateurs") % insee
            )

    def _place(self, row: _Row) -> None:
        self._commune(row)
        lat, lon = row.values.get("latitude"), row.values.get("longitude")
        if lat is None or lon is None:
            return
        where = communes.departement_at(lat, lon)
        insee = row.values.get("insee")
        expected = communes.departement_of(insee) if insee else ""
        if where is None:
            self._warn(
                row,
                "latitude",
                _("coordonnées hors de France (%(lat)s, %(lon)s) : l'action sera signalée aux modérateurs")
                % {"lat": lat, "lon": lon},
            )
        elif expected and where != expected and not expected.startswith("97"):
            self._warn(
                row,
                "latitude",
                _("coordonnées dans le département %(found)s, pas dans celui de la commune (%(dep)s)")
                % {"found": where, "dep": expected},
            )

    def _links(self, table: str, column: str, by_ref: dict[str, _Row], targets: dict[str, _Row] | None) -> Links:
        """The rows of a link sheet by action; a link to an unknown ref is an error, the same link twice a warning."""
        result: Links = {}
        seen: set[tuple[str, str]] = set()
        sheet = {"lieu": "Lieux", "personne": "Personnes"}.get(column, "")
        for row in self.tables[table]:
            ref, target_ref = row.values.get("action"), row.values.get(column)
            if ref and ref.casefold() not in by_ref:
                _error(row, "action", _("action « %s » absente de la feuille Actions") % ref)
            target: Any = None
            if target_ref and targets is None:
                target = self._service_code(row, column, target_ref)
            elif target_ref and targets is not None:
                target = targets.get(target_ref.casefold())
                if target is None:
                    _error(
                        row,
                        column,
                        _("« %(ref)s » absent de la feuille %(sheet)s") % {"ref": target_ref, "sheet": sheet},
                    )
            pair = ((ref or "").casefold(), (target_ref or "").casefold())
            if row.ok and pair in seen:
                self._warn(row, column, _("lien en double : ignoré"))
            elif ref:
                seen.add(pair)
                result.setdefault(ref.casefold(), []).append((row, target))
        return result

    def _unused(self, rows: dict[str, _Row], links: Links, message: str) -> None:
        used = {id(target) for pairs in links.values() for _link, target in pairs}
        for row in rows.values():
            if id(row) not in used:
                self._warn(row, "ref", message)

    @staticmethod
    def _one(links: list[tuple[_Row, Any]], column: str, message: str) -> _Row | None:
        """The one target of a link sheet for an action (a second one is an error on its link row)."""
        for link, _target in links[1:]:
            _error(link, column, message % {"row": links[0][0].number})
        return links[0][1] if links else None

    def _draft(
        self,
        row: _Row,
        places: list[tuple[_Row, Any]],
        people: list[tuple[_Row, Any]],
        services: list[tuple[_Row, Any]],
    ) -> Draft:
        place = self._one(places, "lieu", _("l'action a déjà un lieu (ligne %(row)s) : une fiche n'en a qu'un"))
        person = self._one(
            people, "personne", _("l'action a déjà une personne à contacter (ligne %(row)s) : une fiche n'en a qu'une")
        )
        principal = [link for link, _code in services if link.values.get("principal")]
        for link in principal[1:]:
            _error(link, "principal", _("l'action a déjà un service principal (ligne %s)") % principal[0].number)
        values = row.values
        fields = {c.field: values.get(c.name) for c in SHEETS[0].columns if c.field and values.get(c.name)}
        if place is not None:
            fields.update(lat=place.values["latitude"], lon=place.values["longitude"])
            fields.setdefault("insee", place.values.get("insee") or "")
        if person is not None:
            contact = {"contact_name": "nom", "contact_email": "courriel", "contact_phone": "telephone"}
            fields.update({name: person.values[c] for name, c in contact.items() if person.values.get(c)})
            if person.values.get("service"):
                fields.setdefault("contact_service", person.values["service"])
        if row.ok and not fields.get("insee") and place is None:
            _error(row, "insee", _("indiquez le code INSEE de la commune ou reliez un lieu (feuille Actions_Lieux)"))
        for other in [*(link for link, _t in [*places, *people, *services]), *(t for t in (place, person) if t)]:
            if not other.ok:
                _error(
                    row,
                    "ref",
                    _("fiche rejetée : la ligne %(row)s de la feuille %(sheet)s est rejetée")
                    % {"row": other.number, "sheet": other.sheet},
                )
        codes = [code for link, code in sorted(services, key=lambda s: not s[0].values.get("principal")) if code]
        return Draft(
            ref=values.get("ref") or "",
            row=row.number,
            fields=fields,
            services=list(dict.fromkeys(codes)),
            rejected=not row.ok,
        )


# --- writing ----------------------------------------------------------------------------------------------------


@transaction.atomic
def write(report: Report, *, user: AnyUser, referential: Referential, partial: bool = False) -> list[Action]:
    """Save the importable drafts as submitted actions of ``user`` (and of their first organisation).

    An action given services gets them as its proposed classification (no confidence: the submitter chose them),
    with the enjeux above them; the others get the automatic proposal."""
    drafts = report.importable(partial)
    organisations = list(roles_by_organisation(user))
    items = {i.code: i for i in referential.items.filter(level=Item.Level.SERVICE).select_related("parent__parent")}
    written = []
    for draft in drafts:
        action = Action(referential=referential, state=Action.State.SUBMITTED, **draft.fields)
        action.submitted_by = user  # type: ignore[assignment]
        action.organisation_id = organisations[0] if organisations else None
        actions.save(action, propose=not draft.services)
        if draft.services:
            _suggest(action, [items[code] for code in draft.services if code in items])
        written.append(action)
    return written


def _suggest(action: Action, services: Sequence[Item]) -> None:
    enjeux = [s.parent.parent for s in services if s.parent is not None and s.parent.parent is not None]
    enjeux = list({e.pk: e for e in enjeux}.values())
    proposed = Classification.Source.PROPOSED
    rows = [
        Classification(action=action, item=item, level=item.level, source=proposed, confidence=None, rank=rank)
        for group in (enjeux, services)
        for rank, item in enumerate(group)
    ]
    Classification.objects.bulk_create(rows)
    action.main_enjeu = enjeux[0].code if enjeux else ""
    action.main_service = services[0].code if services else ""
    Action.objects.filter(pk=action.pk).update(main_enjeu=action.main_enjeu, main_service=action.main_service)
