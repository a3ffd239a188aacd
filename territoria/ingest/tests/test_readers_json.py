"""JSON reader: real DECP files (records under a wrapper), arrays, JSON Lines, nested values as JSON text."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from territoria.ingest.readers import json_reader, read_any
from territoria.ingest.readers.base import RawTable, ReadError

DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"
DECP = DATA / "decp" / "marches_concessions.json"

pytestmark = pytest.mark.skipif(not DATA.is_dir(), reason=f"données partagées absentes ({DATA})")


def rows(table: RawTable) -> list[dict[str, str | None]]:
    data = pq.read_table(table.path)
    assert data.column_names == [c.name for c in table.columns]
    assert all(pa.types.is_string(f.type) for f in data.schema)
    return data.to_pylist()


def test_decp_records_under_nested_keys(tmp_path: Path) -> None:
    original = json.loads(DECP.read_text(encoding="utf-8"))["marches"]["contrat-concession"]
    table = json_reader.read(DECP, tmp_path)
    assert table.source["records_path"] == "marches/contrat-concession"
    assert table.source["other_lists"] == ["marche"]
    assert any(i.code == "json-other-lists" for i in table.issues)
    assert table.row_count == len(original)
    assert [c.label for c in table.columns][: len(original[0])] == list(original[0])
    data = rows(table)
    assert data[0]["id"] == original[0]["id"]
    assert json.loads(data[0]["autoriteconcedante"]) == original[0]["autoriteConcedante"]  # nested → JSON text
    assert data[0]["dureemois"] == str(original[0]["dureeMois"])


def test_array_union_of_keys_in_first_seen_order(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(
        json.dumps(
            [
                {"code": "01234", "montant": 1.5, "tags": ["a", "b"]},
                {"montant": 2, "actif": True, "Nom complet": "Évreux", "code": None},
            ],
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    table = json_reader.read(path, tmp_path / "w")
    assert [c.name for c in table.columns] == ["code", "montant", "tags", "actif", "nom_complet"]
    assert rows(table) == [
        {"code": "01234", "montant": "1.5", "tags": '["a","b"]', "actif": None, "nom_complet": None},
        {"code": None, "montant": "2", "tags": None, "actif": "true", "nom_complet": "Évreux"},
    ]


def test_wrapper_results_and_json_lines(tmp_path: Path) -> None:
    wrapped = tmp_path / "api.json"
    wrapped.write_text('{"total_count": 2, "results": [{"insee": "2A004"}, {"insee": "01001"}]}', encoding="utf-8")
    table = read_any(wrapped, tmp_path / "a", declared_name="api.json")
    assert table.source["records_path"] == "results"
    assert rows(table) == [{"insee": "2A004"}, {"insee": "01001"}]
    lines = tmp_path / "flux.jsonl"
    lines.write_text('{"id": "007", "v": {"t": 1}}\n\n{"id": "008", "w": [1]}\n', encoding="utf-8")
    table = read_any(lines, tmp_path / "b", declared_name="flux.txt")
    assert table.source["format"] == "jsonl"
    assert rows(table) == [{"id": "007", "v": '{"t":1}', "w": None}, {"id": "008", "v": None, "w": "[1]"}]


def test_invalid_json_is_a_french_error(tmp_path: Path) -> None:
    path = tmp_path / "casse.json"
    path.write_text('[{"a": 1}, {"a": ]', encoding="utf-8")
    with pytest.raises(ReadError) as error:
        json_reader.read(path, tmp_path / "w")
    assert "casse.json" in error.value.message and "invalide" in error.value.message
