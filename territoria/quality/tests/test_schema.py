"""Table Schema validation: our issues agree with frictionless' own report on every example file."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest
from frictionless import Schema, system
from frictionless import validate as frictionless_validate

from territoria.quality import catalogue
from territoria.quality.report import Issue
from territoria.quality.schema import SchemaKindError, load_schema, schema_kind, validate_file

from .conftest import SHARED_DATA

EXAMPLES = SHARED_DATA / "exemples-schemas"

# Example folder -> the shipped Table Schema it follows (checked by hand against the headers).
TABLE_SCHEMA_OF = {
    "subventions": "scdl-subventions",
    "stationnement": "stationnement",
    "lieux-covoiturage": "lieux-covoiturage",
    "arbres-urbains": "arbres-urbains",
    "friches": "cnig-friches",
    "aire-livraison": "aire-livraison",
}
# Example folders left out of the agreement test, and why.
NOT_COMPARED = {
    "zfe": "JSON Schema pour GeoJSON (zfe-0.8.2), pas un Table Schema",
    "amenagements-cyclables": "JSON Schema pour GeoJSON (amenagements-cyclables-0.3.5), pas un Table Schema",
    "arrete-circulation-marchandises": "aucun schéma de ce standard (CEREMA) dans shared/data/schemas",
    "bal": "aucun schéma Base Adresse Locale dans shared/data/schemas (la BAL a son propre validateur)",
}
# "Valid" examples that frictionless itself finds invalid, with what it finds (row, field, type).
KNOWN_ERRORS_IN_VALID = {
    # The example predates schema 0.3.x, which renamed id_lieu to id_local.
    "lieux-covoiturage/exemple-valide.csv": [(None, "id_local", "incorrect-label")],
    # Same, and the spreadsheet stores the INSEE code and SIREN "source" as numbers, not text.
    "lieux-covoiturage/exemple-valide.xls": [
        (None, "id_local", "incorrect-label"),
        (2, "insee", "type-error"),
        (2, "source", "type-error"),
    ],
}
NATIVE_READER = {".xlsx": "openpyxl", ".xls": "xlrd"}


def _example_files() -> list[tuple[str, Path]]:
    if not EXAMPLES.is_dir():
        return []
    return [
        (folder, path)
        for folder in sorted(TABLE_SCHEMA_OF)
        for path in sorted((EXAMPLES / folder).iterdir())
        if path.suffix.lower() in {".csv", ".xlsx", ".xls"}
    ]


def _key(issue: Issue) -> tuple[Any, ...]:
    return (issue.row, issue.details.get("fieldName") or None, issue.code.removeprefix("schema-"))


def _frictionless_reference(path: Path, descriptor: dict[str, Any]) -> list[tuple[Any, ...]]:
    """What frictionless reports on its own: top-level validate(), native readers, absolute path."""
    module = NATIVE_READER.get(path.suffix.lower())
    if module and importlib.util.find_spec(module) is None:
        pytest.skip(
            f"{module} absent: frictionless cannot read {path.suffix} natively to compare (frictionless[excel])"
        )
    clean = {k: v for k, v in descriptor.items() if k != "x-territoria-dropped"}
    with system.use_context(trusted=True):
        report = frictionless_validate(str(path), schema=Schema.from_descriptor(clean))
    found = []
    for task in report.tasks:
        for error in task.errors:
            d = error.to_descriptor()
            found.append((d.get("rowNumber"), d.get("fieldName") or None, d["type"], d.get("note", "")))
    return found


def test_every_example_folder_is_compared_or_explained(shared_data: Path) -> None:
    folders = {p.name for p in (shared_data / "exemples-schemas").iterdir() if p.is_dir()}
    assert folders == set(TABLE_SCHEMA_OF) | set(NOT_COMPARED)
    for folder in NOT_COMPARED:
        for path in (shared_data / "exemples-schemas" / folder).iterdir():
            assert path.suffix in {".csv", ".geojson"}


@pytest.mark.parametrize(("folder", "path"), _example_files(), ids=lambda v: v if isinstance(v, str) else v.name)
def test_issues_agree_with_frictionless(folder: str, path: Path) -> None:
    entry = catalogue.get(TABLE_SCHEMA_OF[folder])
    descriptor = load_schema(entry.path)
    ours = validate_file(path, descriptor)
    reference = _frictionless_reference(path, descriptor)

    assert [_key(i) for i in ours] == [r[:3] for r in reference]
    assert [i.details["note"] for i in ours] == [r[3] for r in reference]
    for issue in ours:
        assert issue.severity == "error"
        assert issue.message and issue.message != issue.details["message_en"]
        if issue.row is not None:
            assert f"Ligne {issue.row}" in issue.message


@pytest.mark.parametrize(("folder", "path"), _example_files(), ids=lambda v: v if isinstance(v, str) else v.name)
def test_valid_examples_have_no_error_and_invalid_ones_have_some(folder: str, path: Path) -> None:
    """Runs without frictionless[excel] too: spreadsheets go through python-calamine."""
    ours = validate_file(path, catalogue.get(TABLE_SCHEMA_OF[folder]).path)
    relative = f"{folder}/{path.name}"
    if "invalide" in path.name:
        assert ours, f"{relative} is an invalid example: we must find errors"
    else:
        assert [_key(i) for i in ours] == KNOWN_ERRORS_IN_VALID.get(relative, [])


def test_invalid_subventions_cells_are_reported_where_they_are(shared_data: Path) -> None:
    path = shared_data / "exemples-schemas/subventions/exemple_invalide_erreurs_cellules.csv"
    issues = validate_file(path, catalogue.get("scdl-subventions").path)
    by_key = {(i.row, i.column, i.code): i for i in issues}
    date = by_key[(5, "dateConvention", "schema-type-error")]
    assert "« 05/12/2016 »" in date.message and "AAAA-MM-JJ" in date.message
    rna = by_key[(5, "rnaBeneficiaire", "schema-constraint-error")]
    assert rna.details["constraint"] == "pattern" and "W380475558" in rna.message
    required = by_key[(10, "montant", "schema-constraint-error")]
    assert required.details["constraint"] == "required" and "obligatoire" in required.message
    missing = by_key[(None, "dispositifAide", "schema-missing-label")]
    assert "absente" in missing.message


def test_header_errors_say_what_to_rename(shared_data: Path) -> None:
    path = shared_data / "exemples-schemas/subventions/exemple_invalide_erreurs_colonnes.csv"
    issues = [
        i for i in validate_file(path, catalogue.get("scdl-subventions").path) if i.code == "schema-incorrect-label"
    ]
    by_field = {i.column: i for i in issues}
    assert "Seule l'écriture diffère" in by_field["nomBeneficiaire"].message  # NOM_Beneficiaire
    assert "autre position" in by_field["nomAttribuant"].message  # idAttribuant swapped with nomAttribuant


def _write(tmp_path: Path, text: str, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


SCHEMA = {
    "fields": [
        {"name": "id", "type": "integer", "constraints": {"required": True, "unique": True}},
        {"name": "code", "type": "string", "constraints": {"pattern": "^[0-9]{5}$"}, "example": "35238"},
        {"name": "statut", "type": "string", "constraints": {"enum": ["ouvert", "fermé"]}},
        {"name": "taux", "type": "number", "constraints": {"minimum": 0, "maximum": 1}},
        {"name": "nom", "type": "string", "constraints": {"minLength": 2, "maxLength": 5}},
        {"name": "actif", "type": "boolean", "trueValues": ["oui"], "falseValues": ["non"]},
        {"name": "date", "type": "date", "format": "%d/%m/%Y"},
    ],
    "primaryKey": ["id"],
}


def test_every_error_type_gets_a_french_message(tmp_path: Path) -> None:
    text = (
        "id,code,statut,taux,nom,actif,date,bonus\n"
        "1,35238,ouvert,0.5,abc,oui,15/03/2024,x\n"
        "1,3523,inconnu,1.5,a,peut-être,2024-03-15,y\n"
        "x,35238,fermé,-1,abcdef,non,15/03/2024,z,en trop\n"
        ",,,,,,,\n"
        "4,35238\n"
        ",35238,ouvert,0,abc,oui,15/03/2024,w\n"
    )
    issues = validate_file(_write(tmp_path, text), SCHEMA)
    codes = {(i.code, i.details.get("constraint")) for i in issues}
    expected = {
        ("schema-extra-label", None),
        ("schema-unique-error", None),
        ("schema-primary-key", None),
        ("schema-constraint-error", "pattern"),
        ("schema-constraint-error", "enum"),
        ("schema-constraint-error", "maximum"),
        ("schema-constraint-error", "minimum"),
        ("schema-constraint-error", "minLength"),
        ("schema-constraint-error", "maxLength"),
        ("schema-constraint-error", "required"),
        ("schema-type-error", None),
        ("schema-extra-cell", None),
        ("schema-blank-row", None),
        ("schema-missing-cell", None),
    }
    assert expected <= codes
    english = ("Row at position", "does not conform", "Type error", "There is", "has an extra", "is completely")
    for issue in issues:
        assert not any(word in issue.message for word in english), issue.message
        assert issue.details["message_en"]
    bool_error = next(i for i in issues if i.code == "schema-type-error" and i.column == "actif")
    assert "oui pour oui, non pour non" in bool_error.message and bool_error.row == 3
    date_error = next(i for i in issues if i.code == "schema-type-error" and i.column == "date")
    assert "JJ/MM/AAAA (ex. 15/03/2024)" in date_error.message
    enum_error = next(i for i in issues if i.details.get("constraint") == "enum")
    assert "« ouvert », « fermé »" in enum_error.message
    extra = next(i for i in issues if i.code == "schema-extra-label")
    assert extra.column == "bonus" and "n'est pas prévue" in extra.message
    unique = next(i for i in issues if i.code == "schema-unique-error")
    assert unique.row == 3 and "ligne 2" in unique.message


def test_missing_and_misnamed_columns(tmp_path: Path) -> None:
    issues = validate_file(_write(tmp_path, "id,Code\n1,35238\n"), SCHEMA)
    codes = [(i.code, i.column) for i in issues]
    assert ("schema-incorrect-label", "code") in codes
    assert ("schema-missing-label", "statut") in codes
    renamed = next(i for i in issues if i.code == "schema-incorrect-label")
    assert "Seule l'écriture diffère" in renamed.message


def test_error_limit_is_reported(tmp_path: Path) -> None:
    text = "id,code,statut,taux,nom,actif,date\n" + "".join(f"{i},x,ouvert,0,ab,oui,01/01/2024\n" for i in range(30))
    issues = validate_file(_write(tmp_path, text), SCHEMA, limit_errors=10)
    assert [i.code for i in issues].count("schema-constraint-error") == 10
    assert issues[-1].code == "schema-error-limit" and issues[-1].severity == "info"


def test_gzip_csv_with_semicolons_and_bom(tmp_path: Path) -> None:
    import gzip

    path = tmp_path / "data.csv.gz"
    path.write_bytes(gzip.compress("\ufeffid;code\n1;35238\n2;abc\n".encode()))
    schema = {"fields": SCHEMA["fields"][:2]}
    issues = validate_file(path, schema)
    assert [(i.row, i.column, i.code) for i in issues] == [(3, "code", "schema-constraint-error")]


def test_json_schemas_and_data_packages_are_refused_in_french() -> None:
    with pytest.raises(SchemaKindError) as info:
        validate_file(Path("x.geojson"), catalogue.get("zfe").path)
    assert info.value.kind == "jsonschema" and "JSON Schema" in info.value.message
    with pytest.raises(SchemaKindError) as info:
        validate_file(Path("x.csv"), catalogue.get("irve").path)
    assert info.value.kind == "datapackage"


def test_load_schema_drops_only_metadata_frictionless_rejects() -> None:
    arbres = load_schema(catalogue.get("arbres-urbains").path)
    assert "name" not in arbres and arbres["x-territoria-dropped"] == ["name"]
    assert len(arbres["fields"]) == 26
    subventions = load_schema(catalogue.get("scdl-subventions").path)
    assert subventions["name"] == "subventions" and "x-territoria-dropped" not in subventions


def test_load_schema_refuses_broken_fields(tmp_path: Path) -> None:
    from frictionless import FrictionlessException

    path = tmp_path / "broken.json"
    path.write_text(json.dumps({"fields": [{"name": "a", "type": "entier"}]}), encoding="utf-8")
    with pytest.raises(FrictionlessException):
        validate_file(_write(tmp_path, "a\n1\n"), path)


def test_schema_kind() -> None:
    assert schema_kind({"fields": []}) == "tableschema"
    assert schema_kind({"resources": [{}]}) == "datapackage"
    assert schema_kind({"type": "object", "properties": {}}) == "jsonschema"
