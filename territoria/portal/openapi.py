"""The OpenAPI 3.1 document of every API, assembled from each part's ``openapi`` module."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from territoria import __version__
from territoria.accounts import openapi as accounts_openapi
from territoria.atlas import openapi as atlas_openapi
from territoria.catalog import access_openapi
from territoria.catalog import openapi as catalog_openapi
from territoria.ingest import openapi as ingest_openapi
from territoria.records import openapi as records_openapi
from territoria.viz import openapi as viz_openapi

PARTS = [
    catalog_openapi,
    access_openapi,
    ingest_openapi,
    records_openapi,
    viz_openapi,
    atlas_openapi,
    accounts_openapi,
]

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error_code", "message", "status"],
    "properties": {
        "error_code": {"type": "string", "example": "ODSQLError"},
        "message": {"type": "string", "description": "Message en français, à montrer tel quel."},
        "status": {"type": "integer"},
        "parameter": {"type": "string", "description": "Le paramètre en cause."},
        "position": {"type": "integer", "description": "Position (à partir de 1) dans l'expression."},
        "expected": {"type": "array", "items": {"type": "string"}},
    },
}


def document(request: HttpRequest) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {"Error": ERROR_SCHEMA}
    for part in PARTS:
        paths.update(part.PATHS)
        schemas.update(part.SCHEMAS)

    def error(description: str, example: dict[str, Any]) -> dict[str, Any]:
        return {
            "description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}, "example": example}},
        }

    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Territoria API",
            "version": __version__,
            "description": "API du portail : catalogue au format Explore API v2.1 d'Opendatasoft.",
            "license": {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
        },
        "servers": [{"url": request.build_absolute_uri("/").rstrip("/")}],
        "paths": paths,
        # Optional: without a key the API serves public data; with one, what its owner may read or write.
        "security": [{}, {"apikey": []}],
        "components": {
            "securitySchemes": accounts_openapi.SECURITY_SCHEMES,
            "schemas": schemas,
            "responses": {
                "BadRequest": error(
                    "Paramètre invalide.",
                    {
                        "error_code": "InvalidParameter",
                        "message": "« limit » doit être compris entre -1 et 100 (reçu : 500).",
                        "status": 400,
                        "parameter": "limit",
                    },
                ),
                "NotFound": error(
                    "Ressource inconnue ou non visible.",
                    {"error_code": "NotFound", "message": "Aucun jeu de données « x ».", "status": 404},
                ),
                "Forbidden": error(
                    "Données réservées : seule la fiche du jeu est publique.",
                    {
                        "error_code": "Forbidden",
                        "message": "Les données de ce jeu sont réservées aux personnes autorisées ; connectez-vous "
                        "ou demandez l'accès.",
                        "status": 403,
                        "parameter": "dataset_id",
                    },
                ),
            },
        },
    }


def operations(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """A flat list of operations, for the browsable reference page."""
    rows = []
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            rows.append({"path": path, "method": method.upper(), **op})
    return rows
