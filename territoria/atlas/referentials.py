"""Referentials: the default one shipped with Territoria, import (CSV or XLSX) as a new version, export.

A referential file has one row per element, with the columns ``niveau`` (axe, enjeu, usage, service), ``code``,
``parent`` (the code of the element above; empty for an axe), ``libelle``, ``description`` and ``mots_cles``
(separated by « | »). Importing never changes an existing version: it checks the whole file, then writes a new
version in one transaction, and carries confirmed classifications over by code.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from territoria.atlas.models import Action, Classification, Item, Referential

DEFAULT_FILE = Path(__file__).resolve().parent / "data" / "referentiel.csv"
DEFAULT_SLUG = "territoria"
COLUMNS = ["niveau", "code", "parent", "libelle", "description", "mots_cles"]
PARENT_LEVEL = {"axe": "", "enjeu": "axe", "usage": "enjeu", "service": "usage"}
MAX_ROWS = 5_000


@dataclass
class RowError:
    row: int  # line of the file (header = 1) or of the sheet
    column: str
    message: str

    def __str__(self) -> str:
        return _("ligne %(row)s, colonne « %(column)s » : %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


class ReferentialError(ValueError):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(str(e) for e in errors[:20]))
        self.errors = errors


def read_rows(data: bytes, filename: str) -> list[dict[str, str]]:
    """The rows of a CSV (UTF-8 or Windows-1252, any of , ; tab) or XLSX/ODS file, keys lower-cased."""
    name = filename.lower()
    if name.endswith((".xlsx", ".xls", ".ods")):
        from python_calamine import CalamineWorkbook

        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
        if not sheet:
            return []
        header = [str(h).strip().lower() for h in sheet[0]]
        return [{header[i]: _cell(value) for i, value in enumerate(row) if i < len(header)} for row in sheet[1:]]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t") if text.strip() else csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    return [{(k or "").strip().lower(): (v or "").strip() for k, v in row.items()} for row in reader]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def validate(rows: list[dict[str, str]]) -> list[RowError]:
    errors: list[RowError] = []
    if not rows:
        return [RowError(1, "niveau", _("le fichier ne contient aucune ligne"))]
    missing = [c for c in ("niveau", "code", "parent", "libelle") if c not in rows[0]]
    if missing:
        return [RowError(1, c, _("colonne absente ; colonnes attendues : %s") % ", ".join(COLUMNS)) for c in missing]
    if len(rows) > MAX_ROWS:
        return [RowError(MAX_ROWS + 2, "code", _("plus de %s lignes") % MAX_ROWS)]
    levels: dict[str, str] = {}
    for number, row in enumerate(rows, start=2):
        code, level = row.get("code", ""), row.get("niveau", "").lower()
        if level not in PARENT_LEVEL:
            errors.append(RowError(number, "niveau", _("« %s » : attendu axe, enjeu, usage ou service") % level))
        if not code:
            errors.append(RowError(number, "code", _("code vide")))
        elif len(code) > 30:
            errors.append(RowError(number, "code", _("code de plus de 30 caractères")))
        elif code in levels:
            errors.append(RowError(number, "code", _("code « %s » en double") % code))
        if not row.get("libelle"):
            errors.append(RowError(number, "libelle", _("libellé vide")))
        levels[code] = level
    for number, row in enumerate(rows, start=2):
        level, parent = row.get("niveau", "").lower(), row.get("parent", "")
        expected = PARENT_LEVEL.get(level)
        if expected is None:
            continue
        if not expected and parent:
            errors.append(RowError(number, "parent", _("un axe n'a pas de parent")))
        elif expected and parent not in levels:
            errors.append(RowError(number, "parent", _("parent « %s » inconnu") % parent))
        elif expected and levels[parent] != expected:
            errors.append(
                RowError(
                    number,
                    "parent",
                    _("le parent d'un %(level)s doit être un %(expected)s") % {"level": level, "expected": expected},
                )
            )
    if not any(r.get("niveau", "").lower() == "service" for r in rows):
        errors.append(RowError(1, "niveau", _("aucun service : il en faut au moins un")))
    return errors


@transaction.atomic
def import_rows(
    rows: list[dict[str, str]],
    *,
    slug: str,
    name: str,
    description: str = "",
    source: str = "",
    organisation_id: int | None = None,
    make_current: bool = True,
) -> Referential:
    """Checks every row, then writes a new version of ``slug`` (nothing is written when a row is wrong)."""
    errors = validate(rows)
    if errors:
        raise ReferentialError(errors)
    previous = Referential.objects.filter(slug=slug).order_by("-version").first()
    referential = Referential.objects.create(
        slug=slug,
        version=(previous.version + 1) if previous else 1,
        name=name or (previous.name if previous else slug),
        description=description or (previous.description if previous else ""),
        source=source,
        organisation_id=organisation_id
        if organisation_id is not None
        else (previous.organisation_id if previous else None),
        is_default=previous.is_default if previous else slug == DEFAULT_SLUG,
        is_current=False,
    )
    items: dict[str, Item] = {}
    for position, row in enumerate(rows):
        items[row["code"]] = Item(
            referential=referential,
            level=row["niveau"].lower(),
            code=row["code"],
            label=row["libelle"][:200],
            description=row.get("description", ""),
            keywords=row.get("mots_cles", ""),
            position=position,
        )
    Item.objects.bulk_create(items.values())
    saved = {i.code: i for i in Item.objects.filter(referential=referential)}
    for row in rows:
        if row.get("parent"):
            saved[row["code"]].parent = saved[row["parent"]]
    Item.objects.bulk_update([i for i in saved.values() if i.parent_id], ["parent"])
    if make_current:
        activate(referential)
    return referential


@transaction.atomic
def activate(referential: Referential) -> None:
    """Make ``referential`` the version in force: actions move to it, their classifications follow by code
    (a code the new version no longer has is dropped from the action, and the action's page says so)."""
    older = list(Referential.objects.filter(slug=referential.slug).exclude(pk=referential.pk))
    Referential.objects.filter(pk__in=[r.pk for r in older]).update(is_current=False)
    Referential.objects.filter(pk=referential.pk).update(is_current=True)
    referential.is_current = True
    if not older:
        return
    new_items = {i.code: i.pk for i in referential.items.all()}
    moved = Classification.objects.filter(action__referential__in=older).select_related("item")
    fresh = [
        Classification(
            action_id=c.action_id,
            item_id=new_items[c.item.code],
            level=c.level,
            source=c.source,
            confidence=c.confidence,
            rank=c.rank,
        )
        for c in moved
        if c.item.code in new_items
    ]
    Classification.objects.filter(action__referential__in=older).delete()
    Classification.objects.bulk_create(fresh, ignore_conflicts=True)
    moved_ids = list(Action.objects.filter(referential__in=older).values_list("pk", flat=True))
    Action.objects.filter(pk__in=moved_ids).update(referential=referential)
    refresh_codes(moved_ids)


def refresh_codes(action_ids: list[int]) -> None:
    """Rewrite the denormalised codes of these actions from their confirmed classifications."""
    tagged: dict[int, list[str]] = {pk: [] for pk in action_ids}
    rows = (
        Classification.objects.filter(action_id__in=action_ids, source=Classification.Source.CONFIRMED)
        .order_by("action_id", "level", "rank")
        .values_list("action_id", "level", "item__code")
    )
    for action_id, level, code in rows:
        tagged[action_id].append(f"{level[0]}:{code}")
    updates = [Action(pk=pk, codes=f" {' '.join(codes)} " if codes else "") for pk, codes in tagged.items()]
    Action.objects.bulk_update(updates, ["codes"], batch_size=1_000)


def current(slug: str | None = None) -> Referential | None:
    """The version in force of ``slug``; without one, of the installation's referential
    (TERRITORIA_ATLAS_REFERENTIAL), else of the default one."""
    query = Referential.objects.filter(is_current=True)
    if slug:
        return query.filter(slug=slug).first()
    chosen = query.filter(slug=getattr(settings, "ATLAS_REFERENTIAL", DEFAULT_SLUG)).first()
    return chosen or query.order_by("-is_default", "slug").first()


def load_default(path: Path = DEFAULT_FILE) -> Referential | None:
    """Install the referential shipped with Territoria, once (used by the demo and by ``atlas_referential``)."""
    if Referential.objects.filter(slug=DEFAULT_SLUG).exists() or not path.exists():
        return current(DEFAULT_SLUG)
    rows = read_rows(path.read_bytes(), path.name)
    return import_rows(
        rows,
        slug=DEFAULT_SLUG,
        name=_("Référentiel Territoria des actions numériques locales"),
        description=_(
            "Référentiel par défaut : 4 axes, 16 enjeux de développement, leurs usages et services numériques."
        ),
        source="Territoria",
    )


def export_rows(referential: Referential) -> Iterator[list[str]]:
    yield COLUMNS
    for item in referential.items.select_related("parent").order_by("position"):
        yield [
            item.level,
            item.code,
            item.parent.code if item.parent else "",
            item.label,
            item.description,
            item.keywords,
        ]


def export_csv(referential: Referential) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows(export_rows(referential))
    return out.getvalue().encode("utf-8")


def export_xlsx(referential: Referential) -> bytes:
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    sheet = book.add_worksheet(_("Référentiel")[:31])
    bold = book.add_format({"bold": True})
    for r, row in enumerate(export_rows(referential)):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value, bold if r == 0 else None)
    sheet.set_column(0, 2, 10)
    sheet.set_column(3, 3, 40)
    sheet.set_column(4, 5, 60)
    book.close()
    return out.getvalue()


def tree(referential: Referential) -> list[tuple[Item, list[tuple[Item, list[tuple[Item, list[Item]]]]]]]:
    """axes → enjeux → usages → services, in file order."""
    items = list(referential.items.order_by("position"))
    children: dict[int | None, list[Item]] = {}
    for item in items:
        children.setdefault(item.parent_id, []).append(item)
    return [
        (
            axe,
            [
                (enjeu, [(usage, children.get(usage.pk, [])) for usage in children.get(enjeu.pk, [])])
                for enjeu in children.get(axe.pk, [])
            ],
        )
        for axe in children.get(None, [])
    ]


def elements(referential: Referential) -> Iterable[Item]:
    return referential.items.select_related("parent").order_by("position")
