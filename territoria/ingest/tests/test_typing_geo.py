"""Geo: lat/lon pairs, "lat, lon" point columns, GeoJSON shapes, bbox, out-of-range rows."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import shapely

from territoria.ingest.tests.test_typing_support import column, issues, run, values

POINT_TYPE = pa.struct([("lon", pa.float64()), ("lat", pa.float64())])


def test_latitude_longitude_pair_becomes_a_point(tmp_path):
    result, table = run(
        tmp_path,
        {
            "nom": ["Bellecour", "Part-Dieu", "Sans position"],
            "latitude": ["45,7578", "45,7606", ""],  # French decimal commas
            "longitude": ["4,8320", "4,8597", ""],
        },
    )
    schema = pq.read_schema(result.path)
    assert schema.names == ["_row", "nom", "latitude", "longitude", "geo_point_2d"]
    assert schema.field("geo_point_2d").type == POINT_TYPE
    assert schema.field("latitude").type == pa.float64()
    assert values(table, "geo_point_2d") == [{"lon": 4.832, "lat": 45.7578}, {"lon": 4.8597, "lat": 45.7606}, None]
    assert values(table, "latitude")[:2] == [45.7578, 45.7606]
    geo = result.geo
    assert geo is not None
    assert (geo.point_column, geo.shape_column, geo.features) == ("geo_point_2d", None, 2)
    assert geo.bbox == pytest.approx((4.832, 45.7578, 4.8597, 45.7606))
    assert geo.sources == ["latitude", "longitude"]
    assert column(result, "latitude").type == "decimal"
    assert column(result, "geo_point_2d").type == "geo_point"
    assert issues(result, "geo-out-of-range") == []


@pytest.mark.parametrize(
    ("lat", "lon"), [("lat", "lon"), ("lat", "lng"), ("lat", "long"), ("y", "x"), ("lat_wgs84", "lon_wgs84")]
)
def test_short_pair_names(tmp_path, lat, lon):
    result, table = run(tmp_path, {lon: ["2.35", "-1.55"], lat: ["48.85", "47.22"]})
    assert values(table, "geo_point_2d") == [{"lon": 2.35, "lat": 48.85}, {"lon": -1.55, "lat": 47.22}]
    assert result.geo is not None and result.geo.sources == [lat, lon]


def test_integer_coordinates_are_typed_decimal(tmp_path):
    result, table = run(tmp_path, {"latitude": ["45", "46"], "longitude": ["4", "5"]})
    assert column(result, "latitude").type == "decimal"
    assert values(table, "geo_point_2d") == [{"lon": 4.0, "lat": 45.0}, {"lon": 5.0, "lat": 46.0}]


def test_lambert_x_y_are_not_points(tmp_path):
    result, table = run(tmp_path, {"x": ["842000.5", "652000"], "y": ["6519000", "6862000"]})
    assert result.geo is None
    assert "geo_point_2d" not in table.column_names
    assert column(result, "x").type == "decimal"


def test_a_lone_latitude_is_not_a_point(tmp_path):
    result, _ = run(tmp_path, {"latitude": ["45.1", "45.2"], "altitude": ["200", "300"]})
    assert result.geo is None


def test_out_of_range_row_gets_an_empty_point_and_an_issue(tmp_path):
    lat = [f"{45 + i / 100}" for i in range(30)] + ["95.5"]
    lon = [f"{4 + i / 100}" for i in range(30)] + ["4.1"]
    result, table = run(tmp_path, {"latitude": lat, "longitude": lon}, labels={"latitude": "Latitude (WGS84)"})
    points = values(table, "geo_point_2d")
    assert points[30] is None and points[29] == {"lon": 4.29, "lat": 45.29}
    assert values(table, "latitude")[30] == 95.5  # the source value is kept
    (issue,) = issues(result, "geo-out-of-range")
    assert issue.row == 31
    assert issue.column == "Latitude (WGS84)"
    assert "hors limites" in issue.message and "ligne 31" in issue.message
    assert result.geo is not None and result.geo.features == 30
    assert result.geo.bbox == pytest.approx((4.0, 45.0, 4.29, 45.29))


def test_many_out_of_range_rows_are_summarised(tmp_path):
    lat = ["45.5"] * 200 + ["-91"] * 15
    lon = ["4.5"] * 215
    result, _ = run(tmp_path, {"lat": lat, "lon": lon})
    found = issues(result, "geo-out-of-range")
    assert [i.row for i in found[:10]] == list(range(201, 211))
    assert found[10].row is None and found[10].details["rows_total"] == 15
    assert len(found) == 11


@pytest.mark.parametrize("name", ["geo_point_2d", "geo_point", "geopoint", "coordonnees"])
def test_point_text_column(tmp_path, name):
    raw = ["45.7578, 4.8320", "[45.7606, 4.8597]", "45.75,4.85", ""]
    result, table = run(tmp_path, {"nom": ["a", "b", "c", "d"], name: raw})
    expected = [{"lon": 4.832, "lat": 45.7578}, {"lon": 4.8597, "lat": 45.7606}, {"lon": 4.85, "lat": 45.75}, None]
    assert values(table, "geo_point_2d") == expected
    assert pq.read_schema(result.path).field("geo_point_2d").type == POINT_TYPE
    if name == "geo_point_2d":  # already the target name: replaced in place
        assert table.column_names == ["_row", "nom", "geo_point_2d"]
    else:  # kept as text, the point added at the end
        assert table.column_names == ["_row", "nom", name, "geo_point_2d"]
        assert values(table, name)[1] == "[45.7606, 4.8597]"
    assert result.geo is not None and result.geo.bbox == pytest.approx((4.832, 45.75, 4.8597, 45.7606))


def test_point_text_column_with_bad_rows(tmp_path):
    raw = ["45.1, 4.1"] * 20 + ["145.1, 4.1", "à vérifier"]
    result, table = run(tmp_path, {"geo_point_2d": raw})
    assert values(table, "geo_point_2d")[20:] == [None, None]
    (oor,) = issues(result, "geo-out-of-range")
    (invalid,) = issues(result, "geo-invalid")
    assert (oor.row, invalid.row) == (21, 22)
    assert "à vérifier" in invalid.message


def test_coordonnees_with_an_address_is_not_a_point(tmp_path):
    result, table = run(tmp_path, {"coordonnees": ["12 rue de la Paix, Paris", "04 78 00 00 00"]})
    assert result.geo is None
    assert column(result, "coordonnees").type == "text"


def geojson(geom):
    return json.dumps(shapely.geometry.mapping(geom))


def test_geojson_shapes_get_a_representative_point(tmp_path):
    # A U-shaped polygon: its centroid lies outside, its representative point inside.
    u_shape = shapely.Polygon([(4.0, 45.0), (4.3, 45.0), (4.3, 45.3), (4.2, 45.3), (4.2, 45.1), (4.1, 45.1),
                               (4.1, 45.3), (4.0, 45.3)])  # fmt: skip
    point = shapely.Point(2.35, 48.85)
    shapes = [geojson(u_shape), geojson(point), "", "{pas du geojson", geojson(shapely.Point(652000, 6862000))]
    result, table = run(
        tmp_path, {"nom": ["u", "p", "vide", "cassé", "lambert"], "geometry": shapes}, geometry="geometry"
    )
    schema = pq.read_schema(result.path)
    assert schema.names == ["_row", "nom", "geo_shape", "geo_point_2d"]
    assert schema.field("geo_shape").type == pa.string()
    assert schema.field("geo_point_2d").type == POINT_TYPE
    assert values(table, "geo_shape")[0] == shapes[0]
    pts = values(table, "geo_point_2d")
    assert u_shape.contains(shapely.Point(pts[0]["lon"], pts[0]["lat"]))
    assert not u_shape.contains(u_shape.centroid)  # the test would not catch a centroid otherwise
    assert pts[1] == {"lon": 2.35, "lat": 48.85}
    assert pts[2:] == [None, None, None]
    geo = result.geo
    assert geo is not None
    assert (geo.point_column, geo.shape_column, geo.features) == ("geo_point_2d", "geo_shape", 2)
    assert geo.bbox == pytest.approx((2.35, 45.0, 4.3, 48.85))  # bounds of the shapes themselves
    assert [i.row for i in issues(result, "geo-invalid")] == [4]
    assert [i.row for i in issues(result, "geo-out-of-range")] == [5]
    assert column(result, "geo_shape").type == "geo_shape"


def test_geojson_streams_in_batches_and_keeps_row_alignment(tmp_path):
    n = 5000  # more than one shapely batch
    shapes = [geojson(shapely.Point(-5 + i / 1000, 42 + i / 1000)) if i % 7 else "" for i in range(n)]
    result, table = run(tmp_path, {"id": [str(i) for i in range(n)], "geom": shapes}, geometry="geom")
    pts = values(table, "geo_point_2d")
    ids = values(table, "id")
    for i in (1, 2047, 2048, 2049, 4097, 4999):
        assert ids[i] == i
        assert pts[i] == {"lon": pytest.approx(-5 + i / 1000), "lat": pytest.approx(42 + i / 1000)}
    assert pts[7] is None and pts[2051] is None
    assert result.geo is not None and result.geo.features == n - len(range(0, n, 7))


def test_opendatasoft_export_with_geo_shape_and_geo_point_2d_columns(tmp_path):
    shape = geojson(shapely.Point(4.85, 45.75))
    result, table = run(
        tmp_path,
        {"nom": ["a", "b"], "geo_point_2d": ["45.75, 4.85", ""], "geo_shape": [shape, ""]},
        geometry="geo_shape",
    )
    # The geometry wins; the existing text column keeps its values under another name.
    assert table.column_names == ["_row", "nom", "geo_point_2d_source", "geo_shape", "geo_point_2d"]
    assert values(table, "geo_point_2d") == [{"lon": 4.85, "lat": 45.75}, None]
    assert values(table, "geo_point_2d_source") == ["45.75, 4.85", None]
    assert result.geo is not None and (result.geo.point_column, result.geo.shape_column) == (
        "geo_point_2d",
        "geo_shape",
    )
