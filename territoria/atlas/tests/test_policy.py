"""The access policy's rules for actions: who sees submitted actions and who sees a contact person."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Permission

from territoria.access import services as access
from territoria.atlas.explore import visible_actions
from territoria.atlas.models import Action


@pytest.fixture
def moderator(db):  # type: ignore[no-untyped-def]
    user = get_user_model().objects.create_user("moderatrice", "m@example.org", "mot-de-passe-solide-42")
    user.user_permissions.add(Permission.objects.get(codename="moderate_action"))
    return get_user_model().objects.get(pk=user.pk)  # fresh permission cache


@pytest.fixture
def lonely(db):  # type: ignore[no-untyped-def]
    """Signed in, member of no organisation."""
    return get_user_model().objects.create_user("seul", "s@example.org", "mot-de-passe-solide-42")


@pytest.fixture
def actions_in_states(action_factory, org, other_org, member):  # type: ignore[no-untyped-def]
    return {
        "published": action_factory(title="Publiée", organisation=org),
        "submitted": action_factory(title="En attente", state=Action.State.SUBMITTED, organisation=org),
        "mine": action_factory(
            title="La mienne", state=Action.State.SUBMITTED, organisation=other_org, submitted_by=member
        ),
        "rejected": action_factory(title="Refusée", state=Action.State.REJECTED, organisation=other_org),
    }


def _titles(user) -> set[str]:  # type: ignore[no-untyped-def]
    return set(visible_actions(user).values_list("title", flat=True))


def test_who_sees_which_action(actions_in_states, member, outsider, owner, lonely, moderator):
    everyone = {"Publiée"}
    assert _titles(AnonymousUser()) == everyone
    assert _titles(lonely) == everyone
    assert _titles(outsider) == {"Publiée", "La mienne", "Refusée"}  # other_org's members see its actions
    assert _titles(member) == {"Publiée", "En attente", "La mienne"}
    assert _titles(owner) == {"Publiée", "En attente"}
    assert _titles(moderator) == {"Publiée", "En attente", "La mienne", "Refusée"}


def test_filters_and_per_object_answers_agree(actions_in_states, member, outsider, owner, lonely, moderator):
    for user in (AnonymousUser(), member, outsider, owner, lonely, moderator):
        visible = set(visible_actions(user).values_list("pk", flat=True))
        for action in actions_in_states.values():
            assert access.can_view_action(user, action) == (action.pk in visible), (user, action.title)


def test_contact_person_is_for_signed_in_agents_only(actions_in_states, member, outsider, lonely, moderator):
    published = actions_in_states["published"]
    assert not access.can_see_action_contact(AnonymousUser(), published)
    assert not access.can_see_action_contact(lonely, published)
    assert access.can_see_action_contact(outsider, published)
    assert access.can_see_action_contact(moderator, published)
    assert not access.can_see_action_contact(outsider, actions_in_states["submitted"])  # cannot even see it


def test_who_edits_moderates_and_submits(actions_in_states, member, owner, outsider, lonely, moderator):
    submitted, mine = actions_in_states["submitted"], actions_in_states["mine"]
    assert access.can_edit_action(owner, submitted)  # editor of its organisation
    assert not access.can_edit_action(member, submitted)  # an agent, not its author
    assert access.can_edit_action(member, mine)  # its author, while it waits
    mine.state = Action.State.PUBLISHED
    assert not access.can_edit_action(member, mine)  # once published, the author no longer changes it alone
    assert access.can_edit_action(moderator, submitted)
    assert not access.can_edit_action(AnonymousUser(), submitted)
    assert access.can_moderate_actions(moderator) and not access.can_moderate_actions(owner)
    assert access.can_submit_actions(member) and access.can_submit_actions(moderator)
    assert not access.can_submit_actions(lonely) and not access.can_submit_actions(AnonymousUser())
    assert access.can_curate_atlases(owner) and not access.can_curate_atlases(member)
