"""A raw table: what a reader produced, all text, before typing (framework-free, shared by ingest and quality)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from territoria.lib.report import Issue


@dataclass(frozen=True)
class RawColumn:
    name: str  # clean, unique, lower-case ASCII identifier: "code_insee"
    label: str  # header as written in the source: "Code INSEE"


@dataclass
class RawTable:
    path: Path  # Parquet file, every column VARCHAR, names = [c.name for c in columns]
    columns: list[RawColumn]
    row_count: int
    source: dict[str, Any] = field(default_factory=dict)  # format, encoding, delimiter, sheet, header_row, crs...
    issues: list[Issue] = field(default_factory=list)
    geometry: str | None = None  # column holding GeoJSON geometries in WGS84 (EPSG:4326), if any
