"""Geo reader: Lambert-93 shapefile to WGS84, empty GeoPackage model, GeoJSON, KML, repairs, zip slip and bomb."""

from __future__ import annotations

import json
import struct
import zipfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from territoria.ingest.readers import geo_reader, read_any
from territoria.ingest.readers.base import RawTable, ReadError, ReadOptions

DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"
SHP_ZIP = DATA / "geo" / "amenagements-cyclables-template-shp-lambert93.zip"
GPKG = DATA / "geo" / "cnig-sites-economiques-modele-vide.gpkg"
COMMUNES_90 = DATA / "geo" / "communes-90-territoire-de-belfort.geojson"

pytestmark = pytest.mark.skipif(not DATA.is_dir(), reason=f"données partagées absentes ({DATA})")


def rows(table: RawTable) -> list[dict[str, str | None]]:
    data = pq.read_table(table.path)
    assert data.column_names == [c.name for c in table.columns]
    assert all(pa.types.is_string(f.type) for f in data.schema)
    return data.to_pylist()


def coordinates(geometry: dict) -> list[list[float]]:
    found: list[list[float]] = []

    def walk(node: object) -> None:
        if isinstance(node, list) and node and isinstance(node[0], int | float):
            found.append(node)  # type: ignore[arg-type]
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(geometry["coordinates"])
    return found


def test_lambert93_shapefile_comes_out_in_wgs84(tmp_path: Path) -> None:
    table = read_any(SHP_ZIP, tmp_path, declared_name=SHP_ZIP.name)
    assert table.source["format"] == "shp"
    assert table.source["crs"] == "EPSG:2154" and table.source["reprojected"] is True
    assert table.geometry == "geo_shape" and table.columns[-1].name == "geo_shape"
    assert table.row_count == 2
    data = rows(table)
    for row in data:
        geometry = json.loads(row["geo_shape"])
        assert geometry["type"] == "LineString"
        for lon, lat in coordinates(geometry):
            assert -5 < lon < 10 and 41 < lat < 52
            assert 4.7 < lon < 5.0 and 45.6 < lat < 45.9  # the sample lines are in Lyon (codes 69382, 69383)
    assert data[0]["code_com_d"] == "69382"
    assert data[0]["source"] == "Vélo & Territoires"  # the .cpg says UTF-8 but the DBF is Windows-1252
    assert any(i.code == "encoding-fallback" for i in table.issues)
    assert data[1]["date_maj"] == "2021-03-02"
    assert data[0]["largeur_d"] == "1.2"


def _copy_zip(source: Path, target: Path, *, skip: tuple[str, ...] = (), extra: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if not info.filename.lower().endswith(skip):
                dst.writestr(info, src.read(info))
        for name, content in (extra or {}).items():
            dst.writestr(zipfile.ZipInfo(name), content)
    return target


def test_shapefile_without_prj_is_guessed_or_forced(tmp_path: Path) -> None:
    reference = rows(geo_reader.read(SHP_ZIP, tmp_path / "ref"))
    no_prj = _copy_zip(SHP_ZIP, tmp_path / "sans-prj.zip", skip=(".prj", ".qpj"))
    guessed = geo_reader.read(no_prj, tmp_path / "guess")
    assert any(i.code == "crs-assumed" for i in guessed.issues)
    forced = geo_reader.read(no_prj, tmp_path / "forced", options=ReadOptions(source_crs="EPSG:2154"))
    assert not any(i.code == "crs-assumed" for i in forced.issues)
    for table in (guessed, forced):
        for ours, theirs in zip(rows(table), reference, strict=True):
            a, b = coordinates(json.loads(ours["geo_shape"])), coordinates(json.loads(theirs["geo_shape"]))
            assert all(abs(x - y) < 1e-6 for p, q in zip(a, b, strict=True) for x, y in zip(p, q, strict=True))


def test_empty_geopackage_model_gives_columns(tmp_path: Path) -> None:
    table = read_any(GPKG, tmp_path / "a", declared_name=GPKG.name)
    assert table.row_count == 0
    assert table.source["layer"] == "etablissement"  # layer_styles (no geometry) is not data
    assert [layer["name"] for layer in table.source["layers"]] == [
        "etablissement",
        "pole_eco",
        "site_eco",
        "terrain_eco",
        "layer_styles",
    ]
    names = [c.name for c in table.columns]
    assert names[:3] == ["siret", "siren", "terr_id"] and names[-1] == "geo_shape"
    assert len(names) == 30
    assert rows(table) == []
    assert pq.read_table(table.path).num_columns == 30
    pole = geo_reader.read(GPKG, tmp_path / "b", options=ReadOptions(layer="pole_eco"))
    assert [c.name for c in pole.columns][:2] == ["pole_id", "pole_nom"]
    with pytest.raises(ReadError, match="pole_eco"):
        geo_reader.read(GPKG, tmp_path / "c", options=ReadOptions(layer="inconnue"))


def test_geojson_communes(tmp_path: Path) -> None:
    table = read_any(COMMUNES_90, tmp_path, declared_name="communes.csv")
    assert table.source["format"] == "geojson" and table.source["reprojected"] is False
    assert table.row_count == 102
    data = rows(table)
    assert data[0]["code"] == "90001" and data[0]["nom"] == "Andelnans"
    for lon, lat in coordinates(json.loads(data[0]["geo_shape"])):
        assert 6.7 < lon < 7.2 and 47.4 < lat < 47.9


def test_kml(tmp_path: Path) -> None:
    path = tmp_path / "lieux.kml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
        "<Placemark><name>Mairie de Rennes</name><description>Hôtel de ville</description>"
        "<Point><coordinates>-1.6794,48.1116</coordinates></Point></Placemark>"
        "<Placemark><name>Parc</name><Polygon><outerBoundaryIs><LinearRing><coordinates>"
        "-1.68,48.11 -1.67,48.11 -1.67,48.12 -1.68,48.11</coordinates></LinearRing></outerBoundaryIs></Polygon>"
        "</Placemark></Document></kml>",
        encoding="utf-8",
    )
    table = read_any(path, tmp_path / "w", declared_name="lieux.xml")
    assert table.source["format"] == "kml"
    data = rows(table)
    assert [r["name"] for r in data] == ["Mairie de Rennes", "Parc"]
    assert data[0]["description"] == "Hôtel de ville"
    assert json.loads(data[0]["geo_shape"]) == {"type": "Point", "coordinates": [-1.6794, 48.1116]}
    assert json.loads(data[1]["geo_shape"])["type"] == "Polygon"


def test_invalid_geometry_repaired_and_reported(tmp_path: Path) -> None:
    bowtie = [[[2.0, 48.0], [2.1, 48.1], [2.1, 48.0], [2.0, 48.1], [2.0, 48.0]]]
    square = [[[2.0, 48.0], [2.1, 48.0], [2.1, 48.1], [2.0, 48.1], [2.0, 48.0]]]
    features = [
        {"type": "Feature", "properties": {"id": "01"}, "geometry": {"type": "Polygon", "coordinates": square}},
        {"type": "Feature", "properties": {"id": "02"}, "geometry": {"type": "Polygon", "coordinates": bowtie}},
        {"type": "Feature", "properties": {"id": "03"}, "geometry": None},
    ]
    path = tmp_path / "zones.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    table = geo_reader.read(path, tmp_path / "w")
    repaired = [i for i in table.issues if i.code == "geometry-repaired"]
    assert [i.row for i in repaired] == [2]
    assert "Self-intersection" in repaired[0].message
    data = rows(table)
    assert json.loads(data[1]["geo_shape"])["type"] == "MultiPolygon"
    assert data[2]["geo_shape"] is None and data[2]["id"] == "03"
    assert any(i.code == "geometry-missing" for i in table.issues)


@pytest.mark.parametrize("evil", ["../../etc/evil.shp", "/var/evil.shp", "dossier/../../evil.dbf", "C:/evil.shp"])
def test_zip_slip_refused(tmp_path: Path, evil: str) -> None:
    archive = _copy_zip(SHP_ZIP, tmp_path / "piege.zip", extra={evil: b"x"})
    with pytest.raises(ReadError) as error:
        read_any(archive, tmp_path / "w", declared_name="piege.zip")
    assert "chemin dangereux" in error.value.message and evil in error.value.message


def _declare_size(archive: Path, size: int) -> None:
    """Rewrite the uncompressed size every header declares, as a zip bomb does."""
    data = bytearray(archive.read_bytes())
    local = data.find(b"PK\x03\x04")
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, local + 22, size)
    struct.pack_into("<I", data, central + 24, size)
    archive.write_bytes(bytes(data))


def test_zip_bomb_refused(tmp_path: Path) -> None:
    archive = tmp_path / "bombe.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("couche.shp", b"\x00" * 100_000)
    _declare_size(archive, 3_000_000_000)
    assert zipfile.ZipFile(archive).infolist()[0].file_size == 3_000_000_000
    with pytest.raises(ReadError) as error:
        read_any(archive, tmp_path / "w", declared_name="bombe.zip")
    assert "bombe de décompression" in error.value.message
    # The same archive declaring its true size is not refused as a bomb (it fails later, as a bad shapefile).
    honest = tmp_path / "honnete.zip"
    with zipfile.ZipFile(honest, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("couche.shp", b"\x00" * 100_000)
    with pytest.raises(ReadError) as later:
        read_any(honest, tmp_path / "w2", declared_name="honnete.zip")
    assert "bombe" not in later.value.message


@pytest.mark.parametrize(("source", "rows_expected"), [(SHP_ZIP, 2), (GPKG, 0), (COMMUNES_90, 102)])
def test_files_stored_without_extension(tmp_path: Path, source: Path, rows_expected: int) -> None:
    blob = tmp_path / "sha256-0f3a"  # how the store keeps originals: no extension for GDAL to go by
    blob.write_bytes(source.read_bytes())
    table = read_any(blob, tmp_path / "w", declared_name="televerse.bin")
    assert table.row_count == rows_expected
    assert table.geometry == "geo_shape"
    assert sorted(p.name for p in (tmp_path / "w").iterdir()) == ["raw.parquet"]
