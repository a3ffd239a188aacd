"""/datasets/<slug>/carte/: Leaflet map page; front-end libraries served from their PyPI packages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.urls import reverse

from territoria.conftest import client_for
from territoria.viz.vendor import LIBRARIES

from .conftest import ROWS, publish, write_csv

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


def url(slug: str, **params) -> str:  # type: ignore[no-untyped-def]
    from urllib.parse import urlencode

    return reverse("viz:map", args=[slug]) + ("?" + urlencode(params) if params else "")


def config_of(response) -> dict:  # type: ignore[no-untyped-def]
    body = response.content.decode()
    marker = '<script id="map-config" type="application/json">'
    start = body.index(marker) + len(marker)
    return json.loads(body[start : body.index("</script>", start)])


def test_a_map_of_points(client, equipements):
    response = client.get(url("equipements"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'aria-current="page">Carte</a>' in body
    for asset in (
        "vendor/leaflet/leaflet.js",
        "vendor/leaflet/leaflet.css",
        "vendor/leaflet-markercluster/leaflet.markercluster-src.js",
        "viz/map.js",
    ):
        assert f"/static/{asset}" in body
    config = config_of(response)
    assert config["api"] == "/api/viz/v1/datasets/equipements/map"
    assert config["record"] == "/api/explore/v2.1/catalog/datasets/equipements/records/"
    lons, lats = [float(r[6]) for r in ROWS], [float(r[5]) for r in ROWS]
    assert config["bbox"] == pytest.approx([min(lons), min(lats), max(lons), max(lats)])
    assert config["shapes"] is False and config["tiles"] == "" and config["threshold"] == 5000
    assert config["labels"]["montant"] == "montant"
    assert "Pas de fond de carte" in body
    assert 'id="viz-map-i18n"' in body


def test_a_tile_server_can_be_configured(client, equipements, settings):
    settings.MAP_TILES_URL = "https://tuiles.example.org/{z}/{x}/{y}.png"
    settings.MAP_TILES_ATTRIBUTION = "© Exemple"
    response = client.get(url("equipements"))
    config = config_of(response)
    assert config["tiles"] == "https://tuiles.example.org/{z}/{x}/{y}.png" and config["attribution"] == "© Exemple"
    assert "Pas de fond de carte" not in response.content.decode()


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("https://t.example.org/{z}/{x}/{y}.png", True),
        ("/tuiles/{z}/{x}/{y}.png", True),
        ("ftp://t/{z}/{x}/{y}", False),
        ("https://t.example.org/tile.png", False),
    ],
)
def test_the_tile_setting_is_checked_at_start(value, ok):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TERRITORIA_")}
    env["TERRITORIA_MAP_TILES_URL"] = value
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import territoria.settings as s; print(s.MAP_TILES_URL)"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )
    assert (done.returncode == 0) is ok, done.stderr[-500:]
    if not ok:
        assert "TERRITORIA_MAP_TILES_URL" in done.stderr


def test_a_map_of_communes_offers_numeric_columns_for_a_choropleth(client, communes):
    response = client.get(url("communes-35"))
    assert response.status_code == 200
    config = config_of(response)
    assert config["shapes"] is True and config["value"] == ""
    assert response.context["numeric_columns"] == []  # code and nom are text: one colour
    assert "Colorer les formes selon" not in response.content.decode()


def test_the_colour_column_comes_from_the_address(client, make_dataset, tmp_path):
    feature = {
        "type": "Feature",
        "properties": {"nom": "A", "population": 12},
        "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]},
    }
    path = tmp_path / "z.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}), encoding="utf-8")
    publish(make_dataset("zones", "Zones"), path)
    response = client.get(url("zones", valeur="population"))
    assert config_of(response)["value"] == "population"
    assert '<option value="population" selected>' in response.content.decode()
    assert config_of(client.get(url("zones", valeur="nom")))["value"] == ""  # not numeric: ignored


def test_no_map_without_geography(client, make_dataset, tmp_path):
    publish(make_dataset("sans-geo", "Sans géographie"), write_csv(tmp_path / "s.csv", [("a", "b")], ["nom", "ville"]))
    response = client.get(url("sans-geo"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "pas de colonne géographique" in body
    assert "leaflet.js" not in body
    assert 'href="/datasets/sans-geo/carte/"' not in body  # no map tab


def test_the_map_page_obeys_the_policy(client, hidden, metadata_only, outsider):
    for person in (None, outsider):
        assert client_for(person).get(url("dossiers-caches")).status_code == 404
        response = client_for(person).get(url("fiche-seule"))
        assert response.status_code == 403
        assert "leaflet.js" not in response.content.decode()


def test_every_vendor_file_is_found_and_nothing_else_is():
    for library in LIBRARIES:
        for name in library.files:
            found = finders.find(library.path(name))
            assert found and Path(found).is_file(), library.path(name)
    assert not finders.find("vendor/leaflet/leaflet-src.esm.js")  # shipped by the package, not exposed
    assert not finders.find("vendor/leaflet/../../__init__.py")


def test_collectstatic_with_the_production_storage(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    for library in LIBRARIES:
        for name in library.files:
            assert library.path(name) in manifest["paths"]
    assert "viz/map.js" in manifest["paths"] and "viz/chart.js" in manifest["paths"]


def test_the_licences_are_written_down():
    text = (ROOT / "docs" / "visualisation.md").read_text(encoding="utf-8")
    for library in LIBRARIES:
        assert library.package in text and library.licence in text
