"""What a structural check receives (the raw table opened in DuckDB) and what it declares."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import duckdb

from territoria.lib.tables import RawColumn, RawTable
from territoria.quality.report import Issue

# DuckDB settings for every check: a small, predictable footprint on a 2-core machine.
MEMORY_LIMIT = "512MB"
THREADS = 2

# Name of the 1-based data-row column added to the view (never a valid RawColumn name:
# reader names are lower-case identifiers that do not start with "__").
ROW = "__territoria_row"
VIEW = "raw_rows"

# A blank cell: NULL, empty, or only spaces (including non-breaking ones) and the BOM.
BLANK_RE = r"[\s\p{Z}\x{FEFF}]*"


def ident(name: str) -> str:
    """SQL identifier, double-quoted (column names come from files, never pasted bare)."""
    return '"' + name.replace('"', '""') + '"'


@dataclass
class Table:
    """The raw table as a DuckDB view ``raw_rows`` with the data row number in ``__territoria_row``.

    Row numbers follow the Parquet file order, which is the source order (readers write rows as
    they read them): row 1 is the first data row after the header.
    """

    raw: RawTable
    con: duckdb.DuckDBPyConnection
    _filled: dict[str, int] | None = field(default=None, repr=False)
    _rows: int = field(default=0, repr=False)

    @property
    def columns(self) -> list[RawColumn]:
        return self.raw.columns

    @property
    def data_columns(self) -> list[RawColumn]:
        """Columns holding cell values (the geometry column, GeoJSON text, left aside)."""
        return [c for c in self.raw.columns if c.name != self.raw.geometry]

    def position(self, name: str) -> int:
        """1-based position of a column in the source header."""
        for i, column in enumerate(self.raw.columns, start=1):
            if column.name == name:
                return i
        raise KeyError(name)

    def label(self, column: RawColumn) -> str:
        """The header as written in the source, or the technical name when the header is blank."""
        return column.label if column.label.strip() else column.name

    def blank(self, name: str) -> str:
        """SQL predicate: the cell of column ``name`` is blank."""
        q = ident(name)
        return f"({q} IS NULL OR regexp_full_match({q}, '{BLANK_RE}'))"

    def filled(self) -> dict[str, int]:
        """Non-blank cells per column (every column, geometry included), counted once per table.

        Several checks need it (blank columns, blank rows, the personal-data guard): one scan for all.
        """
        if self._filled is None:
            columns = self.raw.columns
            counts = "".join(f", count(*) FILTER (WHERE NOT {self.blank(c.name)})" for c in columns)
            rows, *filled = self.fetchall(f"SELECT count(*){counts} FROM {VIEW}")[0] if columns else (0,)  # noqa: S608
            self._rows = int(rows)
            self._filled = {c.name: int(n) for c, n in zip(columns, filled, strict=True)}
        return self._filled

    def full_columns(self) -> bool:
        """Whether some column is filled on every row (then no row is blank)."""
        filled = self.filled()
        return bool(self._rows) and any(n == self._rows for n in filled.values())

    def fetchall(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        return self.con.execute(sql, params or []).fetchall()


def connect() -> duckdb.DuckDBPyConnection:
    return duckdb.connect(config={"memory_limit": MEMORY_LIMIT, "threads": THREADS})


@contextmanager
def open_table(raw: RawTable) -> Iterator[Table]:
    """Open ``raw`` in an in-memory DuckDB with the ``raw_rows`` view (file order = source order)."""
    con = connect()
    try:
        if raw.columns:
            names = {c.name for c in raw.columns}
            cols = ", ".join(ident(c.name) for c in raw.columns)
            # A view cannot take parameters: the path goes in as a quoted SQL literal.
            path = "'" + str(raw.path).replace("'", "''") + "'"
            if "file_row_number" in names:
                # DuckDB cannot add its file_row_number beside a column of that name: number the
                # rows in scan order instead, on one thread so that the order is the file order.
                con.execute("SET threads = 1")
                source = f"SELECT {cols}, row_number() OVER () AS {ROW} FROM read_parquet({path})"  # noqa: S608
            else:
                # Identifiers are quoted by ident(), the path is a quoted literal: nothing is pasted bare.
                source = (
                    f"SELECT {cols}, file_row_number + 1 AS {ROW} FROM read_parquet({path}, file_row_number = true)"  # noqa: S608, E501
                )
            con.execute(f"CREATE VIEW {VIEW} AS {source}")
        yield Table(raw=raw, con=con)
    finally:
        con.close()


Run = Callable[[Table], list[Issue]]


@dataclass(frozen=True)
class Check:
    """A structural check: ``name`` is its stable code prefix, ``run`` returns its issues.

    ``needs_rows`` is False for checks that only read the header (RawColumn labels): they run
    even when the table has no row.
    """

    name: str
    title: str  # French, one line, for documentation and the report
    run: Run
    order: int = 100
    needs_rows: bool = True
