"""Vector layers (GeoJSON, zipped or bare Shapefile, GeoPackage, KML) → raw Parquet with a WGS84 ``geo_shape``.

pyogrio streams the layer as Arrow batches; attributes become text, geometries are repaired with
``shapely.make_valid`` when invalid, reprojected to WGS84 with pyproj (always_xy) and written as
GeoJSON text. Zips are read in place through GDAL's ``/vsizip/`` after a zip-slip and zip-bomb check.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from territoria.ingest.readers.base import (
    DEFAULT_OPTIONS,
    Progress,
    RawColumn,
    RawTable,
    ReadError,
    ReadOptions,
    no_progress,
)
from territoria.ingest.readers.common import (
    RAW_PARQUET,
    ParquetRows,
    check_size,
    checked_zip_members,
    file_label,
    make_columns,
)
from territoria.ingest.sniff import detect_format
from territoria.quality.report import Issue

if TYPE_CHECKING:
    import pyarrow as pa

FORMATS = ("geojson", "shp", "gpkg", "kml")
GEOMETRY_COLUMN = "geo_shape"
MAX_GEOMETRY_ISSUES = 100
_LAMBERT93_BOUNDS = (-400_000.0, 5_900_000.0, 1_400_000.0, 7_300_000.0)
_SKIPPED_LAYERS = {"layer_styles", "gpkg_metadata", "qgis_projects"}


class _NotUtf8(Exception):
    pass


def _datasets(path: Path, fmt: str, options: ReadOptions, name: str) -> tuple[list[tuple[str, str | None]], bool]:
    """(GDAL path, layer) pairs to choose from; True when each GDAL path is one layer (zipped shapefiles)."""
    import pyogrio

    if zipfile.is_zipfile(path):
        members = [i.filename for i in checked_zip_members(path, options) if i.filename.lower().endswith(".shp")]
        if not members:
            raise ReadError(
                f"L'archive « {name} » ne contient aucun fichier .shp. Ajoutez le .shp, le .dbf, le .shx et le .prj."
            )
        return [(f"/vsizip/{path.absolute()}/{m}", PurePosixPath(m).stem) for m in members], True
    try:
        layers = pyogrio.list_layers(str(path))
    except Exception as exc:  # pyogrio.errors.DataSourceError
        raise ReadError(
            f"GDAL ne sait pas ouvrir « {name} » ({str(exc).splitlines()[0]}). Vérifiez que le fichier est complet "
            "et au bon format (GeoJSON, Shapefile zippé, GeoPackage, KML)."
        ) from exc
    return [(str(path), str(layer)) for layer, _ in layers], False


def _open_options(fmt: str) -> dict[str, str]:
    """GeoJSON: keep dates as written and arrays as JSON text instead of typed or dropped fields."""
    return {"DATE_AS_STRING": "YES", "ARRAY_AS_STRING": "YES"} if fmt == "geojson" else {}


def _choose_layer(
    candidates: list[tuple[str, str | None]], wanted: str | None, name: str, open_options: dict[str, str]
) -> tuple[str, str | None, list[dict[str, Any]]]:
    import pyogrio

    described: list[dict[str, Any]] = []
    for gdal_path, layer in candidates:
        try:
            info = pyogrio.read_info(gdal_path, layer=layer, **open_options)
        except Exception as exc:
            raise ReadError(
                f"La couche « {layer} » de « {name} » est illisible ({str(exc).splitlines()[0]}). Vérifiez que le "
                "fichier est complet ; pour un Shapefile, que l'archive contient le .shp, le .shx, le .dbf et le .prj."
            ) from exc
        described.append(
            {
                "path": gdal_path,
                "name": layer,
                "features": int(info.get("features") or 0),
                "geometry_type": info.get("geometry_type"),
            }
        )
    listing = [{k: v for k, v in d.items() if k != "path"} for d in described]
    if wanted:
        for d in described:
            if d["name"] == wanted or (wanted.isdigit() and described.index(d) + 1 == int(wanted)):
                return d["path"], d["name"], listing
        raise ReadError(
            f"La couche « {wanted} » n'existe pas dans « {name} ». Couches disponibles : "
            + ", ".join(f"« {d['name']} »" for d in described)
            + "."
        )
    spatial = [d for d in described if d["geometry_type"] and d["name"] not in _SKIPPED_LAYERS]
    for d in spatial:
        if d["features"] > 0:
            return d["path"], d["name"], listing
    pick = (spatial or described)[0]
    return pick["path"], pick["name"], listing


def _crs(
    declared: str | None, forced: str | None, gdal_path: str, layer: str | None, name: str
) -> tuple[Any, list[Issue]]:
    """The layer's CRS as a pyproj CRS, from the option, the file, or a guess from the coordinates."""
    import pyogrio
    from pyproj import CRS

    issues: list[Issue] = []
    if forced:
        try:
            return CRS.from_user_input(forced), issues
        except Exception as exc:
            raise ReadError(
                f"Le système de coordonnées « {forced} » n'est pas reconnu. Exemple : EPSG:2154 (Lambert-93)."
            ) from exc
    if declared:
        return CRS.from_user_input(declared), issues
    bounds = pyogrio.read_info(gdal_path, layer=layer, force_total_bounds=True).get("total_bounds")
    if bounds is None or any(b != b for b in bounds):
        return CRS.from_epsg(4326), issues
    xmin, ymin, xmax, ymax = bounds
    if xmin >= -180 and xmax <= 180 and ymin >= -90 and ymax <= 90:
        guess, label = 4326, "WGS 84 (longitude, latitude)"
    elif (
        _LAMBERT93_BOUNDS[0] <= xmin
        and xmax <= _LAMBERT93_BOUNDS[2]
        and _LAMBERT93_BOUNDS[1] <= ymin
        and ymax <= _LAMBERT93_BOUNDS[3]
    ):
        guess, label = 2154, "Lambert-93 (EPSG:2154)"
    else:
        raise ReadError(
            f"« {name} » ne dit pas dans quel système de coordonnées sont ses géométries (fichier .prj absent ?) "
            "et les coordonnées ne ressemblent ni à du WGS 84 ni à du Lambert-93. Indiquez le système "
            "(par exemple EPSG:3948 pour les coniques conformes) dans les options de lecture."
        )
    issues.append(
        Issue(
            code="crs-assumed",
            message=f"Aucun système de coordonnées déclaré : d'après les coordonnées, {label} a été supposé. "
            "Vérifiez la carte ; sinon indiquez le bon système dans les options de lecture.",
            details={"epsg": guess},
        )
    )
    return CRS.from_epsg(guess), issues


def _crs_label(crs: Any) -> str:
    epsg = crs.to_epsg(min_confidence=70)
    return f"EPSG:{epsg}" if epsg else str(crs.name)


def _text_column(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    """An Arrow column as text: numbers without exponent, lists and structs as JSON, dates ISO."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = column.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        column.validate(full=True)  # raises on bytes that are not UTF-8
        return column.cast(pa.string())
    if pa.types.is_floating(kind):
        text = pc.cast(column, pa.string())
        if pc.any(pc.match_substring(text, "e")).as_py():
            return pa.array(
                [None if v is None else format(Decimal(repr(v)), "f") for v in column.to_pylist()], pa.string()
            )
        return text
    if pa.types.is_timestamp(kind):
        return pc.replace_substring(pc.cast(column, pa.string()), " ", "T", max_replacements=1)
    if pa.types.is_list(kind) or pa.types.is_struct(kind) or pa.types.is_binary(kind):
        return pa.array(
            [None if v is None else json.dumps(v, ensure_ascii=False, default=str) for v in column.to_pylist()],
            pa.string(),
        )
    return pc.cast(column, pa.string())


def read(
    path: Path, workdir: Path, *, options: ReadOptions = DEFAULT_OPTIONS, progress: Progress = no_progress
) -> RawTable:
    """Read one layer into ``workdir/raw.parquet``: attributes as text plus ``geo_shape`` (GeoJSON, WGS84)."""
    name = file_label(path, options)
    check_size(path, options)
    workdir.mkdir(parents=True, exist_ok=True)
    fmt = detect_format(path, name)
    if fmt not in FORMATS:
        fmt = "shp" if path.suffix.lower() == ".shp" else fmt
    link = _named_link(path, workdir, fmt)
    try:
        return _read(link or path, workdir, fmt, options, name, progress)
    finally:
        if link is not None:
            link.unlink(missing_ok=True)


def _named_link(path: Path, workdir: Path, fmt: str) -> Path | None:
    """GDAL goes by extensions (``/vsizip/`` needs ``.zip``): a link with the right one when the name lacks it."""
    suffix = ".zip" if fmt == "shp" and zipfile.is_zipfile(path) else f".{fmt}"
    if path.suffix.lower() == suffix:
        return None
    link = workdir / f"source-geo{suffix}"
    link.unlink(missing_ok=True)
    try:
        link.symlink_to(path.resolve())
    except OSError:
        shutil.copyfile(path, link)
    return link


def _read(path: Path, workdir: Path, fmt: str, options: ReadOptions, name: str, progress: Progress) -> RawTable:
    candidates, _ = _datasets(path, fmt, options, name)
    gdal_path, layer, layers = _choose_layer(candidates, options.layer, name, _open_options(fmt))
    try:
        return _read_layer(path, workdir, fmt, gdal_path, layer, layers, options, name, progress, encoding=None)
    except _NotUtf8:
        table = _read_layer(path, workdir, fmt, gdal_path, layer, layers, options, name, progress, encoding="cp1252")
        table.issues.insert(
            0,
            Issue(
                code="encoding-fallback",
                severity="info",
                message="Les attributs ne sont pas en UTF-8 malgré ce que déclare le fichier (.cpg) : ils ont été lus "
                "en Windows-1252. Vérifiez les accents.",
            ),
        )
        table.source["encoding"] = "cp1252"
        return table


def _read_layer(
    path: Path,
    workdir: Path,
    fmt: str,
    gdal_path: str,
    layer: str | None,
    layers: list[dict[str, Any]],
    options: ReadOptions,
    name: str,
    progress: Progress,
    *,
    encoding: str | None,
) -> RawTable:
    import pyarrow as pa
    import pyogrio
    import shapely
    from pyproj import CRS, Transformer

    kwargs: dict[str, Any] = {"layer": None if gdal_path.startswith("/vsizip/") else layer, **_open_options(fmt)}
    if encoding:
        kwargs["encoding"] = encoding
    out = workdir / RAW_PARQUET
    issues: list[Issue] = []
    repaired = unrepaired = missing = 0
    with pyogrio.open_arrow(gdal_path, use_pyarrow=True, batch_size=10_000, **kwargs) as (meta, reader):
        geometry_field = meta.get("geometry_name") or "wkb_geometry"
        attributes = [f.name for f in reader.schema if f.name != geometry_field]
        has_geometry = geometry_field in reader.schema.names
        columns, header_issues = make_columns(attributes, reserved=[GEOMETRY_COLUMN] if has_geometry else [])
        issues.extend(header_issues)
        names = [c.name for c in columns]
        if has_geometry:
            columns.append(RawColumn(name=GEOMETRY_COLUMN, label=GEOMETRY_COLUMN))
            names.append(GEOMETRY_COLUMN)
        source_crs, crs_issues = _crs(meta.get("crs"), options.source_crs, gdal_path, kwargs["layer"], name)
        issues.extend(crs_issues)
        transformer = None
        if not source_crs.equals(CRS.from_epsg(4326), ignore_axis_order=True):
            transformer = Transformer.from_crs(source_crs, CRS.from_epsg(4326), always_xy=True)
        with ParquetRows(out, names) as writer:
            offset = 0
            for batch in reader:
                try:
                    arrays = [_text_column(batch.column(a)) for a in attributes]
                except pa.ArrowInvalid as exc:
                    if encoding is None:
                        raise _NotUtf8 from exc
                    raise
                if has_geometry:
                    geoms = shapely.from_wkb(
                        batch.column(geometry_field).to_numpy(zero_copy_only=False), on_invalid="warn"
                    )
                    missing += int(shapely.is_missing(geoms).sum())
                    invalid = ~shapely.is_valid(geoms) & ~shapely.is_missing(geoms)
                    for index in invalid.nonzero()[0]:
                        reason = shapely.is_valid_reason(geoms[index])
                        fixed = shapely.make_valid(geoms[index])
                        ok = bool(shapely.is_valid(fixed)) and not fixed.is_empty
                        if ok:
                            geoms[index] = fixed
                            repaired += 1
                        else:
                            unrepaired += 1
                        if repaired + unrepaired <= MAX_GEOMETRY_ISSUES:
                            row = offset + int(index) + 1
                            issues.append(
                                Issue(
                                    code="geometry-repaired" if ok else "geometry-invalid",
                                    row=row,
                                    message=f"Entité n° {row} : géométrie invalide ({reason}) "
                                    + (
                                        "réparée automatiquement ; vérifiez-la sur la carte."
                                        if ok
                                        else "impossible à réparer ; corrigez-la dans un SIG."
                                    ),
                                    details={"reason": reason},
                                )
                            )
                    if transformer is not None:
                        geoms = shapely.transform(geoms, transformer.transform, include_z=None, interleaved=False)
                    arrays.append(pa.array(shapely.to_geojson(geoms), pa.string()))
                writer.add_table(pa.Table.from_arrays(arrays, names=names))
                offset += batch.num_rows
                progress("lecture", offset)
    if repaired + unrepaired > MAX_GEOMETRY_ISSUES:
        issues.append(
            Issue(
                code="geometry-issues-more",
                message=f"{repaired + unrepaired} géométries invalides au total ({repaired} réparées) ; seules les "
                f"{MAX_GEOMETRY_ISSUES} premières sont détaillées.",
                details={"repaired": repaired, "invalid": unrepaired},
            )
        )
    if missing:
        issues.append(
            Issue(
                code="geometry-missing",
                severity="info",
                message=f"{missing} entité(s) sans géométrie.",
                details={"count": missing},
            )
        )
    source = {
        "format": fmt,
        "file_name": name,
        "layers": layers,
        "layer": layer,
        "crs": _crs_label(source_crs),
        "reprojected": transformer is not None,
        "geometry_type": meta.get("geometry_type"),
    }
    return RawTable(
        path=out,
        columns=columns,
        row_count=writer.count,
        source=source,
        issues=issues,
        geometry=GEOMETRY_COLUMN if has_geometry else None,
    )
