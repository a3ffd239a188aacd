"""Every hooked action writes exactly the expected audit event; reading public data writes none."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from territoria.accounts.audit_signals import acting
from territoria.accounts.models import AuditEvent, Group, Membership, Organisation
from territoria.catalog import services as catalog
from territoria.catalog.models import Dataset, Version
from territoria.conftest import client_for
from territoria.ingest import pipeline
from territoria.ingest import services as ingest

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action
API = "/api/explore/v2.1/catalog/datasets"


class Log:
    """The events written since it was made."""

    def __init__(self) -> None:
        self.mark = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def events(self, action: str | None = None) -> list[AuditEvent]:
        found = AuditEvent.objects.filter(pk__gt=self.mark).order_by("pk")
        return list(found.filter(action=action) if action else found)

    def one(self, action: str) -> AuditEvent:
        events = self.events()
        assert [e.action for e in events] == [action], [(e.action, e.detail) for e in events]
        return events[0]


def fake_version(dataset: Dataset, user=None) -> Version:  # type: ignore[no-untyped-def]
    return catalog.create_version(
        dataset,
        created_by=user,
        source_kind=Version.SourceKind.UPLOAD,
        source_name="x.csv",
        original_sha256="0" * 64,
        original_size=1,
        data_sha256="0" * 64,
        data_size=1,
        row_count=0,
    )


def write_csv(path: Path) -> Path:
    path.write_text("nom;ville\nGymnase;Lyon\nStade;Bron\n", encoding="utf-8")
    return path


def ingested(dataset: Dataset, tmp_path: Path, user=None) -> Dataset:  # type: ignore[no-untyped-def]
    job = ingest.submit_path(dataset, write_csv(tmp_path / "t.csv"), publish=True, queue=False, user=user)
    job = pipeline.run(job.pk)
    assert job.published, job.message
    dataset.refresh_from_db()
    return dataset


# --- Publication -----------------------------------------------------------------------------------------


def test_publishing_through_the_page_records_who_and_which_version(catalogue, owner):
    dataset = catalogue["restricted"]
    fake_version(dataset)
    log = Log()
    response = client_for(owner).post(f"/datasets/{dataset.slug}/versions/1/publish", REMOTE_ADDR="192.0.2.7")
    assert response.status_code == 302
    event = log.one(Action.PUBLISH)
    assert event.actor == owner and event.actor_name == "owner"
    assert event.organisation_id == dataset.organisation_id
    assert event.target == dataset.slug
    assert event.ip == "192.0.2.7"
    assert event.detail == {"dataset": dataset.slug, "version": 1}


def test_publishing_through_the_api_and_a_rollback(catalogue, owner):
    dataset = catalogue["internal"]
    fake_version(dataset)
    fake_version(dataset)
    client = client_for(owner)
    log = Log()
    assert client.post(f"/api/ingest/v1/datasets/{dataset.slug}/versions/2/publish").status_code == 200
    assert log.one(Action.PUBLISH).detail == {"dataset": dataset.slug, "version": 2}
    log = Log()
    assert client.post(f"/api/ingest/v1/datasets/{dataset.slug}/versions/1/publish").status_code == 200
    event = log.one(Action.PUBLISH)
    assert event.actor == owner
    assert event.detail == {"dataset": dataset.slug, "version": 1, "previous_version": 2, "rollback": True}


def test_a_refused_publication_records_nothing(catalogue, owner):
    dataset = catalogue["public"]
    version = fake_version(dataset)
    Version.objects.filter(pk=version.pk).update(pii=[{"column": "nom", "kind": "person-name"}])
    log = Log()
    client_for(owner).post(f"/datasets/{dataset.slug}/versions/1/publish")
    assert log.events() == []


def test_first_publication_of_a_draft_says_so(catalogue, owner):
    draft = catalogue["draft"]
    version = fake_version(draft)
    log = Log()
    catalog.publish_version(draft, version, actor=owner)
    event = log.one(Action.PUBLISH)
    assert event.detail == {"dataset": draft.slug, "version": 1, "first_publication": True}
    assert event.actor == owner and event.ip is None


def test_an_ingestion_that_publishes_names_whoever_submitted_it(make_dataset, owner, tmp_path):
    dataset = make_dataset("comptages", "Comptages", visibility="internal")
    log = Log()
    ingested(dataset, tmp_path, user=owner)
    event = log.one(Action.PUBLISH)
    assert event.actor == owner
    assert event.detail["version"] == 1


# --- Visibility and published state ----------------------------------------------------------------------


def test_save_dataset_records_a_visibility_change_once(catalogue, owner):
    public = catalogue["public"]
    log = Log()
    catalog.save_dataset(
        organisation=public.organisation, slug=public.slug, licence="etalab-2.0", visibility="internal", actor=owner
    )
    event = log.one(Action.VISIBILITY)
    assert event.actor == owner
    assert event.organisation_id == public.organisation_id
    assert event.detail == {
        "dataset": public.slug,
        "visibility": "internal",
        "previous_visibility": "public",
        "published": True,
        "previous_published": True,
    }
    log = Log()
    catalog.save_dataset(
        organisation=public.organisation, slug=public.slug, licence="etalab-2.0", visibility="internal", title="X"
    )
    assert log.events() == []


def test_a_new_dataset_is_recorded_when_created_published_not_as_a_draft(make_dataset):
    log = Log()
    make_dataset("brouillon", "Brouillon", published=False)
    assert log.events() == []
    made = make_dataset("publie", "Publié", visibility="metadata")
    event = log.one(Action.VISIBILITY)
    assert event.actor is None
    assert event.detail == {"dataset": made.slug, "visibility": "metadata", "published": True, "created": True}


def test_unpublishing_and_the_actor_of_an_acting_block(catalogue, owner):
    dataset = catalogue["internal"]
    log = Log()
    with acting(actor=owner):
        dataset.published = None
        dataset.save()
    event = log.one(Action.VISIBILITY)
    assert event.actor == owner
    assert event.detail["published"] is False and event.detail["previous_published"] is True


def test_admin_change_form_and_actions_record_visibility_in_the_staff_name(catalogue, admin_user):
    client = client_for(admin_user)
    draft = catalogue["draft"]
    log = Log()
    response = client.post(
        "/admin/catalog/dataset/",
        {"action": "publish", "_selected_action": [draft.pk, catalogue["public"].pk]},
        REMOTE_ADDR="198.51.100.4",
    )
    assert response.status_code == 302
    event = log.one(Action.VISIBILITY)  # the public one was already published: nothing for it
    assert event.target == draft.slug and event.actor == admin_user and event.ip == "198.51.100.4"
    assert event.detail["published"] is True and event.detail["previous_published"] is False
    log = Log()
    client.post("/admin/catalog/dataset/", {"action": "unpublish", "_selected_action": [draft.pk]})
    assert log.one(Action.VISIBILITY).detail["published"] is False


# --- Roles: memberships and groups ----------------------------------------------------------------------


def test_membership_added_changed_removed(org, admin_user):
    person = get_user_model().objects.create_user("camille")
    log = Log()
    with acting(actor=admin_user):
        membership = Membership.objects.create(user=person, organisation=org, role="agent")
    event = log.one(Action.ROLE)
    assert event.actor == admin_user and event.organisation == org and event.target == "camille"
    assert event.detail == {"change": "added", "user": "camille", "role": "agent"}

    log = Log()
    membership.save()
    assert log.events() == []  # nothing changed

    membership.role = "editor"
    membership.save()
    assert log.one(Action.ROLE).detail == {
        "change": "changed",
        "user": "camille",
        "role": "editor",
        "previous_role": "agent",
    }
    log = Log()
    membership.delete()
    assert log.one(Action.ROLE).detail == {"change": "removed", "user": "camille", "previous_role": "editor"}


def test_deleting_a_person_records_their_memberships_removed(org, other_org, admin_user):
    person = get_user_model().objects.create_user("sacha")
    Membership.objects.create(user=person, organisation=org, role="editor")
    Membership.objects.create(user=person, organisation=other_org, role="agent")
    log = Log()
    with acting(actor=admin_user):
        person.delete()
    events = log.events()
    assert {(e.organisation_id, e.target, e.detail["change"], e.detail["previous_role"]) for e in events} == {
        (org.pk, "sacha", "removed", "editor"),
        (other_org.pk, "sacha", "removed", "agent"),
    }
    assert all(e.action == Action.ROLE and e.actor == admin_user for e in events)


def test_group_members_from_either_side(org, member, owner):
    group = Group.objects.create(organisation=org, name="Urbanisme")
    log = Log()
    group.members.add(member, owner)
    event = log.one(Action.ROLE)
    assert event.organisation == org and event.target == "Urbanisme"
    assert event.detail == {
        "change": "members-added",
        "group": "Urbanisme",
        "group_id": group.pk,
        "users": ["member", "owner"],
    }

    log = Log()
    member.territoria_groups.remove(group)
    assert log.one(Action.ROLE).detail["users"] == ["member"]
    assert log.one(Action.ROLE).detail["change"] == "members-removed"

    log = Log()
    group.members.clear()
    assert log.one(Action.ROLE).detail == {
        "change": "members-removed",
        "group": "Urbanisme",
        "group_id": group.pk,
        "users": ["owner"],
    }
    log = Log()
    group.members.add(member)
    group.members.add(member)  # already there: Django adds nothing, nothing recorded
    assert len(log.events()) == 1


def test_deleting_an_organisation_is_not_blocked_by_its_log(db):
    doomed = Organisation.objects.create(slug="fusionnee", name="Commune fusionnée")
    person = get_user_model().objects.create_user("dominique")
    Membership.objects.create(user=person, organisation=doomed, role="admin")
    Group.objects.create(organisation=doomed, name="Tous").members.add(person)
    log = Log()
    doomed.delete()
    assert not Organisation.objects.filter(slug="fusionnee").exists()
    assert log.events() == []


def test_admin_inline_role_change_names_the_staff_user(org, member, admin_user):
    membership = Membership.objects.get(user=member)
    data = {
        "name": org.name,
        "slug": org.slug,
        "kind": org.kind,
        "siren": "",
        "insee_code": org.insee_code,
        "description": "",
        "website": "",
        "email": "",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "1",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-id": str(membership.pk),
        "memberships-0-organisation": str(org.pk),
        "memberships-0-user": str(member.pk),
        "memberships-0-role": "editor",
    }
    log = Log()
    response = client_for(admin_user).post(f"/admin/accounts/organisation/{org.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    event = log.one(Action.ROLE)
    assert event.actor == admin_user
    assert event.detail == {"change": "changed", "user": "member", "role": "editor", "previous_role": "agent"}


# --- Downloads and API reads ----------------------------------------------------------------------------


@pytest.fixture
def files(catalogue, demo_file):  # type: ignore[no-untyped-def]
    return {
        key: catalog.attach_file(catalogue[key], demo_file("friches.csv"), title="Fichier")
        for key in ("public", "internal", "restricted")
    }


def test_downloading_a_restricted_file_is_recorded_a_public_one_is_not(catalogue, files, owner):
    client = client_for(owner)
    log = Log()
    response = client.get(f"/datasets/{catalogue['public'].slug}/resources/{files['public'].pk}/download")
    assert response.status_code == 200
    assert log.events() == []
    for key in ("internal", "restricted"):
        log = Log()
        dataset = catalogue[key]
        response = client.get(f"/datasets/{dataset.slug}/resources/{files[key].pk}/download")
        assert response.status_code == 200
        event = log.one(Action.DOWNLOAD)
        assert event.actor == owner and event.organisation_id == dataset.organisation_id
        assert event.detail == {"dataset": dataset.slug, "resource": files[key].pk, "file": "friches.csv"}


def test_a_refused_download_records_nothing(catalogue, files, outsider):
    log = Log()
    response = client_for(outsider).get(
        f"/datasets/{catalogue['restricted'].slug}/resources/{files['restricted'].pk}/download"
    )
    assert response.status_code == 404
    assert log.events() == []


@pytest.fixture
def with_data(catalogue, tmp_path):  # type: ignore[no-untyped-def]
    for key in ("public", "restricted", "draft"):
        ingested(catalogue[key], tmp_path)
    # The ingestion published the draft: put it back to draft to check drafts count as non-public.
    Dataset.objects.filter(pk=catalogue["draft"].pk).update(published=None)
    return catalogue


def test_records_api_reads_of_restricted_data_one_event_per_request(with_data, owner):
    slug = with_data["restricted"].slug
    client = client_for(owner)
    cases = [
        ("records", {"where": 'ville = "Lyon"', "limit": "5", "apikey": "secret-never-kept"}, "records"),
        ("records/1", {}, "record"),
        ("facets", {"facet": "ville"}, "facets"),
    ]
    for path, params, endpoint in cases:
        log = Log()
        response = client.get(f"{API}/{slug}/{path}", params)
        assert response.status_code == 200, response.content
        event = log.one(Action.API_READ)
        assert event.actor == owner and event.target == slug
        assert event.detail["dataset"] == slug
        assert event.detail["endpoint"] == endpoint
        assert "apikey" not in (event.detail.get("query") or {})
        assert "secret-never-kept" not in str(event.detail)
    first = AuditEvent.objects.filter(action=Action.API_READ, detail__endpoint="records").get()
    assert first.detail["query"] == {"where": 'ville = "Lyon"', "limit": "5"}
    assert AuditEvent.objects.get(detail__endpoint="record").detail["record_id"] == "1"


def test_long_query_values_are_truncated(with_data, owner):
    slug = with_data["restricted"].slug
    where = "nom = " + '"' + "a" * 1000 + '"'
    log = Log()
    response = client_for(owner).get(f"{API}/{slug}/records", {"where": where})
    assert response.status_code == 200
    kept = log.one(Action.API_READ).detail["query"]["where"]
    assert len(kept) == 200 and where.startswith(kept)


def test_exports_of_restricted_and_draft_data_are_downloads(with_data, owner):
    client = client_for(owner)
    for key in ("restricted", "draft"):
        slug = with_data[key].slug
        log = Log()
        response = client.get(f"{API}/{slug}/exports/csv", {"delimiter": ";"})
        assert response.status_code == 200
        b"".join(response.streaming_content)
        event = log.one(Action.DOWNLOAD)
        assert event.detail == {
            "dataset": slug,
            "endpoint": "exports",
            "format": "csv",
            "version": 1,
            "query": {"delimiter": ";"},
        }


def test_reading_public_data_records_nothing(with_data, owner):
    slug = with_data["public"].slug
    client = client_for(owner)
    log = Log()
    for endpoint in ("records", "records/1", "facets", "exports/json"):
        response = client.get(f"{API}/{slug}/{endpoint}")
        assert response.status_code == 200, endpoint
        if response.streaming:
            b"".join(response.streaming_content)
    assert client_for(None).get(f"{API}/{slug}/records").status_code == 200
    assert log.events() == []


def test_refused_and_failed_reads_record_nothing(with_data, outsider, owner):
    slug = with_data["restricted"].slug
    log = Log()
    assert client_for(outsider).get(f"{API}/{slug}/records").status_code == 404
    assert client_for(owner).get(f"{API}/{slug}/records", {"where": "nope = 1"}).status_code == 400
    assert log.events() == []


def test_roles_changed_outside_any_page_are_recorded_without_an_actor(org):
    """The hooks are model signals: code that changes roles outside the admin (a command, a script) is recorded."""
    person = get_user_model().objects.create_user("eve")
    log = Log()
    Membership.objects.create(user=person, organisation=org, role="admin")
    event = log.one(Action.ROLE)
    assert event.actor is None and event.actor_name == ""
