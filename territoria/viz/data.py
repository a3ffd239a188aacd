"""The data behind every view of this app, obtained only through the records layer.

``records.services.visible_version`` applies the access policy (404 for a dataset the person may not know,
403 when they may know it but not read its rows); ``records.compiler`` turns an ODSQL query into
parameterised DuckDB SQL over the published version and ``records.engine`` runs it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _

from territoria.accounts.services import AnyUser
from territoria.catalog import services as catalog
from territoria.catalog.models import Dataset, Version
from territoria.lib import odsql
from territoria.records import compiler, engine, values
from territoria.records import services as records
from territoria.web.errors import Forbidden, NotFound

Query = compiler.Query
GEO_TYPES = {"geo_point", "geo_shape"}
NUMERIC_TYPES = {"integer", "decimal"}
DATE_TYPES = {"date", "datetime"}


class QueryFailed(Exception):
    """A query that could not be compiled or run; ``message`` is French text fit for the person."""

    def __init__(self, message: str, clause: str | None = None, position: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.clause = clause
        self.position = position


@dataclass
class Source:
    """A dataset as one of this app's pages sees it."""

    dataset: Dataset
    version: Version | None  # the published version, if any
    readable: bool  # may the person read its rows (access.can_read_data)?

    @property
    def columns(self) -> list[dict[str, Any]]:
        return [c for c in (self.version.columns if self.version else []) if c["name"] != compiler.ROW_ID]

    @property
    def geo(self) -> dict[str, Any]:
        return (self.version.geo if self.version else None) or {}

    @property
    def has_geo(self) -> bool:
        return bool(self.geo.get("point_column") or self.geo.get("shape_column"))


def source_for_page(user: AnyUser, slug: str) -> Source:
    """The dataset behind a page: Http404 if the person may not know it; ``readable`` False if they may not read it."""
    try:
        dataset, version = records.visible_version(user, slug)
    except Forbidden:
        found = catalog.get_visible_dataset(user, slug)
        if found is None:  # pragma: no cover - visible_version found it a moment ago
            raise Http404(_("Aucun jeu de données à cette adresse.")) from None
        return Source(found, found.published_version, readable=False)
    except NotFound:
        found = catalog.get_visible_dataset(user, slug)
        if found is None:
            raise Http404(_("Aucun jeu de données à cette adresse.")) from None
        return Source(found, None, readable=True)
    return Source(dataset, version, readable=True)


def source_for_api(user: AnyUser, dataset_id: str) -> tuple[Dataset, Version]:
    """The dataset and its published version for an API call; NotFound / Forbidden in the API's JSON shape."""
    return records.visible_version(user, dataset_id)


def path_of(version: Version) -> str:
    return str(version.data_path())


@dataclass
class Result:
    rows: list[dict[str, Any]]
    total: int  # rows (or groups) matching, beyond the page
    names: list[str]


def _failed(error: odsql.OdsqlError) -> QueryFailed:
    return QueryFailed(error.message, error.clause, error.position)


def _engine_failed() -> QueryFailed:
    return QueryFailed(
        _("La requête n'a pas pu être exécutée sur ces données ; vérifiez les types des champs et des valeurs.")
    )


def run(version: Version, query: Query, limit: int, offset: int = 0) -> Result:
    """Rows of ``query`` on the published ``version``, one page, with the total count."""
    try:
        compiled = compiler.compile_query(version.columns, path_of(version), query, limit=limit, offset=offset)
    except odsql.OdsqlError as error:
        raise _failed(error) from None
    try:
        rows = engine.fetch(compiled)
        total = engine.count(compiled)
    except engine.EngineError:
        raise _engine_failed() from None
    return Result(rows, total, compiled.names)


def check(version: Version, query: Query) -> None:
    """Raise QueryFailed if ``query`` does not compile on ``version`` (nothing is run)."""
    try:
        compiler.compile_query(version.columns, path_of(version), query, limit=1)
    except odsql.OdsqlError as error:
        raise _failed(error) from None


def facet(version: Version, query: Query, name: str, top: int) -> list[tuple[Any, int]]:
    """The ``top`` most frequent values of column ``name`` under ``query``'s conditions, with their counts."""
    try:
        sql, params = compiler.compile_facet(version.columns, path_of(version), query, name, top)
    except odsql.OdsqlError as error:
        raise _failed(error) from None
    try:
        rows = engine.raw(sql, params)
    except engine.EngineError:
        raise _engine_failed() from None
    return [(values.to_json(value), int(count)) for value, count in rows]


def where_sql(version: Version, query: Query) -> tuple[str, list[Any]]:
    """The conditions of ``query`` (where, refine, exclude) as a parameterised SQL condition ("TRUE" if none)."""
    try:
        sql, params = compiler.where_clause(compiler.Compiler(version.columns), query)
    except odsql.OdsqlError as error:
        raise _failed(error) from None
    return (sql.removeprefix(" WHERE ") or "TRUE"), params


def ident(version: Version, name: str) -> str:
    """A quoted column identifier; KeyError for a name that is not one of the version's columns."""
    return compiler.Compiler(version.columns).ident(name)


def raw(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """Run parameterised SQL built from :func:`ident` and :func:`where_sql` only."""
    try:
        return engine.raw(sql, params)
    except engine.EngineError:
        raise _engine_failed() from None


to_json = values.to_json
