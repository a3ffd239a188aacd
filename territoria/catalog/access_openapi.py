"""The access API's part of the OpenAPI 3.1 document (see access_api.py)."""

from __future__ import annotations

from typing import Any

TAGS = ["Accès"]
DATASET_ID = {
    "name": "dataset_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
    "example": "friches",
}
GRANT_ID = {"name": "grant_id", "in": "path", "required": True, "schema": {"type": "integer"}, "example": 12}
SECURITY: list[dict[str, list[str]]] = [{"apikey": []}]


def _error(status: int, code: str, message: str) -> dict[str, Any]:
    return {
        "description": message,
        "content": {
            "application/json": {
                "schema": {"$ref": "#/components/schemas/Error"},
                "example": {"error_code": code, "message": message, "status": status},
            }
        },
    }


REFUSALS = {
    "400": {"$ref": "#/components/responses/BadRequest"},
    "401": _error(401, "Unauthorized", "Connectez-vous ou envoyez une clé d'API pour gérer les accès."),
    "403": _error(
        403, "Forbidden", "Seuls les éditeurs et administrateurs de l'organisation gèrent les accès de ce jeu."
    ),
    "404": _error(404, "NotFound", "Aucun jeu de données « friches »."),
}

SCHEMAS: dict[str, Any] = {
    "Grant": {
        "type": "object",
        "required": ["id", "person", "group", "role", "created"],
        "properties": {
            "id": {"type": "integer"},
            "person": {"type": ["string", "null"], "description": "Identifiant de la personne, ou null."},
            "group": {
                "type": ["object", "null"],
                "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
            },
            "role": {"type": "string", "enum": ["read", "edit"]},
            "created": {"type": "string", "format": "date-time"},
        },
    },
    "DatasetAccess": {
        "type": "object",
        "required": ["dataset_id", "visibility", "published", "grants", "groups"],
        "properties": {
            "dataset_id": {"type": "string"},
            "visibility": {"type": "string", "enum": ["public", "metadata", "internal", "restricted"]},
            "published": {"type": "boolean"},
            "grants": {"type": "array", "items": {"$ref": "#/components/schemas/Grant"}},
            "groups": {
                "type": "array",
                "description": "Les groupes de l'organisation à qui le jeu peut être ouvert.",
                "items": {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}},
            },
        },
    },
}


def _ok(schema: str, status: str = "200") -> dict[str, Any]:
    return {
        status: {
            "description": "Réussi.",
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
        }
    }


PATHS: dict[str, Any] = {
    "/api/catalog/v1/datasets/{dataset_id}/access": {
        "get": {
            "operationId": "getDatasetAccess",
            "tags": TAGS,
            "summary": "Visibilité et droits d'accès d'un jeu de données",
            "security": SECURITY,
            "parameters": [DATASET_ID],
            "responses": {**_ok("DatasetAccess"), **REFUSALS},
        },
        "post": {
            "operationId": "setDatasetVisibility",
            "tags": TAGS,
            "summary": "Changer la visibilité d'un jeu de données",
            "security": SECURITY,
            "parameters": [DATASET_ID],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["visibility"],
                            "properties": {
                                "visibility": {
                                    "type": "string",
                                    "enum": ["public", "metadata", "internal", "restricted"],
                                }
                            },
                        },
                        "example": {"visibility": "metadata"},
                    }
                },
            },
            "responses": {**_ok("DatasetAccess"), **REFUSALS},
        },
    },
    "/api/catalog/v1/datasets/{dataset_id}/access/grants": {
        "post": {
            "operationId": "createGrant",
            "tags": TAGS,
            "summary": "Ouvrir un jeu de données à une personne ou à un groupe",
            "description": "`person` (identifiant ou courriel d'un compte actif) ou `group` (un groupe de "
            "l'organisation du jeu) ; `role` : `read` (lecture des données) ou `edit` (collaborateur).",
            "security": SECURITY,
            "parameters": [DATASET_ID],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "person": {"type": "string"},
                                "group": {"type": "integer"},
                                "role": {"type": "string", "enum": ["read", "edit"], "default": "read"},
                            },
                        },
                        "example": {"person": "agathe.agent@ville.fr", "role": "read"},
                    }
                },
            },
            "responses": {**_ok("Grant", "201"), **REFUSALS},
        }
    },
    "/api/catalog/v1/datasets/{dataset_id}/access/grants/{grant_id}": {
        "delete": {
            "operationId": "deleteGrant",
            "tags": TAGS,
            "summary": "Retirer un droit d'accès",
            "security": SECURITY,
            "parameters": [DATASET_ID, GRANT_ID],
            "responses": {**_ok("DatasetAccess"), **REFUSALS},
        }
    },
}
