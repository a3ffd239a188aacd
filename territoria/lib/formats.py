"""Known file formats: short code, media type, whether the format is open (non-proprietary)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FileFormat:
    code: str
    label: str
    media_type: str
    extensions: tuple[str, ...]
    open: bool = True


FORMATS: dict[str, FileFormat] = {
    f.code: f
    for f in (
        FileFormat("CSV", "CSV", "text/csv", (".csv", ".csv.gz", ".tsv")),
        FileFormat(
            "XLSX",
            "Excel (XLSX)",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            (".xlsx",),
        ),
        FileFormat("XLS", "Excel 97-2003 (XLS)", "application/vnd.ms-excel", (".xls",), open=False),
        FileFormat("ODS", "OpenDocument (ODS)", "application/vnd.oasis.opendocument.spreadsheet", (".ods",)),
        FileFormat("JSON", "JSON", "application/json", (".json",)),
        FileFormat("JSONL", "JSON Lines", "application/jsonl", (".jsonl", ".ndjson")),
        FileFormat("GEOJSON", "GeoJSON", "application/geo+json", (".geojson",)),
        FileFormat("SHP", "Shapefile (zip)", "application/zip", (".shp.zip",)),
        FileFormat("GPKG", "GeoPackage", "application/geopackage+sqlite3", (".gpkg",)),
        FileFormat("KML", "KML", "application/vnd.google-earth.kml+xml", (".kml",)),
        FileFormat("PARQUET", "Parquet", "application/vnd.apache.parquet", (".parquet",)),
        FileFormat("XML", "XML", "application/xml", (".xml",)),
        FileFormat("ZIP", "ZIP", "application/zip", (".zip",)),
        FileFormat("PDF", "PDF", "application/pdf", (".pdf",)),
        FileFormat("HTML", "Page web", "text/html", (".html", ".htm")),
        FileFormat("API", "API", "application/json", ()),
    )
}


def guess_format(filename: str) -> FileFormat | None:
    """The format whose longest extension ends ``filename`` (``.shp.zip`` wins over ``.zip``)."""
    name = filename.lower()
    best: tuple[int, FileFormat] | None = None
    for fmt in FORMATS.values():
        for ext in fmt.extensions:
            if name.endswith(ext) and (best is None or len(ext) > best[0]):
                best = (len(ext), fmt)
    return best[1] if best else None
