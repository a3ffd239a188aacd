"""A dataset in the shape of the Opendatasoft Explore API v2.1 catalogue (``metas.default`` and ``metas.dcat``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from territoria.catalog.models import Dataset
from territoria.catalog.vocabularies import EU_FREQUENCY_BASE


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def dataset_json(dataset: Dataset, request: HttpRequest) -> dict[str, Any]:
    themes = list(dataset.themes.all())
    resources = list(dataset.resources.all())
    schema = dataset.table_schema
    return {
        "dataset_id": dataset.slug,
        "dataset_uid": str(dataset.uid),
        "visibility": dataset.visibility,
        "has_records": False,
        "data_visible": True,
        "features": [],
        "fields": [],
        "attachments": [
            {
                "id": str(r.pk),
                "title": r.title,
                "mimetype": r.media_type,
                "format": r.format,
                "url": request.build_absolute_uri(r.get_download_url()) if r.kind == "file" else r.url,
                "size": r.size,
                "checksum": r.checksum or None,
            }
            for r in resources
        ],
        "metas": {
            "default": {
                "title": dataset.title,
                "description": dataset.description,
                "theme": [t.label for t in themes],
                "keyword": dataset.keyword_names,
                "license": dataset.licence.title,
                "license_url": dataset.licence.url or None,
                "language": "fr",
                "publisher": dataset.organisation.name,
                "references": dataset.source_url or None,
                "attributions": [dataset.attribution] if dataset.attribution else [],
                "modified": _iso(dataset.modified),
                "metadata_processed": _iso(dataset.modified),
                "data_processed": None,
                "records_count": None,
                "territory": [dataset.spatial_coverage] if dataset.spatial_coverage else [],
                "timezone": None,
                "federated": False,
            },
            "dcat": {
                "created": _iso(dataset.created),
                "issued": _iso(dataset.published),
                "creator": dataset.producer or None,
                "contributor": None,
                "contact_name": dataset.contact_name or None,
                "contact_email": dataset.contact_email or None,
                "accrualperiodicity": EU_FREQUENCY_BASE + dataset.frequency,
                "spatial": dataset.spatial_code or None,
                "granularity": dataset.spatial_granularity or None,
                "temporal_coverage_start": _iso(dataset.temporal_start),
                "temporal_coverage_end": _iso(dataset.temporal_end),
                "theme_uri": [t.uri for t in themes],
                "conforms_to": (schema.url or schema.name) if schema else None,
                "landing_page": request.build_absolute_uri(dataset.get_absolute_url()),
                "publisher_type": dataset.organisation.kind,
            },
        },
    }
