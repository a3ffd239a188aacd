"""territoria.access.policy: who may see or change which dataset, for each kind of person."""

from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from territoria.access import services as access
from territoria.access.policy import Visibility, can_edit, can_view, editable_organisations, visible_filter
from territoria.accounts.models import Membership
from territoria.catalog.models import Dataset, Resource

ALL = {"public", "internal", "restricted", "draft", "other"}
# What each kind of person may see in the ``catalogue`` fixture (written out, not derived from the code).
EXPECTED_VISIBLE = {
    "anonymous": {"public", "other"},
    "outsider": {"public", "other"},
    "member": {"public", "internal", "other"},
    "owner": {"public", "internal", "restricted", "draft", "other"},
    "superuser": ALL,
}
EXPECTED_EDITABLE = {
    "anonymous": set(),
    "outsider": set(),
    "member": set(),
    "owner": {"public", "internal", "restricted", "draft"},
    "superuser": ALL,
}


@pytest.fixture
def people(owner, member, outsider, admin_user):
    return {
        "anonymous": AnonymousUser(),
        "outsider": outsider,
        "member": member,
        "owner": owner,
        "superuser": admin_user,
    }


def fresh(user):
    """The user as a new request would load it (no cached roles)."""
    if not user.is_authenticated:
        return AnonymousUser()
    return get_user_model().objects.get(pk=user.pk)


def visible_keys(user, catalogue):
    pks = set(Dataset.objects.filter(visible_filter(user)).values_list("pk", flat=True))
    return {key for key, dataset in catalogue.items() if dataset.pk in pks}


@pytest.mark.parametrize("kind", list(EXPECTED_VISIBLE))
def test_visible_filter_selects_exactly_what_each_person_may_see(kind, people, catalogue):
    assert visible_keys(people[kind], catalogue) == EXPECTED_VISIBLE[kind]


@pytest.mark.parametrize("kind", list(EXPECTED_VISIBLE))
def test_can_view_matches_the_table(kind, people, catalogue):
    user = people[kind]
    assert {key for key, d in catalogue.items() if can_view(user, d)} == EXPECTED_VISIBLE[kind]


@pytest.mark.parametrize("kind", list(EXPECTED_EDITABLE))
def test_can_edit_matches_the_table(kind, people, catalogue):
    user = people[kind]
    assert {key for key, d in catalogue.items() if can_edit(user, d)} == EXPECTED_EDITABLE[kind]


@pytest.mark.parametrize("kind", list(EXPECTED_EDITABLE))
def test_whoever_may_edit_may_also_view(kind, people, catalogue):
    user = people[kind]
    for dataset in catalogue.values():
        if can_edit(user, dataset):
            assert can_view(user, dataset)


def test_admin_role_is_an_editor(org, catalogue):
    user = get_user_model().objects.create_user("orgadmin", "a@example.org", "mot-de-passe-solide-42")
    Membership.objects.create(user=user, organisation=org, role="admin")
    assert visible_keys(user, catalogue) == EXPECTED_VISIBLE["owner"]
    assert {k for k, d in catalogue.items() if can_edit(user, d)} == EXPECTED_EDITABLE["owner"]


def test_staff_without_membership_is_no_more_than_a_visitor(catalogue):
    staff = get_user_model().objects.create_user("staff", "s@example.org", "mot-de-passe-solide-42", is_staff=True)
    assert visible_keys(staff, catalogue) == {"public", "other"}
    assert not any(can_edit(staff, d) for d in catalogue.values())


def test_editor_of_another_organisation_gains_nothing_here(other_org, catalogue):
    user = get_user_model().objects.create_user("editor2", "e@example.org", "mot-de-passe-solide-42")
    Membership.objects.create(user=user, organisation=other_org, role="editor")
    assert visible_keys(user, catalogue) == {"public", "other"}
    assert {k for k, d in catalogue.items() if can_edit(user, d)} == {"other"}


# Drafts


@pytest.mark.parametrize("visibility", [Visibility.PUBLIC, Visibility.INTERNAL, Visibility.RESTRICTED])
def test_a_draft_is_seen_only_by_editors_of_its_organisation(visibility, make_dataset, people):
    draft = make_dataset("draft-" + visibility, "Brouillon " + visibility, visibility=visibility, published=False)
    seen_by = {kind for kind, user in people.items() if can_view(user, draft)}
    assert seen_by == {"owner", "superuser"}
    in_filter = {
        kind for kind, user in people.items() if Dataset.objects.filter(visible_filter(user), pk=draft.pk).exists()
    }
    assert in_filter == seen_by


def test_publishing_a_draft_makes_it_visible_to_its_audience(catalogue, people):
    draft = catalogue["draft"]
    assert not can_view(people["anonymous"], draft)
    draft.published = timezone.now()
    draft.save()
    assert can_view(people["anonymous"], draft)
    assert Dataset.objects.filter(visible_filter(AnonymousUser()), pk=draft.pk).exists()


def test_unpublishing_hides_a_public_dataset_from_visitors(catalogue):
    public = catalogue["public"]
    Dataset.objects.filter(pk=public.pk).update(published=None)
    public.refresh_from_db()
    assert not can_view(AnonymousUser(), public)
    assert not Dataset.objects.filter(visible_filter(AnonymousUser()), pk=public.pk).exists()


# Changing roles and the filter/can_view agreement


def test_losing_a_membership_takes_effect_on_the_next_request(member, catalogue):
    assert can_view(fresh(member), catalogue["internal"])
    Membership.objects.filter(user=member).delete()
    assert not can_view(fresh(member), catalogue["internal"])
    assert visible_keys(fresh(member), catalogue) == {"public", "other"}


def test_promotion_to_editor_reveals_restricted_and_drafts(member, catalogue):
    Membership.objects.filter(user=member).update(role="editor")
    assert visible_keys(fresh(member), catalogue) == EXPECTED_VISIBLE["owner"]


@pytest.mark.parametrize("kind", list(EXPECTED_VISIBLE))
def test_visible_filter_with_a_prefix_works_on_related_models(kind, people, catalogue, demo_file):
    from territoria.catalog import services

    for key, dataset in catalogue.items():
        services.attach_file(dataset, demo_file("friches.csv"), title=f"Fichier {key}")
    visible_resources = set(
        Resource.objects.filter(visible_filter(people[kind], prefix="dataset__")).values_list("title", flat=True)
    )
    assert visible_resources == {f"Fichier {key}" for key in EXPECTED_VISIBLE[kind]}


def test_policy_needs_only_the_three_guarded_fields(org):
    anonymous = AnonymousUser()
    published = timezone.now()
    assert can_view(anonymous, SimpleNamespace(visibility="public", organisation_id=org.pk, published=published))
    assert not can_view(anonymous, SimpleNamespace(visibility="public", organisation_id=org.pk, published=None))
    assert not can_view(anonymous, SimpleNamespace(visibility="internal", organisation_id=None, published=published))
    assert not can_edit(anonymous, SimpleNamespace(visibility="public", organisation_id=None, published=published))


def test_unknown_visibility_is_never_public(org, member):
    odd = SimpleNamespace(visibility="secret", organisation_id=org.pk, published=timezone.now())
    assert not can_view(AnonymousUser(), odd)
    assert not can_view(member, odd)


def test_editable_organisations(org, other_org, owner, member, admin_user):
    assert editable_organisations(owner) == [org.pk]
    assert editable_organisations(member) == []
    assert editable_organisations(AnonymousUser()) == []
    assert editable_organisations(admin_user) is None


def test_services_module_re_exports_the_policy():
    assert access.visible_filter is visible_filter
    assert access.can_view is can_view
    assert access.can_edit is can_edit
    assert access.editable_organisations is editable_organisations
    assert {v.value for v in access.Visibility} == {"public", "metadata", "internal", "restricted"}
