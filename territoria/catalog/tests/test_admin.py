"""The catalogue's back-office: the admin goes through the access policy like every other path."""

import html

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from territoria.accounts.models import Membership
from territoria.catalog.models import Dataset
from territoria.conftest import client_for

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/catalog/dataset/"


def staff(username: str, organisation, role: str, *perms: str):
    user = get_user_model().objects.create_user(
        username, f"{username}@example.org", "mot-de-passe-solide-42", is_staff=True
    )
    Membership.objects.create(user=user, organisation=organisation, role=role)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="catalog", codename__in=perms))
    return user


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def foreign_agent(other_org):
    """Staff member, agent of the *other* organisation, allowed to view and change datasets in the admin."""
    return staff("agent-ailleurs", other_org, "agent", "view_dataset", "change_dataset")


def test_changelist_lists_only_what_the_policy_allows(catalogue, make_dataset, other_org, foreign_agent):
    make_dataset("notes-internes", "Notes internes d'Autre Ville", organisation=other_org, visibility="internal")
    response = client_for(foreign_agent).get(CHANGELIST)
    assert response.status_code == 200
    body = text(response)
    assert "Équipements sportifs" in body
    assert "Arbres d'alignement" in body
    assert "Notes internes d'Autre Ville" in body  # internal to its own organisation
    for key in ("internal", "restricted", "draft"):
        assert catalogue[key].title not in body, key
    assert response.context["cl"].result_count == 3


def test_changelist_search_cannot_find_hidden_datasets(catalogue, foreign_agent):
    response = client_for(foreign_agent).get(CHANGELIST, {"q": "budget"})
    assert response.context["cl"].result_count == 0
    assert "Budget prévisionnel interne" not in text(response)


def test_change_page_of_a_hidden_dataset_is_unreachable(catalogue, foreign_agent):
    pk = catalogue["restricted"].pk
    response = client_for(foreign_agent).get(f"{CHANGELIST}{pk}/change/", follow=True)
    assert "Dossiers sociaux nominatifs" not in text(response)
    assert response.redirect_chain and response.redirect_chain[-1][1] == 302


def test_visible_but_not_editable_dataset_is_read_only(catalogue, foreign_agent):
    public = catalogue["public"]
    client = client_for(foreign_agent)
    response = client.get(f"{CHANGELIST}{public.pk}/change/")
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    response = client.post(f"{CHANGELIST}{public.pk}/change/", {"title": "Piraté", "slug": public.slug})
    assert response.status_code == 403
    assert Dataset.objects.get(pk=public.pk).title == "Équipements sportifs"


def test_editor_sees_and_may_change_the_datasets_of_its_organisation(catalogue, org):
    editor = staff("editeur", org, "editor", "view_dataset", "change_dataset")
    response = client_for(editor).get(CHANGELIST)
    assert response.context["cl"].result_count == 5
    response = client_for(editor).get(f"{CHANGELIST}{catalogue['restricted'].pk}/change/")
    assert response.status_code == 200
    assert response.context["has_change_permission"] is True


def test_unpublish_action_only_touches_editable_datasets(catalogue, org):
    editor = staff("editeur", org, "editor", "view_dataset", "change_dataset")
    chosen = [catalogue["public"].pk, catalogue["other"].pk]
    response = client_for(editor).post(CHANGELIST, {"action": "unpublish", "_selected_action": chosen})
    assert response.status_code == 302
    assert Dataset.objects.get(pk=catalogue["public"].pk).published is None
    assert Dataset.objects.get(pk=catalogue["other"].pk).published is not None


def test_publish_action(catalogue, org):
    editor = staff("editeur", org, "editor", "view_dataset", "change_dataset")
    client_for(editor).post(CHANGELIST, {"action": "publish", "_selected_action": [catalogue["draft"].pk]})
    assert Dataset.objects.get(pk=catalogue["draft"].pk).published is not None


def test_non_staff_members_are_sent_to_the_login_page(catalogue, owner):
    response = client_for(owner).get(CHANGELIST)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_superuser_sees_everything(catalogue, admin_user):
    assert client_for(admin_user).get(CHANGELIST).context["cl"].result_count == 5


def test_editors_may_only_publish_for_their_own_organisations(catalogue, org, other_org):
    editor = staff("editeur", org, "editor", "view_dataset", "change_dataset", "add_dataset")
    response = client_for(editor).get(f"{CHANGELIST}add/")
    assert response.status_code == 200
    offered = set(response.context["adminform"].form.fields["organisation"].queryset)
    assert offered == {org}


def test_superuser_may_publish_for_any_organisation(catalogue, org, other_org, admin_user):
    response = client_for(admin_user).get(f"{CHANGELIST}add/")
    assert set(response.context["adminform"].form.fields["organisation"].queryset) == {org, other_org}
