"""Pages of the atlas: explore, an action, submitting (with the proposed classification), moderation,
thematic atlases and their embeds, the observatory, referentials."""

from __future__ import annotations

import html

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from territoria.atlas.models import Action, Classification, ThematicAtlas
from territoria.conftest import client_for


@pytest.fixture
def moderator(owner):  # type: ignore[no-untyped-def]
    owner.user_permissions.add(Permission.objects.get(codename="moderate_action"))
    return owner


def _text(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.status_code
    return html.unescape(response.content.decode())


def test_explore_lists_maps_and_facets_public_actions(client, action_factory):
    action_factory(title="Espace public numérique du Blosne", enjeu="E15", services=("S122",))
    action_factory(title="Fiche cachée", state=Action.State.SUBMITTED)
    page = _text(client.get(reverse("atlas:explore")))
    assert "Espace public numérique du Blosne" in page and "Fiche cachée" not in page
    assert "data-atlas-map" in page and "/api/atlas/v1/map" in page
    assert "1 action" in page
    filtered = _text(client.get(reverse("atlas:explore"), {"enjeu": "E01"}))
    assert "Espace public numérique du Blosne" not in filtered


def test_an_action_page_shows_its_classification_and_hides_the_contact_person(client, action_factory, member):
    action = action_factory(
        title="Conseillers numériques",
        contact_service="CCAS",
        contact_name="Dominique Exemple",
        enjeu="E15",
        services=("S123",),
    )
    page = _text(client.get(action.get_absolute_url()))
    assert "Conseillers numériques" in page and "E15" in page and "S123" in page
    assert "CCAS" in page and "Dominique Exemple" not in page
    assert "réservées aux agents connectés" in page
    assert "Dominique Exemple" in _text(client_for(member).get(action.get_absolute_url()))


def test_a_member_submits_an_action_and_sees_the_proposed_classification(member, referential):
    client = client_for(member)
    assert client.get(reverse("atlas:submit")).status_code == 200
    response = client.post(
        reverse("atlas:submit"),
        {
            "title": "Des tablettes et un espace numérique de travail pour les écoles",
            "summary": "Chaque classe de CM1 et CM2 reçoit des tablettes ; les familles suivent les devoirs sur l'ENT.",
            "status": "in_progress",
            "collectivite": "Ville de Test",
            "territory_type": "commune",
            "insee": "35238",
            "start_date": "2024-09-02",
        },
    )
    action = Action.objects.get(title__startswith="Des tablettes")
    assert response.status_code == 302 and response["Location"] == action.get_absolute_url()
    assert action.state == Action.State.SUBMITTED and action.submitted_by == member
    assert action.placement == Action.Placement.COMMUNE and action.departement == "35"
    proposed = Classification.objects.filter(action=action, source="proposed", level="enjeu").order_by("rank")
    assert proposed.first().item.code == "E03"  # Éducation
    page = _text(client.get(action.get_absolute_url()))
    assert "Classement proposé" in page and "%" in page
    assert "En attente de modération" in page
    assert client_for(None).get(action.get_absolute_url()).status_code == 404


def test_the_form_says_what_is_wrong(member, referential):
    response = client_for(member).post(reverse("atlas:submit"), {"title": "x", "insee": "123", "lat": "48.1"})
    page = _text(response)
    assert "Un code INSEE a 5 caractères" in page
    assert "Donnez la latitude et la longitude" in page
    assert not Action.objects.exists()


def test_submitting_needs_an_organisation(client, db):
    assert client.get(reverse("atlas:submit")).status_code == 302  # to the login page
    from django.contrib.auth import get_user_model

    lonely = get_user_model().objects.create_user("seul", "s@example.org", "mot-de-passe-solide-42")
    assert client_for(lonely).get(reverse("atlas:submit")).status_code == 403


def test_moderation_publishes_with_the_chosen_classification(moderator, member, action_factory, shared_classifier):
    action = action_factory(title="À modérer", state=Action.State.SUBMITTED, enjeu="", services=(), propose=True)
    client = client_for(moderator)
    assert "À modérer" in _text(client.get(reverse("atlas:moderation")))
    assert client_for(member).get(reverse("atlas:moderation")).status_code == 403
    response = client.post(
        reverse("atlas:moderate", args=[action.pk]),
        {"decision": "publish", "enjeux": ["E15"], "services": ["S122", "S123"]},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.state == Action.State.PUBLISHED and action.moderated_by == moderator
    confirmed = list(
        Classification.objects.filter(action=action, source="confirmed").values_list("item__code", flat=True)
    )
    assert set(confirmed) == {"E15", "S122", "S123"}
    assert action.main_enjeu == "E15"
    refused = client.post(reverse("atlas:moderate", args=[action.pk]), {"decision": "publish"})
    assert "Choisissez au moins un enjeu et un service" in _text(refused)


def test_an_editor_saves_a_thematic_atlas_with_its_own_address_and_embed(owner, action_factory, settings):
    settings.EMBED_ORIGINS = ["https://www.exemple-reseau.fr"]
    action_factory(title="EPN de Rennes", enjeu="E15", services=("S122",))
    action_factory(title="Budget participatif", enjeu="E01", services=("S005",))
    response = client_for(owner).post(
        reverse("atlas:atlas-create"), {"title": "Inclusion numérique", "enjeu": "E15", "description": "Les EPN."}
    )
    atlas = ThematicAtlas.objects.get()
    assert response["Location"] == atlas.get_absolute_url() == "/atlas/thematiques/inclusion-numerique/"
    assert atlas.filters == {"enjeu": ["E15"]}
    page = _text(client_for(None).get(atlas.get_absolute_url()))
    assert "EPN de Rennes" in page and "Budget participatif" not in page
    assert "/embed/atlas/inclusion-numerique/" in page
    embed = client_for(None).get(reverse("atlas:embed", args=[atlas.slug]))
    assert "frame-ancestors https://www.exemple-reseau.fr" in embed["Content-Security-Policy"]
    assert "EPN de Rennes" in _text(embed)
    assert client_for(None).post(reverse("atlas:atlas-create"), {"title": "x"}).status_code == 302  # login


def test_observatory_draws_charts_with_their_tables(client, action_factory):
    action_factory(title="A", enjeu="E15", services=("S122",))
    action_factory(title="B", enjeu="E15", services=("S123",), insee="90010")
    page = _text(client.get(reverse("atlas:observatory")))
    assert "data-vega-chart" in page and "Actions par enjeu" in page
    assert "<table>" in page
    assert "unsafe-eval" in client.get(reverse("atlas:observatory"))["Content-Security-Policy"]
    assert "Territoire de Belfort" in page
    assert "data-observatory-map" in page and '"90": 1' in page  # the map's counts by département


def test_referential_pages(client, referential):
    page = _text(client.get(reverse("atlas:referential", args=[referential.slug])))
    assert "E15" in page and "S138" in page
    assert client.get(reverse("atlas:referential-export", args=[referential.slug, "csv"])).status_code == 200
    assert client.get(reverse("atlas:referential-export", args=[referential.slug, "pdf"])).status_code == 404
    assert client.get(reverse("atlas:referential-import")).status_code == 302


def test_referential_import_reports_errors_and_writes_nothing(moderator, referential):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("ref.csv", b"niveau,code,parent,libelle\nservice,S1,U9,Orphelin\n")
    page = _text(
        client_for(moderator).post(
            reverse("atlas:referential-import"), {"file": upload, "slug": "reseau", "name": "Réseau"}
        )
    )
    assert "Rien n'a été importé" in page and "ligne 2" in page and "U9" in page
    from territoria.atlas.models import Referential

    assert not Referential.objects.filter(slug="reseau").exists()
