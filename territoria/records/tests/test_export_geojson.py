"""exports/geojson: a streamed FeatureCollection; geometry from geo_shape or geo_point, else null."""

from __future__ import annotations

import json

import pytest

from .conftest import ZONES, content, get, records_of

pytestmark = [pytest.mark.django_db, pytest.mark.urls("territoria.records.tests.urls")]


def features(dataset: str, **params) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    response = get(None, dataset, "exports/geojson", **params)
    assert response["Content-Type"].startswith("application/geo+json")
    assert response["Content-Disposition"] == f'attachment; filename="{dataset}.geojson"'
    body = json.loads(content(response))
    assert body["type"] == "FeatureCollection"
    assert all(f["type"] == "Feature" for f in body["features"])
    return body["features"]


def test_points_and_properties_are_the_records(equipements):
    query = {"where": 'ville = "Lyon"', "order_by": "nom"}
    found = features("equipements", **query)
    expected = records_of("equipements", **query)
    assert len(found) == len(expected) == 3
    for feature, record in zip(found, expected, strict=True):
        point = record.pop("geo_point_2d")
        record.pop("_id")
        assert feature["geometry"] == {"type": "Point", "coordinates": [point["lon"], point["lat"]]}
        assert feature["properties"] == record


def test_without_a_geometry_column_features_have_null_geometry(equipements):
    found = features("equipements", select="nom, quantite")
    assert [f["geometry"] for f in found] == [None] * 6
    assert [f["properties"] for f in found] == [
        {"nom": r["nom"], "quantite": r["quantite"]} for r in records_of("equipements", select="nom, quantite")
    ]


def test_shapes_are_the_datasets_geojson_geometries(zones):
    found = features("zones", order_by="surface_m2")
    expected = records_of("zones", order_by="surface_m2")
    assert len(found) == len(expected) == len(ZONES)
    assert [f["geometry"] for f in found] == [z[3] for z in sorted(ZONES, key=lambda z: z[2])]
    for feature, record in zip(found, expected, strict=True):
        assert feature["geometry"] == record["geo_shape"]
        assert "geo_shape" not in feature["properties"]
        assert feature["properties"]["geo_point_2d"] == record["geo_point_2d"]


def test_an_empty_result_is_an_empty_collection(equipements):
    assert features("equipements", where='ville = "Nulle part"') == []
