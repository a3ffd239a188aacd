"""read_any: format from the bytes, gzip and one-file zips unwrapped, unsupported formats refused in French."""

from __future__ import annotations

import gzip
import shutil
import zipfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from territoria.ingest.readers import READERS, read_any
from territoria.ingest.readers.base import ReadError, ReadOptions

DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"
BAL_CP1252 = DATA / "csv-fr" / "bal-strasbourg-extrait.cp1252.csv"
XLSX = DATA / "exemples-schemas" / "stationnement" / "exemple-valide.xlsx"

pytestmark = pytest.mark.skipif(not DATA.is_dir(), reason=f"données partagées absentes ({DATA})")


def test_registry_covers_every_format() -> None:
    assert set(READERS) == {
        "csv",
        "tsv",
        "xlsx",
        "xls",
        "ods",
        "json",
        "jsonl",
        "geojson",
        "shp",
        "gpkg",
        "kml",
        "parquet",
    }
    for fmt, module in READERS.items():
        assert fmt in module.FORMATS and callable(module.read)


def test_lying_extension_and_content_addressed_name(tmp_path: Path) -> None:
    blob = tmp_path / "3f2a9c"  # stored under its hash, no extension at all
    shutil.copyfile(XLSX, blob)
    table = read_any(blob, tmp_path / "w", declared_name="stationnement.csv")
    assert table.source["format"] == "xlsx"
    assert table.source["file_name"] == "stationnement.csv"
    assert table.row_count == 2


def test_one_file_zip_and_gzip(tmp_path: Path) -> None:
    archive = tmp_path / "bal.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("__MACOSX/._bal.csv", b"junk")
        zf.write(BAL_CP1252, "export/bal.csv")
    zipped = read_any(archive, tmp_path / "z", declared_name="bal.zip")
    assert zipped.source["archive"] == "bal.zip" and zipped.source["encoding"] == "cp1252"
    plain = read_any(BAL_CP1252, tmp_path / "p", declared_name="bal.csv")
    assert pq.read_table(zipped.path).to_pylist() == pq.read_table(plain.path).to_pylist()
    assert not (tmp_path / "z" / "unpacked").exists()


def test_gzip_bomb_stops_at_the_limit(tmp_path: Path) -> None:
    bomb = tmp_path / "bombe.csv.gz"
    with gzip.open(bomb, "wb") as fh:
        fh.write(b"a;b\n" + b"1;2\n" * 5_000_000)  # 20 MB of text, 20 kB compressed
    with pytest.raises(ReadError, match="décompressé"):
        read_any(bomb, tmp_path / "w", declared_name="bombe.csv.gz", options=ReadOptions(max_bytes=1_000_000))
    assert not any((tmp_path / "w").rglob("source*"))


def test_unsupported_format(tmp_path: Path) -> None:
    pdf = tmp_path / "rapport.csv"
    pdf.write_bytes(b"%PDF-1.7\n\x00\x01\x02 binaire")
    with pytest.raises(ReadError, match="pas pris en charge"):
        read_any(pdf, tmp_path / "w", declared_name="rapport.csv")
