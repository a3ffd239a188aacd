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
