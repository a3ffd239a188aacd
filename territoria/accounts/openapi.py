"""The accounts API's part of the OpenAPI 3.1 document, and the API-key security scheme."""

from __future__ import annotations

from typing import Any

TAGS = ["Compte"]

# components.securitySchemes of the document (portal/openapi.py): how a key is sent.
SECURITY_SCHEMES: dict[str, Any] = {
    "apikey": {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": "Clé d'API créée dans « Mon compte » (`/compte/cles/`), envoyée comme "
        "`Authorization: Apikey terr_…` (convention Opendatasoft) ou `Authorization: Bearer terr_…`. "
        "Portée `read` : lectures seulement ; `write` : aussi les dépôts et publications. Sans clé, l'API reste "
        "ouverte aux données publiques. Ne jamais la mettre dans l'adresse (`?apikey=terr_…` est refusé).",
    }
}

UNAUTHORIZED = {
    "description": "Clé d'API mal formée, inconnue, révoquée ou expirée, ou ni clé ni session.",
    "content": {
        "application/json": {
            "schema": {"$ref": "#/components/schemas/Error"},
            "example": {
                "error_code": "Unauthorized",
                "message": "Cette clé d'API a expiré le 01/03/2025 ; créez-en une autre dans « Mon compte ».",
                "status": 401,
            },
        }
    },
}

SCHEMAS: dict[str, Any] = {
    "Me": {
        "type": "object",
        "required": ["username", "organisations", "groups", "authentication", "token"],
        "properties": {
            "username": {"type": "string", "example": "c.martin"},
            "name": {"type": "string", "example": "Claire Martin"},
            "is_staff": {"type": "boolean"},
            "organisations": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string", "example": "ville-exemple"},
                        "name": {"type": "string"},
                        "role": {"type": "string", "enum": ["admin", "editor", "agent"]},
                    },
                },
            },
            "groups": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"name": {"type": "string"}, "organisation": {"type": "string"}},
                },
            },
            "authentication": {"type": "string", "enum": ["apikey", "session"]},
            "token": {
                "type": ["object", "null"],
                "description": "La clé utilisée (null pour une session).",
                "properties": {
                    "name": {"type": "string"},
                    "prefix": {"type": "string", "example": "terr_Xb3kQ9a"},
                    "scope": {"type": "string", "enum": ["read", "write"]},
                    "created": {"type": "string", "format": "date-time"},
                    "expires": {"type": ["string", "null"], "format": "date-time"},
                },
            },
        },
    }
}

PATHS: dict[str, Any] = {
    "/api/accounts/v1/me": {
        "get": {
            "operationId": "getMe",
            "tags": TAGS,
            "summary": "Qui suis-je ? Tester une clé d'API",
            "description": "La personne que l'API reconnaît (par sa clé ou sa session), ses organisations et "
            "rôles, ses groupes, et la portée de la clé utilisée.",
            "security": [{"apikey": []}],
            "responses": {
                "200": {
                    "description": "La personne reconnue.",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Me"}}},
                },
                "400": {"$ref": "#/components/responses/BadRequest"},
                "401": UNAUTHORIZED,
            },
        }
    }
}
