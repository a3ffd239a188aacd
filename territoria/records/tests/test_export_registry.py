"""The export registry (records/exports/): formats found by module, temporary files, access, audit, windows."""

from __future__ import annotations

import io
import json
import pkgutil
import zipfile

import pyarrow.parquet as pq
import pytest
from python_calamine import CalamineWorkbook

from territoria.accounts.models import AuditEvent
from territoria.conftest import client_for
from territoria.records import engine, exports
from territoria.records.exports import _files

from .conftest import content, get, publish, write_csv

pytestmark = [pytest.mark.django_db, pytest.mark.urls("territoria.records.tests.urls")]
NEW_FORMATS = ["xlsx", "geojson", "parquet", "shp"]
FILE_FORMATS = ["xlsx", "parquet", "shp"]  # written whole to a temporary file, then streamed


def test_every_module_of_the_package_is_a_format():
    modules = {m.name for m in pkgutil.iter_modules(exports.__path__) if not m.name.startswith("_")}
    assert set(exports.EXPORTERS) == modules >= {"csv", "json", "jsonl", *NEW_FORMATS}
    for exporter in exports.EXPORTERS.values():
        assert exporter.CONTENT_TYPE and exporter.EXTENSION and callable(exporter.write)


def test_an_unknown_format_is_404_listing_the_formats(equipements, api_error):
    body = api_error(get(None, "equipements", "exports/docx"), 404, "NotFound", "format")
    assert all(name in body["message"] for name in exports.EXPORTERS)


@pytest.fixture
def temp_dir(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    folder = tmp_path / "exports-tmp"
    folder.mkdir()
    monkeypatch.setattr(_files, "TEMP_DIR", str(folder))
    monkeypatch.setattr(_files, "PIECE", 64)  # several pieces even for a small file
    return folder


@pytest.mark.parametrize("fmt", FILE_FORMATS)
def test_temporary_files_are_removed_when_the_response_is_closed_early(equipements, temp_dir, fmt):
    response = get(None, "equipements", f"exports/{fmt}")
    assert response.status_code == 200
    pieces = iter(response.streaming_content)
    first = next(pieces)
    assert first.startswith(b"PK" if fmt != "parquet" else b"PAR1")
    assert len(list(temp_dir.iterdir())) == 1  # the export's folder, while it is sent
    response.close()  # what the server does when the client goes away
    assert list(temp_dir.iterdir()) == []


@pytest.mark.parametrize("fmt", FILE_FORMATS)
def test_temporary_files_are_removed_after_the_last_piece(equipements, temp_dir, fmt):
    content(get(None, "equipements", f"exports/{fmt}"))
    assert list(temp_dir.iterdir()) == []


@pytest.mark.parametrize("fmt", NEW_FORMATS)
def test_internal_data_is_404_for_anonymous_and_exported_for_a_member(
    make_dataset, tmp_path, member, outsider, api_error, fmt
):
    internal = make_dataset("interne", "Interne", visibility="internal")
    publish(internal, write_csv(tmp_path / "i.csv", [("Secret", "Lyon", "1", "1", "2024-01-01", "45", "4", "oui", "")]))
    api_error(get(None, "interne", f"exports/{fmt}"), 404, "NotFound")
    api_error(get(client_for(outsider), "interne", f"exports/{fmt}"), 404, "NotFound")
    before = AuditEvent.objects.count()
    data = content(get(client_for(member), "interne", f"exports/{fmt}"))
    assert len(data) > 100
    events = list(AuditEvent.objects.order_by("pk")[before:])
    assert [(e.action, e.detail["format"], e.detail["endpoint"]) for e in events] == [
        (AuditEvent.Action.DOWNLOAD, fmt, "exports")
    ]


@pytest.mark.parametrize("fmt", NEW_FORMATS)
def test_metadata_only_data_is_403(make_dataset, tmp_path, api_error, fmt):
    dataset = make_dataset("adresses", "Adresses", visibility="metadata")
    publish(dataset, write_csv(tmp_path / "m.csv", [("x", "Lyon", "1", "1", "2024-01-01", "45", "4", "oui", "")]))
    api_error(get(None, "adresses", f"exports/{fmt}"), 403)


@pytest.mark.parametrize("fmt", NEW_FORMATS)
def test_public_exports_record_no_audit_event(equipements, fmt):
    before = AuditEvent.objects.count()
    content(get(None, "equipements", f"exports/{fmt}"))
    assert AuditEvent.objects.count() == before


def _rows(fmt: str, data: bytes, tmp_path) -> list[int]:  # type: ignore[no-untyped-def]
    if fmt == "xlsx":
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        return [int(r[0]) for r in book.get_sheet_by_index(0).to_python()[1:]]
    if fmt == "geojson":
        return [f["properties"]["quantite"] for f in json.loads(data)["features"]]
    if fmt == "parquet":
        return pq.read_table(io.BytesIO(data)).column("quantite").to_pylist()
    import pyogrio

    zipfile.ZipFile(io.BytesIO(data)).extractall(tmp_path / "shp")
    return pyogrio.read_arrow(tmp_path / "shp" / "gros.shp")[1].column("quantite").to_pylist()


@pytest.mark.parametrize("fmt", NEW_FORMATS)
def test_every_format_reads_a_large_result_window_by_window(make_dataset, tmp_path, monkeypatch, fmt):
    monkeypatch.setattr(engine, "EXPORT_WINDOW", 100)
    monkeypatch.setattr(engine, "CHUNK", 64)
    windows: list[tuple[int, int]] = []
    real = engine._window_params

    def counted(compiled, low, high):  # type: ignore[no-untyped-def]
        windows.append((low, high))
        return real(compiled, low, high)

    monkeypatch.setattr(engine, "_window_params", counted)
    rows = [(f"n{i}", "Ville", "1,5", str(i), "2024-01-01", "45", "4", "oui", "") for i in range(1, 1235)]
    publish(make_dataset("gros", "Gros"), write_csv(tmp_path / "gros.csv", rows))
    windows.clear()
    select = "quantite, geo_point_2d" if fmt == "shp" else "quantite"
    data = content(get(None, "gros", f"exports/{fmt}", select=select))
    assert windows == [(start, start + 100) for start in range(0, 1300, 100)]
    assert _rows(fmt, data, tmp_path) == list(range(1, 1235))
