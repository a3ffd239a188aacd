"""territoria.lib.formats: format registry and guessing a file's format from its name."""

import pytest

from territoria.lib.formats import FORMATS, guess_format


@pytest.mark.parametrize(
    ("filename", "code"),
    [
        ("amenagements-cyclables-lambert93.shp.zip", "SHP"),
        ("archive.zip", "ZIP"),
        ("ssmsi-delinquance.csv.gz", "CSV"),
        ("data.csv", "CSV"),
        ("data.tsv", "CSV"),
        ("DATA.CSV", "CSV"),
        ("Export.Shp.Zip", "SHP"),
        ("communes.geojson", "GEOJSON"),
        ("communes.json", "JSON"),
        ("flux.ndjson", "JSONL"),
        ("tableau.xlsx", "XLSX"),
        ("tableau.xls", "XLS"),
        ("couche.gpkg", "GPKG"),
        ("page.htm", "HTML"),
    ],
)
def test_guess_format_by_longest_extension(filename, code):
    found = guess_format(filename)
    assert found is not None
    assert found.code == code


def test_shp_zip_wins_over_zip_whatever_the_registry_order():
    assert guess_format("x.shp.zip") is FORMATS["SHP"]
    assert guess_format("x.zip") is FORMATS["ZIP"]


def test_geojson_is_not_mistaken_for_json():
    assert guess_format("a.geojson") is FORMATS["GEOJSON"]


@pytest.mark.parametrize("filename", ["README", "photo.jpeg", "notes.txt", "", "csv", "archive.zip.bak"])
def test_unknown_extensions_give_none(filename):
    assert guess_format(filename) is None


def test_registry_is_keyed_by_code_and_every_format_is_described():
    for code, fmt in FORMATS.items():
        assert fmt.code == code
        assert fmt.label
        assert "/" in fmt.media_type
        assert all(ext.startswith(".") and ext == ext.lower() for ext in fmt.extensions)


def test_proprietary_formats_are_flagged():
    assert FORMATS["XLS"].open is False
    assert FORMATS["CSV"].open is True
    assert FORMATS["ODS"].open is True
