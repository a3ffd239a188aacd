"""The one JSON error shape of every Territoria API.

    {"error_code": "InvalidParameter", "message": "...", "status": 400,
     "parameter": "limit", "position": 3, "expected": ["..."]}

``error_code`` and ``message`` follow the Opendatasoft Explore API so that
existing clients keep reading errors; the other keys are optional details.
"""

from __future__ import annotations

from typing import Any

from django.http import JsonResponse
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


class ApiError(Exception):
    """Raised by API code; turned into the JSON error shape by ApiErrorMiddleware."""

    status = 400
    error_code = "InvalidParameter"

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        error_code: str | None = None,
        parameter: str | None = None,
        position: int | None = None,
        expected: list[str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        if error_code is not None:
            self.error_code = error_code
        self.parameter = parameter
        self.position = position
        self.expected = expected

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"error_code": self.error_code, "message": self.message, "status": self.status}
        if self.parameter is not None:
            body["parameter"] = self.parameter
        if self.position is not None:
            body["position"] = self.position
        if self.expected:
            body["expected"] = self.expected
        return body


class NotFound(ApiError):
    status = 404
    error_code = "NotFound"


class Forbidden(ApiError):
    """The caller may know the resource exists but not read it (a 404 is used when they may not even know)."""

    status = 403
    error_code = "Forbidden"


class Unauthorized(ApiError):
    status = 401
    error_code = "Unauthorized"


def error_response(error: ApiError) -> JsonResponse:
    return JsonResponse(error.as_dict(), status=error.status, json_dumps_params={"ensure_ascii": False})


def is_api_path(path: str) -> bool:
    return path.startswith(API_PREFIX)


def generic_error(status: int) -> ApiError:
    """The error shape for statuses raised outside API code (unknown URL, wrong method, crash)."""
    known = {
        400: ("BadRequest", _("Requête invalide.")),
        403: ("Forbidden", _("Vous n'avez pas le droit d'accéder à cette ressource.")),
        404: ("NotFound", _("Aucune ressource à cette adresse de l'API.")),
        405: ("MethodNotAllowed", _("Méthode HTTP non acceptée par ce point d'accès.")),
        500: ("InternalError", _("Erreur interne ; elle a été consignée. Réessayez plus tard.")),
    }
    code, message = known.get(status, ("Error", _("Erreur.")))
    return ApiError(message, status=status, error_code=code)
