"""Back-office of people and rights: pages load, a manager sees only their organisations, keys and log read-only."""

from __future__ import annotations

import csv
import html
import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from territoria.accounts import tokens
from territoria.accounts.audit import audit
from territoria.accounts.models import ApiToken, AuditEvent, Group, Membership, Referent
from territoria.conftest import client_for

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action
ADMIN = "/admin/accounts"


def text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.content.decode())


@pytest.fixture
def world(org, other_org, member, outsider, manager):  # type: ignore[no-untyped-def]
    ours = Group.objects.create(organisation=org, name="Groupe urbanisme")
    theirs = Group.objects.create(organisation=other_org, name="Groupe voisin")
    ours.members.add(member)
    theirs.members.add(outsider)
    Referent.objects.create(organisation=org, name="Référente maison", email="a@example.org")
    Referent.objects.create(organisation=other_org, name="Référent voisin", email="b@example.org")
    own_token, _key = tokens.create(member, "tableau de bord")
    foreign_token, _key = tokens.create(outsider, "clé voisine")
    AuditEvent.objects.all().delete()
    events = {
        "ours": audit(Action.PUBLISH, target="evenement-maison", organisation_id=org.pk),
        "theirs": audit(Action.PUBLISH, target="evenement-voisin", organisation_id=other_org.pk),
        "member-sign-in": audit(Action.SIGN_IN, actor=member, target="connexion-membre"),
        "outsider-sign-in": audit(Action.SIGN_IN, actor=outsider, target="connexion-voisin"),
    }
    return {"ours": ours, "theirs": theirs, "tokens": (own_token, foreign_token), "events": events}


@pytest.fixture
def manager(org):  # type: ignore[no-untyped-def]
    """Administrator of ``org`` with staff access and the admin permissions on accounts' models."""
    user = get_user_model().objects.create_user(
        "gestionnaire", "g@example.org", "mot-de-passe-solide-42", is_staff=True
    )
    Membership.objects.create(user=user, organisation=org, role="admin")
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="accounts"))
    return user


PAGES = [
    f"{ADMIN}/organisation/",
    f"{ADMIN}/group/",
    f"{ADMIN}/group/add/",
    f"{ADMIN}/referent/",
    f"{ADMIN}/referent/add/",
    f"{ADMIN}/apitoken/",
    f"{ADMIN}/auditevent/",
    "/admin/catalog/dataset/",
]


def test_every_page_loads_for_a_superuser(world, catalogue, admin_user):
    client = client_for(admin_user)
    for url in PAGES:
        assert client.get(url).status_code == 200, url
    for obj in (world["ours"], Referent.objects.first(), world["tokens"][0], world["events"]["ours"]):
        url = f"{ADMIN}/{obj._meta.model_name}/{obj.pk}/change/"
        assert client.get(url).status_code == 200, url
    assert client.get(f"/admin/catalog/dataset/{catalogue['restricted'].pk}/change/").status_code == 200
    assert client.get(f"{ADMIN}/auditevent/", {"action": "publish", "q": "maison"}).status_code == 200


def test_manager_sees_only_their_organisation(world, manager):
    client = client_for(manager)
    groups = text(client.get(f"{ADMIN}/group/"))
    assert "Groupe urbanisme" in groups and "Groupe voisin" not in groups
    referents = text(client.get(f"{ADMIN}/referent/"))
    assert "Référente maison" in referents and "Référent voisin" not in referents
    organisations = client.get(f"{ADMIN}/organisation/")
    assert organisations.context["cl"].result_count == 1
    keys = text(client.get(f"{ADMIN}/apitoken/"))
    assert "tableau de bord" in keys and "clé voisine" not in keys
    events = client.get(f"{ADMIN}/auditevent/")
    shown = {e.pk for e in events.context["cl"].result_list}
    ev = world["events"]
    assert shown == {ev["ours"].pk, ev["member-sign-in"].pk}


def test_manager_cannot_open_another_organisation_rows(world, manager, other_org):
    client = client_for(manager)
    for url in (
        f"{ADMIN}/group/{world['theirs'].pk}/change/",
        f"{ADMIN}/organisation/{other_org.pk}/change/",
        f"{ADMIN}/apitoken/{world['tokens'][1].pk}/change/",
        f"{ADMIN}/auditevent/{world['events']['theirs'].pk}/change/",
    ):
        response = client.get(url, follow=True)
        assert response.redirect_chain and response.redirect_chain[-1][1] == 302, url
        assert "Groupe voisin" not in text(response) and "clé voisine" not in text(response)


def test_group_form_offers_only_managed_organisations_and_their_people(world, manager, owner, outsider):
    form = client_for(manager).get(f"{ADMIN}/group/add/").context["adminform"].form
    assert [o.slug for o in form.fields["organisation"].queryset] == ["ville-test"]
    people = set(form.fields["members"].queryset.values_list("username", flat=True))
    assert {"member", "owner", "gestionnaire"} <= people
    assert "outsider" not in people


def test_group_members_can_be_edited_with_filter_horizontal(world, manager, owner, org):
    client = client_for(manager)
    page = client.get(f"{ADMIN}/group/{world['ours'].pk}/change/")
    assert "selectfilter" in page.content.decode().lower() or "SelectFilter" in page.content.decode()
    data = {"organisation": str(org.pk), "name": "Groupe urbanisme", "description": "", "members": [str(owner.pk)]}
    response = client.post(f"{ADMIN}/group/{world['ours'].pk}/change/", data)
    assert response.status_code == 302
    assert list(world["ours"].members.values_list("username", flat=True)) == ["owner"]
    changes = AuditEvent.objects.filter(action=Action.ROLE, actor=manager).order_by("pk")
    assert [e.detail["change"] for e in changes] == ["members-removed", "members-added"]


def test_tokens_are_read_only_without_digest_and_can_be_revoked(world, manager):
    client = client_for(manager)
    own = world["tokens"][0]
    page = text(client.get(f"{ADMIN}/apitoken/{own.pk}/change/"))
    assert own.prefix in page
    assert own.digest not in page
    assert client.get(f"{ADMIN}/apitoken/add/").status_code == 403
    response = client.post(
        f"{ADMIN}/apitoken/", {"action": "revoke", "_selected_action": [own.pk, world["tokens"][1].pk]}
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.revoked is not None
    assert ApiToken.objects.get(pk=world["tokens"][1].pk).revoked is None  # not theirs to revoke
    event = AuditEvent.objects.get(action=Action.TOKEN_REVOKED)
    assert event.actor == manager


def test_audit_events_are_read_only_and_export_as_csv(world, manager):
    client = client_for(manager)
    ev = world["events"]
    assert client.get(f"{ADMIN}/auditevent/add/").status_code == 403
    response = client.post(f"{ADMIN}/auditevent/{ev['ours'].pk}/change/", {"target": "changé"})
    assert response.status_code == 403
    assert client.post(f"{ADMIN}/auditevent/{ev['ours'].pk}/delete/").status_code == 403
    response = client.post(
        f"{ADMIN}/auditevent/",
        {"action": "export_csv", "_selected_action": [ev["ours"].pk, ev["theirs"].pk, ev["member-sign-in"].pk]},
    )
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert sorted(r["objet"] for r in rows) == ["connexion-membre", "evenement-maison"]
    assert AuditEvent.objects.filter(pk=ev["ours"].pk, target="evenement-maison").exists()


def test_staff_without_managed_organisation_sees_nothing(world, outsider):
    outsider.is_staff = True
    outsider.save()
    outsider.user_permissions.set(Permission.objects.filter(content_type__app_label="accounts"))
    client = client_for(outsider)
    assert client.get(f"{ADMIN}/group/").context["cl"].result_count == 0
    assert client.get(f"{ADMIN}/auditevent/").context["cl"].result_count == 0
