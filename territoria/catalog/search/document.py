"""What of a dataset is searchable, split by weight."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SearchDocument:
    dataset_id: int
    title: str
    tags: str  # keywords, themes, publisher, producer, coverage
    body: str  # description


def document_for(dataset: Any) -> SearchDocument:
    tags = [k.name for k in dataset.keywords.all()]
    tags += [t.label_fr for t in dataset.themes.all()] + [t.label_en for t in dataset.themes.all()]
    tags += [dataset.organisation.name, dataset.producer, dataset.spatial_coverage]
    return SearchDocument(
        dataset_id=dataset.pk,
        title=dataset.title,
        tags=" ".join(t for t in tags if t),
        body=dataset.description,
    )
