"""/datasets/<slug>/acces/: an organisation's editors choose the visibility and open a dataset to people and groups."""

import pytest
from django.contrib.auth import get_user_model

from territoria.access import services as access
from territoria.access.models import Grant
from territoria.accounts.models import AuditEvent, Group, Membership
from territoria.conftest import client_for

pytestmark = pytest.mark.django_db


def url(dataset):
    return f"/datasets/{dataset.slug}/acces/"


def fresh(user):
    return get_user_model().objects.get(pk=user.pk)


def test_the_owner_opens_a_restricted_dataset_to_a_person_who_then_reads_it(catalogue, owner, outsider):
    restricted = catalogue["restricted"]
    assert not access.can_read_data(fresh(outsider), restricted)
    response = client_for(owner).post(url(restricted), {"action": "give", "person": "outsider", "role": "read"})
    assert response.status_code == 302
    assert access.can_read_data(fresh(outsider), restricted)
    assert not access.can_edit(fresh(outsider), restricted)
    page = client_for(owner).get(url(restricted)).content.decode()
    assert "outsider" in page and "Lecture des données" in page


def test_a_person_can_be_found_by_e_mail_and_made_collaborator(catalogue, owner, outsider):
    draft = catalogue["draft"]
    client_for(owner).post(url(draft), {"action": "give", "person": "OUTSIDER@example.org", "role": "edit"})
    assert access.can_edit(fresh(outsider), draft)


def test_a_group_of_the_organisation_gets_access_and_a_foreign_group_is_refused(
    catalogue, owner, org, other_org, member
):
    internal = catalogue["restricted"]
    own = Group.objects.create(organisation=org, name="Social")
    own.members.add(member)
    foreign = Group.objects.create(organisation=other_org, name="Étranger")
    client = client_for(owner)
    client.post(url(internal), {"action": "give", "group": str(foreign.pk), "role": "read"})
    assert not Grant.objects.filter(group=foreign).exists()
    response = client.post(url(internal), {"action": "give", "group": str(own.pk), "role": "read"}, follow=True)
    assert "Accès accordé" in response.content.decode()
    assert access.can_read_data(fresh(member), internal)


def test_an_unknown_person_gets_a_message_and_nothing_changes(catalogue, owner):
    response = client_for(owner).post(
        url(catalogue["restricted"]), {"action": "give", "person": "personne", "role": "read"}, follow=True
    )
    assert "Aucun compte actif « personne »" in response.content.decode()
    assert not Grant.objects.exists()


def test_taking_back_a_grant_closes_the_data_again(catalogue, owner, outsider):
    restricted = catalogue["restricted"]
    grant = Grant.objects.create(dataset=restricted, user=outsider, role="read")
    other = Grant.objects.create(dataset=catalogue["internal"], user=outsider, role="read")
    client = client_for(owner)
    client.post(url(restricted), {"action": "take-back", "grant": str(other.pk)})  # not this dataset's grant
    assert Grant.objects.filter(pk=other.pk).exists()
    client.post(url(restricted), {"action": "take-back", "grant": str(grant.pk)})
    assert not Grant.objects.filter(pk=grant.pk).exists()
    assert not access.can_view(fresh(outsider), restricted)


def test_changing_the_visibility_is_audited(catalogue, owner):
    public = catalogue["public"]
    client_for(owner).post(url(public), {"action": "visibility", "visibility": "metadata"})
    public.refresh_from_db()
    assert public.visibility == "metadata"
    event = AuditEvent.objects.filter(action="visibility").latest("when")
    assert event.actor == owner
    client_for(owner).post(url(public), {"action": "visibility", "visibility": "secret"})
    public.refresh_from_db()
    assert public.visibility == "metadata"


@pytest.mark.parametrize(("kind", "status"), [("member", 403), ("outsider", 404), ("admin_user", 200)])
def test_only_editors_and_administrators_of_the_organisation(kind, status, catalogue, request):
    user = request.getfixturevalue(kind)
    assert client_for(user).get(url(catalogue["internal"])).status_code == status
    response = client_for(user).post(url(catalogue["internal"]), {"action": "visibility", "visibility": "public"})
    catalogue["internal"].refresh_from_db()
    assert (catalogue["internal"].visibility == "public") == (status == 200)
    assert response.status_code in {302, 403, 404}


def test_a_collaborator_may_edit_but_not_share(catalogue, outsider):
    Grant.objects.create(dataset=catalogue["draft"], user=outsider, role="edit")
    assert client_for(outsider).get(url(catalogue["draft"])).status_code == 403


def test_organisation_administrators_share_too(catalogue, org):
    admin = get_user_model().objects.create_user("adm", "adm@example.org", "mot-de-passe-solide-42")
    Membership.objects.create(user=admin, organisation=org, role="admin")
    assert client_for(admin).get(url(catalogue["restricted"])).status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(catalogue):
    response = client_for(None).get(url(catalogue["public"]))
    assert response.status_code == 302 and "/compte/connexion/" in response["Location"]
