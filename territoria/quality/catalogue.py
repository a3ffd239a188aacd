"""The schemas shipped in ``territoria/quality/schemas/`` (origin and licence: schemas/SOURCES.md).

``kind`` is "tableschema" (validated by :func:`territoria.quality.schema.validate_file`),
"jsonschema" (JSON Schema for GeoJSON/JSON documents: listed, not validated here) or
"datapackage" (a Data Package grouping Table Schemas: pick one of its resources' schemas).
``version`` is the version of the published release, taken from the file name (some files
carry an older number inside, e.g. IRVE 2.3.1 says "v2.3.0").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMAS_DIR = Path(__file__).resolve().parent / "schemas"


@dataclass(frozen=True)
class SchemaEntry:
    name: str  # stable slug, e.g. "scdl-subventions"
    title: str  # French title
    version: str
    relpath: str  # relative to SCHEMAS_DIR
    kind: str  # "tableschema" | "jsonschema" | "datapackage"
    licence: str = "etalab-2.0"
    origin: str = "schema.data.gouv.fr"

    @property
    def path(self) -> Path:
        return SCHEMAS_DIR / self.relpath

    def load(self) -> dict[str, Any]:
        from territoria.quality.schema import load_schema

        return load_schema(self.path)

    def as_dict(self) -> dict[str, str]:
        return {
            "name": self.name,
            "title": self.title,
            "version": self.version,
            "path": self.relpath,
            "kind": self.kind,
            "licence": self.licence,
            "origin": self.origin,
        }


def _e(name: str, title: str, version: str, relpath: str, kind: str = "tableschema", **kw: str) -> SchemaEntry:
    return SchemaEntry(name=name, title=title, version=version, relpath=relpath, kind=kind, **kw)


SCHEMAS: list[SchemaEntry] = [
    # Socle Commun des Données Locales (OpenDataFrance)
    _e("scdl-subventions", "Subventions", "2.1.1", "scdl/scdl-subventions-2.1.1.schema.json"),
    _e("scdl-deliberations", "Délibérations", "2.1.5", "scdl/scdl-deliberations-2.1.5.schema.json"),
    _e(
        "scdl-budget",
        "Budget des collectivités et établissements publics locaux",
        "0.8.3",
        "scdl/scdl-budget-0.8.3.schema.json",
    ),
    _e("scdl-equipements", "Équipements", "0.1.5", "scdl/scdl-equipements-0.1.5.schema.json"),
    _e("scdl-catalogue", "Catalogue simplifié", "0.1.3", "scdl/scdl-catalogue-0.1.3.schema.json"),
    _e(
        "scdl-menus-collectifs",
        "Menus de la restauration collective",
        "1.2.3",
        "scdl/scdl-menus-collectifs-1.2.3.schema.json",
    ),
    _e(
        "scdl-plats-menus-collectifs",
        "Composition des plats des menus de la restauration collective",
        "0.7.2",
        "scdl/scdl-plats-menus-collectifs-0.7.2.schema.json",
    ),
    _e("scdl-prenoms", "Prénoms des nouveaux-nés", "1.1.6", "scdl/scdl-prenoms-1.1.6.schema.json"),
    # Transport (Etalab)
    _e("irve-statique", "IRVE statique", "2.3.1", "etalab-transport/irve-statique-2.3.1.schema.json"),
    _e("irve-dynamique", "IRVE dynamique", "2.3.1", "etalab-transport/irve-dynamique-2.3.1.schema.json"),
    _e(
        "irve",
        "Infrastructures de recharge pour véhicules électriques (IRVE)",
        "2.3.1",
        "etalab-transport/irve-2.3.1.datapackage.json",
        "datapackage",
    ),
    _e("lieux-covoiturage", "Lieux de covoiturage", "0.3.1", "etalab-transport/lieux-covoiturage-0.3.1.schema.json"),
    _e("stationnement", "Lieux de stationnement", "0.1.5", "etalab-transport/stationnement-0.1.5.schema.json"),
    _e(
        "stationnement-cyclable",
        "Stationnement cyclable",
        "1.1.1",
        "etalab-transport/stationnement-cyclable-1.1.1.schema.json",
    ),
    _e(
        "amenagements-cyclables",
        "Aménagements cyclables (GeoJSON)",
        "0.3.5",
        "etalab-transport/amenagements-cyclables-0.3.5.jsonschema.json",
        "jsonschema",
    ),
    _e(
        "zfe",
        "Zones à faibles émissions (GeoJSON)",
        "0.8.2",
        "etalab-transport/zfe-0.8.2.jsonschema.json",
        "jsonschema",
    ),
    # Autres
    _e("dae", "Défibrillateurs (DAE)", "1.0.7", "autres/dae-1.0.7.schema.json"),
    _e(
        "decp-dpa",
        "DECP : déclaration de profil d'acheteur",
        "1.0.0",
        "autres/decp-dpa-1.0.0.schema.json",
    ),
    _e(
        "decp",
        "Données essentielles de la commande publique (JSON)",
        "2.0.2",
        "autres/decp-format-commande-publique-2.0.2.jsonschema.json",
        "jsonschema",
    ),
    _e("cnig-friches", "Standard CNIG Friches", "1.0.6", "autres/cnig-friches-1.0.6.schema.json"),
    _e("aire-livraison", "Aires de livraison", "1.0.0", "autres/aire-livraison-1.0.0.schema.json"),
    _e(
        "arbres-urbains",
        "Attributs des arbres urbains",
        "0.2.0",
        "autres/arbres-urbains-0.2.0.schema.json",
        origin="NaturalSolutions/schema-arbre",
    ),
]

# Files of schemas/ that are not schemas: the machine catalogue of schema.data.gouv.fr and the
# list of the schemas' source repositories. Shipped for reference, not listed above.
REFERENCE_FILES = ["schema.data.gouv.fr-catalogue-schemas.json", "schema.data.gouv.fr-repertoires.yml"]


def get(name: str) -> SchemaEntry:
    """The catalogue entry called ``name`` (KeyError with the known names otherwise)."""
    for entry in SCHEMAS:
        if entry.name == name:
            return entry
    raise KeyError(f"schéma inconnu « {name} » ; schémas connus : {', '.join(e.name for e in SCHEMAS)}")


def table_schemas() -> list[SchemaEntry]:
    return [e for e in SCHEMAS if e.kind == "tableschema"]


def read_descriptor(entry: SchemaEntry) -> dict[str, Any]:
    """The file as published (no adjustment), for display."""
    data: dict[str, Any] = json.loads(entry.path.read_text(encoding="utf-8"))
    return data
