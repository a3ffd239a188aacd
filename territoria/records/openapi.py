"""The records API's part of the OpenAPI 3.1 document."""

from __future__ import annotations

from typing import Any

from territoria.records import exports
from territoria.records.api import MAX_LIMIT, MAX_OFFSET

ERRORS = {
    "400": {"$ref": "#/components/responses/BadRequest"},
    "404": {"$ref": "#/components/responses/NotFound"},
}
BASE = "/api/explore/v2.1/catalog/datasets/{dataset_id}"
TAGS = ["Enregistrements"]


def _param(name: str, description: str, schema: dict[str, Any], example: Any = None, **extra: Any) -> dict[str, Any]:
    param: dict[str, Any] = {"name": name, "in": "query", "description": description, "schema": schema, **extra}
    if example is not None:
        param["example"] = example
    return param


def _path(name: str, description: str, example: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
        "description": description,
        "example": example,
    }


def _export_media(exporter: exports.Exporter) -> dict[str, Any]:
    if exporter.EXAMPLE is None:
        return {"schema": {"type": "string", "format": "binary"}}
    return {"schema": {"type": "string"}, "example": exporter.EXAMPLE}


DATASET_ID = _path("dataset_id", "Identifiant du jeu de données.", "subventions-attribuees")
SELECT = _param(
    "select",
    "Champs et expressions à renvoyer, avec `as` pour renommer ; agrégats count, avg, sum, min, max, median, "
    "percentile.",
    {"type": "string"},
    "nom, montant * 2 as double",
)
WHERE = _param(
    "where",
    'Filtre ODSQL : comparaisons, and/or/not, in, [a..b], like "a*", is null, "texte" (recherche sans accents '
    "ni casse), search(), startswith(), date'AAAA-MM-JJ', year(), month(), day(), now(), "
    "in_bbox(geo_point_2d, lat1, lon1, lat2, lon2), within_distance(geo_point_2d, geom'POINT(lon lat)', 5km).",
    {"type": "string"},
    'montant > 1000 and "lyon"',
)
GROUP_BY = _param(
    "group_by",
    "Regroupement : champs, year(d), month(d), date_format(d, 'yyyy-MM'), range(f, pas).",
    {"type": "string"},
    "year(date) as annee",
)
ORDER_BY = _param("order_by", "Tri : champs, alias ou agrégats, `asc` ou `desc`.", {"type": "string"}, "montant desc")
REFINE = _param(
    "refine",
    "Ne garder que `champ:valeur` (pour une date : `2024` ou `2024/03`) ; répétable.",
    {"type": "array", "items": {"type": "string"}},
    ["ville:Lyon"],
    style="form",
    explode=True,
)
EXCLUDE = {**REFINE, "name": "exclude", "description": "Écarter `champ:valeur` ; répétable."}
LANG = _param("lang", "Langue des messages.", {"type": "string", "enum": ["fr", "en"], "default": "fr"})
TIMEZONE = _param("timezone", "Fuseau horaire (accepté pour compatibilité).", {"type": "string"}, "Europe/Paris")

PATHS: dict[str, Any] = {
    f"{BASE}/records": {
        "get": {
            "operationId": "getRecords",
            "tags": TAGS,
            "summary": "Interroger les enregistrements d'un jeu de données",
            "description": "Filtre, agrège, trie et pagine les données publiées (forme Explore API v2.1).",
            "parameters": [
                DATASET_ID,
                SELECT,
                WHERE,
                GROUP_BY,
                ORDER_BY,
                _param(
                    "limit",
                    "Nombre de résultats (−1 : le maximum).",
                    {"type": "integer", "minimum": -1, "maximum": MAX_LIMIT, "default": 10},
                    10,
                ),
                _param(
                    "offset",
                    f"Rang du premier résultat ; offset + limit ≤ {MAX_OFFSET}.",
                    {"type": "integer", "minimum": 0, "default": 0},
                    0,
                ),
                REFINE,
                EXCLUDE,
                LANG,
                TIMEZONE,
            ],
            "responses": {
                "200": {
                    "description": "Les enregistrements ou les groupes.",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Records"}}},
                },
                **ERRORS,
            },
        }
    },
    f"{BASE}/records/{{record_id}}": {
        "get": {
            "operationId": "getRecord",
            "tags": TAGS,
            "summary": "Lire un enregistrement",
            "parameters": [DATASET_ID, _path("record_id", "Identifiant de l'enregistrement (`_id`).", "1"), LANG],
            "responses": {
                "200": {
                    "description": "L'enregistrement.",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Record"}}},
                },
                **ERRORS,
            },
        }
    },
    f"{BASE}/facets": {
        "get": {
            "operationId": "getRecordsFacets",
            "tags": TAGS,
            "summary": "Compter les enregistrements par valeur de champ",
            "description": "Les 50 valeurs les plus fréquentes de chaque champ texte, entier, booléen ou date.",
            "parameters": [
                DATASET_ID,
                _param(
                    "facet",
                    "Champ(s) à compter ; tous les champs possibles par défaut.",
                    {"type": "array", "items": {"type": "string"}},
                    ["ville"],
                    style="form",
                    explode=True,
                ),
                WHERE,
                REFINE,
                EXCLUDE,
                LANG,
                TIMEZONE,
            ],
            "responses": {
                "200": {
                    "description": "Valeurs et effectifs par champ.",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Facets"}}},
                },
                **ERRORS,
            },
        }
    },
    f"{BASE}/exports/{{format}}": {
        "get": {
            "operationId": "exportRecords",
            "tags": TAGS,
            "summary": "Exporter les enregistrements",
            "description": "Tous les enregistrements retenus, sans limite de lignes, envoyés en flux (mémoire "
            "constante). Formats :\n\n"
            + "\n".join(f"- `{name}` : {exporter.DOC}" for name, exporter in exports.EXPORTERS.items())
            + "\n\nLes exports de données non publiques sont inscrits au journal d'audit.",
            "parameters": [
                DATASET_ID,
                {
                    "name": "format",
                    "in": "path",
                    "required": True,
                    "description": "Format du fichier : " + ", ".join(exports.EXPORTERS) + ".",
                    "schema": {"type": "string", "enum": list(exports.EXPORTERS)},
                    "example": "csv",
                    "examples": {name: {"value": name, "summary": e.DOC} for name, e in exports.EXPORTERS.items()},
                },
                SELECT,
                WHERE,
                ORDER_BY,
                REFINE,
                EXCLUDE,
                _param("delimiter", "CSV : séparateur.", {"type": "string", "enum": [",", ";", "\t", "|"]}, ";"),
                _param("with_bom", "CSV : marque d'ordre des octets UTF-8 (pour Excel).", {"type": "boolean"}, True),
                LANG,
                TIMEZONE,
            ],
            "responses": {
                "200": {
                    "description": "Le fichier, en pièce jointe (`Content-Disposition`).",
                    "content": {
                        exporter.CONTENT_TYPE.split(";")[0]: _export_media(exporter)
                        for exporter in exports.EXPORTERS.values()
                    },
                },
                "403": {"$ref": "#/components/responses/Forbidden"},
                **ERRORS,
            },
        }
    },
}

SCHEMAS: dict[str, Any] = {
    "Record": {
        "type": "object",
        "description": "Un enregistrement : `_id` puis les champs du jeu de données.",
        "properties": {"_id": {"type": "integer"}},
        "additionalProperties": True,
    },
    "Records": {
        "type": "object",
        "required": ["total_count", "results"],
        "properties": {
            "total_count": {"type": "integer", "description": "Enregistrements retenus, ou groupes."},
            "results": {"type": "array", "items": {"$ref": "#/components/schemas/Record"}},
        },
    },
}
