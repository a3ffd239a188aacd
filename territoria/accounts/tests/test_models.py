"""territoria.accounts.models: organisations and memberships."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from territoria.accounts.models import Membership, Organisation

pytestmark = pytest.mark.django_db


def valid_org(**fields) -> Organisation:
    fields.setdefault("name", "Ville de Rennes")
    fields.setdefault("slug", "rennes")
    return Organisation(**fields)


def test_str_and_absolute_url(org):
    assert str(org) == "Ville de Test"
    assert org.get_absolute_url() == "/organisations/ville-test/"


def test_default_kind_is_other():
    assert Organisation.objects.create(name="X", slug="x").kind == Organisation.Kind.OTHER


def test_organisations_are_ordered_by_name():
    for name, slug in [("Zonza", "zonza"), ("Agen", "agen"), ("Metz", "metz")]:
        Organisation.objects.create(name=name, slug=slug)
    assert list(Organisation.objects.values_list("name", flat=True)) == ["Agen", "Metz", "Zonza"]


def test_slug_is_unique(org):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(name="Doublon", slug=org.slug)


@pytest.mark.parametrize("siren", ["", "123456789", "200000000"])
def test_valid_siren(siren):
    valid_org(siren=siren).full_clean()


@pytest.mark.parametrize("siren", ["12345678", "1234567890", "12345678A", "123 456 789"])
def test_invalid_siren(siren):
    with pytest.raises(ValidationError) as info:
        valid_org(siren=siren).full_clean()
    assert "siren" in info.value.message_dict


@pytest.mark.parametrize("code", ["", "35238", "2A004", "2B033", "35", "971", "75056"])
def test_valid_insee_codes(code):
    valid_org(insee_code=code).full_clean()


@pytest.mark.parametrize("code", ["3523", "2C004", "ABCDE", "2a004", "1"])
def test_invalid_insee_codes(code):
    with pytest.raises(ValidationError) as info:
        valid_org(insee_code=code).full_clean()
    assert "insee_code" in info.value.message_dict


def test_logo_accepts_only_images():
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationError) as info:
        valid_org(logo=SimpleUploadedFile("logo.exe", b"MZ")).full_clean()
    assert "logo" in info.value.message_dict
    valid_org(logo=SimpleUploadedFile("logo.svg", b"<svg/>")).full_clean()


def test_membership_str_names_person_organisation_and_role(member, org):
    membership = Membership.objects.get(user=member, organisation=org)
    assert str(membership) == "member — Ville de Test (Agent)"


def test_membership_default_role_is_agent(org, admin_user):
    assert Membership.objects.create(user=admin_user, organisation=org).role == Membership.Role.AGENT


def test_one_membership_per_person_and_organisation(member, org):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=member, organisation=org, role="editor")


def test_same_person_may_belong_to_two_organisations(member, other_org):
    Membership.objects.create(user=member, organisation=other_org, role="editor")
    assert member.memberships.count() == 2


def test_deleting_an_organisation_deletes_its_memberships(org, member):
    Organisation.objects.filter(pk=org.pk).delete()
    assert not Membership.objects.filter(user=member).exists()


def test_organisation_with_datasets_cannot_be_deleted(catalogue, org):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError), transaction.atomic():
        org.delete()
