"""territoria ingest PATH --dataset SLUG [--publish]."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from territoria.catalog.models import Dataset
from territoria.conftest import SHARED_DATA

pytestmark = pytest.mark.django_db


def test_creates_the_dataset_ingests_and_publishes(org):
    out = StringIO()
    source = SHARED_DATA / "csv-fr" / "bal-strasbourg-extrait.cp1252.csv"
    call_command("ingest", str(source), "--dataset", "adresses", "--publish", stdout=out)
    dataset = Dataset.objects.get(slug="adresses")
    assert dataset.organisation == org
    assert dataset.published_version is not None and dataset.published_version.row_count == 15
    text = out.getvalue()
    assert "Version 1 créée" in text and "Qualité" in text


def test_failure_exits_with_the_french_error(org, tmp_path):
    broken = tmp_path / "casse.xlsx"
    broken.write_bytes(b"PK\x03\x04 broken")
    with pytest.raises(CommandError) as error:
        call_command("ingest", str(broken), "--dataset", "casse", stdout=StringIO())
    assert "casse.xlsx" in str(error.value)
    assert Dataset.objects.get(slug="casse").published_version is None


def test_missing_file_is_a_clear_error(org):
    with pytest.raises(CommandError, match="Fichier introuvable"):
        call_command("ingest", "/nulle/part.csv", "--dataset", "x", stdout=StringIO())


def test_needs_an_organisation_when_several_exist(org, other_org, tmp_path):
    with pytest.raises(CommandError, match="--organisation"):
        call_command(
            "ingest",
            str(SHARED_DATA / "csv-fr" / "bal-strasbourg-extrait.cp1252.csv"),
            "--dataset",
            "y",
            stdout=StringIO(),
        )
