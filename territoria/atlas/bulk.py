"""Bulk import of fiches-actions from an XLSX workbook: reading, checking every row, writing the valid actions.

The workbook (docs/atlas-import.md) has the sheets Actions, Lieux, Personnes, Services and the link sheets
Actions_Lieux, Actions_Personnes, Actions_Services. It is read with python-calamine: a formula is read as the value
Excel last computed and saved, never evaluated. Each problem names the sheet, the row as Excel numbers it, the
column, and says in French what is wrong. An *error* rejects its row and the action the row belongs to; a
*warning* (unknown commune, coordinates outside France) keeps the action, which is flagged for the moderators.
A workbook that does not follow the template (no Actions sheet, a required column missing, too large) is
rejected whole. ``write`` saves the actions as submitted (moderation) in one transaction: all of them, or, when
asked, the valid ones only.

The layout of the workbook (``SHEETS``, ``HELP``) is in territoria/atlas/bulk_layout.py, the cell readers
(``PARSERS``, ``parse``) in territoria/atlas/bulk_cells.py; their public names are importable from here too.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from territoria.accounts.services import AnyUser, roles_by_organisation
from territoria.atlas import actions, communes
from territoria.atlas.bulk_cells import (
    EXCEL_EPOCH,
    INSEE,
    NO,
    PARSERS,
    PHONE,
    STATUS,
    TERRITORY,
    YES,
    Invalid,
    norm,
    parse,
)
from territoria.atlas.bulk_layout import HELP, IGNORED_SHEETS, SHEETS, Column, SheetSpec, StrOrPromise
from territoria.atlas.models import Action, Classification, Item, Referential

__all__ = [
    "ERROR",
    "EXCEL_EPOCH",
    "HELP",
    "IGNORED_SHEETS",
    "INSEE",
    "MAX_ACTIONS",
    "MAX_COLUMNS",
    "MAX_FILE_SIZE",
    "MAX_ROWS",
    "MAX_UNPACKED",
    "NO",
    "PARSERS",
    "PHONE",
    "SHEETS",
    "STATUS",
    "TERRITORY",
    "WARNING",
    "YES",
    "Column",
    "Draft",
    "Invalid",
    "Problem",
    "Report",
    "SheetSpec",
    "StrOrPromise",
    "check",
    "norm",
    "parse",
    "refused",
    "too_large",
    "write",
]

MAX_FILE_SIZE = 5 * 1024 * 1024  # bytes of the uploaded file
MAX_UNPACKED = 60 * 1024 * 1024  # bytes of the XML inside it: a small file must not unpack into gigabytes
MAX_ROWS = 2_000  # rows of data per sheet
MAX_ACTIONS = 500  # actions per workbook: each is placed and classified within one request (~35 ms each)
MAX_COLUMNS = 60
ERROR, WARNING = "error", "warning"

# --- the report -------------------------------------------------------------------------------------------------


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
        if len(tables["actions"]) > MAX_ACTIONS:
            raise _Fatal(
                Problem(sheets["actions"][0], 0, "", _("plus de %s fiches : découpez le classeur") % MAX_ACTIONS)
            )
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
