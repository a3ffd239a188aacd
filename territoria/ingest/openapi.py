"""The ingestion part of the OpenAPI 3.1 document."""

from __future__ import annotations

from typing import Any

ERRORS = {
    "400": {"$ref": "#/components/responses/BadRequest"},
    "401": {"$ref": "#/components/responses/BadRequest"},
    "403": {"$ref": "#/components/responses/BadRequest"},
    "404": {"$ref": "#/components/responses/NotFound"},
}
DATASET_ID = {"name": "dataset_id", "in": "path", "required": True, "schema": {"type": "string"}}
JOB_ID = {"name": "job_id", "in": "path", "required": True, "schema": {"type": "integer"}}
NUMBER = {"name": "number", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
JOB = {"description": "La tâche.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Job"}}}}
READ_OPTIONS = {
    "encoding": {"type": "string", "description": "Forcer l'encodage (utf-8, cp1252, latin-1, utf-16)."},
    "delimiter": {"type": "string", "description": "Forcer le séparateur (, ; tabulation |)."},
    "sheet": {"type": "string", "description": "Feuille d'un classeur (nom ou numéro à partir de 1)."},
    "header_row": {"type": "integer", "description": "Ligne d'en-tête (1 = première)."},
    "layer": {"type": "string", "description": "Couche d'un GeoPackage ou d'un KML."},
    "source_crs": {
        "type": "string",
        "description": "Système de coordonnées si la couche n'en déclare pas (EPSG:2154).",
    },
    "publish": {"type": "boolean", "description": "Publier la version si les contrôles le permettent."},
}

PATHS: dict[str, Any] = {
    "/api/ingest/v1/datasets/{dataset_id}/uploads": {
        "post": {
            "operationId": "uploadFile",
            "tags": ["Ingestion"],
            "summary": "Déposer un fichier comme nouvelle version",
            "description": "Réservé aux éditeurs (session). Le fichier d'origine est conservé ; une tâche le lit, "
            "le type, le contrôle et crée une version. Réponse 202 : suivre `links.self`.",
            "parameters": [DATASET_ID],
            "requestBody": {
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "required": ["file"],
                            "properties": {"file": {"type": "string", "format": "binary"}, **READ_OPTIONS},
                        }
                    }
                },
            },
            "responses": {"202": JOB, "413": {"$ref": "#/components/responses/BadRequest"}, **ERRORS},
        }
    },
    "/api/ingest/v1/datasets/{dataset_id}/fetches": {
        "post": {
            "operationId": "fetchUrl",
            "tags": ["Ingestion"],
            "summary": "Télécharger une adresse web comme nouvelle version",
            "parameters": [DATASET_ID],
            "requestBody": {
                "required": True,
                "content": {
                    "application/x-www-form-urlencoded": {
                        "schema": {
                            "type": "object",
                            "required": ["url"],
                            "properties": {"url": {"type": "string", "format": "uri"}, **READ_OPTIONS},
                        }
                    }
                },
            },
            "responses": {"202": JOB, **ERRORS},
        }
    },
    "/api/ingest/v1/datasets/{dataset_id}/versions/{number}/personal-data": {
        "post": {
            "operationId": "removePersonalData",
            "tags": ["Ingestion"],
            "summary": "Créer une version sans une colonne de données personnelles (supprimée ou masquée)",
            "parameters": [DATASET_ID, NUMBER],
            "requestBody": {
                "required": True,
                "content": {
                    "application/x-www-form-urlencoded": {
                        "schema": {
                            "type": "object",
                            "required": ["column", "action"],
                            "properties": {
                                "column": {"type": "string"},
                                "action": {"type": "string", "enum": ["drop", "mask"]},
                            },
                        }
                    }
                },
            },
            "responses": {"201": {"description": "La nouvelle version (non publiée)."}, **ERRORS},
        }
    },
    "/api/ingest/v1/jobs/{job_id}": {
        "get": {
            "operationId": "getJob",
            "tags": ["Ingestion"],
            "summary": "Suivre une tâche (étape, lignes lues)",
            "parameters": [JOB_ID],
            "responses": {"200": JOB, **ERRORS},
        }
    },
    "/api/ingest/v1/jobs/{job_id}/retry": {
        "post": {
            "operationId": "retryJob",
            "tags": ["Ingestion"],
            "summary": "Relancer une tâche en échec",
            "parameters": [JOB_ID],
            "responses": {"202": JOB, "409": {"$ref": "#/components/responses/BadRequest"}, **ERRORS},
        }
    },
    "/api/ingest/v1/datasets/{dataset_id}/versions": {
        "get": {
            "operationId": "listVersions",
            "tags": ["Ingestion"],
            "summary": "Lister les versions",
            "parameters": [DATASET_ID],
            "responses": {"200": {"description": "Les versions."}, **ERRORS},
        }
    },
    "/api/ingest/v1/datasets/{dataset_id}/versions/{number}": {
        "get": {
            "operationId": "getVersion",
            "tags": ["Ingestion"],
            "summary": "Lire une version : colonnes et profil, rapport de qualité, données personnelles",
            "parameters": [DATASET_ID, NUMBER],
            "responses": {"200": {"description": "La version."}, **ERRORS},
        }
    },
    "/api/ingest/v1/datasets/{dataset_id}/versions/{number}/publish": {
        "post": {
            "operationId": "publishVersion",
            "tags": ["Ingestion"],
            "summary": "Publier une version (ou revenir à une version antérieure)",
            "description": "Refus 409 si des données personnelles non justifiées empêchent une publication "
            "publique ; envoyer `justification` pour l'enregistrer.",
            "parameters": [DATASET_ID, NUMBER],
            "responses": {
                "200": {"description": "Publiée."},
                "409": {"$ref": "#/components/responses/BadRequest"},
                **ERRORS,
            },
        }
    },
}

SCHEMAS: dict[str, Any] = {
    "Job": {
        "type": "object",
        "properties": {
            "job_id": {"type": "integer"},
            "dataset_id": {"type": "string"},
            "status": {"type": "string", "enum": ["queued", "running", "succeeded", "failed"]},
            "stage": {"type": "string"},
            "rows_read": {"type": "integer"},
            "message": {"type": "string"},
            "error": {"type": ["object", "null"], "description": "message, file, row, column"},
            "version": {"type": ["integer", "null"]},
            "published": {"type": "boolean"},
            "links": {"type": "object"},
        },
    }
}
