"""GeoJSON: one FeatureCollection, streamed feature after feature.

The geometry is the row's geo_shape (or else geo_point) value; the other fields are the properties. Without a
geometry column, features have ``"geometry": null``, as Opendatasoft's export does.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from django.http import QueryDict

from territoria.records import compiler, values
from territoria.records.exports import Job, _geo

CONTENT_TYPE = "application/geo+json; charset=utf-8"
EXTENSION = "geojson"
PARAMS: frozenset[str] = frozenset()
ARROW = False
DOC = (
    "GeoJSON : une FeatureCollection ; la géométrie vient du champ geo_shape (sinon geo_point), les "
    'autres champs sont les propriétés ; sans champ géographique, `"geometry": null`.'
)
EXAMPLE: str | None = (
    '{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "Point", '
    '"coordinates": [4.8357, 45.764]}, "properties": {"nom": "Gymnase Nord"}}]}'
)


def prepare(params: QueryDict, compiled: compiler.Compiled) -> dict[str, Any]:
    return {}


def write(job: Job) -> Iterator[bytes]:
    compiled, rows = job.compiled, job.rows
    make = values.row_maker(compiled, rows.sql_types)
    index = _geo.geometry_column(compiled)
    name = compiled.names[index] if index is not None else None
    yield b'{"type": "FeatureCollection", "features": ['
    first = True
    for chunk in rows.chunks:
        texts = []
        for row in chunk:
            properties = make(row)
            properties.pop("_id", None)
            shape = _geo.geometry(properties.pop(name)) if name is not None else None
            feature = {"type": "Feature", "geometry": shape, "properties": properties}
            texts.append(json.dumps(feature, ensure_ascii=False))
        if texts:
            yield (("" if first else ",") + ",".join(texts)).encode("utf-8")
            first = False
    yield b"]}"
