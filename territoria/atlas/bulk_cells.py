"""The cell readers of the bulk import: one per kind of column (text, dates, decimals, statut, territory type,
INSEE code, e-mail, phone, links…), each turning the value python-calamine read into what the column wants.

``parse`` reads one cell for its column (territoria/atlas/bulk_layout.py) and raises ``Invalid``, with a French
message, when the cell cannot be read.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.translation import gettext as _

from territoria.atlas.bulk_layout import Column
from territoria.atlas.models import Action


class Invalid(ValueError):
    """A cell that cannot be read as its column says; the message is French."""


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
