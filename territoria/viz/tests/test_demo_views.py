"""Every demo dataset can be explored as a table, a chart and (when it has geometry) a map, right after `make run`.

Loads the whole demo with its data versions once per test, then opens each view as the demo's administrator (who
may read every dataset of the demo collectivité) and as an anonymous visitor.
"""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from territoria.catalog.models import Dataset
from territoria.conftest import client_for
from territoria.portal.demo.content import DATASETS

pytestmark = pytest.mark.django_db


def test_every_demo_dataset_opens_as_table_chart_and_map():
    call_command("load_demo", stdout=io.StringIO())
    reader = client_for(get_user_model().objects.get(username="demo-admin"))
    anonymous = client_for(None)
    maps = 0
    for spec in DATASETS:
        dataset = Dataset.objects.get(slug=spec["slug"])
        version = dataset.published_version
        assert version is not None, dataset.slug
        views = ["tableau", "graphique", "api"]
        if (version.geo or {}).get("point_column"):
            views.append("carte")
            maps += 1
        for view in views:
            url = f"/datasets/{dataset.slug}/{view}/"
            response = reader.get(url)
            assert response.status_code == 200, (url, response.status_code)
            expected = {"public": 200, "metadata": 403, "internal": 404, "restricted": 404}[dataset.visibility]
            if view == "api" and dataset.visibility == "metadata":
                expected = 200  # how to call the API is not data; the calls themselves answer 403
            assert anonymous.get(url).status_code == expected, url
        table = reader.get(f"/datasets/{dataset.slug}/tableau/").content.decode()
        assert "<table" in table, dataset.slug
    assert maps >= 4  # communes, départements, ZFE, aménagements cyclables at least
