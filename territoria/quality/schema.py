"""Table Schema (SCDL, schema.data.gouv.fr) validation with the ``frictionless`` library itself.

Every frictionless error becomes one :class:`Issue` with code ``schema-<frictionless type>``,
``row`` = frictionless ``rowNumber`` (the physical row in the file, the header being row 1;
None for header errors), ``column`` = frictionless ``fieldName`` (the label for an extra
column), a French message written here per error type, and the original English message and
note in ``details``.

Spreadsheets (XLSX, XLS, ODS) are read with python-calamine, a declared dependency, and handed
to frictionless as inline rows typed like frictionless' own Excel parsers type them (integral
floats become integers, dates become datetimes, empty cells become None), so that row numbers
and errors are those of the native parser without requiring ``frictionless[excel]``.

JSON Schemas (for GeoJSON or JSON documents) and Data Packages are not Table Schemas: passing
one raises :class:`SchemaKindError` with a French message (see docs/quality.md).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from frictionless import Detector, FrictionlessException, Resource, Schema
from frictionless.error import Error

from territoria.quality import _fr
from territoria.quality.report import Issue

TABLESCHEMA = "tableschema"
JSONSCHEMA = "jsonschema"
DATAPACKAGE = "datapackage"

SPREADSHEETS = {"xlsx", "xlsm", "xls", "ods"}
LIMIT_ERRORS = 1000
CHECK = "schema"

__all__ = [
    "SchemaKindError",
    "issue_from_error",
    "load_schema",
    "schema_kind",
    "validate_file",
]


class SchemaKindError(ValueError):
    """The schema is not a Table Schema (JSON Schema, Data Package…). ``message`` is French."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind


# --- schemas -------------------------------------------------------------------------------


def schema_kind(descriptor: dict[str, Any]) -> str:
    """ "tableschema" (has ``fields``), "datapackage" (has ``resources`` and no fields) or "jsonschema"."""
    if isinstance(descriptor.get("fields"), list):
        return TABLESCHEMA
    if isinstance(descriptor.get("resources"), list):
        return DATAPACKAGE
    return JSONSCHEMA


# Top-level keys frictionless needs as they are; other top-level metadata may be dropped when
# frictionless rejects it (e.g. arbres-urbains 0.2.0 has a "name" with spaces and capitals,
# which the Table Schema profile forbids) since it says nothing about the data.
_STRUCTURAL = {"fields", "primaryKey", "foreignKeys", "missingValues", "fieldsMatch"}
_BAD_PROPERTY = re.compile(r"at property '([^']+)'")


def load_schema(path: Path | str) -> dict[str, Any]:
    """Read a schema file (Table Schema, JSON Schema or Data Package) into a descriptor dict.

    A Table Schema is checked by frictionless; top-level metadata it rejects (never fields or
    keys) is dropped and listed under ``"x-territoria-dropped"``. A schema whose fields are
    invalid raises :class:`frictionless.FrictionlessException`.
    """
    descriptor: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    if schema_kind(descriptor) != TABLESCHEMA:
        return descriptor
    dropped: list[str] = []
    for _ in range(len(descriptor)):
        try:
            Schema.from_descriptor(descriptor)
        except FrictionlessException as exc:
            reasons = exc.reasons or [exc.error]
            bad = {m.group(1) for r in reasons if (m := _BAD_PROPERTY.search(r.note or ""))}
            removable = {b for b in bad if b in descriptor and b not in _STRUCTURAL}
            if not removable or removable != bad:
                raise
            for key in sorted(removable):
                descriptor.pop(key)
                dropped.append(key)
            continue
        break
    if dropped:
        descriptor["x-territoria-dropped"] = dropped
    return descriptor


def _as_schema(schema: dict[str, Any] | Path | str) -> Schema:
    descriptor = schema if isinstance(schema, dict) else load_schema(schema)
    kind = schema_kind(descriptor)
    if kind == JSONSCHEMA:
        raise SchemaKindError(
            "Ce schéma est un JSON Schema (pour des fichiers GeoJSON ou JSON), pas un Table Schema : "
            "la validation d'un tableau ne s'y applique pas. Choisissez le Table Schema correspondant, "
            "ou validez le fichier GeoJSON avec un validateur JSON Schema.",
            kind,
        )
    if kind == DATAPACKAGE:
        raise SchemaKindError(
            "Ce fichier est un Data Package qui regroupe plusieurs schémas : choisissez le schéma de la "
            "ressource à valider (par ex. IRVE statique ou IRVE dynamique).",
            kind,
        )
    clean = {k: v for k, v in descriptor.items() if k != "x-territoria-dropped"}
    return Schema.from_descriptor(clean)


# --- reading -------------------------------------------------------------------------------


def _guess_format(path: Path) -> str:
    suffixes = [s.lower().lstrip(".") for s in path.suffixes]
    while suffixes and suffixes[-1] in {"gz", "zip", "bz2", "xz"}:
        suffixes.pop()
    return suffixes[-1] if suffixes else "csv"


def _excel_value(value: Any) -> Any:
    """A calamine cell as frictionless' openpyxl/xlrd parsers hand it over."""
    if isinstance(value, str):
        return value if value != "" else None
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value


def _spreadsheet_rows(path: Path, sheet: str | int | None) -> list[list[Any]]:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    data = book.get_sheet_by_name(sheet) if isinstance(sheet, str) else book.get_sheet_by_index(sheet or 0)
    rows = [[_excel_value(v) for v in row] for row in data.to_python(skip_empty_area=False)]
    while rows and all(v is None for v in rows[-1]):  # openpyxl stops at the last used row
        rows.pop()
    return rows


def _resource(
    path: Path, schema: Schema, fmt: str, encoding: str | None, sheet: str | int | None, detector: Detector
) -> Resource:
    if fmt in SPREADSHEETS:
        return Resource(data=_spreadsheet_rows(path, sheet), schema=schema, detector=detector)
    # A relative path with a basepath: frictionless refuses absolute paths as "not safe".
    return Resource(
        path=path.name, basepath=str(path.parent), schema=schema, format=fmt, encoding=encoding, detector=detector
    )


def validate_file(
    path: Path,
    schema: dict[str, Any] | Path | str,
    *,
    format: str | None = None,  # noqa: A002 - the name frictionless and the brief use
    encoding: str | None = None,
    sheet: str | int | None = None,
    limit_errors: int = LIMIT_ERRORS,
) -> list[Issue]:
    """Validate the file at ``path`` against a Table Schema; one Issue per frictionless error.

    ``format`` is "csv", "xlsx", "xls", "ods"… (guessed from the suffix when None; ".csv.gz" is
    CSV). ``sheet`` is a sheet name or 0-based index for spreadsheets. When frictionless stops
    at ``limit_errors`` errors, an info Issue ``schema-error-limit`` says so.
    """
    path = Path(path)
    frictionless_schema = _as_schema(schema)
    fmt = (format or _guess_format(path)).lower()
    resource = _resource(path, frictionless_schema, fmt, encoding, sheet, Detector())
    report = resource.validate(limit_errors=limit_errors)
    issues: list[Issue] = []
    for task in report.tasks:
        issues.extend(issue_from_error(e, frictionless_schema, fmt=fmt) for e in task.errors)
        for warning in task.warnings:
            if "error limit" in warning:
                issues.append(
                    Issue(
                        code="schema-error-limit",
                        severity="info",
                        check=CHECK,
                        message=(
                            f"La validation s'est arrêtée après {_fr.num(limit_errors)} erreurs : corrigez "
                            "celles-ci puis relancez-la pour voir les suivantes."
                        ),
                        details={"note": warning},
                    )
                )
    issues.extend(issue_from_error(e, frictionless_schema, fmt=fmt) for e in report.errors)
    return issues


# --- French messages -----------------------------------------------------------------------


def _field(schema: Schema | None, name: str | None) -> dict[str, Any]:
    if schema is None or not name or not schema.has_field(name):
        return {}
    return schema.get_field(name).to_descriptor()


_STRFTIME = {
    "%Y": "AAAA",
    "%y": "AA",
    "%m": "MM",
    "%d": "JJ",
    "%H": "hh",
    "%I": "hh",
    "%M": "mm",
    "%S": "ss",
    "%f": "ffffff",
    "%z": "±hhmm",
    "%p": "AM/PM",
    "%b": "mois abrégé (Jan…)",
    "%B": "mois (January…)",
}


def _human_format(fmt: str) -> str:
    for code, human in _STRFTIME.items():
        fmt = fmt.replace(code, human)
    return fmt


def _expected(field: dict[str, Any], note: str, fmt_file: str = "csv") -> str:
    """What a valid value of this field looks like, in French."""
    ftype = field.get("type") or (re.search(r'type is "([a-z]+)', note) or [None, "string"])[1]
    fmt = str(field.get("format") or (re.search(r'type is "[a-z]+/(.*)"', note) or [None, "default"])[1])
    if ftype == "integer":
        return "un nombre entier, en chiffres, sans espace ni décimale (ex. 42)"
    if ftype == "number":
        decimal = field.get("decimalChar", ".")
        group = field.get("groupChar")
        text = f"un nombre, avec « {decimal} » comme séparateur décimal (ex. 12{decimal}5)"
        return text + (f" et « {group} » entre les milliers" if group else ", sans espace entre les milliers")
    if ftype == "boolean":
        true = field.get("trueValues", ["true", "True", "TRUE", "1"])
        false = field.get("falseValues", ["false", "False", "FALSE", "0"])
        return f"un booléen : {', '.join(map(str, true))} pour oui, {', '.join(map(str, false))} pour non"
    if ftype in {"date", "datetime", "time"}:
        what = {"date": "une date", "datetime": "une date et heure", "time": "une heure"}[ftype]
        if fmt == "default":
            example = {
                "date": "AAAA-MM-JJ (ex. 2024-03-15)",
                "datetime": "AAAA-MM-JJThh:mm:ss (ex. 2024-03-15T14:30:00Z)",
            }
            return f"{what} au format {example.get(ftype, 'hh:mm:ss (ex. 14:30:00)')}"
        if fmt == "any":
            return f"{what} dans un format reconnaissable"
        try:
            sample = f" (ex. {dt.datetime(2024, 3, 15, 14, 30).strftime(fmt)})"
        except ValueError:
            sample = ""
        return f"{what} au format {_human_format(fmt)}{sample}"
    if ftype == "year":
        return "une année sur quatre chiffres (ex. 2024)"
    if ftype == "yearmonth":
        return "une année et un mois au format AAAA-MM (ex. 2024-03)"
    if ftype == "duration":
        return "une durée au format ISO 8601 (ex. P1DT2H pour 1 jour et 2 heures)"
    if ftype == "geopoint":
        if fmt == "array":
            return "un point [longitude, latitude] (ex. [2.35, 48.85])"
        if fmt == "object":
            return 'un point {"lon": …, "lat": …}'
        return "un point « longitude,latitude » (ex. 2.35,48.85)"
    if ftype == "geojson":
        return "une géométrie GeoJSON valide"
    if ftype == "object":
        return "un objet JSON valide"
    if ftype in {"array", "list"}:
        return (
            "une liste valide (tableau JSON)" if ftype == "array" else "une liste de valeurs séparées par des virgules"
        )
    if ftype == "string" and fmt_file in SPREADSHEETS and fmt == "default":
        return (
            "un texte ; or la cellule est un nombre ou une date dans le tableur : mettez la colonne au format "
            "« Texte » (sinon les zéros en tête des codes disparaissent)"
        )
    if ftype == "string":
        return {
            "email": "une adresse e-mail valide (ex. contact@mairie.fr)",
            "uri": "une URL complète (ex. https://www.exemple.fr/page)",
            "uuid": "un identifiant UUID (ex. 123e4567-e89b-12d3-a456-426614174000)",
            "binary": "une valeur binaire encodée en base64",
        }.get(fmt, "un texte")
    return f"une valeur de type {ftype}"


def _constraint(note: str) -> tuple[str, str]:
    match = re.search(r'constraint "(\w+)" is "(.*)"', note, re.S)
    return (match.group(1), match.group(2)) if match else ("", "")


def _example(field: dict[str, Any]) -> str:
    example = field.get("example")
    if example in (None, ""):
        examples = field.get("examples")
        example = examples[0] if isinstance(examples, list) and examples else None
    return f" (ex. {_fr.quote(str(example))})" if example not in (None, "") else ""


def _enum_values(field: dict[str, Any], raw: str) -> str:
    values = field.get("constraints", {}).get("enum")
    if not isinstance(values, list):
        return raw
    shown = [_fr.quote(str(v)) for v in values[:12]]
    more = f" (et {len(values) - 12} autres)" if len(values) > 12 else ""
    return ", ".join(shown) + more


def _constraint_message(where: str, cell: str, field: dict[str, Any], name: str, note: str) -> str:
    constraint, value = _constraint(note)
    shown = _fr.quote(cell)
    if constraint == "required":
        return f"{where} : la valeur est obligatoire mais la cellule est vide. Renseignez-la{_example(field)}."
    if constraint == "pattern":
        return (
            f"{where} : la valeur {shown} n'a pas la forme attendue{_example(field)} (motif {value}). "
            "Corrigez-la selon la documentation du schéma."
        )
    if constraint == "enum":
        return (
            f"{where} : la valeur {shown} ne fait pas partie des valeurs autorisées : "
            f"{_enum_values(field, value)}. Remplacez-la par l'une d'elles (l'écriture doit être exacte)."
        )
    bounds = {
        "minimum": f"supérieure ou égale à {value}",
        "maximum": f"inférieure ou égale à {value}",
        "exclusiveMinimum": f"strictement supérieure à {value}",
        "exclusiveMaximum": f"strictement inférieure à {value}",
    }
    if constraint in bounds:
        return f"{where} : la valeur {shown} devrait être {bounds[constraint]}. Vérifiez-la."
    if constraint in {"minLength", "maxLength"}:
        side = "au moins" if constraint == "minLength" else "au plus"
        return (
            f"{where} : la valeur {shown} compte {_fr.plural(len(cell), 'caractère')} ; elle doit en compter "
            f"{side} {value}. Corrigez-la."
        )
    if constraint == "jsonSchema":
        return f"{where} : la valeur {shown} ne respecte pas la structure JSON décrite par le schéma. Corrigez-la."
    if constraint == "unique":
        return f"{where} : la valeur {shown} doit être unique dans la colonne. Corrigez le doublon."
    return f"{where} : la valeur {shown} ne respecte pas la contrainte « {constraint or note} » du schéma."


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in text if not unicodedata.combining(c)).lower())


def _label_hint(label: str, field_name: str, schema: Schema | None) -> str:
    if label and _norm(label) == _norm(field_name):
        return " Seule l'écriture diffère (majuscules, tirets, accents) : renommez la colonne exactement."
    if schema is not None and label and schema.has_field(label):
        return (
            f" « {label} » est bien un champ du schéma, mais à une autre position : remettez les colonnes "
            "dans l'ordre du schéma."
        )
    return f" Renommez la colonne « {field_name} », ou remettez les colonnes dans l'ordre du schéma."


def _same_row(note: str) -> str:
    match = re.search(r"row at position (\d+)", note)
    return f" (déjà à la ligne {match.group(1)})" if match else ""


def _message(d: dict[str, Any], schema: Schema | None, fmt: str) -> str:  # noqa: C901 - one branch per type
    etype: str = d["type"]
    row = d.get("rowNumber")
    name = d.get("fieldName") or ""
    number = d.get("fieldNumber")
    label = d.get("label") or ""
    cell = "" if d.get("cell") is None else str(d.get("cell"))
    note: str = d.get("note") or ""
    field = _field(schema, name)
    where = f"Ligne {row}, colonne « {name} »" if name else f"Ligne {row}"
    header = "Dans l'en-tête (ligne 1)"
    if etype == "type-error":
        return (
            f"{where} : la valeur {_fr.quote(cell)} n'est pas valide. Attendu : {_expected(field, note, fmt)}. "
            "Corrigez-la, ou videz la cellule si l'information manque et que le champ n'est pas obligatoire."
        )
    if etype == "constraint-error":
        return _constraint_message(where, cell, field, name, note)
    if etype == "unique-error":
        return (
            f"{where} : la valeur {_fr.quote(cell)} est déjà utilisée plus haut{_same_row(note)}, alors que "
            "chaque valeur de cette colonne doit être unique. Corrigez le doublon."
        )
    if etype == "primary-key":
        keys = schema.primary_key if schema is not None else []
        cols = _fr.join(f"« {k} »" for k in keys) or "de la clé primaire"
        if "None" in note:
            return f"Ligne {row} : l'identifiant ({cols}) est vide. Chaque ligne doit avoir un identifiant renseigné."
        return (
            f"Ligne {row} : l'identifiant ({cols}) est déjà utilisé par une autre ligne{_same_row(note)}. "
            "Chaque ligne doit avoir un identifiant unique : corrigez le doublon."
        )
    if etype == "foreign-key":
        return f"Ligne {row} : la valeur ne renvoie à aucune ligne de la table de référence ({note}). Corrigez-la."
    if etype == "missing-cell":
        return (
            f"{where} (n° {number}) : la cellule manque, la ligne compte moins de valeurs que l'en-tête. "
            "Vérifiez les séparateurs de cette ligne (un séparateur oublié, ou un retour à la ligne dans une "
            "cellule non entourée de guillemets)."
        )
    if etype == "extra-cell":
        return (
            f"Ligne {row} : la ligne compte une valeur de trop (en position {number} : {_fr.quote(cell)}) par "
            "rapport à l'en-tête. Un séparateur (virgule, point-virgule) dans une valeur doit être entouré de "
            "guillemets ; sinon supprimez la valeur en trop."
        )
    if etype == "blank-row":
        return f"Ligne {row} : la ligne est entièrement vide. Supprimez-la."
    if etype == "duplicate-row":
        return f"Ligne {row} : la ligne est une copie exacte d'une ligne précédente{_same_row(note)}. Supprimez-la."
    if etype == "row-constraint":
        return f"Ligne {row} : la ligne ne respecte pas une règle du schéma ({note}). Corrigez-la."
    if etype == "extra-label":
        return (
            f"{header}, la colonne n° {number} {_fr.quote(label)} n'est pas prévue par le schéma. Supprimez-la, "
            "ou renommez-la comme le champ du schéma qu'elle contient."
        )
    if etype == "missing-label":
        required = field.get("constraints", {}).get("required")
        extra = " Ce champ est obligatoire." if required else " Ajoutez-la, même vide si l'information manque."
        return f"{header}, la colonne « {name} » (n° {number}) prévue par le schéma est absente.{extra}"
    if etype == "incorrect-label":
        return (
            f"{header}, la colonne n° {number} s'appelle {_fr.quote(label)} alors que le schéma attend « {name} » "
            f"à cette position.{_label_hint(label, name, schema)}"
        )
    if etype == "duplicate-label":
        return (
            f"{header}, l'en-tête {_fr.quote(label)} (colonne n° {number}) est en double. Renommez l'une des colonnes."
        )
    if etype == "blank-label":
        return f"{header}, la colonne n° {number} n'a pas de nom alors que le schéma attend « {name} ». Nommez-la."
    if etype == "blank-header":
        return "La ligne d'en-tête est vide : la première ligne du fichier doit contenir les noms des colonnes."
    if etype == "unmatched-header":
        return (
            "Aucune colonne du fichier ne correspond au schéma : vérifiez qu'il s'agit du bon schéma et de la "
            "bonne ligne d'en-tête."
        )
    if etype == "encoding-error":
        return f"Le fichier n'a pas pu être décodé ({note}). Ré-enregistrez-le en UTF-8 puis recommencez."
    if etype == "format-error":
        return f"Le fichier n'a pas pu être lu comme un fichier {fmt.upper()} ({note}). Vérifiez son format."
    if etype in {"scheme-error", "source-error", "resource-error", "compression-error", "error"}:
        return (
            f"Le fichier n'a pas pu être lu ({note or d.get('message')}). Vérifiez qu'il est complet et dans un "
            "format tabulaire."
        )
    if etype in {"schema-error", "field-error"}:
        return (
            f"Le schéma lui-même n'est pas valide ({note}) : signalez-le à son producteur ou choisissez une "
            "autre version."
        )
    if etype in {
        "truncated-value",
        "forbidden-value",
        "sequential-value",
        "ascii-value",
        "deviated-value",
        "deviated-cell",
    }:
        return f"{where} : valeur suspecte {_fr.quote(cell)} ({note}). Vérifiez-la."
    return f"Erreur de validation « {etype} » : {note or d.get('message')}."


def issue_from_error(error: Error, schema: Schema | None = None, *, fmt: str = "csv") -> Issue:
    """One frictionless error as an Issue (code ``schema-<type>``, French message, English note kept)."""
    d = error.to_descriptor()
    details: dict[str, Any] = {"type": d["type"], "note": d.get("note", ""), "message_en": d.get("message", "")}
    for key in ("fieldName", "fieldNumber", "cell", "label", "rowNumbers"):
        if key in d:
            details[key] = d[key]
    constraint, _ = _constraint(d.get("note") or "")
    if constraint:
        details["constraint"] = constraint
    column = d.get("fieldName") or (d.get("label") if d["type"] in {"extra-label", "duplicate-label"} else None)
    return Issue(
        code=f"schema-{d['type']}",
        message=_message(d, schema, fmt),
        severity="error",
        row=d.get("rowNumber"),
        column=column or None,
        check=CHECK,
        details=details,
    )


def issues_from_errors(errors: Iterable[Error], schema: Schema | None = None) -> list[Issue]:
    return [issue_from_error(e, schema) for e in errors]
