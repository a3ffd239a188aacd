"""Grants given, changed and taken back are written to the audit log, with the dataset's organisation."""

from __future__ import annotations

import pytest

from territoria.access.models import Grant
from territoria.accounts.audit_signals import acting
from territoria.accounts.models import AuditEvent, Group
from territoria.conftest import client_for

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action


def grant_events() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=Action.GRANT).order_by("pk"))


def test_a_read_grant_to_a_person(catalogue, outsider, owner):
    dataset = catalogue["restricted"]
    with acting(actor=owner):
        Grant.objects.create(dataset=dataset, user=outsider, role="read")
    [event] = grant_events()
    assert event.actor == owner
    assert event.organisation_id == dataset.organisation_id
    assert event.target == dataset.slug
    assert event.detail == {"change": "added", "dataset": dataset.slug, "user": "outsider", "role": "read"}


def test_a_grant_to_a_group_changed_then_removed(catalogue, org):
    dataset = catalogue["internal"]
    group = Group.objects.create(organisation=org, name="Élus")
    grant = Grant.objects.create(dataset=dataset, group=group, role="read")
    grant.role = "edit"
    grant.save()
    grant.save()  # unchanged: nothing more
    grant.delete()
    events = grant_events()
    assert [e.detail["change"] for e in events] == ["added", "changed", "removed"]
    assert events[1].detail == {
        "change": "changed",
        "dataset": dataset.slug,
        "group": "Élus",
        "role": "edit",
        "previous_role": "read",
    }
    assert events[2].detail == {"change": "removed", "dataset": dataset.slug, "group": "Élus", "previous_role": "edit"}
    assert all(e.actor is None for e in events)


def test_grants_removed_with_their_dataset_or_holder_are_recorded(catalogue, outsider, org):
    dataset = catalogue["restricted"]
    group = Group.objects.create(organisation=org, name="Jury")
    Grant.objects.create(dataset=dataset, user=outsider)
    Grant.objects.create(dataset=catalogue["internal"], group=group)
    Grant.objects.create(dataset=catalogue["draft"], group=group, role="edit")
    outsider.delete()
    catalogue["draft"].delete()
    group.delete()
    removed = [e for e in grant_events() if e.detail["change"] == "removed"]
    assert sorted((e.target, e.detail.get("user", ""), e.detail.get("group", "")) for e in removed) == [
        ("brouillon-velo", "", "Jury"),
        ("budget-interne", "", "Jury"),
        ("dossiers-sociaux", "outsider", ""),
    ]
    assert {e.organisation_id for e in removed} == {org.pk}
    assert not Grant.objects.exists()


def test_admin_inline_on_the_dataset_page_records_the_grant(catalogue, admin_user, member):
    dataset = catalogue["restricted"]
    client = client_for(admin_user)
    page = client.get(f"/admin/catalog/dataset/{dataset.pk}/change/")
    assert page.status_code == 200
    assert "grants-TOTAL_FORMS" in page.content.decode()
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and not isinstance(value, list)}
    data.update(
        {
            "title": dataset.title,
            "slug": dataset.slug,
            "organisation": str(dataset.organisation_id),
            "visibility": dataset.visibility,
            "published_0": dataset.published.strftime("%Y-%m-%d"),
            "published_1": dataset.published.strftime("%H:%M:%S"),
            "licence": str(dataset.licence_id),
            "themes": [str(t.pk) for t in dataset.themes.all()],
            "keywords": [str(k.pk) for k in dataset.keywords.all()],
            "resources-TOTAL_FORMS": "0",
            "resources-INITIAL_FORMS": "0",
            "resources-MIN_NUM_FORMS": "0",
            "resources-MAX_NUM_FORMS": "1000",
            "grants-TOTAL_FORMS": "1",
            "grants-INITIAL_FORMS": "0",
            "grants-MIN_NUM_FORMS": "0",
            "grants-MAX_NUM_FORMS": "1000",
            "grants-0-user": str(member.pk),
            "grants-0-group": "",
            "grants-0-role": "read",
        }
    )
    for key in ("description", "producer", "source_name", "source_url", "attribution", "contact_name", "contact_email"):
        data.setdefault(key, "")
    response = client.post(f"/admin/catalog/dataset/{dataset.pk}/change/", data, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302, (
        [f.errors for f in response.context["inline_admin_formsets"]] if response.context else response
    )
    assert Grant.objects.filter(dataset=dataset, user=member, role="read").exists()
    [event] = grant_events()
    assert event.actor == admin_user and event.ip == "203.0.113.9"
    assert event.detail == {"change": "added", "dataset": dataset.slug, "user": "member", "role": "read"}
