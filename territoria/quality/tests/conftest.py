"""Fixtures of the quality tests: the shared real files and raw tables written with pyarrow."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from territoria.lib.tables import RawColumn, RawTable

SHARED_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"

MakeRaw = Callable[..., RawTable]


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA


def write_raw(
    path: Path,
    columns: Sequence[tuple[str, str]] | Sequence[str],
    rows: Sequence[Sequence[str | None]],
    *,
    row_group_size: int | None = None,
    geometry: str | None = None,
) -> RawTable:
    """An all-VARCHAR Parquet file plus its RawTable; ``columns`` are names or (name, label) pairs."""
    cols = [RawColumn(c, c) if isinstance(c, str) else RawColumn(*c) for c in columns]
    arrays = [pa.array([r[i] for r in rows], pa.string()) for i in range(len(cols))]
    table = pa.Table.from_arrays(arrays, names=[c.name for c in cols])
    pq.write_table(table, path, row_group_size=row_group_size)
    return RawTable(path=path, columns=cols, row_count=len(rows), geometry=geometry)


@pytest.fixture
def make_raw(tmp_path: Path) -> MakeRaw:
    counter = iter(range(10_000))

    def make(columns, rows, **kw):  # type: ignore[no-untyped-def]
        return write_raw(tmp_path / f"raw-{next(counter)}.parquet", columns, rows, **kw)

    return make
