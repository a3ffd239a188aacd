"""exports/shp: a zipped Shapefile in WGS 84 with short unique field names; refused without a geometry."""

from __future__ import annotations

import io
import zipfile

import pyogrio
import pytest
import shapely

from territoria.records.exports import shp

from .conftest import ZONES, content, get, records_of

pytestmark = [pytest.mark.django_db, pytest.mark.urls("territoria.records.tests.urls")]


def unzip(data: bytes, folder) -> dict[str, object]:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = sorted(archive.namelist())
        archive.extractall(folder)
    return {"names": names}


def read(folder, slug: str):  # type: ignore[no-untyped-def]
    meta, table = pyogrio.read_arrow(folder / f"{slug}.shp")
    return meta, table.to_pylist()


def test_points_with_their_fields(equipements, tmp_path):
    query = {"where": "quantite > 1", "order_by": "nom"}
    response = get(None, "equipements", "exports/shp", **query)
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="equipements.zip"'
    found = unzip(content(response), tmp_path)
    assert found["names"] == sorted(f"equipements{s}" for s in (".cpg", ".dbf", ".prj", ".shp", ".shx"))
    assert (tmp_path / "equipements.cpg").read_text().strip().upper() in {"UTF-8", "UTF8"}
    meta, rows = read(tmp_path, "equipements")
    assert meta["crs"] == "EPSG:4326"
    assert meta["geometry_type"] == "Point"
    expected = records_of("equipements", **query)
    assert len(rows) == len(expected) == 5
    for row, record in zip(rows, expected, strict=True):
        point = shapely.from_wkb(row.pop("wkb_geometry"))
        assert (point.x, point.y) == (record["geo_point_2d"]["lon"], record["geo_point_2d"]["lat"])
        assert row["date_ouver"].isoformat() == record["date_ouverture"]
        assert row["nom"] == record["nom"] and row["montant"] == record["montant"]
        assert row["quantite"] == record["quantite"] and row["commentair"] == record["commentaire"]
        assert bool(row["actif"]) is record["actif"]


def test_shapes_and_field_names_cut_to_ten_unique_characters(zones, tmp_path):
    unzip(content(get(None, "zones", "exports/shp", order_by="surface_m2")), tmp_path)
    meta, rows = read(tmp_path, "zones")
    assert meta["geometry_type"] in {"Polygon", "MultiPolygon"}
    assert list(meta["fields"]) == ["nom_de_la_", "nom_de_l_1", "surface_m2", "geo_point_"]
    expected = sorted(ZONES, key=lambda z: z[2])
    assert [r["nom_de_la_"] for r in rows] == [z[0] for z in expected]
    assert [r["nom_de_l_1"] for r in rows] == [z[1] for z in expected]
    shapes = [shapely.from_wkb(r["wkb_geometry"]) for r in rows]
    assert [s.normalize() for s in shapes] == [shapely.geometry.shape(z[3]).normalize() for z in expected]


def test_without_a_geometry_the_answer_is_400_in_the_api_error_shape(equipements, api_error):
    body = api_error(get(None, "equipements", "exports/shp", select="nom, ville"), 400, parameter="format")
    assert "géographique" in body["message"]


@pytest.mark.parametrize(
    ("names", "short"),
    [
        (["montant_total_ttc", "montant_total_ht", "Montant_to"], ["montant_to", "montant__1", "Montant__2"]),
        (["éééééééé"], ["ééééé"]),  # 10 bytes of UTF-8
        (["a", "A", ""], ["a", "A_1", "champ"]),
    ],
)
def test_short_names(names, short):
    assert shp.short_names(names) == short


def test_rows_are_handed_to_gdal_batch_by_batch_never_all_at_once(make_dataset, tmp_path, monkeypatch):
    """The rows reach pyogrio as they are read: when GDAL takes a batch, the later chunks are not read yet."""
    from territoria.records import engine

    from .conftest import publish, write_csv

    monkeypatch.setattr(engine, "CHUNK", 50)
    monkeypatch.setattr(shp, "BATCH_ROWS", 100)
    rows = [(f"n{i}", "Ville", "1,5", str(i), "2024-01-01", "45", "4", "oui", "") for i in range(1, 1001)]
    publish(make_dataset("gros", "Gros"), write_csv(tmp_path / "gros.csv", rows))
    pulled = [0]
    real_stream = engine.stream_raw

    def counting(compiled):  # type: ignore[no-untyped-def]
        stream = real_stream(compiled)

        def chunks():  # type: ignore[no-untyped-def]
            for chunk in stream.chunks:
                pulled[0] += 1
                yield chunk

        return engine.Stream(stream.sql_types, chunks())

    seen: list[tuple[int, int]] = []  # (rows in the batch, chunks read when GDAL got it)
    real_write = shp.pyogrio.write_arrow

    def watching(reader, *args, **kwargs):  # type: ignore[no-untyped-def]
        batches = []
        for batch in reader:
            seen.append((batch.num_rows, pulled[0]))
            batches.append(batch)
        import pyarrow as pa

        return real_write(pa.Table.from_batches(batches, schema=reader.schema), *args, **kwargs)

    monkeypatch.setattr(engine, "stream_raw", counting)
    monkeypatch.setattr(shp.pyogrio, "write_arrow", watching)
    unzip(content(get(None, "gros", "exports/shp", select="quantite, geo_point_2d")), tmp_path / "out")
    assert [n for n, _ in seen] == [100] * 10
    assert [p for _, p in seen] == [2 * k for k in range(1, 11)]  # 2 chunks of 50 per batch, read just in time
    _, written = read(tmp_path / "out", "gros")
    assert [r["quantite"] for r in written] == list(range(1, 1001))
