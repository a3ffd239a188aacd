"""GET /api/explore/v2.1/catalog/datasets/{id}/records/{record_id}."""

from __future__ import annotations

import json

import pytest

from territoria.conftest import client_for

from .conftest import expected_rows, get

pytestmark = [pytest.mark.django_db, pytest.mark.urls("territoria.records.tests.urls")]


def test_one_record_by_id(equipements):
    response = get(None, "equipements", "records/3")
    assert response.status_code == 200
    body = json.loads(response.content)
    want = expected_rows()[2]
    assert {k: body[k] for k in want} == want
    assert body["geo_point_2d"] == {"lon": 4.85, "lat": 45.75}


@pytest.mark.parametrize(
    "record_id", ["0", "7", "abc", "-1", "²", "1.0", "99999999999999999999999", "9223372036854775808"]
)
def test_missing_records_are_404(equipements, api_error, record_id):
    api_error(get(None, "equipements", f"records/{record_id}"), 404, "NotFound")


def test_a_record_of_a_hidden_dataset_is_404(make_dataset, outsider, member, api_error, tmp_path):
    from .conftest import ROWS, publish, write_csv

    internal = publish(make_dataset("interne", "Interne", visibility="internal"), write_csv(tmp_path / "i.csv", ROWS))
    api_error(get(client_for(outsider), internal.slug, "records/1"), 404, "NotFound")
    assert get(client_for(member), internal.slug, "records/1").status_code == 200
