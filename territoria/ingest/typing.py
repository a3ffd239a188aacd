"""Type inference: a raw all-text table in, a typed Parquet file with column profiles and issues out.

Everything runs inside DuckDB (512 MB memory limit, spilling to ``workdir``) in a fixed number of
passes over the data, whatever its size; nothing is loaded into Python memory:

1. "typage": one aggregate query classifies every value of every column (territoria.ingest.typing_rules)
   and checks the geographic candidates (territoria.ingest.typing_geo);
2. "géométrie", only when the table has GeoJSON shapes: shapely streams the geometry column in
   small batches to compute representative points;
3. "écriture": one COPY writes the typed table (zstd Parquet), ``_row`` first;
4. "profil": one aggregate query over the typed file gives nulls, distinct counts, min/max, examples
   and the rows named in issues.

Rows are data rows numbered from 1 in source order (``_row``), not lines of the source file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from territoria.ingest.readers.base import Progress, RawTable, no_progress
from territoria.ingest.typing_geo import (
    IN_RANGE_SHARE,
    geo_issues,
    in_range_sql,
    lenient_double_sql,
    pair_candidates,
    point_candidates,
    point_sql,
    shape_points,
    text_point_parts,
)
from territoria.ingest.typing_profile import ColumnProfile, GeoInfo, OutColumn, profile
from territoria.ingest.typing_rules import (
    ColumnStats,
    Decision,
    aggregate,
    class_sql,
    decide,
    decode_classes,
    ident,
    lit,
    nulled_sql,
    trimmed_sql,
    typed_sql,
)
from territoria.quality.report import Issue

MEMORY_LIMIT = "512MB"
ROW_GROUP_BYTES = 16 << 20
# Rows per row group of the typed file: small enough for the records API to read little for a page
# (it reads whole row groups), large enough to compress well (see docs/ingestion.md, "Performances").
ROW_GROUP_ROWS = 65_536
MAX_THREADS = 4  # each thread holds a row group in flight: more threads, more memory


@dataclass
class TypedTable:
    path: Path  # the typed Parquet file: _row BIGINT first, then the columns in source order, geo ones last
    columns: list[ColumnProfile]
    row_count: int
    issues: list[Issue]
    geo: GeoInfo | None


COLUMNS_PER_PASS = 12


def connect(workdir: Path) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection bounded in memory, spilling to workdir, never loading extensions."""
    (workdir / "duckdb_tmp").mkdir(parents=True, exist_ok=True)
    config: dict[str, str | bool | int | float | list[str]] = {
        "memory_limit": MEMORY_LIMIT,
        "temp_directory": str(workdir / "duckdb_tmp"),
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
        "preserve_insertion_order": True,  # the typed table keeps the source order (_row)
        "threads": min(os.cpu_count() or 1, MAX_THREADS),
    }
    con = duckdb.connect(":memory:", config=config)
    con.execute("SET TimeZone = 'UTC'")
    return con


def row_group_rows(con: duckdb.DuckDBPyConnection, raw_path: Path) -> int:
    """Rows per written row group: ROW_GROUP_ROWS, fewer for wide rows so that one stays near ROW_GROUP_BYTES."""
    path = lit(str(raw_path))
    sizes = f"SELECT coalesce(sum(total_uncompressed_size), 0) FROM parquet_metadata({path})"  # noqa: S608
    size = (con.execute(sizes).fetchone() or (0,))[0]
    rows = (con.execute(f"SELECT num_rows FROM parquet_file_metadata({path})").fetchone() or (0,))[0]  # noqa: S608
    per_row = max(int(size) / max(int(rows), 1), 1.0)
    return int(min(max(ROW_GROUP_BYTES / per_row, 2048), ROW_GROUP_ROWS))


def type_table(raw: RawTable, out_path: Path, *, workdir: Path, progress: Progress = no_progress) -> TypedTable:
    """Type every column of ``raw`` from its whole content and write the typed table to ``out_path``."""
    workdir.mkdir(parents=True, exist_ok=True)
    con = connect(workdir)
    try:
        return _Typer(raw, out_path, workdir, progress, con).run()
    finally:
        con.close()


class _Typer:
    def __init__(self, raw: RawTable, out: Path, workdir: Path, progress: Progress, con: Any) -> None:
        self.raw, self.out, self.workdir, self.progress, self.con = raw, out, workdir, progress, con
        self.names = [c.name for c in raw.columns]
        self.labels = {c.name: c.label for c in raw.columns}
        self.typed = [n for n in self.names if n != raw.geometry]
        # Inside the queries, columns go by position (__c0, __c1…): no source name can collide.
        self.col = {n: ident(f"__c{i}") for i, n in enumerate(self.names)}
        trimmed = ", ".join(f"{trimmed_sql(ident(n))} AS {self.col[n]}" for n in self.names)
        nulled = ", ".join(f"{nulled_sql(self.col[n])} AS {self.col[n]}" for n in self.names)
        path = lit(str(raw.path))
        # The normalized source: __row (1-based data row), then every column trimmed, NULL for null tokens.
        self.src = (
            f"SELECT __row, {nulled} FROM (SELECT file_row_number + 1 AS __row, {trimmed}"  # noqa: S608
            f" FROM read_parquet({path}, file_row_number = true))"
        )
        self.issues: list[Issue] = []
        self.pairs = pair_candidates(self.typed)
        self.point_columns = point_candidates(self.typed)
        self.pair: tuple[str, str] | None = None

    def run(self) -> TypedTable:
        stats, geo_counts, n = self._typing_pass()
        decisions = {name: decide(name, stats[name]) for name in self.typed}
        outs, geo = self._plan(decisions, geo_counts)
        tmp = self.out.with_name(self.out.name + ".tmp")
        points = self.workdir / "geo_points.parquet"
        try:
            shapes = None
            if self.raw.geometry:
                shapes = shape_points(self.raw.path, self.raw.geometry, points, self.progress)
            self._write(outs, tmp, points if shapes else None, n)
            self.progress("profil", 0)
            profiles, figures, issues = profile(self.con, tmp, outs, self.pair)
            self.issues = issues + self.issues
            self.progress("profil", n)
            if geo is not None and shapes is not None:
                geo.bbox, geo.features = shapes.bbox, shapes.features
                bad = [{"row": r, "kind": k} for r, k in shapes.bad]
                self.issues += geo_issues(self.labels[self.raw.geometry or ""], bad, shapes.bad_counts)
            elif geo is not None:
                geo.bbox, geo.features = figures["bbox"], figures["features"]
            os.replace(tmp, self.out)
        finally:  # an interrupted run leaves neither a half-written table nor scratch files
            tmp.unlink(missing_ok=True)
            points.unlink(missing_ok=True)
        return TypedTable(self.out, profiles, n, self.issues, geo)

    # Pass 1: classify every value, count classes per column, check geo candidates.
    def _typing_pass(self) -> tuple[dict[str, ColumnStats], dict[str, Any], int]:
        self.progress("typage", 0)
        got: dict[str, Any] = {}
        indexes = list(range(len(self.typed)))
        # Wide tables go in groups of columns: each value is matched by a dozen regular expressions,
        # and DuckDB keeps per-expression state, so one query over 50 columns would not fit in memory.
        chunks = [indexes[i : i + COLUMNS_PER_PASS] for i in range(0, len(indexes), COLUMNS_PER_PASS)] or [[]]
        for number, chunk in enumerate(chunks):
            got.update(self._typing_chunk(chunk, with_geo=number == 0))
        stats = {name: decode_classes(got[f"nn{i}"], got[f"h{i}"]) for i, name in enumerate(self.typed)}
        self.progress("typage", got["n"])
        return stats, got, got["n"]

    def _typing_chunk(self, chunk: list[int], *, with_geo: bool) -> dict[str, Any]:
        aggs: dict[str, str] = {"n": "count(*)"}
        for i in chunk:
            v = self.col[self.typed[i]]
            aggs[f"nn{i}"] = f"count({v})"
            # One class code per value (class, leading zero, integer length), counted by histogram().
            aggs[f"h{i}"] = f"histogram(__k{i})"
        for i, (lat, lon) in enumerate(self.pairs if with_geo else []):
            la, lo = lenient_double_sql(self.col[lat]), lenient_double_sql(self.col[lon])
            aggs[f"pair_both{i}"] = f"count_if({la} IS NOT NULL AND {lo} IS NOT NULL)"
            aggs[f"pair_in{i}"] = f"count_if({in_range_sql(lo, la)})"
        for i, name in enumerate(self.point_columns if with_geo else []):
            v = self.col[name]
            lo, la = text_point_parts(v)
            aggs[f"pt_in{i}"] = f"count_if({in_range_sql(lo, la)})"
            aggs[f"pt_invalid{i}"] = f"count_if({v} IS NOT NULL AND ({la} IS NULL OR {lo} IS NULL))"
            aggs[f"pt_oor{i}"] = f"count_if(NOT {in_range_sql(lo, la)})"
            bad = f"{v} IS NOT NULL AND NOT coalesce({in_range_sql(lo, la)}, FALSE)"
            kind = f"CASE WHEN {la} IS NULL OR {lo} IS NULL THEN 'invalid' ELSE 'out-of-range' END"
            aggs[f"pt_bad{i}"] = (
                f"min_by(struct_pack(r := __row, v := left({v}, 100), k := {kind}), __row, 10) FILTER (WHERE {bad})"
            )
        classes = ", ".join(f"{class_sql(self.col[self.typed[i]], coded=True)} AS __k{i}" for i in chunk)
        return aggregate(self.con, aggs, f"(SELECT *{', ' + classes if classes else ''} FROM ({self.src}))")  # noqa: S608

    # Decide the output columns and where the point comes from.
    def _plan(self, decisions: dict[str, Decision], got: dict[str, Any]) -> tuple[list[OutColumn], GeoInfo | None]:
        geo: GeoInfo | None = None
        point: str | None = None
        replaced: str | None = None  # a text column already named geo_point_2d becomes the point
        if self.raw.geometry:
            geo = GeoInfo("geo_point_2d", "geo_shape", None, 0, [self.raw.geometry])
            point = "CASE WHEN p.lon IS NOT NULL THEN struct_pack(lon := p.lon, lat := p.lat) END"
        for i, name in enumerate(self.point_columns):
            nn = got[f"nn{self.typed.index(name)}"]
            if geo is None and nn and got[f"pt_in{i}"] >= IN_RANGE_SHARE * nn:
                geo = GeoInfo("geo_point_2d", None, None, 0, [name])
                point = point_sql(*text_point_parts(f"s.{self.col[name]}"))
                replaced = name if name == "geo_point_2d" else None
                bad = [{"row": b["r"], "value": b["v"], "kind": b["k"]} for b in got[f"pt_bad{i}"] or []]
                counts = {"invalid": got[f"pt_invalid{i}"], "out-of-range": got[f"pt_oor{i}"]}
                self.issues += geo_issues(self.labels[name], bad, counts)
        for i, (lat, lon) in enumerate(self.pairs):
            numeric = all(decisions[c].type in ("integer", "decimal") for c in (lat, lon))
            both = got[f"pair_both{i}"]
            if numeric and both and got[f"pair_in{i}"] >= IN_RANGE_SHARE * both:
                for c in (lat, lon):
                    decisions[c].type = "decimal"
                    decisions[c].details["geo"] = "latitude" if c == lat else "longitude"
                if geo is None:
                    geo = GeoInfo("geo_point_2d", None, None, 0, [lat, lon])
                    la, lo = (typed_sql(f"s.{self.col[c]}", decisions[c]) for c in (lat, lon))
                    point = point_sql(lo, la)
                    self.pair = (lat, lon)
                break
        outs: list[OutColumn] = []
        for name in self.names:
            label = self.labels[name]
            if name == self.raw.geometry:
                outs.append(OutColumn("geo_shape", label, "geo_shape", f"s.{self.col[name]}"))
            elif name == replaced and point:
                outs.append(OutColumn("geo_point_2d", label, "geo_point", point))
            else:
                d = decisions[name]
                outs.append(OutColumn(name, label, d.type, typed_sql(f"s.{self.col[name]}", d), d))
        if point and not replaced:
            outs.append(OutColumn("geo_point_2d", "Point géographique (lon, lat)", "geo_point", point))
        # Keep names unique: a source column may already be called _row, geo_shape or geo_point_2d.
        taken = {"_row"} | {o.name for o in outs if o.type in ("geo_point", "geo_shape")}
        for o in outs:
            if o.type not in ("geo_point", "geo_shape"):
                while o.name in taken:
                    o.name += "_source"
                taken.add(o.name)
        if geo is not None and geo.point_column:
            geo.point_column = next(o.name for o in outs if o.type == "geo_point")
            geo.shape_column = next((o.name for o in outs if o.type == "geo_shape"), None)
        return outs, geo

    # Pass 3 (after the optional shapely pass over GeoJSON): write the typed table, in source order.
    def _write(self, outs: list[OutColumn], tmp: Path, points: Path | None, n: int) -> None:
        self.progress("écriture", 0)
        cols = ", ".join(["s.__row AS _row"] + [f"{o.sql} AS {ident(o.name)}" for o in outs])
        join = f" POSITIONAL JOIN read_parquet({lit(str(points))}) p" if points else ""
        options = f"FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE {row_group_rows(self.con, self.raw.path)}"
        query = f"COPY (SELECT {cols} FROM ({self.src}) s{join}) TO {lit(str(tmp))} ({options})"  # noqa: S608
        self.con.execute(query)
        self.progress("écriture", n)


__all__ = ["ColumnProfile", "GeoInfo", "TypedTable", "type_table"]
