"""Timestamps with a time zone ("2025-10-22T14:25:05Z", as in Lyon's delivery areas) come back through the API.

DuckDB hands TIMESTAMPTZ values to Python through pytz: without it every read of such a column fails (a 500 on the
demo's table page once). This test holds the dependency in place."""

import pytest

from territoria.conftest import client_for
from territoria.records.tests.conftest import publish, write_csv

pytestmark = pytest.mark.django_db


def test_a_utc_timestamp_column_is_read_and_filtered(make_dataset, tmp_path):
    dataset = make_dataset("aires-test", "Aires de livraison (test)")
    rows = [("A1", "2025-10-22T14:25:05Z"), ("A2", "2025-10-23T08:00:00Z"), ("A3", "2024-01-05T23:30:00Z")]
    publish(dataset, write_csv(tmp_path / "aires.csv", rows, header=["id", "date_maj"]))
    url = f"/api/explore/v2.1/catalog/datasets/{dataset.slug}/records"
    client = client_for(None)
    body = client.get(url, {"order_by": "date_maj desc"}).json()
    assert [r["id"] for r in body["results"]] == ["A2", "A1", "A3"]
    assert body["results"][0]["date_maj"].startswith("2025-10-23")
    filtered = client.get(url, {"where": "date_maj >= date'2025-01-01'"}).json()
    assert filtered["total_count"] == 2
    assert client.get(f"/datasets/{dataset.slug}/tableau/").status_code == 200
