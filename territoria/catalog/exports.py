"""Catalogue exports: every dataset of a catalogue query, in csv, json or jsonl, written dataset after dataset.

JSON and JSON Lines hold the datasets as the catalogue API shows them (:func:`explore.dataset_json`); CSV has
one line per dataset: the identifiers, the ``metas.default`` fields, then the ``metas.dcat`` ones (prefixed
``dcat.``); lists are joined with ", " and text that starts like a formula gets a leading quote.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import HttpRequest

from territoria.catalog.explore import dataset_json
from territoria.catalog.models import Dataset
from territoria.lib.cells import protect_cell

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "jsonl": "application/jsonl; charset=utf-8",
}
FLUSH = 100  # datasets per piece sent
DEFAULT = (
    "title", "description", "theme", "keyword", "license", "license_url", "language", "publisher", "references",
    "attributions", "modified", "metadata_processed", "data_processed", "records_count", "territory", "timezone",
    "federated",
)  # fmt: skip
DCAT = (
    "created", "issued", "creator", "contributor", "contact_name", "contact_email", "accrualperiodicity", "spatial",
    "granularity", "temporal_coverage_start", "temporal_coverage_end", "theme_uri", "conforms_to", "landing_page",
    "publisher_type",
)  # fmt: skip
CSV_FIELDS = ("dataset_id", "dataset_uid", "visibility", *DEFAULT, *(f"dcat.{key}" for key in DCAT))


def flat(body: dict[str, Any]) -> dict[str, Any]:
    """One catalogue API dataset as the columns of the CSV export."""
    row = {key: body[key] for key in ("dataset_id", "dataset_uid", "visibility")}
    row.update(body["metas"]["default"])
    row.update({f"dcat.{key}": value for key, value in body["metas"]["dcat"].items()})
    return row


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return protect_cell(", ".join(str(v) for v in value))
    return protect_cell(value)


def _take(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return data


def write_csv(
    datasets: Iterable[Dataset], request: HttpRequest, delimiter: str = ",", bom: bool = False
) -> Iterator[bytes]:
    buffer = io.StringIO()
    if bom:
        buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(CSV_FIELDS)
    yield _take(buffer)
    for count, dataset in enumerate(datasets, start=1):
        row = flat(dataset_json(dataset, request))
        writer.writerow([_cell(row.get(name)) for name in CSV_FIELDS])
        if count % FLUSH == 0:
            yield _take(buffer)
    yield _take(buffer)


def write_json(datasets: Iterable[Dataset], request: HttpRequest, array: bool = True) -> Iterator[bytes]:
    texts: list[str] = []
    first = True
    if array:
        yield b"["
    for dataset in datasets:
        texts.append(json.dumps(dataset_json(dataset, request), ensure_ascii=False))
        if len(texts) == FLUSH:
            yield _joined(texts, array, first)
            first, texts = False, []
    if texts:
        yield _joined(texts, array, first)
    if array:
        yield b"]"


def _joined(texts: list[str], array: bool, first: bool) -> bytes:
    if array:
        return (("" if first else ",") + ",".join(texts)).encode("utf-8")
    return ("\n".join(texts) + "\n").encode("utf-8")
