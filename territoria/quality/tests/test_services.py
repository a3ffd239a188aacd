"""The public face: one report from a raw table, a source file, a schema and score inputs."""

from __future__ import annotations

import ast
import csv
import datetime as dt
import json
from pathlib import Path

from territoria.quality import catalogue, services
from territoria.quality.report import Issue

from .conftest import MakeRaw, write_raw

QUALITY = Path(__file__).resolve().parents[1]


def _raw_from_csv(path: Path, out: Path):  # type: ignore[no-untyped-def]
    records = list(csv.reader(path.read_text("utf-8-sig").splitlines()))
    return write_raw(out, [(f"c{i}", h) for i, h in enumerate(records[0])], records[1:])


def test_build_report_on_a_real_invalid_file(shared_data: Path, tmp_path: Path) -> None:
    source = shared_data / "exemples-schemas/subventions/exemple_invalide_erreurs_cellules.csv"
    raw = _raw_from_csv(source, tmp_path / "raw.parquet")
    raw.issues.append(Issue(code="ragged-row", message="Ligne 3 : trop de cellules.", row=3))
    report = services.build_report(
        raw,
        source_path=source,
        schema=catalogue.get("scdl-subventions").path,
        score_inputs=services.ScoreInputs(
            metadata={"title": "Subventions"},
            last_update=dt.date(2025, 1, 1),
            frequency="ANNUAL",
            format_code="csv",
            format_open=True,
            licence="etalab-2.0",
            licence_open=True,
            now=dt.datetime(2025, 6, 1, tzinfo=dt.UTC),
        ),
    )
    codes = [i.code for i in report.issues]
    assert codes[0] == "ragged-row"  # the reader's issues come first
    assert codes.count("schema-type-error") == 5 and codes.count("schema-constraint-error") == 10
    assert report.figures["schema"] == {"errors": 16, "truncated": False}
    assert report.figures["rows"] == 29 and report.figures["pii"] == []
    score = report.figures["score"]
    assert score["max"] == 100
    by = {line["criterion"]: line for line in score["lines"]}
    assert by["schema.declared"]["points"] == 10 and by["schema.valid"]["points"] == 0
    assert by["freshness.up_to_date"]["points"] == 15 and by["licence.open"]["points"] == 10
    json.dumps(report.as_dict())  # the report is JSON as it is


def test_build_report_with_personal_data_and_structure(make_raw: MakeRaw) -> None:
    raw = make_raw(
        [("nom", "Nom"), ("prenom", "Prénom"), ("mail", "Courriel"), ("vide", "")],
        [["DUPONT", "Jean", "jean.dupont@gmail.com", None], ["DUPONT", "Jean", "jean.dupont@gmail.com", None]],
    )
    report = services.build_report(raw)
    codes = {i.code for i in report.issues}
    assert {"pii-email", "pii-person_name", "duplicate-row", "empty-header", "blank-column"} <= codes
    assert len(report.errors) >= 3 and "score" not in report.figures and "schema" not in report.figures
    assert report.figures["issues"]["by_code"]["pii-person_name"] == 2


def test_json_schema_in_build_report_is_an_info_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "x.geojson"
    path.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    report = services.build_report(source_path=path, schema=catalogue.get("zfe").path)
    assert [i.code for i in report.issues] == ["schema-not-tabular"]


def test_quality_imports_no_catalog_ingest_or_django_models() -> None:
    """Pure checks on tables: only the RawTable dataclass may come from ingest; Django only in apps.py."""
    for path in QUALITY.rglob("*.py"):
        if "tests" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module]
            elif isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            else:
                continue
            for module in modules:
                assert not module.startswith("territoria.catalog") and not module.endswith(".models"), (path, module)
                if module.startswith("django"):  # only the app declaration may use Django
                    assert path.name == "apps.py" and not module.startswith("django.db"), (path, module)
                if module.startswith("territoria.ingest"):
                    assert module == "territoria.ingest.readers.base", (path, module)
                    assert isinstance(node, ast.ImportFrom)
                    assert {a.name for a in node.names} <= {"RawTable", "RawColumn"}, (path, module)


def test_catalogue_lists_every_shipped_schema() -> None:
    shipped = {str(p.relative_to(catalogue.SCHEMAS_DIR)) for p in catalogue.SCHEMAS_DIR.rglob("*") if p.is_file()}
    listed = {e.relpath for e in catalogue.SCHEMAS}
    assert shipped == listed | set(catalogue.REFERENCE_FILES) | {"SOURCES.md"}
    sources = (catalogue.SCHEMAS_DIR / "SOURCES.md").read_text(encoding="utf-8")
    for entry in catalogue.SCHEMAS:
        assert f"`{entry.relpath}`" in sources
        descriptor = entry.load()
        from territoria.quality.schema import schema_kind

        assert schema_kind(descriptor) == entry.kind, entry.name
        assert entry.version in entry.relpath and entry.title


def test_shipped_schemas_are_the_shared_ones(shared_data: Path) -> None:
    for entry in catalogue.SCHEMAS:
        assert entry.path.read_bytes() == (shared_data / "schemas" / entry.relpath).read_bytes()
