"""Profiles of typed columns and the issues that need typed values (see territoria.ingest.typing).

One aggregate query over the typed Parquet file gives, per column: nulls, an approximate distinct
count (approx_count_distinct), min/max (text: lexicographic, cut to 100 characters), up to five
examples (the most frequent values, approx_top_k), the first rows that did not fit the dominant
type of a mixed column, and for a latitude/longitude pair the rows whose point was left empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from territoria.ingest.typing_geo import geo_issues
from territoria.ingest.typing_rules import SQL_TYPES, TYPE_LABELS_FR, Decision, aggregate, class_sql, ident, lit
from territoria.quality.report import Issue

ROW_BASIS = "numéro de ligne de données : 1 = première ligne après l'en-tête, dans l'ordre de la source (= _row)"
TEXT_CUT = 100
MIXED_EXAMPLES = 3


@dataclass
class ColumnProfile:
    name: str
    label: str
    type: str  # boolean, integer, decimal, date, datetime, text, geo_point, geo_shape
    nulls: int
    distinct: int  # approximate (approx_count_distinct, HyperLogLog)
    min: Any
    max: Any
    examples: list[str]  # up to 5 distinct non-null values, most frequent first (approx_top_k)
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class GeoInfo:
    point_column: str | None  # "geo_point_2d" in the typed table
    shape_column: str | None  # "geo_shape" when the source has GeoJSON geometries
    bbox: tuple[float, float, float, float] | None  # min_lon, min_lat, max_lon, max_lat
    features: int  # rows with a point
    sources: list[str] = field(default_factory=list)  # raw columns the point comes from


@dataclass
class OutColumn:
    """One column of the typed table and the SQL that computes it from the normalized source."""

    name: str
    label: str
    type: str
    sql: str
    decision: Decision | None = None

    @property
    def sql_type(self) -> str:
        if self.type == "geo_point":
            return "STRUCT(lon DOUBLE, lat DOUBLE)"
        if self.type == "geo_shape":
            return "VARCHAR"
        if self.type == "datetime" and self.decision and self.decision.timezone:
            return "TIMESTAMPTZ"
        return SQL_TYPES[self.type]


def _fr(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


def _aggregates(i: int, o: OutColumn) -> dict[str, str]:
    v = ident(o.name)
    aggs = {f"nn{i}": f"count({v})", f"d{i}": f"approx_count_distinct({v})"}
    if o.type == "text":
        aggs[f"min{i}"] = f"left(min({v}), {TEXT_CUT})"
        aggs[f"max{i}"] = f"left(max({v}), {TEXT_CUT})"
        aggs[f"ex{i}"] = f"list_transform(approx_top_k({v}, 5), lambda x: left(x, {TEXT_CUT}))"
    elif o.type in ("date", "datetime"):
        aggs[f"min{i}"] = f"CAST(min({v}) AS VARCHAR)"
        aggs[f"max{i}"] = f"CAST(max({v}) AS VARCHAR)"
        aggs[f"ex{i}"] = f"CAST(approx_top_k({v}, 5) AS VARCHAR[])"
    elif o.type in ("boolean", "integer", "decimal"):
        aggs[f"min{i}"] = f"min({v})"
        aggs[f"max{i}"] = f"max({v})"
        aggs[f"ex{i}"] = f"CAST(approx_top_k({v}, 5) AS VARCHAR[])"
    d = o.decision
    if d is not None and d.mixed:
        misfit = f"{v} IS NOT NULL AND ({class_sql(v)}) NOT IN ({', '.join(map(str, d.fit_classes))})"
        aggs[f"mx{i}"] = (
            f"min_by(struct_pack(r := _row, v := left({v}, {TEXT_CUT})), _row, {MIXED_EXAMPLES})"
            f" FILTER (WHERE {misfit})"
        )
        aggs[f"mxn{i}"] = f"count_if({misfit})"
    return aggs


def mixed_issue(o: OutColumn, non_null: int, misfits: int, examples: list[dict[str, Any]]) -> Issue:
    d = o.decision
    assert d is not None and d.mixed is not None
    kind = TYPE_LABELS_FR[d.mixed]
    shown = ", ".join(f"« {e['value']} » (ligne {_fr(e['row'])})" for e in examples)
    share = f"{100 * d.fitting / non_null:.1f}".replace(".", ",")
    plural = "valeurs ne correspondent" if misfits > 1 else "valeur ne correspond"
    return Issue(
        code="mixed-types",
        severity="warning",
        column=o.label,
        row=examples[0]["row"] if examples else None,
        check="typing",
        message=(
            f"Colonne « {o.label} » : {share} % des valeurs sont de type « {kind} », mais {_fr(misfits)} {plural}"
            f" pas à ce type, par exemple {shown}. La colonne est gardée en texte ; corrigez ou videz ces"
            f" valeurs pour qu'elle soit reconnue comme « {kind} »."
        ),
        details={
            "dominant_type": d.mixed,
            "fitting": d.fitting,
            "not_fitting": misfits,
            "non_null": non_null,
            "examples": examples,
            "row_basis": ROW_BASIS,
        },
    )


def profile(
    con: Any, path: Path, outs: list[OutColumn], pair: tuple[str, str] | None
) -> tuple[list[ColumnProfile], dict[str, Any], list[Issue]]:
    """Profiles of every typed column, geo figures (bbox, features) and the issues found on the way."""
    aggs: dict[str, str] = {"n": "count(*)"}
    for i, o in enumerate(outs):
        aggs.update(_aggregates(i, o))
    point = next((o for o in outs if o.type == "geo_point"), None)
    if point is not None:
        p = ident(point.name)
        for key, fn, coord in (("x0", "min", "lon"), ("y0", "min", "lat"), ("x1", "max", "lon"), ("y1", "max", "lat")):
            aggs[key] = f"{fn}(struct_extract({p}, {lit(coord)}))"
        aggs["features"] = f"count({p})"
        if pair is not None:
            lat, lon = ident(pair[0]), ident(pair[1])
            empty = f"{lat} IS NOT NULL AND {lon} IS NOT NULL AND {p} IS NULL"
            value = f"CAST({lat} AS VARCHAR) || ', ' || CAST({lon} AS VARCHAR)"
            aggs["oor"] = f"count_if({empty})"
            aggs["oor_rows"] = f"min_by(struct_pack(r := _row, v := {value}), _row, 10) FILTER (WHERE {empty})"
    got = aggregate(con, aggs, f"read_parquet({lit(str(path))})")
    n = got["n"]
    profiles: list[ColumnProfile] = []
    issues: list[Issue] = []
    for i, o in enumerate(outs):
        details: dict[str, Any] = {"sql_type": o.sql_type, "distinct_approx": True}
        if o.decision is not None:
            details.update(o.decision.details)
        nn = got[f"nn{i}"]
        if o.decision is not None and o.decision.mixed:
            details["dominant_type"] = o.decision.mixed
            misfits = [{"row": e["r"], "value": e["v"]} for e in got[f"mx{i}"] or []]
            if got[f"mxn{i}"]:
                issues.append(mixed_issue(o, nn, got[f"mxn{i}"], misfits))
        examples = list(got.get(f"ex{i}") or [])
        distinct = got[f"d{i}"]
        if f"ex{i}" in got and len(examples) < 5:
            distinct = len(examples)  # approx_top_k kept every value: the count is exact
            details["distinct_approx"] = False
        profiles.append(
            ColumnProfile(
                name=o.name,
                label=o.label,
                type=o.type,
                nulls=n - nn,
                distinct=distinct,
                min=got.get(f"min{i}"),
                max=got.get(f"max{i}"),
                examples=examples,
                details=details,
            )
        )
    figures: dict[str, Any] = {"bbox": None, "features": got.get("features", 0)}
    if point is not None and got["features"]:
        figures["bbox"] = (got["x0"], got["y0"], got["x1"], got["y1"])
    if pair is not None and point is not None:
        label = next(o.label for o in outs if o.name == pair[0])
        bad = [{"row": b["r"], "value": b["v"], "kind": "out-of-range"} for b in got["oor_rows"] or []]
        issues += geo_issues(label, bad, {"out-of-range": got["oor"]})
    return profiles, figures, issues
