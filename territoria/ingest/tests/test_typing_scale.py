"""Whole-column typing at scale (a late odd value on row 1,000,000) and a property test on numbers."""

from __future__ import annotations

import tempfile
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
from hypothesis import given, settings
from hypothesis import strategies as st

from territoria.ingest.readers.base import RawColumn, RawTable
from territoria.ingest.tests.test_typing_support import column, issues, run, values
from territoria.ingest.typing import ROW_GROUP_ROWS, type_table

N = 1_000_000


def test_a_million_rows_with_one_late_odd_value(tmp_path):
    raw_path = tmp_path / "raw.parquet"
    duckdb.sql(
        f"""COPY (SELECT
              CASE WHEN i = {N - 1} THEN 'N/A' ELSE (i % 5000)::VARCHAR END AS avec_na,
              CASE WHEN i = {N - 1} THEN '12 bis' ELSE (i % 5000)::VARCHAR END AS avec_bis
            FROM range({N}) t(i)) TO '{raw_path}' (FORMAT parquet)"""  # noqa: S608 (test data)
    )
    raw = RawTable(raw_path, [RawColumn("avec_na", "Avec NA"), RawColumn("avec_bis", "Numéro")], N)
    result = type_table(raw, tmp_path / "typed.parquet", workdir=tmp_path / "work")
    assert result.row_count == N
    na, bis = column(result, "avec_na"), column(result, "avec_bis")
    assert (na.type, na.nulls) == ("integer", 1)  # "N/A" is a null, not a reason to give up
    assert bis.type == "text"
    (issue,) = issues(result, "mixed-types")
    assert issue.column == "Numéro"
    assert issue.row == N
    assert issue.details["examples"] == [{"row": N, "value": "12 bis"}]
    assert issue.details["not_fitting"] == 1
    assert issue.details["fitting"] == N - 1
    assert "« 12 bis » (ligne 1\u202f000\u202f000)" in issue.message
    assert "nombre entier" in issue.message
    query = "SELECT _row, avec_na, avec_bis FROM read_parquet(?) WHERE _row >= ? ORDER BY _row"
    last = duckdb.execute(query, [str(result.path), N - 1])
    assert last.fetchall() == [(N - 1, (N - 2) % 5000, str((N - 2) % 5000)), (N, None, "12 bis")]
    assert pq.read_schema(result.path).field("avec_na").type == "int64"


def test_the_typed_file_keeps_the_source_order_in_small_row_groups(tmp_path):
    rows = 400_000
    raw_path = tmp_path / "raw.parquet"
    duckdb.sql(
        f"""COPY (SELECT i::VARCHAR AS id, CASE WHEN i % 7 = 0 THEN 'NA' ELSE 'v' || (i % 13)::VARCHAR END AS code,
              CASE WHEN i % 3 = 0 THEN 'oui' ELSE 'non' END AS actif
            FROM range({rows}) t(i)) TO '{raw_path}' (FORMAT parquet, ROW_GROUP_SIZE 50000)"""  # noqa: S608 (test data)
    )
    raw = RawTable(raw_path, [RawColumn("id", "id"), RawColumn("code", "Code"), RawColumn("actif", "Actif")], rows)
    result = type_table(raw, tmp_path / "typed.parquet", workdir=tmp_path / "work")
    meta = pq.ParquetFile(result.path).metadata
    assert meta.num_row_groups > 1
    assert all(meta.row_group(i).num_rows <= ROW_GROUP_ROWS for i in range(meta.num_row_groups))
    table = pq.read_table(result.path, columns=["_row", "id", "code", "actif"])  # file order, no ORDER BY
    assert table.column("_row").to_pylist() == list(range(1, rows + 1))
    assert table.column("id").to_pylist() == list(range(rows))
    assert table.column("code").to_pylist()[:8] == [None, "v1", "v2", "v3", "v4", "v5", "v6", None]
    assert table.column("actif").to_pylist()[:4] == [True, False, False, True]


SEPARATORS = st.sampled_from([" ", "\u00a0", "\u202f", "\u2009"])


def french(n: int, sep: str, sign: bool) -> str:
    digits = f"{abs(n):,}".replace(",", sep)
    return ("-" if n < 0 else "+" if sign else "") + digits


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(-(10**15), 10**15), SEPARATORS, st.booleans(), st.sampled_from(["", " ", "\t"])),
        min_size=1,
        max_size=40,
    )
)
def test_integers_with_french_thousands_separators_round_trip(items):
    raw = [pad + french(n, sep, sign) + pad for n, sep, sign, pad in items]
    with tempfile.TemporaryDirectory() as tmp:
        result, table = run(Path(tmp), {"montant": raw})
    assert column(result, "montant").type == "integer", raw
    assert values(table, "montant") == [n for n, *_ in items]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(-(10**12), 10**12), st.integers(1, 99), st.sampled_from([" ", "\u202f", "."])),
        min_size=1,
        max_size=30,
    )
)
def test_decimals_with_a_french_comma_round_trip(items):
    raw = [f"{'-' if n < 0 else ''}{abs(n):,}".replace(",", sep) + f",{frac:02d}" for n, frac, sep in items]
    with tempfile.TemporaryDirectory() as tmp:
        result, table = run(Path(tmp), {"montant": raw})
    assert column(result, "montant").type == "decimal", raw
    expected = [float(f"{'-' if n < 0 else ''}{abs(n)}.{frac:02d}") for n, frac, _ in items]
    assert values(table, "montant") == expected
