"""Random and hostile ``where`` clauses: never a 500, never database text, never another dataset's rows."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import get

pytestmark = [pytest.mark.django_db, pytest.mark.urls("territoria.records.tests.urls")]

TOKENS = [
    "nom", "ville", "montant", "quantite", "date_ouverture", "actif", "geo_point_2d", "_row", "secret",
    "=", "!=", "<", ">=", "and", "or", "not", "in", "like", "is", "null", "(", ")", "[", "]", "..", ",",
    "*", "+", "-", "/", '"Lyon"', "'x'", '"*"', '"%"', "1", "-3.5", "1e308", "0", "true", "date'2024'",
    "date'2024-13-45'", "geom'POINT(4.8 45.7)'", "5km", "year(", "count(*)", "search(", "startswith(",
    "in_bbox(", "within_distance(", "now()", "read_parquet('/etc/passwd')", "'; DROP TABLE x; --",
    '"Zzsecret"', "`nom`", "\\", "\x00", "é",
]  # fmt: skip
DATABASE_WORDS = ("Binder", "Parser Error", "Conversion Error", "duckdb", "read_parquet", "Catalog Error")

clauses = st.one_of(
    st.text(max_size=80),
    st.lists(st.sampled_from(TOKENS), min_size=1, max_size=12).map(" ".join),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(where=clauses)
def test_hostile_where_is_answered_safely(equipements, other_dataset, where):
    response = get(None, "equipements", where=where, limit=100)
    assert response.status_code in (200, 400), (where, response.status_code)
    body = json.loads(response.content)
    if response.status_code == 400:
        assert body["error_code"] in {"ODSQLError", "QueryError", "InvalidParameter"}
        # The message may quote the clause back, never the database's own words.
        leaked = [w for w in DATABASE_WORDS if w.lower() in body["message"].lower() and w.lower() not in where.lower()]
        assert not leaked, body
    else:
        rows = json.dumps(body["results"], ensure_ascii=False)
        assert "Zzsecret" not in rows and "Quimper" not in rows
        assert body["total_count"] <= 6
        assert all(1 <= r.get("_id", 1) <= 6 for r in body["results"])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    parameter=st.sampled_from(["select", "group_by", "order_by", "refine", "exclude"]),
    clause=clauses,
)
def test_hostile_other_clauses_are_answered_safely(equipements, other_dataset, parameter, clause):
    for endpoint in ("records", "facets", "exports/jsonl"):
        if endpoint != "records" and parameter == "group_by":
            continue
        if endpoint == "facets" and parameter in {"select", "order_by"}:
            continue
        response = get(None, "equipements", endpoint, **{parameter: clause})
        assert response.status_code in (200, 400), (parameter, clause, endpoint, response.status_code)
        data = b"".join(response.streaming_content) if response.streaming else response.content
        body = data.decode()
        if response.status_code == 200:
            # A selected literal is echoed back; the other dataset's values must never come from its rows.
            assert all(word in clause or word not in body for word in ("Zzsecret", "Quimper")), body
        else:
            message = json.loads(body)["message"].lower()
            assert not [w for w in DATABASE_WORDS if w.lower() in message and w.lower() not in clause.lower()]
