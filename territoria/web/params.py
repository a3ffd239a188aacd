"""Reading API query parameters strictly: a bad value is an ApiError naming the parameter."""

from __future__ import annotations

from django.http import QueryDict
from django.utils.translation import gettext as _

from territoria.web.errors import ApiError


def get_int(params: QueryDict, name: str, default: int, minimum: int, maximum: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(
            _("« %(name)s » doit être un nombre entier, pas « %(value)s ».") % {"name": name, "value": raw[:50]},
            parameter=name,
        ) from None
    if not minimum <= value <= maximum:
        raise ApiError(
            _("« %(name)s » doit être compris entre %(min)d et %(max)d (reçu : %(value)d).")
            % {"name": name, "min": minimum, "max": maximum, "value": value},
            parameter=name,
        )
    return value


def reject_unknown(params: QueryDict, allowed: set[str]) -> None:
    """Unknown parameters are errors: a typo must not silently return everything."""
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise ApiError(
            _("Paramètre inconnu : « %(name)s ». Paramètres acceptés : %(allowed)s.")
            % {"name": unknown[0], "allowed": ", ".join(sorted(allowed))},
            parameter=unknown[0],
        )


def get_bool(params: QueryDict, name: str, default: bool) -> bool:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"true", "1"}:
        return True
    if raw.lower() in {"false", "0"}:
        return False
    raise ApiError(_("« %(name)s » accepte true ou false.") % {"name": name}, parameter=name)


CSV_DELIMITERS = (",", ";", "\t", "|")


def get_delimiter(params: QueryDict, name: str = "delimiter") -> str:
    """The CSV delimiter of an export: , (default) ; tab or |."""
    delimiter = params.get(name, ",")
    if delimiter not in CSV_DELIMITERS:
        raise ApiError(_("« delimiter » accepte « , », « ; », tabulation ou « | »."), parameter=name)
    return delimiter
