"""The visualisation API's part of the OpenAPI 3.1 document (portal/openapi.py assembles the parts)."""

from __future__ import annotations

from typing import Any

from territoria.viz.geo import MAX_CLUSTERS, MAX_POINTS, MAX_SHAPES, MAX_ZOOM

ERRORS = {
    "400": {"$ref": "#/components/responses/BadRequest"},
    "404": {"$ref": "#/components/responses/NotFound"},
}
TAGS = ["Visualisation"]


def _query(name: str, description: str, schema: dict[str, Any], example: Any = None, **extra: Any) -> dict[str, Any]:
    param: dict[str, Any] = {"name": name, "in": "query", "description": description, "schema": schema, **extra}
    if example is not None:
        param["example"] = example
    return param


PARAMETERS = [
    {
        "name": "dataset_id",
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
        "description": "Identifiant du jeu de données (il doit avoir une colonne géographique).",
        "example": "communes-ille-et-vilaine",
    },
    _query(
        "bbox",
        "Emprise affichée, en degrés WGS 84 : ouest,sud,est,nord (ramenée aux limites du monde). Absente : "
        "l'emprise des données.",
        {"type": "string"},
        "-2.3,47.6,-1.0,48.8",
    ),
    _query(
        "zoom",
        "Niveau de zoom de la carte : fixe la taille des cellules de regroupement (60 pixels) et la simplification "
        "des formes.",
        {"type": "integer", "minimum": 0, "maximum": MAX_ZOOM, "default": 0},
        9,
    ),
    _query("value", "Colonne numérique de la carte choroplèthe (jeux de formes).", {"type": "string"}),
    _query("where", "Filtre ODSQL, comme dans l'API des enregistrements.", {"type": "string"}),
    _query(
        "refine",
        "Ne garder que `champ:valeur` ; répétable.",
        {"type": "array", "items": {"type": "string"}},
        style="form",
        explode=True,
    ),
    _query(
        "exclude",
        "Écarter `champ:valeur` ; répétable.",
        {"type": "array", "items": {"type": "string"}},
        style="form",
        explode=True,
    ),
    _query("lang", "Langue des messages.", {"type": "string", "enum": ["fr", "en"], "default": "fr"}),
]

PATHS: dict[str, Any] = {
    "/api/viz/v1/datasets/{dataset_id}/map": {
        "get": {
            "operationId": "getMapData",
            "tags": TAGS,
            "summary": "Données d'une carte pour une emprise : points, grappes ou formes",
            "description": (
                f"Jusqu'à {MAX_POINTS} points dans l'emprise : les points (`kind: points`). Au-delà : des grappes "
                f"calculées sur une grille par le serveur (`kind: clusters`, {MAX_CLUSTERS} au plus) et les points "
                f"isolés. Pour un jeu de formes, jusqu'à {MAX_SHAPES} formes simplifiées pour l'écran "
                "(`kind: shapes`, GeoJSON), avec `legend` quand `value` est donné. Obéit à la politique d'accès "
                "comme l'API des enregistrements (404, 403)."
            ),
            "parameters": PARAMETERS,
            "responses": {
                "200": {
                    "description": "Les données de la carte.",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/MapData"}}},
                },
                **ERRORS,
                "403": {
                    "description": "La fiche du jeu est visible mais ses données sont réservées.",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                },
            },
        }
    }
}

SCHEMAS: dict[str, Any] = {
    "MapData": {
        "type": "object",
        "required": ["kind", "total", "zoom", "bbox", "threshold"],
        "properties": {
            "kind": {"type": "string", "enum": ["points", "clusters", "shapes"]},
            "total": {"type": "integer", "description": "Lignes dont le point tombe dans l'emprise."},
            "zoom": {"type": "integer"},
            "bbox": {"type": "array", "items": {"type": "number"}, "minItems": 4, "maxItems": 4},
            "threshold": {"type": "integer", "description": "Au-delà de ce nombre de points, des grappes."},
            "points": {
                "type": "array",
                "description": "[_id, lon, lat, libellé] : l'enregistrement se lit par /records/{_id}.",
                "items": {"type": "array"},
            },
            "clusters": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "lon": {"type": "number"},
                        "lat": {"type": "number"},
                        "count": {"type": "integer"},
                        "bbox": {"type": "array", "items": {"type": "number"}},
                    },
                },
            },
            "features": {"type": "object", "description": "GeoJSON FeatureCollection (propriétés _id, label, value)."},
            "legend": {
                "type": "object",
                "properties": {
                    "column": {"type": "string"},
                    "label": {"type": "string"},
                    "breaks": {"type": "array", "items": {"type": "number"}},
                    "count": {"type": "integer"},
                },
            },
        },
    }
}
