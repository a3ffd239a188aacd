"""A small DuckDB runner: one database per process, one cursor per thread, bounded resources, JSON-ready rows.

A published version is an immutable Parquet file stored under its SHA-256, so what is learnt about one file
stays true for as long as the file exists. The runner keeps, per process and bounded (LRU):

- the file's facts: row count, smallest and largest ``_row``, read from the Parquet statistics;
- the counts of queries (pagination asks the same count page after page), except those using ``now()``;
- the answers of facet queries without conditions (the dataset page asks them on every visit);
- the pages of records queries (``TERRITORIA_RECORDS_PAGE_CACHE`` of them, 0 to keep none): a reuser's app
  asks the same first page, filter or sort over and over, and the file's answer never changes;
- DuckDB's own Parquet metadata cache (footers are parsed once per file, not once per query).

Cache keys hold the file's path, size and modification time: a new published version is a new file,
hence new keys; nothing is ever served from another file's entries.

Pages in ``_id`` order are read through **row windows** when the compiler offers one: the same query
restricted to ``_row <= bound``. Parquet statistics let DuckDB skip the row groups beyond the bound, so the
first page reads one row group instead of sorting every row. Without conditions the bound is the rows
needed (rows are numbered from 1 without gaps); with conditions it is sized from the count, which the answer
needs anyway. A window answer is used only when it holds a full page, which proves it is the answer (every
row outside the window comes after it); otherwise the bound grows, and the last resort is the unrestricted
query. Exports walk the file window after window, in ``_id`` order, so that memory holds one window's sort,
never the whole result's.
"""

from __future__ import annotations

import logging
import math
import os
import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterator
from dataclasses import dataclass
from typing import Any

import duckdb
from django.conf import settings

from territoria.records import spatial
from territoria.records.compiler import Compiled
from territoria.records.values import result_types, row_maker

logger = logging.getLogger(__name__)
_local = threading.local()
CONFIG = {
    "threads": 2,
    "memory_limit": "512MB",
    "autoload_known_extensions": False,
    "autoinstall_known_extensions": False,
    "preserve_insertion_order": True,
}
CHUNK = 1000
# Row windows: margin over the expected span of a filtered page, growth, attempts before the full query.
WINDOW_MARGIN = 4
WINDOW_GROWTH = 8
WINDOW_ATTEMPTS = 2
EXPORT_WINDOW = 100_000  # rows of _row range per export window
CACHE_ENTRIES = 512
PAGE_ROWS_KEPT = 100  # pages of at most this many rows are kept (the records API's largest page)


class EngineError(Exception):
    """The database refused or failed a query; the text is logged, never shown."""


_database: tuple[int, duckdb.DuckDBPyConnection] | None = None  # (process id, connection)
_database_lock = threading.Lock()


def _shared_database() -> duckdb.DuckDBPyConnection:
    """One DuckDB database per process: its threads and memory limit (CONFIG) bound the whole process,
    however many request threads the server runs. Made again in a forked child."""
    global _database
    with _database_lock:
        if _database is None or _database[0] != os.getpid():
            con = duckdb.connect(":memory:", config=CONFIG)  # type: ignore[arg-type]
            spatial.register(con)  # exact geometry tests (shapely) for the geo predicates, seen by every cursor
            _database = (os.getpid(), con)
        return _database[1]


def connection() -> duckdb.DuckDBPyConnection:
    """This thread's cursor on the process's database (a cursor is used by one thread at a time)."""
    con: duckdb.DuckDBPyConnection | None = getattr(_local, "con", None)
    if con is None or getattr(_local, "pid", None) != os.getpid():
        con = _shared_database().cursor()
        con.execute("SET parquet_metadata_cache = true")  # files are immutable: parse each footer once
        con.execute("SET TimeZone = 'UTC'")  # date-times without an offset are UTC, whatever the machine's zone
        _local.con, _local.pid = con, os.getpid()
    return con


# --- Per-file caches ---------------------------------------------------------------------------------------


class _Lru:
    """A small thread-safe LRU mapping."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


_facts = _Lru(CACHE_ENTRIES)
_facets = _Lru(CACHE_ENTRIES * 2)
_counts = _Lru(CACHE_ENTRIES * 8)
_pages = _Lru(0)  # sized by settings.RECORDS_PAGE_CACHE when a page is kept
_tops = _Lru(64)  # first values of a column in sort order, per file (10 000 values at most: ~0.3 MB each)
TOP_VALUES = 10_000  # the records API's offset + limit never exceeds this


def clear_caches() -> None:
    _tops.clear()
    _facts.clear()
    _facets.clear()
    _counts.clear()
    _pages.clear()


def file_key(path: str) -> tuple[str, int, int] | None:
    """The identity of a file's content: path, size, modification time (None when it cannot be read)."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (path, stat.st_size, stat.st_mtime_ns)


@dataclass(frozen=True)
class FileFacts:
    rows: int
    min_row: int | None
    max_row: int | None


def file_facts(path: str) -> FileFacts | None:
    """Row count and ``_row`` bounds of a version's file, from its Parquet statistics; cached per file."""
    key = file_key(path)
    if key is None:
        return None
    facts: FileFacts | None = _facts.get(key)
    if facts is None:
        row = _execute(connection(), "SELECT count(*), min(_row), max(_row) FROM read_parquet(?)", [path]).fetchone()
        if row is None:
            return None
        facts = FileFacts(int(row[0]), row[1], row[2])
        _facts.put(key, facts)
    return facts


# --- Queries -----------------------------------------------------------------------------------------------


def _execute(cursor: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> duckdb.DuckDBPyConnection:
    try:
        return cursor.execute(sql, params)
    except duckdb.Error as error:
        logger.warning("records query failed: %s", error)
        raise EngineError(type(error).__name__) from None


def _window_params(compiled: Compiled, low: int, high: int) -> list[Any]:
    params = list(compiled.window_params)
    params[compiled.window_at] = low
    params[compiled.window_at + 1] = high
    return params


def _window_bounds(compiled: Compiled) -> Iterator[int]:
    """Upper ``_row`` bounds worth trying for a page in ``_id`` order (none when the file is not known)."""
    if not compiled.window_sql or not compiled.limit or not compiled.path:
        return
    facts = file_facts(compiled.path)
    if facts is None or facts.max_row is None or facts.min_row is None:
        return
    need = compiled.offset + compiled.limit
    numbers = facts.max_row - facts.min_row + 1
    if compiled.filtered:
        # The count (needed for the answer anyway, and kept) gives the share of rows that match: the window
        # is sized to hold the page several times over if matches are spread evenly.
        matching = count(compiled)
        if matching <= compiled.offset:
            return
        span = math.ceil(need * numbers / matching * WINDOW_MARGIN)
    else:
        span = need  # rows numbered without gaps hold the page in exactly the first ``need`` numbers
    for _ in range(WINDOW_ATTEMPTS):
        if span >= numbers:
            return  # the window would be the whole file: the plain query is the same, without the extra filter
        yield facts.min_row - 1 + span
        span *= WINDOW_GROWTH


def fetch(compiled: Compiled) -> list[dict[str, Any]]:
    """The rows of one page (or of a whole grouped answer); pages are kept per file (see the module's text).

    The list and its dicts may be shared with later callers: read them, never change them."""
    size: int = settings.RECORDS_PAGE_CACHE
    key = _page_key(compiled) if size > 0 else None
    if key is not None:
        kept: list[dict[str, Any]] | None = _pages.get(key)
        if kept is not None:
            return kept
    rows = _fetch(compiled)
    if key is not None and len(rows) <= PAGE_ROWS_KEPT:
        _pages.size = size
        _pages.put(key, rows)
    return rows


def _page_key(compiled: Compiled) -> Hashable | None:
    """What makes one page: the file, the SQL and its parameters, and how the rows are named and converted."""
    key = _cache_key(compiled.path, compiled.sql, compiled.params)
    if key is None:
        return None
    return (key, tuple(compiled.names), tuple(compiled.types), compiled.has_id, compiled.timezone, compiled.limit)


def top_values(path: str, column_sql: str, descending: bool) -> list[Any] | None:
    """The first TOP_VALUES non-null values of a column of a file in sort order, kept per file."""
    key = _cache_key(path, f"top-values:{column_sql}:{descending}", [])
    if key is None:
        return None
    values: list[Any] | None = _tops.get(key)
    if values is None:
        direction = "DESC" if descending else "ASC"
        sql = (
            f"SELECT {column_sql} FROM read_parquet(?) WHERE {column_sql} IS NOT NULL "  # noqa: S608 - compiler SQL
            f"ORDER BY {column_sql} {direction} LIMIT ?"
        )
        values = [row[0] for row in raw(sql, [path, TOP_VALUES])]
        _tops.put(key, values)
    return values


def _sort_bound(compiled: Compiled) -> Any:
    """A value that every row of a page sorted by one column passes (>= descending, <= ascending); None when
    there is none (fewer non-null values than the page needs: the page then reaches the nulls)."""
    if compiled.sort_column is None or not compiled.limit or not compiled.path:
        return None
    need = compiled.offset + compiled.limit
    if need > TOP_VALUES:
        return None
    values = top_values(compiled.path, *compiled.sort_column)
    if values is None or len(values) < need:
        return None
    return values[need - 1]


def _rows(compiled: Compiled, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    """One query's rows as the answer's dicts (conversions chosen from the result's column types)."""
    result = _execute(connection(), sql, params)
    rows = result.fetchall()
    make = row_maker(compiled, result_types(compiled, result.description))
    return [make(row) for row in rows]


def _fetch(compiled: Compiled) -> list[dict[str, Any]]:
    bound = _sort_bound(compiled)
    if bound is not None:
        # The first offset + limit rows in this order all have a value at least as far as the bound: the rows
        # beyond it come after them, so the page of the bounded query is the page of the whole query.
        params = list(compiled.threshold_params)
        params[compiled.threshold_at] = bound
        return _rows(compiled, compiled.threshold_sql, params)
    for bound in _window_bounds(compiled):
        rows = _rows(compiled, compiled.window_sql, _window_params(compiled, 0, bound))
        if len(rows) == compiled.limit:  # a full page inside the window: no row outside can come before it
            return rows
    return _rows(compiled, compiled.sql, compiled.params)


def _cache_key(path: str, sql: str, params: list[Any]) -> Hashable | None:
    """A key for a query's answer on one file; None when it must not be kept (``now()`` changes)."""
    key = file_key(path) if path else None
    if key is None or "now()" in sql:
        return None
    try:
        cache_key = (key, sql, tuple(params))
        hash(cache_key)
    except TypeError:
        return None
    return cache_key


VALUE_COUNTS_LIMIT = 10_000  # beyond this many distinct values, counts by value are not kept


def value_counts(path: str, column_sql: str) -> dict[Any, int] | None:
    """The number of rows of each value of one column of a file, in one pass, kept per file; None when the
    column has more than VALUE_COUNTS_LIMIT values (remembered too, so that it is not tried again)."""
    key = _cache_key(path, f"value-counts:{column_sql}", [])
    if key is None:
        return None
    kept = _facets.get(key)
    if kept is None:
        sql = f"SELECT {column_sql}, count(*) FROM read_parquet(?) GROUP BY 1 LIMIT ?"  # noqa: S608 - compiler SQL
        rows = raw(sql, [path, VALUE_COUNTS_LIMIT + 1])
        kept = {value: int(n) for value, n in rows} if len(rows) <= VALUE_COUNTS_LIMIT else False
        _facets.put(key, kept)
    return kept or None


def count(compiled: Compiled) -> int:
    """The number of rows (or groups) a query matches; kept per file, since paging asks it again and again."""
    if compiled.count_by is not None and compiled.path:
        counts = value_counts(compiled.path, compiled.count_by[0])
        if counts is not None:
            return counts.get(compiled.count_by[1], 0)
    key = _cache_key(compiled.path, compiled.count_sql, compiled.count_params)
    known: int | None = _counts.get(key) if key is not None else None
    if known is not None:
        return known
    row = _execute(connection(), compiled.count_sql, compiled.count_params).fetchone()
    value = int(row[0]) if row else 0
    if key is not None:
        _counts.put(key, value)
    return value


def total(compiled: Compiled, fetched: int) -> int:
    """The total count of a records query whose page held ``fetched`` rows, without counting when it is known.

    A page that is not full ends the results; a query without conditions over the rows counts the file's rows.
    """
    limit = compiled.limit
    if limit is not None and fetched < limit and (fetched or compiled.offset == 0):
        return compiled.offset + fetched
    if compiled.has_id and not compiled.filtered and compiled.path:
        facts = file_facts(compiled.path)
        if facts is not None:
            return facts.rows
    return count(compiled)


def raw(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    return _execute(connection(), sql, params).fetchall()


def facet_rows(sql: str, params: list[Any], path: str, conditions: bool) -> list[tuple[Any, ...]]:
    """A facet query's rows; without conditions, computed once per file and kept (the file never changes)."""
    key = _cache_key(path, sql, params) if not conditions else None
    if key is None:
        return raw(sql, params)
    rows: list[tuple[Any, ...]] | None = _facets.get(key)
    if rows is None:
        rows = raw(sql, params)
        _facets.put(key, rows)
    return list(rows)


@dataclass
class Stream:
    """An export's rows as they come from DuckDB: result tuples (``_id`` first when the query has it), in
    chunks, with the SQL type of each output column (after ``_id``)."""

    sql_types: list[str]
    chunks: Iterator[list[tuple[Any, ...]]]


def stream_raw(compiled: Compiled) -> Stream:
    """Rows in chunks from a cursor of their own: constant memory, any number of rows.

    The (first) query runs now, so that a failure is an error answer and not a broken download. In ``_id``
    order, the file is read window after window of ``_row`` numbers: each window is sorted alone.
    """
    windows = _export_windows(compiled)
    cursor = connection().cursor()
    try:
        if windows:
            result = _execute(cursor, compiled.window_sql, _window_params(compiled, *windows[0]))
        else:
            result = _execute(cursor, compiled.sql, compiled.params)
    except EngineError:
        cursor.close()
        raise
    start = 1 if compiled.has_id else 0
    sql_types = [str(d[1]) for d in (result.description or [])][start:]
    return Stream(sql_types, _chunks(compiled, cursor, result, windows[1:]))


def stream(compiled: Compiled) -> Iterator[dict[str, Any]]:
    """The rows of :func:`stream_raw` as the answer's dicts."""
    raw_stream = stream_raw(compiled)
    make = row_maker(compiled, raw_stream.sql_types)
    return (make(row) for chunk in raw_stream.chunks for row in chunk)


def _export_windows(compiled: Compiled) -> list[tuple[int, int]]:
    if not compiled.window_sql or compiled.limit is not None or not compiled.path:
        return []
    facts = file_facts(compiled.path)
    if facts is None or facts.min_row is None or facts.max_row is None:
        return []
    if facts.max_row - facts.min_row < EXPORT_WINDOW:
        return []
    low = facts.min_row - 1
    return [(start, start + EXPORT_WINDOW) for start in range(low, facts.max_row, EXPORT_WINDOW)]


def _chunks(
    compiled: Compiled,
    cursor: duckdb.DuckDBPyConnection,
    result: duckdb.DuckDBPyConnection,
    windows: list[tuple[int, int]],
) -> Iterator[list[tuple[Any, ...]]]:
    try:
        pending = iter(windows)
        while True:
            try:
                chunk = result.fetchmany(CHUNK)
            except duckdb.Error as error:
                logger.warning("records export failed: %s", error)
                raise EngineError(type(error).__name__) from None
            if chunk:
                yield chunk
                continue
            window = next(pending, None)
            if window is None:
                return
            result = _execute(cursor, compiled.window_sql, _window_params(compiled, *window))
    finally:
        cursor.close()


@dataclass
class ArrowStream:
    """An export's rows as Arrow record batches (``_id`` first when the query has it), window after window."""

    schema: Any  # pyarrow.Schema
    batches: Iterator[Any]  # pyarrow.RecordBatch


def stream_arrow(compiled: Compiled, rows_per_batch: int = CHUNK * 10) -> ArrowStream:
    """The rows of :func:`stream_raw` as Arrow record batches: typed columns for columnar formats (Parquet).

    The same windows as :func:`stream_raw`; the first query runs now so that a failure is an error answer.
    """
    windows = _export_windows(compiled)
    cursor = connection().cursor()
    try:
        if windows:
            result = _execute(cursor, compiled.window_sql, _window_params(compiled, *windows[0]))
        else:
            result = _execute(cursor, compiled.sql, compiled.params)
        reader = _arrow_reader(result, rows_per_batch)
    except EngineError:
        cursor.close()
        raise
    except duckdb.Error as error:
        cursor.close()
        logger.warning("records export failed: %s", error)
        raise EngineError(type(error).__name__) from None
    return ArrowStream(reader.schema, _batches(compiled, cursor, reader, windows[1:], rows_per_batch))


def _arrow_reader(result: duckdb.DuckDBPyConnection, size: int) -> Any:
    """A pyarrow RecordBatchReader over a result (``to_arrow_reader`` in recent DuckDB, ``fetch_record_batch``
    before it)."""
    make = getattr(result, "to_arrow_reader", None) or result.fetch_record_batch
    return make(size)


def _batches(
    compiled: Compiled, cursor: duckdb.DuckDBPyConnection, reader: Any, windows: list[tuple[int, int]], size: int
) -> Iterator[Any]:
    try:
        pending = iter(windows)
        while True:
            try:
                yield from reader
            except duckdb.Error as error:
                logger.warning("records export failed: %s", error)
                raise EngineError(type(error).__name__) from None
            window = next(pending, None)
            if window is None:
                return
            result = _execute(cursor, compiled.window_sql, _window_params(compiled, *window))
            reader = _arrow_reader(result, size)
    finally:
        cursor.close()
