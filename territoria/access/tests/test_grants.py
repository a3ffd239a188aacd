"""The policy's grants: people and groups given one dataset, collaborators, and metadata-only datasets.

Each expectation is written out from the rules in policy.py's docstring, then checked three ways: the queryset
filters (``visible_filter``, ``readable_filter``) and the per-object answers (``can_view``, ``can_read_data``,
``can_edit``) must agree with it and with each other.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from territoria.access import services as access
from territoria.access.models import Grant
from territoria.accounts.models import Group, Membership
from territoria.catalog.models import Dataset


def make_user(name, org=None, role=None):
    user = get_user_model().objects.create_user(name, f"{name}@example.org", "mot-de-passe-solide-42")
    if org is not None:
        Membership.objects.create(user=user, organisation=org, role=role)
    return user


def fresh(user):
    return get_user_model().objects.get(pk=user.pk) if user.is_authenticated else AnonymousUser()


@pytest.fixture
def world(catalogue, make_dataset, org, other_org, owner, member, outsider, admin_user):
    catalogue["metadata"] = make_dataset("adresses-certif", "Adresses en cours de certification", visibility="metadata")
    catalogue["restricted-draft"] = make_dataset(
        "enquete-brouillon", "Enquête (brouillon restreint)", visibility="restricted", published=False
    )
    reader = make_user("lecteur", other_org, "agent")  # named on the restricted dataset
    grouped = make_user("groupe", other_org, "agent")  # reads through a group
    collaborator = make_user("collab")  # no organisation at all: edits one dataset
    org_admin = make_user("administratrice", org, "admin")
    group = Group.objects.create(organisation=org, name="Pôle social")
    group.members.add(grouped)
    Grant.objects.create(dataset=catalogue["restricted"], user=reader, role="read")
    Grant.objects.create(dataset=catalogue["restricted"], group=group, role="read")
    Grant.objects.create(dataset=catalogue["metadata"], group=group, role="read")
    Grant.objects.create(dataset=catalogue["restricted-draft"], user=reader, role="read")  # a draft stays hidden
    Grant.objects.create(dataset=catalogue["restricted-draft"], user=collaborator, role="edit")
    people = {
        "anonymous": AnonymousUser(),
        "outsider": outsider,
        "member": member,
        "owner": owner,
        "org_admin": org_admin,
        "reader": reader,
        "grouped": grouped,
        "collaborator": collaborator,
        "superuser": admin_user,
    }
    return catalogue, people


EVERYONE = {"public", "other"}
ALL = {"public", "internal", "restricted", "draft", "other", "metadata", "restricted-draft"}
OWN = ALL - {"other"}
# person -> (may know it exists, may read its rows and files, may change it)
EXPECTED = {
    "anonymous": (EVERYONE | {"metadata"}, EVERYONE, set()),
    "outsider": (EVERYONE | {"metadata"}, EVERYONE, set()),
    "member": (EVERYONE | {"metadata", "internal"}, EVERYONE | {"internal"}, set()),
    "owner": (ALL, ALL, OWN),
    "org_admin": (ALL, ALL, OWN),
    "reader": (EVERYONE | {"metadata", "restricted"}, EVERYONE | {"restricted"}, set()),
    "grouped": (EVERYONE | {"metadata", "restricted"}, EVERYONE | {"restricted", "metadata"}, set()),
    "collaborator": (
        EVERYONE | {"metadata", "restricted-draft"},
        EVERYONE | {"restricted-draft"},
        {"restricted-draft"},
    ),
    "superuser": (ALL, ALL, ALL),
}


def keys(queryset, catalogue):
    pks = set(queryset.values_list("pk", flat=True))
    return {key for key, dataset in catalogue.items() if dataset.pk in pks}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(EXPECTED))
def test_filters_and_object_answers_agree_with_the_rules(kind, world):
    catalogue, people = world
    user = fresh(people[kind])
    visible, readable, editable = EXPECTED[kind]
    assert keys(Dataset.objects.filter(access.visible_filter(user)), catalogue) == visible
    assert keys(Dataset.objects.filter(access.readable_filter(user)), catalogue) == readable
    assert {k for k, d in catalogue.items() if access.can_view(user, d)} == visible
    assert {k for k, d in catalogue.items() if access.can_read_data(user, d)} == readable
    assert {k for k, d in catalogue.items() if access.can_edit(user, d)} == editable


@pytest.mark.django_db
def test_no_duplicates_when_a_person_holds_several_grants_on_one_dataset(world):
    catalogue, people = world
    reader = people["reader"]
    group = Group.objects.create(organisation=catalogue["restricted"].organisation, name="Deuxième groupe")
    group.members.add(reader)
    Grant.objects.create(dataset=catalogue["restricted"], group=group, role="edit")
    found = list(Dataset.objects.filter(access.visible_filter(fresh(reader))).values_list("slug", flat=True))
    assert found.count("dossiers-sociaux") == 1
    assert access.can_edit(fresh(reader), catalogue["restricted"])


@pytest.mark.django_db
def test_filters_work_through_a_relation_prefix(world):
    catalogue, people = world
    from territoria.catalog.models import Resource

    for key, dataset in catalogue.items():
        Resource.objects.create(dataset=dataset, title=f"lien {key}", kind="link", url="https://example.org/")
    user = fresh(people["grouped"])
    seen = set(Resource.objects.filter(access.readable_filter(user, "dataset__")).values_list("title", flat=True))
    assert seen == {f"lien {k}" for k in EXPECTED["grouped"][1]}


@pytest.mark.django_db
def test_removing_someone_from_the_group_closes_the_dataset(world):
    catalogue, people = world
    grouped = people["grouped"]
    assert access.can_read_data(fresh(grouped), catalogue["restricted"])
    Group.objects.get(name="Pôle social").members.remove(grouped)
    assert not access.can_view(fresh(grouped), catalogue["restricted"])
    assert not access.can_read_data(fresh(grouped), catalogue["metadata"])
    assert access.can_view(fresh(grouped), catalogue["metadata"])


@pytest.mark.django_db
def test_only_organisation_administrators_manage_it(world, org, other_org):
    _catalogue, people = world
    managers = {kind for kind, user in people.items() if access.can_manage(fresh(user), org.pk)}
    assert managers == {"org_admin", "superuser"}
    assert access.managed_organisations(fresh(people["org_admin"])) == [org.pk]
    assert access.managed_organisations(fresh(people["superuser"])) is None
    assert not access.can_manage(fresh(people["org_admin"]), other_org.pk)
    assert not access.can_manage(fresh(people["org_admin"]), None)


@pytest.mark.django_db
def test_a_grant_names_a_person_or_a_group_never_both_nor_none(world):
    from django.db import IntegrityError, transaction

    catalogue, people = world
    group = Group.objects.get(name="Pôle social")
    for fields in ({"user": people["member"], "group": group}, {}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Grant.objects.create(dataset=catalogue["public"], **fields)
