"""exports/parquet: typed columns, every row, written batch after batch."""

from __future__ import annotations

import datetime as dt
import io

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from territoria.records import engine

from .conftest import content, get, publish, records_of, write_csv

pytestmark = [pytest.mark.django_db, pytest.mark.urls("territoria.records.tests.urls")]


def read(data: bytes) -> pq.ParquetFile:
    return pq.ParquetFile(io.BytesIO(data))


def test_columns_are_typed_and_rows_are_the_records(equipements):
    query = {"where": "montant > 1", "order_by": "date_ouverture", "select": "nom, montant, date_ouverture, actif"}
    response = get(None, "equipements", "exports/parquet", **query)
    assert response["Content-Disposition"] == 'attachment; filename="equipements.parquet"'
    table = read(content(response)).read()
    assert table.schema.names == ["nom", "montant", "date_ouverture", "actif"]
    assert table.schema.field("date_ouverture").type == pa.date32()
    assert table.schema.field("actif").type == pa.bool_()
    assert pa.types.is_floating(table.schema.field("montant").type)
    rows = table.to_pylist()
    expected = records_of("equipements", **query)
    assert [{**r, "date_ouverture": r["date_ouverture"].isoformat()} for r in rows] == [
        {k: v for k, v in r.items() if k != "_id"} for r in expected
    ]
    assert all(type(r["date_ouverture"]) is dt.date for r in rows)


def test_points_are_structs_of_lon_and_lat(equipements):
    rows = read(content(get(None, "equipements", "exports/parquet", select="geo_point_2d"))).read().to_pylist()
    assert [r["geo_point_2d"] for r in rows] == [r["geo_point_2d"] for r in records_of("equipements")]


def test_a_large_export_is_read_window_by_window_and_written_batch_by_batch(make_dataset, tmp_path, monkeypatch):
    monkeypatch.setattr(engine, "EXPORT_WINDOW", 100)
    windows = []
    real = engine._window_params

    def counted(compiled, low, high):  # type: ignore[no-untyped-def]
        windows.append((low, high))
        return real(compiled, low, high)

    monkeypatch.setattr(engine, "_window_params", counted)
    rows = [(f"n{i}", "Ville", "1,5", str(i), "2024-01-01", "45", "4", "oui", "") for i in range(1, 1235)]
    publish(make_dataset("gros", "Gros"), write_csv(tmp_path / "gros.csv", rows))
    parquet = read(content(get(None, "gros", "exports/parquet", select="quantite")))
    assert parquet.read().column("quantite").to_pylist() == list(range(1, 1235))
    assert len(windows) == 13 and windows[0] == (0, 100) and windows[-1] == (1200, 1300)
    assert parquet.num_row_groups >= 13  # one batch (at least) per window: never the whole result at once
