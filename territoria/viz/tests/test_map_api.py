"""GET /api/viz/v1/datasets/{id}/map: points, server clusters past the threshold, shapes with a choropleth."""

from __future__ import annotations

import json
import math

import pytest
from django.urls import reverse

from territoria.conftest import check_api_error, client_for
from territoria.viz import geo

from .conftest import POINT_HEADER, ROWS, publish, random_points, write_csv

pytestmark = pytest.mark.django_db


def get(client, slug: str, **params):  # type: ignore[no-untyped-def]
    return client.get(reverse("viz:api-map", args=[slug]), params)


def body(response) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


def test_few_points_come_back_as_points_with_their_record_ids(client, equipements):
    answer = body(get(client, "equipements", bbox="4.7,45.7,5.0,45.8", zoom=12))
    assert answer["kind"] == "points" and answer["total"] == len(ROWS)
    expected = {i: (float(r[6]), float(r[5]), r[0]) for i, r in enumerate(ROWS, start=1)}
    assert {p[0]: (p[1], p[2], p[3]) for p in answer["points"]} == expected
    assert answer["threshold"] == geo.MAX_POINTS == 5000


def test_the_box_selects_the_points(client, equipements):
    box = (4.80, 45.74, 4.86, 45.77)  # west, south, east, north
    answer = body(get(client, "equipements", bbox=",".join(map(str, box)), zoom=14))
    inside = [r[0] for r in ROWS if box[0] <= float(r[6]) <= box[2] and box[1] <= float(r[5]) <= box[3]]
    assert 0 < len(inside) < len(ROWS)
    assert sorted(p[3] for p in answer["points"]) == sorted(inside) and answer["total"] == len(inside)


def test_without_a_box_the_whole_dataset_is_drawn(client, equipements):
    assert body(get(client, "equipements"))["total"] == len(ROWS)


def test_filters_apply_to_the_map(client, equipements):
    answer = body(get(client, "equipements", where='ville = "Lyon"', refine="actif:true"))
    assert sorted(p[3] for p in answer["points"]) == sorted(r[0] for r in ROWS if r[1] == "Lyon" and r[7] == "oui")


def test_past_the_threshold_the_server_sends_clusters(client, many_points, monkeypatch):
    monkeypatch.setattr(geo, "MAX_POINTS", 500)
    points = random_points(3000)
    answer = body(get(client, "mobilier-urbain", bbox="-2.3,47.6,-1.0,48.7", zoom=8))
    assert answer["kind"] == "clusters" and answer["total"] == 3000 and answer["threshold"] == 500
    assert sum(c["count"] for c in answer["clusters"]) + len(answer["points"]) == 3000
    assert all(c["count"] >= 2 for c in answer["clusters"])
    width, height = geo.cell_size(8, (47.6 + 48.7) / 2)
    for cluster in answer["clusters"]:  # every point of a cluster lies in its box, its box in one grid cell
        west, south, east, north = cluster["bbox"]
        assert west <= cluster["lon"] <= east and south <= cluster["lat"] <= north
        assert math.floor(west / width) == math.floor(east / width)
        assert math.floor(south / height) == math.floor(north / height)
    # Zoomed in on a small box, few enough points to send them one by one.
    box = (-1.70, 48.10, -1.65, 48.15)
    inside = sum(1 for p in points if box[0] <= float(p[4]) <= box[2] and box[1] <= float(p[3]) <= box[3])
    assert inside < 500
    answer = body(get(client, "mobilier-urbain", bbox=",".join(map(str, box)), zoom=15))
    assert answer["kind"] == "points" and len(answer["points"]) == inside


def test_a_hundred_thousand_points_stay_a_small_answer(client, make_dataset, tmp_path):
    dataset = make_dataset("cent-mille", "Cent mille points")
    publish(dataset, write_csv(tmp_path / "cent-mille.csv", random_points(100_000, seed=7), POINT_HEADER))
    response = get(client, "cent-mille", bbox="-2.3,47.6,-1.0,48.7", zoom=9)
    answer = body(response)
    assert answer["kind"] == "clusters" and answer["total"] == 100_000
    assert sum(c["count"] for c in answer["clusters"]) + len(answer["points"]) == 100_000
    assert len(answer["clusters"]) + len(answer["points"]) < 2000
    assert len(response.content) < 300_000


def test_communes_come_back_as_simplified_shapes(client, communes):
    version = communes.published_version
    assert version.geo["shape_column"] == "geo_shape"
    answer = body(get(client, "communes-35", bbox="-2.4,47.5,-0.9,48.8", zoom=8))
    assert answer["kind"] == "shapes" and answer["total"] == 345
    features = answer["features"]["features"]
    assert len(features) == 345
    assert {f["geometry"]["type"] for f in features} <= {"Polygon", "MultiPolygon"}
    labels = {f["properties"]["label"] for f in features}
    assert {"Rennes", "Saint-Malo", "Fougères"} <= labels
    source = json.loads((communes_source := _communes_source()).read_text(encoding="utf-8"))
    original = sum(_points(f["geometry"]) for f in source["features"])
    drawn = sum(_points(f["geometry"]) for f in features)
    assert drawn < original / 2, (drawn, original)  # simplified for the screen at zoom 8
    detailed = body(get(client, "communes-35", bbox="-1.75,48.05,-1.6,48.15", zoom=13))
    assert 0 < detailed["total"] < 345 and communes_source


def _communes_source():  # type: ignore[no-untyped-def]
    from .conftest import communes_file

    return communes_file()


def _points(geometry: dict) -> int:
    def count(node) -> int:  # type: ignore[no-untyped-def]
        return 1 if isinstance(node[0], int | float) else sum(count(n) for n in node)

    return count(geometry["coordinates"])


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def test_a_choropleth_legend_has_quantile_classes(client, make_dataset, tmp_path):
    populations = [120, 450, 800, 1500, 3200, 9000, 22000, None]
    features = []
    for i, population in enumerate(populations):
        x, y = -1.8 + i * 0.1, 48.0
        square = [[[x, y], [x + 0.08, y], [x + 0.08, y + 0.08], [x, y + 0.08], [x, y]]]
        features.append(
            {
                "type": "Feature",
                "properties": {"nom": f"Zone {i}", "population": population},
                "geometry": {"type": "Polygon", "coordinates": square},
            }
        )
    path = tmp_path / "zones.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    publish(make_dataset("zones", "Zones"), path)
    answer = body(get(client, "zones", value="population", zoom=9))
    known = [p for p in populations if p is not None]
    expected = sorted({min(known), *(_quantile(known, q) for q in (0.2, 0.4, 0.6, 0.8)), max(known)})
    assert answer["legend"]["breaks"] == pytest.approx(expected)
    assert answer["legend"]["column"] == "population" and answer["legend"]["count"] == len(known)
    values = {f["properties"]["label"]: f["properties"]["value"] for f in answer["features"]["features"]}
    assert values == {f"Zone {i}": p for i, p in enumerate(populations)}
    error = get(client, "zones", value="nom")
    check_api_error(error, 400, "InvalidParameter", "value")


@pytest.mark.parametrize(
    "bbox",
    ["abc", "1,2,3", "1,2,3,x", "nan,1,2,3", "inf,1,2,3", "5,45,4,46", "4,46,5,45", "1,2,3,4,5", ""],
)
def test_a_bad_bbox_is_an_error_in_the_json_shape(client, equipements, bbox):
    response = client.get(reverse("viz:api-map", args=["equipements"]) + "?bbox=" + bbox)
    if bbox == "":
        assert response.status_code == 200  # empty: the whole dataset
        return
    found = check_api_error(response, 400, "InvalidParameter", "bbox")
    assert "ouest" in found["message"]


def test_a_box_past_the_world_is_clamped(client, equipements):
    answer = body(get(client, "equipements", bbox="-400,-100,400,100", zoom=0))
    assert answer["bbox"] == [-180, -90, 180, 90] and answer["total"] == len(ROWS)


@pytest.mark.parametrize(
    ("params", "parameter", "code"),
    [
        ({"zoom": "30"}, "zoom", "InvalidParameter"),
        ({"zoom": "x"}, "zoom", "InvalidParameter"),
        ({"where": "nope = 1"}, "where", "ODSQLError"),
        ({"where": "ville ="}, "where", "ODSQLError"),
        ({"refine": "nope:1"}, "refine", "ODSQLError"),
        ({"limit": "10"}, "limit", "InvalidParameter"),
        ({"lang": "de"}, "lang", "InvalidParameter"),
    ],
)
def test_bad_parameters_are_errors_in_the_json_shape(client, equipements, params, parameter, code):
    check_api_error(get(client, "equipements", **params), 400, code, parameter)


def test_a_dataset_without_geography(client, make_dataset, tmp_path):
    publish(make_dataset("sans-geo", "Sans géographie"), write_csv(tmp_path / "s.csv", [("a", "b")], ["nom", "ville"]))
    check_api_error(get(client, "sans-geo"), 400, "NoGeometry", "dataset_id")


def test_hidden_dataset_is_not_found_even_with_bad_parameters(client, hidden, outsider, owner):
    for person in (None, outsider):
        for params in ({}, {"bbox": "abc"}, {"zoom": "99"}):
            found = check_api_error(get(client_for(person), "dossiers-caches", **params), 404, "NotFound")
            assert "Zzq" not in json.dumps(found)
    assert body(get(client_for(owner), "dossiers-caches"))["total"] == len(ROWS)
    check_api_error(get(client, "no-such-dataset"), 404, "NotFound")


def test_restricted_data_is_forbidden(client, metadata_only, outsider, owner):
    for person in (None, outsider):
        check_api_error(get(client_for(person), "fiche-seule"), 403, "Forbidden")
    assert body(get(client_for(owner), "fiche-seule"))["kind"] == "points"


def test_only_get_is_allowed(client, equipements):
    check_api_error(client.post(reverse("viz:api-map", args=["equipements"])), 405)


def test_the_openapi_part_documents_what_the_endpoint_accepts():
    from territoria.viz import api, openapi

    (path,) = openapi.PATHS
    operation = openapi.PATHS[path]["get"]
    assert path == reverse("viz:api-map", args=["X"]).replace("X", "{dataset_id}")
    assert {p["name"] for p in operation["parameters"] if p["in"] == "query"} == api.MAP_PARAMS
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/MapData")
    assert set(openapi.SCHEMAS["MapData"]["properties"]["kind"]["enum"]) == {"points", "clusters", "shapes"}
