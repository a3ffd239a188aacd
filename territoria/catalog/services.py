"""Public face of the catalogue: finding, reading and counting datasets, always through the access policy."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Prefetch, Q, QuerySet

from territoria.access import services as access
from territoria.accounts.services import AnyUser, Organisation, acting
from territoria.catalog import search
from territoria.catalog.facets import FACETS, Facet, FacetValue
from territoria.catalog.models import Dataset, Keyword, Licence, Resource, TableSchema, Theme
from territoria.lib.formats import guess_format
from territoria.lib.storage import ContentStore
from territoria.lib.text import fold

ORDERABLE = {
    "title": "title",
    "dataset_id": "slug",
    "modified": "modified",
    "created": "created",
    "published": "published",
    "popularity": "view_count",
    "downloads": "download_count",
}


def visible_datasets(user: AnyUser) -> QuerySet[Dataset]:
    """Every dataset ``user`` may know exists. The only entry point to the Dataset table for serving code."""
    return Dataset.objects.filter(access.visible_filter(user))


def get_dataset(slug: str) -> Dataset:
    """A dataset by slug, for administrative code that is not serving anyone (demo, commands)."""
    return Dataset.objects.get(slug=slug)


def get_visible_dataset(user: AnyUser, slug: str) -> Dataset | None:
    dataset = (
        Dataset.objects.select_related("organisation", "licence", "table_schema", "referent")
        .prefetch_related("themes", "keywords", "resources")
        .filter(slug=slug)
        .first()
    )
    if dataset is None or not access.can_view(user, dataset):
        return None
    return dataset


# What the data APIs (records, facets, exports) read of a dataset: the fields the access policy decides on, the
# slug and title (audit log, export file name) and the published version's file and columns. Nothing else is
# loaded: a field outside this list would cost one more query when read, never a wrong answer.
DATA_FIELDS = (
    "slug",
    "title",
    "visibility",
    "organisation",
    "published",
    "published_version",
    "published_version__number",
    "published_version__columns",
    "published_version__data_sha256",
)


def get_visible_dataset_for_data(user: AnyUser, slug: str) -> Dataset | None:
    """Like ``get_visible_dataset``, in one query loading only ``DATA_FIELDS`` (the data APIs need no more)."""
    dataset = Dataset.objects.select_related("published_version").only(*DATA_FIELDS).filter(slug=slug).first()
    if dataset is None or not access.can_view(user, dataset):
        return None
    return dataset


def readable_datasets(user: AnyUser) -> QuerySet[Dataset]:
    """Every dataset whose rows and files ``user`` may read."""
    return Dataset.objects.filter(access.readable_filter(user))


def can_read_data(user: AnyUser, dataset: Dataset) -> bool:
    return access.can_read_data(user, dataset)


def with_relations(queryset: QuerySet[Dataset]) -> QuerySet[Dataset]:
    return queryset.select_related("organisation", "licence", "table_schema").prefetch_related(
        "themes", "keywords", Prefetch("resources", queryset=Resource.objects.order_by("position", "id"))
    )


@dataclass
class DatasetSearch:
    """A catalogue query: the access policy first, then text, filters, refinements and exclusions."""

    user: AnyUser
    text: str = ""
    where: Q | None = None
    refine: list[tuple[str, str]] = field(default_factory=list)
    exclude: list[tuple[str, str]] = field(default_factory=list)
    order_by: list[str] = field(default_factory=list)  # e.g. ["-modified", "title"]
    rank_text: str = ""  # ranks by relevance to these words without filtering on them

    def __post_init__(self) -> None:
        queryset = visible_datasets(self.user)
        if self.where is not None:
            queryset = queryset.filter(pk__in=Dataset.objects.filter(self.where).values("pk"))
        for name, value in self.refine:
            queryset = FACETS[name].refine(queryset, value)
        for name, value in self.exclude:
            queryset = FACETS[name].exclude(queryset, value)
        self.ranks: dict[int, float] | None = None
        if self.text.strip():
            self.ranks = dict(search.ranked_ids(self.text))
            queryset = queryset.filter(pk__in=list(self.ranks))
        elif self.rank_text.strip():
            self.ranks = dict(search.ranked_ids(self.rank_text))
        self.queryset = queryset

    def count(self) -> int:
        return self.queryset.count()

    def page(self, offset: int, limit: int) -> list[Dataset]:
        if self.ranks is not None and not self.order_by:
            ranks = self.ranks
            ids = sorted(self.queryset.values_list("pk", flat=True), key=lambda pk: (-ranks.get(pk, 0.0), pk))
            chosen = ids[offset : offset + limit]
            found = {d.pk: d for d in with_relations(Dataset.objects.filter(pk__in=chosen))}
            return [found[pk] for pk in chosen if pk in found]
        ordering = [*self.order_by, "pk"] if self.order_by else ["title", "pk"]
        return list(with_relations(self.queryset.order_by(*ordering))[offset : offset + limit])

    def each(self, chunk: int = 200) -> Iterator[Dataset]:
        """Every dataset of the query in the order of :meth:`page`, read ``chunk`` datasets at a time (exports):
        only the ids are held, never all the datasets with their relations."""
        if self.ranks is not None and not self.order_by:
            ranks = self.ranks
            ids = sorted(self.queryset.values_list("pk", flat=True), key=lambda pk: (-ranks.get(pk, 0.0), pk))
        else:
            ordering = [*self.order_by, "pk"] if self.order_by else ["title", "pk"]
            ids = list(self.queryset.order_by(*ordering).values_list("pk", flat=True))
        for start in range(0, len(ids), chunk):
            part = ids[start : start + chunk]
            found = {d.pk: d for d in with_relations(Dataset.objects.filter(pk__in=part))}
            yield from (found[pk] for pk in part if pk in found)

    def facets(self, names: list[str] | None = None, limit: int = 50) -> dict[str, list[FacetValue]]:
        return {name: FACETS[name].count(self.queryset, limit) for name in (names or list(FACETS))}


def latest(user: AnyUser, limit: int = 6) -> list[Dataset]:
    return list(with_relations(visible_datasets(user).order_by("-modified", "pk"))[:limit])


def most_viewed(user: AnyUser, limit: int = 6) -> list[Dataset]:
    return list(with_relations(visible_datasets(user).order_by("-view_count", "title"))[:limit])


def themes_with_counts(user: AnyUser) -> list[tuple[Theme, int]]:
    counts = {v.value: v.count for v in FACETS["theme"].count(visible_datasets(user), limit=100)}
    themes = sorted(Theme.objects.all(), key=lambda theme: fold(theme.label))
    return [(theme, counts.get(theme.code, 0)) for theme in themes]


def record_view(dataset: Dataset) -> None:
    Dataset.objects.filter(pk=dataset.pk).update(view_count=F("view_count") + 1)


def record_download(dataset: Dataset) -> None:
    Dataset.objects.filter(pk=dataset.pk).update(download_count=F("download_count") + 1)


def facet(name: str) -> Facet | None:
    return FACETS.get(name)


# --- Writing -------------------------------------------------------------------------------------------


def save_dataset(
    *,
    organisation: Organisation,
    slug: str,
    licence: str,
    themes: list[str] = (),  # type: ignore[assignment]
    keywords: list[str] = (),  # type: ignore[assignment]
    table_schema: dict[str, str] | None = None,
    actor: AnyUser | None = None,
    **fields: object,
) -> Dataset:
    """Create or update a dataset by slug; ``licence`` is an identifier, ``themes`` EU theme codes.

    A change of visibility or published state is written to the audit log (access/signals.py), in the
    name of ``actor`` when given, else of whoever the enclosing ``acting()`` block names.
    """
    defaults: dict[str, object] = {
        **fields,
        "organisation": organisation,
        "licence": Licence.objects.get(identifier=licence),
    }
    if table_schema is not None:
        defaults["table_schema"], _created = TableSchema.objects.update_or_create(
            name=table_schema["name"], defaults={k: v for k, v in table_schema.items() if k != "name"}
        )
    who = acting(actor=actor) if actor is not None else nullcontext()
    with transaction.atomic(), search.deferred(), who:
        dataset, _created = Dataset.objects.update_or_create(slug=slug, defaults=defaults)
        dataset.themes.set(Theme.objects.filter(code__in=themes))
        dataset.keywords.set([Keyword.objects.get_or_create(name=name)[0] for name in keywords])
    search.index(with_relations(Dataset.objects.filter(pk=dataset.pk)).get())
    return dataset


def optimize_database() -> None:
    """Refresh the query planner's statistics (after migrations and bulk loads)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def store_upload(resource: Resource, stream: BinaryIO, file_name: str) -> None:
    """Keep the bytes in the content-addressed store and describe them on ``resource`` (not saved)."""
    digest, size = ContentStore(settings.FILES_DIR).put_stream(stream)
    fmt = guess_format(file_name)
    resource.kind = Resource.Kind.FILE
    resource.file_name = Path(file_name).name
    resource.file_sha256 = digest
    resource.size = size
    if fmt is not None:
        resource.format = resource.format or fmt.code
        resource.media_type = "application/gzip" if file_name.endswith(".gz") else fmt.media_type


def attach_file(dataset: Dataset, path: Path, *, title: str, description: str = "", position: int = 0) -> Resource:
    """Store ``path`` and attach it to ``dataset`` (a resource with the same title is replaced)."""
    resource = Resource.objects.filter(dataset=dataset, title=title).first() or Resource(dataset=dataset, title=title)
    resource.description = description
    resource.position = position
    resource.format = ""
    with open(path, "rb") as stream:
        store_upload(resource, stream, path.name)
    resource.save()
    return resource


def set_view_count(dataset: Dataset, count: int) -> None:
    Dataset.objects.filter(pk=dataset.pk).update(view_count=count)


# --- Versions (see versions.py) ---------------------------------------------------------------------------

from territoria.catalog.versions import (  # noqa: E402
    PublicationRefused,
    check_publishable,
    create_version,
    justify_pii,
    publish_version,
    versions_of,
)

__all__ = [
    "DatasetSearch",
    "PublicationRefused",
    "attach_file",
    "check_publishable",
    "create_version",
    "get_dataset",
    "can_read_data",
    "get_visible_dataset",
    "readable_datasets",
    "justify_pii",
    "latest",
    "most_viewed",
    "optimize_database",
    "publish_version",
    "record_download",
    "record_view",
    "save_dataset",
    "set_view_count",
    "store_upload",
    "themes_with_counts",
    "versions_of",
    "visible_datasets",
    "with_relations",
]
