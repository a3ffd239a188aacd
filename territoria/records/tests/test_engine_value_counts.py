"""Counts of ``column = value`` read from the column's counts by value (records/engine.py, compiler.py)."""

from __future__ import annotations

import pytest

from territoria.records import engine
from territoria.records.compiler import Query, compile_query
from territoria.records.tests.test_engine import FILE_COLUMNS, reference, write_parquet

PROFILED = [{**c, "distinct": {"ville": 3, "n": 10_240}.get(c["name"], 5)} for c in FILE_COLUMNS]


@pytest.mark.parametrize("how", ["where", "refine"])
def test_each_value_is_counted_in_one_pass(tmp_path, executed, how):
    path = write_parquet(tmp_path / "a.parquet")
    counts = {}
    for ville in ("Bron", "Lyon", "Écully", "Paris"):
        query = Query(where=f"ville = '{ville}'") if how == "where" else Query(refine=[f'ville:"{ville}"'])
        compiled = compile_query(PROFILED, path, query, limit=10)
        assert compiled.count_by is not None
        counts[ville] = engine.count(compiled)
    index = {"Lyon": 0, "Bron": 1, "Écully": 2}
    assert counts == {
        v: len(reference(lambda i, v=v: v in index and i % 3 == index[v])) for v in ("Bron", "Lyon", "Écully", "Paris")
    }
    assert len(executed) == 1 and "GROUP BY 1" in executed[0]  # four counts, one query


def test_integer_equalities_and_pages_use_the_same_counts(tmp_path, executed):
    path = write_parquet(tmp_path / "a.parquet")
    profiled = [{**c, "distinct": 3} if c["name"] == "n" else c for c in PROFILED]
    compiled = compile_query(profiled, path, Query(where="n = 30"), limit=5)
    assert compiled.count_by == ('"n"', 30)
    rows = engine.fetch(compiled)
    assert [r["_id"] for r in rows] == [3] and engine.total(compiled, len(rows)) == 1


@pytest.mark.parametrize(
    ("columns", "query"),
    [
        (FILE_COLUMNS, Query(where="ville = 'Bron'")),  # no profile: the distinct count is not known
        (PROFILED, Query(where="ville = 'Bron' and n > 3")),  # more than one condition
        (PROFILED, Query(where="ville <> 'Bron'")),
        (PROFILED, Query(where="v = 2.5")),  # decimal: not counted by value
        (PROFILED, Query(where="n = 30")),  # 10 240 distinct values: too many
        (PROFILED, Query(where="ville = 'Bron'", group_by="ville")),
    ],
)
def test_other_queries_are_counted_as_written(tmp_path, columns, query):
    path = write_parquet(tmp_path / "a.parquet")
    assert compile_query(columns, path, query, limit=5).count_by is None


def test_a_column_with_too_many_values_falls_back_and_is_not_tried_again(tmp_path, executed, monkeypatch):
    monkeypatch.setattr(engine, "VALUE_COUNTS_LIMIT", 2)  # ville has 3 values
    path = write_parquet(tmp_path / "a.parquet")
    for _ in range(2):
        for ville in ("Bron", "Lyon"):
            compiled = compile_query(PROFILED, path, Query(where=f"ville = '{ville}'"), limit=10)
            assert engine.count(compiled) == len(reference(lambda i, v=ville: VILLE_INDEX[v] == i % 3))
    assert sum("GROUP BY 1" in sql for sql in executed) == 1
    assert sum(sql.startswith("SELECT count(*)") for sql in executed) == 2  # each value counted once, then kept


VILLE_INDEX = {"Lyon": 0, "Bron": 1, "Écully": 2}
