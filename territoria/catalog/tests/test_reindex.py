"""``territoria reindex``: rebuilds the full-text index of the catalogue."""

import io

import pytest
from django.core.management import call_command

from territoria.catalog import search

pytestmark = pytest.mark.django_db


def ids(text: str) -> list[int]:
    return [pk for pk, _ in search.ranked_ids(text)]


def test_reindex_rebuilds_a_lost_index_and_reports_the_count(catalogue):
    search._engine().clear()
    assert ids("equipements") == []
    out = io.StringIO()
    call_command("reindex", stdout=out)
    assert "5 jeux de données" in out.getvalue()
    assert ids("equipements") == [catalogue["public"].pk]
    assert set(ids("ville")) == {d.pk for d in catalogue.values()}


def test_reindex_picks_up_changes_made_behind_the_signals(catalogue):
    from territoria.catalog.models import Dataset

    Dataset.objects.filter(pk=catalogue["other"].pk).update(description="Platanes et tilleuls")
    assert ids("tilleuls") == []
    call_command("reindex", stdout=io.StringIO())
    assert ids("tilleuls") == [catalogue["other"].pk]


def test_reindex_drops_entries_of_deleted_datasets(catalogue):
    pk = catalogue["public"].pk
    search.index(catalogue["public"])
    catalogue["public"].delete()
    call_command("reindex", stdout=io.StringIO())
    assert pk not in ids("equipements")


def test_reindex_twice_gives_the_same_results(catalogue):
    call_command("reindex", stdout=io.StringIO())
    first = sorted(ids("ville"))
    call_command("reindex", stdout=io.StringIO())
    assert sorted(ids("ville")) == first
