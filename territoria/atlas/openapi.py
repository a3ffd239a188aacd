"""The atlas API's part of the OpenAPI 3.1 document (portal/openapi.py assembles the parts)."""

from __future__ import annotations

from typing import Any

from territoria.atlas.api import MAX_LIMIT, MAX_TEXT

TAGS = ["Atlas des actions numériques"]
ERRORS = {
    "400": {"$ref": "#/components/responses/BadRequest"},
    "404": {"$ref": "#/components/responses/NotFound"},
}


def _query(name: str, description: str, schema: dict[str, Any], example: Any = None, **extra: Any) -> dict[str, Any]:
    param: dict[str, Any] = {"name": name, "in": "query", "description": description, "schema": schema, **extra}
    if example is not None:
        param["example"] = example
    return param


def _repeatable(name: str, description: str, example: str) -> dict[str, Any]:
    return _query(
        name,
        description + " Répétable (valeurs en « ou »).",
        {"type": "array", "items": {"type": "string"}},
        [example],
        style="form",
        explode=True,
    )


FILTERS = [
    _query(
        "q",
        "Recherche plein texte en français (accents, casse et pluriels ignorés ; débuts de mots).",
        {"type": "string", "maxLength": 200},
        "tiers-lieu",
    ),
    _repeatable("enjeu", "Code d'enjeu du référentiel (classement confirmé).", "E15"),
    _repeatable("service", "Code de service du référentiel.", "S122"),
    _repeatable("territoire", "Type de territoire : commune, epci, departement, region, syndicat, other.", "commune"),
    _repeatable("population", "Tranche de population : lt500, 500-2k, 2k-10k, 10k-50k, 50k-200k, 200k+.", "2k-10k"),
    _repeatable("annee", "Année de début.", "2024"),
    _repeatable("statut", "Avancement : planned, in_progress, done.", "done"),
    _repeatable("departement", "Code du département.", "35"),
    _repeatable("insee", "Code INSEE de la commune.", "35238"),
    _query("lang", "Langue des messages.", {"type": "string", "enum": ["fr", "en"], "default": "fr"}),
]


def _ok(description: str, schema: dict[str, Any] | None = None, media: str = "application/json") -> dict[str, Any]:
    return {"description": description, "content": {media: {"schema": schema or {"type": "object"}}}}


def _get(
    operation_id: str, summary: str, description: str, parameters: list[dict[str, Any]], ok: dict[str, Any]
) -> dict[str, Any]:
    return {
        "get": {
            "operationId": operation_id,
            "tags": TAGS,
            "summary": summary,
            "description": description,
            "parameters": parameters,
            "responses": {"200": ok, **ERRORS},
        }
    }


PK = {
    "name": "pk",
    "in": "path",
    "required": True,
    "schema": {"type": "integer"},
    "example": 1,
    "description": "Identifiant de la fiche-action.",
}
SLUG = {
    "name": "slug",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
    "example": "territoria",
    "description": "Identifiant du référentiel.",
}

PATHS: dict[str, Any] = {
    "/api/atlas/v1/actions": _get(
        "listActions",
        "Fiches-actions de l'atlas, filtrées",
        "Les fiches publiées (et, pour les agents, celles de leur collectivité en attente) qui répondent aux filtres, "
        "les plus récentes d'abord. La personne à contacter n'est donnée qu'aux agents connectés des collectivités.",
        [
            *FILTERS,
            _query(
                "limit", "Nombre de fiches.", {"type": "integer", "minimum": 0, "maximum": MAX_LIMIT, "default": 20}
            ),
            _query("offset", "Décalage.", {"type": "integer", "minimum": 0, "default": 0}),
            _query("facets", "Ajouter les facettes (enjeu, service, territoire…).", {"type": "boolean"}, True),
        ],
        _ok("Les fiches et leur nombre total.", {"$ref": "#/components/schemas/AtlasActions"}),
    ),
    "/api/atlas/v1/actions/{pk}": _get(
        "getAction",
        "Une fiche-action",
        "La fiche, son classement (confirmé, sinon proposé) et ses jeux de données "
        "liés visibles. 404 quand la personne ne peut pas la voir.",
        [PK, _query("lang", "Langue des messages.", {"type": "string", "enum": ["fr", "en"]})],
        _ok("La fiche.", {"$ref": "#/components/schemas/AtlasAction"}),
    ),
    "/api/atlas/v1/facets": _get(
        "getActionFacets",
        "Facettes des fiches-actions",
        "Nombre de fiches par enjeu, service, type de territoire, tranche de population, année, avancement et "
        "département, pour les filtres donnés.",
        FILTERS,
        _ok("Les facettes."),
    ),
    "/api/atlas/v1/map": _get(
        "getActionMap",
        "Points de la carte des actions",
        "Toutes les fiches localisées de la sélection, en une réponse compacte `[id, lat, lon, enjeu]` "
        "(25 000 fiches tiennent en une réponse) ; la fiche se lit par /actions/{pk}.",
        FILTERS,
        _ok(
            "Les points.",
            {
                "type": "object",
                "properties": {
                    "fields": {"type": "array", "items": {"type": "string"}},
                    "count": {"type": "integer"},
                    "points": {"type": "array", "items": {"type": "array"}},
                },
            },
        ),
    ),
    "/api/atlas/v1/exports/{format}": {
        "get": {
            "operationId": "exportActions",
            "tags": TAGS,
            "summary": "Export des fiches-actions (CSV ou GeoJSON)",
            "description": "Toutes les fiches de la sélection, sans limite, en flux. CSV UTF-8 avec BOM (Excel), "
            "cellules protégées contre l'injection de formules ; GeoJSON en WGS 84. Sans personne à "
            "contacter.",
            "parameters": [
                {
                    "name": "format",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "enum": ["csv", "geojson"]},
                    "example": "csv",
                },
                *FILTERS,
            ],
            "responses": {
                "200": {
                    "description": "Le fichier.",
                    "content": {
                        "text/csv": {"schema": {"type": "string"}},
                        "application/geo+json": {"schema": {"type": "object"}},
                    },
                },
                **ERRORS,
            },
        }
    },
    "/api/atlas/v1/referentials": _get(
        "listReferentials",
        "Référentiels en vigueur",
        "Chaque référentiel et ses versions.",
        [_query("lang", "Langue des messages.", {"type": "string", "enum": ["fr", "en"]})],
        _ok("Les référentiels."),
    ),
    "/api/atlas/v1/referentials/{slug}": _get(
        "getReferential",
        "Un référentiel et ses éléments",
        "Axes, enjeux, usages et services, avec code, parent, libellé, description et mots-clés.",
        [
            SLUG,
            _query("version", "Une version précise (sinon celle en vigueur).", {"type": "integer", "minimum": 1}),
            _query("lang", "Langue des messages.", {"type": "string", "enum": ["fr", "en"]}),
        ],
        _ok("Le référentiel."),
    ),
    "/api/atlas/v1/referentials/{slug}/export/{format}": {
        "get": {
            "operationId": "exportReferential",
            "tags": TAGS,
            "summary": "Export d'un référentiel (CSV ou XLSX)",
            "description": "Le fichier que l'import accepte : colonnes niveau, code, parent, libelle, description, "
            "mots_cles.",
            "parameters": [
                SLUG,
                {
                    "name": "format",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "enum": ["csv", "xlsx"]},
                    "example": "csv",
                },
            ],
            "responses": {
                "200": {"description": "Le fichier.", "content": {"text/csv": {"schema": {"type": "string"}}}},
                **ERRORS,
            },
        }
    },
    "/api/atlas/v1/classify": _get(
        "classifyText",
        "Proposer un classement pour un texte",
        "Les enjeux (3) et services (5) les plus probables pour un texte de fiche-action, avec une confiance "
        "entre 0 et 1 (un score, pas une probabilité calibrée). Calcul hors ligne sur le processeur.",
        [
            _query(
                "text",
                "Le texte à classer.",
                {"type": "string", "maxLength": MAX_TEXT},
                "Ouverture d'un tiers-lieu avec un fablab et un espace public numérique",
                required=True,
            ),
            _query("referential", "Identifiant du référentiel (sinon celui par défaut).", {"type": "string"}),
            _query("lang", "Langue des messages.", {"type": "string", "enum": ["fr", "en"]}),
        ],
        _ok("Les propositions."),
    ),
    "/api/atlas/v1/observatory": _get(
        "getObservatory",
        "Chiffres de l'observatoire",
        "Nombre de fiches publiées par enjeu, service, département, année, avancement et type de territoire.",
        FILTERS,
        _ok("Les chiffres."),
    ),
}

_ITEM = {"type": "object", "properties": {"code": {"type": "string"}, "label": {"type": "string"}}}
SCHEMAS: dict[str, Any] = {
    "AtlasAction": {
        "type": "object",
        "required": ["id", "title", "summary", "enjeux", "services"],
        "properties": {
            "id": {"type": "integer"},
            "url": {"type": "string"},
            "title": {"type": "string"},
            "summary": {"type": "string"},
            "status": {"type": "string", "enum": ["planned", "in_progress", "done"]},
            "collectivite": {"type": "string"},
            "insee": {"type": ["string", "null"]},
            "departement": {"type": ["string", "null"]},
            "population": {"type": ["integer", "null"]},
            "geo": {"type": ["object", "null"], "properties": {"lat": {"type": "number"}, "lon": {"type": "number"}}},
            "placement": {"type": "string", "enum": ["given", "commune", "none"]},
            "location_warning": {"type": ["string", "null"]},
            "enjeux": {"type": "array", "items": _ITEM},
            "services": {"type": "array", "items": _ITEM},
            "contact": {"type": "object"},
        },
    },
    "AtlasActions": {
        "type": "object",
        "required": ["total_count", "results"],
        "properties": {
            "total_count": {"type": "integer"},
            "results": {"type": "array", "items": {"$ref": "#/components/schemas/AtlasAction"}},
            "facets": {"type": "object"},
        },
    },
}
