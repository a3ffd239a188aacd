"""Parquet reader: every column comes back as text, nested values as JSON."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from territoria.ingest.readers import parquet_reader, read_any


def test_parquet_columns_cast_to_text(tmp_path: Path) -> None:
    source = tmp_path / "typed.parquet"
    pq.write_table(
        pa.table(
            {
                "Code INSEE": ["01234", "2A004"],
                "population": pa.array([1200, None], pa.int64()),
                "surface": [12.5, 0.25],
                "créé le": [dt.date(2024, 2, 29), dt.date(2023, 1, 1)],
                "maj": [dt.datetime(2024, 2, 29, 8, 30), None],
                "tags": [["a", "b"], []],
                "actif": [True, False],
            }
        ),
        source,
    )
    table = read_any(source, tmp_path / "w", declared_name="export.csv")
    assert table.source["format"] == "parquet"
    assert [c.name for c in table.columns] == ["code_insee", "population", "surface", "cree_le", "maj", "tags", "actif"]
    assert table.columns[0].label == "Code INSEE"
    data = pq.read_table(table.path)
    assert all(pa.types.is_string(f.type) for f in data.schema)
    assert data.to_pylist() == [
        {
            "code_insee": "01234",
            "population": "1200",
            "surface": "12.5",
            "cree_le": "2024-02-29",
            "maj": "2024-02-29T08:30:00",
            "tags": '["a","b"]',
            "actif": "true",
        },
        {
            "code_insee": "2A004",
            "population": None,
            "surface": "0.25",
            "cree_le": "2023-01-01",
            "maj": None,
            "tags": "[]",
            "actif": "false",
        },
    ]
    assert table.row_count == 2


def test_parquet_empty(tmp_path: Path) -> None:
    source = tmp_path / "vide.parquet"
    pq.write_table(pa.table({"a": pa.array([], pa.string())}), source)
    table = parquet_reader.read(source, tmp_path / "w")
    assert table.row_count == 0 and [c.name for c in table.columns] == ["a"]
