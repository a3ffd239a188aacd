"""data_version: the lean lookup of the data APIs answers exactly as visible_version, in one query."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from territoria.access.models import Grant
from territoria.records import services
from territoria.web.errors import Forbidden, NotFound


def _outcome(lookup, user, slug):  # type: ignore[no-untyped-def]
    try:
        dataset, version = lookup(user, slug)
    except (Forbidden, NotFound) as error:
        return type(error).__name__
    return (dataset.pk, dataset.slug, dataset.visibility, dataset.organisation_id, version.pk, version.columns)


@pytest.fixture
def datasets(catalogue, equipements, make_dataset):  # type: ignore[no-untyped-def]
    return {
        **catalogue,
        "published": equipements,
        "metadata": make_dataset("fiche-seule", "Fiche seule", visibility="metadata"),
    }


@pytest.fixture
def users(owner, member, outsider, admin_user, datasets):  # type: ignore[no-untyped-def]
    Grant.objects.create(user=outsider, dataset=datasets["restricted"], role=Grant.Role.READ)
    return {"anonymous": AnonymousUser(), "owner": owner, "member": member, "outsider": outsider, "admin": admin_user}


def test_same_answers_as_visible_version_for_every_user_and_dataset(datasets, users):  # type: ignore[no-untyped-def]
    slugs = [d.slug for d in datasets.values()] + ["inconnu"]
    seen = set()
    for user in users.values():
        for slug in slugs:
            lean = _outcome(services.data_version, user, slug)
            assert lean == _outcome(services.visible_version, user, slug), (user, slug)
            seen.add(lean if isinstance(lean, str) else "found")
    assert seen == {"NotFound", "Forbidden", "found"}  # the cases cover every answer


def test_the_policy_decides(datasets, users):  # type: ignore[no-untyped-def]
    anonymous = users["anonymous"]
    assert _outcome(services.data_version, anonymous, datasets["metadata"].slug) == "Forbidden"
    assert _outcome(services.data_version, anonymous, datasets["internal"].slug) == "NotFound"
    assert _outcome(services.data_version, anonymous, datasets["draft"].slug) == "NotFound"
    assert _outcome(services.data_version, users["outsider"], datasets["internal"].slug) == "NotFound"
    found = _outcome(services.data_version, anonymous, datasets["published"].slug)
    assert found[1] == datasets["published"].slug


def test_one_query_loads_what_the_records_api_reads(equipements, django_assert_num_queries):  # type: ignore[no-untyped-def]
    with django_assert_num_queries(1):
        dataset, version = services.data_version(AnonymousUser(), equipements.slug)
        read = (
            dataset.pk,
            dataset.slug,
            dataset.title,
            dataset.visibility,
            dataset.organisation_id,
            dataset.published,
            version.number,
            version.columns,
            version.data_path(),
        )
    assert read[1] == "equipements" and read[2] == "Équipements"
    assert version.data_path().is_file()
