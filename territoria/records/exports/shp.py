"""Shapefile: a zip of .shp .shx .dbf .prj .cpg written by pyogrio (GDAL) in WGS 84, batch after batch.

The geometry is the row's geo_shape (or else geo_point) value; a query without one is refused (400). Field
names are cut to 10 characters (the dBase limit), kept unique. A Shapefile holds one kind of geometry: the
layer takes the kind of the first shape (polygons and multipolygons go together, as do lines and multilines);
a shape of another kind is written without geometry.
"""

from __future__ import annotations

import itertools
import json
import math
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyogrio
import shapely
from django.http import QueryDict
from django.utils.translation import gettext as _

from territoria.records import compiler, values
from territoria.records.exports import Job, _files, _geo
from territoria.web.errors import ApiError

CONTENT_TYPE = "application/zip"
EXTENSION = "zip"
PARAMS: frozenset[str] = frozenset()
ARROW = False
DOC = (
    "Shapefile zippé (.shp .shx .dbf .prj .cpg) en WGS 84 ; noms de champs coupés à 10 caractères, "
    "uniques. Erreur 400 sans champ géographique."
)
EXAMPLE: str | None = None
BATCH_ROWS = 10_000
PEEK_CHUNKS = 100  # chunks read ahead, at most, to find the first shape's kind
NAME_BYTES = 10
PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
INTEGERS = {t for t in values.UNCHANGED_TYPES if t != "BOOLEAN"}
# shapely type id -> (layer type, type ids the layer accepts)
LAYERS = {
    0: ("Point", {0}),
    4: ("MultiPoint", {4}),
    1: ("MultiLineString", {1, 5}),
    5: ("MultiLineString", {1, 5}),
    3: ("MultiPolygon", {3, 6}),
    6: ("MultiPolygon", {3, 6}),
}


def prepare(params: QueryDict, compiled: compiler.Compiled) -> dict[str, Any]:
    if _geo.geometry_column(compiled) is None:
        raise ApiError(
            _(
                "Export Shapefile impossible : ce jeu de données (ou la sélection demandée) n'a pas de colonne "
                "géographique (geo_point ou geo_shape). Choisissez un autre format, par exemple csv ou geojson."
            ),
            parameter="format",
        )
    return {}


def short_names(names: list[str]) -> list[str]:
    """Field names of at most 10 bytes (UTF-8), unique without regard to case."""
    seen: set[str] = set()
    out = []
    for name in names:
        base = _cut(name.strip() or "champ", NAME_BYTES)
        candidate, number = base, 1
        while candidate.casefold() in seen:
            suffix = f"_{number}"
            candidate = _cut(base, NAME_BYTES - len(suffix)) + suffix
            number += 1
        seen.add(candidate.casefold())
        out.append(candidate)
    return out


def _cut(text: str, size: int) -> str:
    while len(text.encode("utf-8")) > size:
        text = text[:-1]
    return text


def _field_type(sql_type: str) -> pa.DataType:
    if sql_type in INTEGERS:
        return pa.int64()
    if sql_type in {"DOUBLE", "FLOAT"} or sql_type.startswith("DECIMAL"):
        return pa.float64()
    if sql_type == "BOOLEAN":
        return pa.bool_()
    if sql_type == "DATE":
        return pa.date32()
    return pa.string()


def _value(value: Any, kind: pa.DataType) -> Any:
    if value is None:
        return None
    if kind == pa.float64():
        number = float(value)
        return number if math.isfinite(number) else None
    if kind == pa.string():
        value = values.to_json(value)
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return value


def _shapes(values: list[Any], kind: str) -> np.ndarray:
    if kind == "geo_shape":
        texts = np.array([v if isinstance(v, str) else None for v in values], dtype=object)
        return shapely.from_geojson(texts, on_invalid="ignore")
    lon = [v["lon"] if isinstance(v, dict) and v.get("lon") is not None else np.nan for v in values]
    lat = [v["lat"] if isinstance(v, dict) and v.get("lat") is not None else np.nan for v in values]
    points = shapely.points(np.array(lon, dtype=float), np.array(lat, dtype=float))
    points[np.isnan(lon) | np.isnan(lat)] = None
    return points


def write(job: Job) -> Iterator[bytes]:
    compiled, rows = job.compiled, job.rows
    geo = _geo.geometry_column(compiled)
    assert geo is not None  # prepare() refused the others
    start = 1 if compiled.has_id else 0
    width = len(compiled.names)
    kinds = list(compiled.types or [None] * width)
    sql_types = rows.sql_types if len(rows.sql_types) == width else ["?"] * width
    kept = [i for i in range(width) if i != geo]
    names = short_names([compiled.names[i] for i in kept])
    types = [_field_type(sql_types[i]) for i in kept]
    schema = pa.schema([*(pa.field(n, t) for n, t in zip(names, types, strict=True)), ("geometry", pa.binary())])

    chunks = iter(rows.chunks)
    ahead: list[list[tuple[Any, ...]]] = []
    layer, accepted = "Point", {0}
    for chunk in chunks:
        ahead.append(chunk)
        ids = shapely.get_type_id(_shapes([row[start + geo] for row in chunk], kinds[geo] or ""))
        found = [int(i) for i in ids if i >= 0]
        if found or len(ahead) >= PEEK_CHUNKS:
            layer, accepted = LAYERS.get(found[0], LAYERS[0]) if found else LAYERS[0]
            break

    def batches() -> Iterator[pa.RecordBatch]:
        pending: list[tuple[Any, ...]] = []
        for chunk in itertools.chain(ahead, chunks):  # the chunks read ahead, then the others as they come
            pending.extend(chunk)
            if len(pending) >= BATCH_ROWS:
                yield _batch(pending)
                pending = []
        if pending:
            yield _batch(pending)

    def _batch(part: list[tuple[Any, ...]]) -> pa.RecordBatch:
        columns = list(zip(*part, strict=True))[start : start + width]
        arrays = [pa.array([_value(v, t) for v in columns[i]], type=t) for i, t in zip(kept, types, strict=True)]
        shapes = _shapes(list(columns[geo]), kinds[geo] or "")
        ids = shapely.get_type_id(shapes)
        shapes[~np.isin(ids, list(accepted))] = None
        arrays.append(pa.array(shapely.to_wkb(shapes), type=pa.binary()))
        return pa.RecordBatch.from_arrays(arrays, schema=schema)

    with _files.folder() as folder:
        (folder / "shp").mkdir()
        shp = folder / "shp" / f"{job.slug}.shp"
        reader = pa.RecordBatchReader.from_batches(schema, batches())
        pyogrio.write_arrow(
            reader,
            str(shp),
            layer=job.slug,
            driver="ESRI Shapefile",
            geometry_name="geometry",
            geometry_type=layer,
            crs="EPSG:4326",
            encoding="UTF-8",
        )
        archive = folder / f"{job.slug}.zip"
        _zip(shp, archive)
        yield from _files.pieces(archive)


def _zip(shp: Path, archive: Path) -> None:
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        for suffix in PARTS:
            part = shp.with_suffix(suffix)
            if part.exists():
                zipped.write(part, part.name)
