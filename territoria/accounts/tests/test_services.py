"""territoria.accounts.services: what other parts may ask about people and organisations."""

import pytest
from django.contrib.auth.models import AnonymousUser

from territoria.accounts import services
from territoria.accounts.models import Membership

pytestmark = pytest.mark.django_db


def test_roles_by_organisation(owner, member, outsider, org, other_org, admin_user):
    assert services.roles_by_organisation(owner) == {org.pk: "editor"}
    assert services.roles_by_organisation(member) == {org.pk: "agent"}
    assert services.roles_by_organisation(outsider) == {other_org.pk: "agent"}
    assert services.roles_by_organisation(admin_user) == {}
    assert services.roles_by_organisation(AnonymousUser()) == {}


def test_roles_are_cached_on_the_user_object(member, org, django_assert_num_queries):
    with django_assert_num_queries(1):
        services.roles_by_organisation(member)
        services.roles_by_organisation(member)
    Membership.objects.filter(user=member).update(role="editor")
    assert services.roles_by_organisation(member) == {org.pk: "agent"}  # same request, same answer


def test_anonymous_costs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert services.roles_by_organisation(AnonymousUser()) == {}


def test_get_organisation(org):
    assert services.get_organisation("ville-test") == org
    assert services.get_organisation("nope") is None


def test_organisations_lists_all(org, other_org):
    assert set(services.organisations()) == {org, other_org}
