"""The catalogue's part of the OpenAPI 3.1 document."""

from __future__ import annotations

from typing import Any

from territoria.catalog import exports as catalog_exports
from territoria.catalog.facets import FACETS
from territoria.catalog.odsql import FIELDS

EXPORT_FORMATS = catalog_exports.CONTENT_TYPES
ERRORS = {
    "400": {"$ref": "#/components/responses/BadRequest"},
}


def _param(name: str, description: str, schema: dict[str, Any], example: Any = None, **extra: Any) -> dict[str, Any]:
    param: dict[str, Any] = {
        "name": name,
        "in": "query",
        "description": description,
        "schema": schema,
        **extra,
    }
    if example is not None:
        param["example"] = example
    return param


WHERE = _param(
    "where",
    "Filtre ODSQL sur les métadonnées. Champs : " + ", ".join(sorted(FIELDS)) + ". "
    "Une chaîne seule entre guillemets cherche dans tout le texte (accents et casse ignorés).",
    {"type": "string", "maxLength": 5000},
    "theme = \"Transports\" and modified >= date'2024-01-01'",
)
REFINE = _param(
    "refine",
    'Restreint à une valeur de facette, `facette:"valeur"` ; répétable (toutes doivent correspondre). '
    "Facettes : " + ", ".join(FACETS) + ".",
    {"type": "array", "items": {"type": "string"}},
    ['theme:"Transports"'],
    style="form",
    explode=True,
)
EXCLUDE = {
    **REFINE,
    "name": "exclude",
    "description": "Écarte une valeur de facette, même syntaxe que refine.",
}
LANG = _param("lang", "Langue des libellés (thèmes).", {"type": "string", "enum": ["fr", "en"], "default": "fr"})
DATASET_ID = {
    "name": "dataset_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
    "description": "Identifiant du jeu de données.",
    "example": "subventions-attribuees",
}

PATHS: dict[str, Any] = {
    "/api/explore/v2.1/catalog/datasets": {
        "get": {
            "operationId": "listDatasets",
            "tags": ["Catalogue"],
            "summary": "Chercher dans le catalogue",
            "description": "Liste les jeux de données visibles, filtrés, triés et paginés (forme Explore API v2.1).",
            "parameters": [
                WHERE,
                _param(
                    "order_by",
                    "Tri : champs séparés par des virgules, `asc` ou `desc`.",
                    {"type": "string"},
                    "modified desc",
                ),
                _param(
                    "limit",
                    "Nombre de résultats (−1 : le maximum).",
                    {"type": "integer", "minimum": -1, "maximum": 100, "default": 10},
                    10,
                ),
                _param(
                    "offset",
                    "Rang du premier résultat ; offset + limit ≤ 10 000.",
                    {"type": "integer", "minimum": 0, "default": 0},
                    0,
                ),
                REFINE,
                EXCLUDE,
                LANG,
            ],
            "responses": {
                "200": {
                    "description": "Les jeux de données.",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DatasetList"}}},
                },
                **ERRORS,
            },
        }
    },
    "/api/explore/v2.1/catalog/datasets/{dataset_id}": {
        "get": {
            "operationId": "getDataset",
            "tags": ["Catalogue"],
            "summary": "Lire les métadonnées d'un jeu de données",
            "parameters": [DATASET_ID, LANG],
            "responses": {
                "200": {
                    "description": "Le jeu de données.",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Dataset"}}},
                },
                "404": {"$ref": "#/components/responses/NotFound"},
                **ERRORS,
            },
        }
    },
    "/api/explore/v2.1/catalog/facets": {
        "get": {
            "operationId": "listCatalogFacets",
            "tags": ["Catalogue"],
            "summary": "Compter les jeux de données par valeur de facette",
            "parameters": [
                _param(
                    "facet",
                    "Facette(s) à calculer ; toutes par défaut.",
                    {"type": "array", "items": {"type": "string", "enum": list(FACETS)}},
                    ["theme"],
                    style="form",
                    explode=True,
                ),
                WHERE,
                REFINE,
                EXCLUDE,
                LANG,
            ],
            "responses": {
                "200": {
                    "description": "Valeurs et effectifs par facette.",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Facets"}}},
                },
                **ERRORS,
            },
        }
    },
    "/api/explore/v2.1/catalog/exports/{format}": {
        "get": {
            "operationId": "exportCatalog",
            "tags": ["Catalogue"],
            "summary": "Exporter le catalogue",
            "description": "Tous les jeux de données que la personne peut voir, avec les mêmes filtres et le même "
            "tri que la liste (`where`, `order_by`, `refine`, `exclude`), sans limite de 100 résultats, envoyés en "
            "flux. `json` : un tableau de jeux de données de la même forme que la liste ; `jsonl` : un par ligne ; "
            "`csv` : une ligne par jeu (identifiants, champs de `metas.default`, puis ceux de `metas.dcat` "
            "préfixés `dcat.` ; listes jointes par « , » ; le texte commençant par = + - @ est précédé d'une "
            "apostrophe).",
            "parameters": [
                {
                    "name": "format",
                    "in": "path",
                    "required": True,
                    "description": "Format du fichier : " + ", ".join(EXPORT_FORMATS) + ".",
                    "schema": {"type": "string", "enum": list(EXPORT_FORMATS)},
                    "example": "csv",
                },
                WHERE,
                _param(
                    "order_by",
                    "Tri : champs séparés par des virgules, `asc` ou `desc`.",
                    {"type": "string"},
                    "modified desc",
                ),
                REFINE,
                EXCLUDE,
                _param("delimiter", "CSV : séparateur.", {"type": "string", "enum": [",", ";", "\t", "|"]}, ";"),
                _param("with_bom", "CSV : marque d'ordre des octets UTF-8 (pour Excel).", {"type": "boolean"}, True),
                LANG,
            ],
            "responses": {
                "200": {
                    "description": "Le fichier, en pièce jointe (`catalogue.{format}`).",
                    "content": {
                        "text/csv": {
                            "schema": {"type": "string"},
                            "example": "dataset_id,dataset_uid,visibility,title,description,theme,keyword,...\r\n"
                            "equipements-sportifs,3f2c…,public,Équipements sportifs,Gymnases…,"
                            '"Éducation, culture et sport","sport, gymnase",...\r\n',
                        },
                        "application/json": {
                            "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Dataset"}}
                        },
                        "application/jsonl": {
                            "schema": {"type": "string"},
                            "example": '{"dataset_id": "equipements-sportifs", "metas": {"default": {"title": '
                            '"Équipements sportifs"}}}\n',
                        },
                    },
                },
                "404": {"$ref": "#/components/responses/NotFound"},
                **ERRORS,
            },
        }
    },
}

SCHEMAS: dict[str, Any] = {
    "Dataset": {
        "type": "object",
        "required": ["dataset_id", "dataset_uid", "metas"],
        "properties": {
            "dataset_id": {"type": "string"},
            "dataset_uid": {"type": "string", "format": "uuid"},
            "visibility": {"type": "string", "enum": ["public", "internal", "restricted"]},
            "has_records": {"type": "boolean"},
            "data_visible": {"type": "boolean"},
            "features": {"type": "array", "items": {"type": "string"}},
            "fields": {"type": "array", "items": {"type": "object"}},
            "attachments": {"type": "array", "items": {"type": "object"}},
            "metas": {
                "type": "object",
                "properties": {
                    "default": {
                        "type": "object",
                        "description": "Métadonnées usuelles (titre, thèmes, licence…).",
                    },
                    "dcat": {"type": "object", "description": "Métadonnées DCAT-AP."},
                },
            },
        },
    },
    "DatasetList": {
        "type": "object",
        "required": ["total_count", "results"],
        "properties": {
            "total_count": {"type": "integer"},
            "results": {"type": "array", "items": {"$ref": "#/components/schemas/Dataset"}},
        },
    },
    "Facets": {
        "type": "object",
        "properties": {
            "links": {"type": "array"},
            "facets": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string"},
                        "facets": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "name": {"type": "string"},
                                    "value": {"type": "string"},
                                    "count": {"type": "integer"},
                                    "state": {"type": "string", "enum": ["displayed", "refined"]},
                                },
                            },
                        },
                    },
                },
            },
        },
    },
}
