"""Dashboards: who may see them (the dataset policy, reused), blocks drawn through the dataset policy, page
filters, key figures and their comparison with the previous period."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from territoria.access.models import Grant
from territoria.conftest import client_for
from territoria.viz.dashboards import kpi as kpis
from territoria.viz.dashboards import policy
from territoria.viz.dashboards.filters import PageFilters
from territoria.viz.dashboards.views import page_context
from territoria.viz.specs import columns_of
from territoria.viz.tests.conftest import publish, write_csv

pytestmark = pytest.mark.django_db

SECRET_ROWS = [("Zorglub", "Secretville", "1", "1", "2024-01-01", "48.1", "-1.6", "oui")]


def text_of(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.content.decode())


@pytest.fixture
def dashboards(make_dashboard):  # type: ignore[no-untyped-def]
    return {
        "public": make_dashboard("public", "Tableau public"),
        "draft": make_dashboard("brouillon", "Tableau brouillon", published=False),
        "internal": make_dashboard("interne", "Tableau interne", visibility="internal"),
        "restricted": make_dashboard("restreint", "Tableau restreint", visibility="restricted"),
    }


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        ("anonymous", {"public"}),
        ("outsider", {"public"}),
        ("member", {"public", "internal"}),
        ("owner", {"public", "internal", "restricted", "draft"}),
        ("org_admin", {"public", "internal", "restricted", "draft"}),
        ("admin_user", {"public", "internal", "restricted", "draft"}),
    ],
)
def test_who_sees_which_dashboard(person, expected, dashboards, request):
    user = AnonymousUser() if person == "anonymous" else request.getfixturevalue(person)
    by_id = {d.pk: key for key, d in dashboards.items()}
    assert {by_id[d.pk] for d in policy.visible_dashboards(user)} == expected
    client = client_for(None if person == "anonymous" else user)
    listing = text_of(client.get("/tableaux-de-bord/"))
    for key, dashboard in dashboards.items():
        assert (dashboard.title in listing) == (key in expected), key
        status = client.get(f"/tableaux-de-bord/{dashboard.slug}/").status_code
        assert status == (200 if key in expected else 404), key


def test_only_the_organisations_editors_edit(dashboards, owner, org_admin, member, outsider, admin_user):
    public = dashboards["public"]
    assert policy.can_edit(owner, public) and policy.can_edit(org_admin, public) and policy.can_edit(admin_user, public)
    assert not policy.can_edit(member, public) and not policy.can_edit(outsider, public)
    assert not policy.can_edit(AnonymousUser(), public)


def test_a_grant_on_a_dataset_never_opens_the_dashboard_of_the_same_number(make_dashboard, make_dataset, member):
    dataset = make_dataset("jeu-partage", "Jeu partagé", visibility="restricted")
    Grant.objects.create(dataset=dataset, user=member, role=Grant.Role.EDIT)
    dashboard = make_dashboard("meme-numero", "Même numéro", visibility="restricted", id=dataset.pk)
    assert dashboard.pk == dataset.pk
    assert not policy.can_view(member, dashboard) and not policy.can_edit(member, dashboard)
    assert dashboard not in policy.visible_dashboards(member)


@pytest.fixture
def internal_data(make_dataset, tmp_path):  # type: ignore[no-untyped-def]
    dataset = make_dataset("interne-data", "Données internes Qxw", visibility="internal")
    return publish(dataset, write_csv(tmp_path / "interne.csv", SECRET_ROWS))


def test_a_block_on_data_the_person_may_not_read_shows_donnees_reservees_and_nothing_else(
    make_dashboard, equipements, hidden, metadata_only, internal_data, owner, member, outsider
):
    def table(slug: str, title: str) -> dict:
        return {"kind": "table", "title": title, "config": {"dataset": slug, "columns": ["nom", "ville"]}}

    make_dashboard(
        "melange",
        "Mélange",
        blocks=[
            table("equipements", "Bloc des équipements"),
            table("dossiers-caches", "Bloc caché Kvt"),
            table("fiche-seule", "Bloc fiche Pmq"),
            table("interne-data", "Bloc interne Wyx"),
        ],
    )
    for user in (None, outsider):
        body = text_of(client_for(user).get("/tableaux-de-bord/melange/"))
        assert "Gymnase Nord" in body and "Bloc des équipements" in body  # the public block
        assert body.count("Données réservées") == 3
        for leak in ("Dossiers cachés Zzq", "Bloc caché Kvt", "Fiche publique seule", "Bloc fiche Pmq"):
            assert leak not in body, leak
        for leak in ("Données internes Qxw", "Bloc interne Wyx", "Zorglub"):
            assert leak not in body, leak
        assert "/datasets/dossiers-caches/" not in body and "/datasets/interne-data/" not in body
    member_body = text_of(client_for(member).get("/tableaux-de-bord/melange/"))
    assert "Zorglub" in member_body and "Données internes Qxw" in member_body  # internal data: agents read it
    assert member_body.count("Données réservées") == 2
    owner_body = text_of(client_for(owner).get("/tableaux-de-bord/melange/"))
    assert "Données réservées" not in owner_body
    assert "Dossiers cachés Zzq" in owner_body and "Bloc caché Kvt" in owner_body


def test_the_edit_page_names_no_dataset_its_editor_may_not_see(
    make_dashboard, make_dataset, other_org, tmp_path, owner
):
    elsewhere = make_dataset("ailleurs", "Interne d'ailleurs Jbq", visibility="internal", organisation=other_org)
    publish(elsewhere, write_csv(tmp_path / "ailleurs.csv", SECRET_ROWS))
    make_dashboard("avec-ailleurs", blocks=[{"kind": "table", "config": {"dataset": "ailleurs"}}])
    body = text_of(client_for(owner).get("/tableaux-de-bord/avec-ailleurs/modifier/"))
    assert "données non accessibles" in body and "Interne d'ailleurs Jbq" not in body


@pytest.fixture
def filtered(make_dashboard, equipements):  # type: ignore[no-untyped-def]
    mapping = {"period": "date_ouverture", "theme": "ville"}
    return make_dashboard(
        "filtre",
        "Filtré",
        filters={"period": {"label": "Année"}, "theme": {"label": "Ville"}},
        blocks=[
            {
                "kind": "table",
                "title": "Lignes",
                "config": {"dataset": "equipements", "columns": ["nom"], "sort": "nom", "filters": mapping},
            },
            {
                "kind": "chart",
                "title": "Par ville",
                "config": {"dataset": "equipements", "chart": {"type": "bar", "x": "ville"}, "filters": mapping},
            },
            {"kind": "kpi", "title": "Lignes non filtrées", "config": {"dataset": "equipements"}},
        ],
    )


def names_in_table(client, url):  # type: ignore[no-untyped-def]
    request = RequestFactory().get(url)
    request.user = AnonymousUser()
    from territoria.viz.models import Dashboard

    context = page_context(request, Dashboard.objects.get(slug="filtre"))
    table, chart, figure = context["blocks"]
    return [row[0] for row in table.rows], {row[0]: row[-1] for row in chart.drawn.table}, figure.kpi.value


def test_page_filters_apply_to_the_blocks_that_map_them(filtered, client):
    names, by_city, count = names_in_table(client, "/tableaux-de-bord/filtre/")
    assert len(names) == 6 and count == 6
    names, by_city, count = names_in_table(client, "/tableaux-de-bord/filtre/?periode=2024")
    assert names == ["Gymnase Nord", "Salle des fêtes", "Stade Sud"]
    assert by_city == {"Lyon": 1, "Villeurbanne": 1, "Écully": 1}
    assert count == 6  # the key figure maps no filter
    names, by_city, _count = names_in_table(client, "/tableaux-de-bord/filtre/?periode=2023..2024&theme=Lyon")
    assert names == ["Gymnase Nord", "Piscine Été"]
    assert by_city == {"Lyon": 2}


def test_the_filter_form_offers_the_values_and_keeps_them_in_the_address(filtered, client):
    body = text_of(client.get("/tableaux-de-bord/filtre/?periode=2024&theme=Lyon"))
    assert '<label for="filtre-period">Année</label>' in body
    assert '<option value="2024" selected>2024</option>' in body and '<option value="2022">' in body
    assert '<option value="Lyon" selected>Lyon</option>' in body and '<option value="Bron">' in body
    assert "/embed/blocs/" in body and "?periode=2024&amp;theme=Lyon" in body  # the snippets keep the filters
    bad = text_of(client.get("/tableaux-de-bord/filtre/?periode=hier"))
    assert "Une date est attendue" in bad and 'aria-invalid="true"' in bad


def test_filter_values_come_only_from_blocks_the_person_may_read(make_dashboard, equipements, make_dataset, tmp_path):
    secret = make_dataset("secret", "Secret", visibility="restricted")
    publish(secret, write_csv(tmp_path / "secret.csv", SECRET_ROWS))
    make_dashboard(
        "valeurs",
        filters={"theme": {"label": "Ville"}},
        blocks=[
            {"kind": "table", "config": {"dataset": "secret", "filters": {"theme": "ville"}}},
            {"kind": "table", "config": {"dataset": "equipements", "filters": {"theme": "ville"}}},
        ],
    )
    body = text_of(client_for(None).get("/tableaux-de-bord/valeurs/"))
    assert '<option value="Lyon">' in body and "Secretville" not in body


def test_a_text_block_is_sanitised_markdown(make_dashboard, client):
    make_dashboard(
        "texte",
        blocks=[{"kind": "text", "title": "Intro", "config": {"text": "## Titre\n\n**gras** <script>x()</script>"}}],
    )
    body = client.get("/tableaux-de-bord/texte/").content.decode()
    assert "<h2>Titre</h2>" in body and "<strong>gras</strong>" in body and "<script>x()" not in body


# --- key figures --------------------------------------------------------------------------------------------


def compute(dataset, where="", period="", **config):  # type: ignore[no-untyped-def]
    version = dataset.published_version
    return kpis.compute(version, kpis.KpiConfig(**config), columns_of(version.columns), where, period)


def test_a_key_figure_without_comparison(equipements):
    figure = compute(equipements, aggregation="sum", column="montant", unit="€")
    assert figure.value == pytest.approx(166.5) and not figure.compared
    assert figure.sentence == "Somme de montant : 166,5\u00a0€."


def test_a_key_figure_compared_with_the_previous_year(equipements):
    # 2024: three rows (12,5 + 100,25 + 42), 2023: two (7,75 + 0,5), 2022: one (3,5).
    figure = compute(equipements, compare="year", date_column="date_ouverture")
    assert (figure.period, figure.value, figure.previous_period, figure.previous) == ("2024", 3, "2023", 2)
    assert figure.change == pytest.approx(50.0) and figure.direction == "up"
    assert figure.sentence == "Nombre de lignes en 2024 : 3, en hausse de 50\u00a0% par rapport à 2023 (2)."
    total = compute(equipements, aggregation="sum", column="montant", compare="year", date_column="date_ouverture")
    assert total.value == pytest.approx(154.75) and total.previous == pytest.approx(8.25)
    assert total.change == pytest.approx((154.75 - 8.25) / 8.25 * 100)


def test_the_page_period_chooses_the_current_period(equipements):
    period = "date_ouverture >= date'2023-01-01' and date_ouverture < date'2024-01-01'"
    figure = compute(equipements, period=period, compare="year", date_column="date_ouverture")
    assert (figure.period, figure.value, figure.previous) == ("2023", 2, 1)
    assert figure.change == pytest.approx(100.0)
    earliest = "date_ouverture < date'2023-01-01'"
    first = compute(equipements, period=earliest, aggregation="sum", column="montant", compare="year",
                    date_column="date_ouverture")  # fmt: skip
    assert first.period == "2022" and first.previous is None and first.change is None
    assert "aucune donnée en 2021 pour comparer" in first.sentence


def test_a_decrease_and_other_conditions(equipements):
    figure = compute(
        equipements, where="ville = \"Lyon\"", aggregation="sum", column="montant", compare="year",
        date_column="date_ouverture",
    )  # fmt: skip
    # Lyon: 2024 = 12,5 (Gymnase Nord); 2023 = 7,75 (Piscine Été).
    assert figure.value == pytest.approx(12.5) and figure.previous == pytest.approx(7.75)
    none = compute(equipements, where='ville = "Nulle part"', compare="year", date_column="date_ouverture")
    assert none.value is None and none.sentence == "Nombre de lignes : aucune donnée."
    lower = kpis.Kpi("Total", 80, previous=100, change=-20.0, compared=True, period="2024", previous_period="2023")
    assert (
        lower.direction == "down" and "en baisse de 20\u00a0%" in lower.sentence and lower.shown_change == "−20\u00a0%"
    )


def test_month_periods_cross_the_year():
    assert kpis.periods(dt.date(2024, 1, 15), "month") == (
        dt.date(2023, 12, 1),
        dt.date(2024, 1, 1),
        dt.date(2024, 2, 1),
    )
    assert kpis.periods(dt.date(2024, 12, 31), "month")[2] == dt.date(2025, 1, 1)
    assert kpis.periods(dt.date(2024, 6, 1), "year") == (dt.date(2023, 1, 1), dt.date(2024, 1, 1), dt.date(2025, 1, 1))


def test_key_figure_settings_are_checked(equipements):
    columns = columns_of(equipements.published_version.columns)
    assert kpis.KpiConfig(aggregation="sum").validate(columns) == {
        "column": "Choisissez la colonne numérique à calculer."
    }
    assert "column" in kpis.KpiConfig(aggregation="avg", column="ville").validate(columns)
    assert "date_column" in kpis.KpiConfig(compare="year").validate(columns)
    assert "date_column" in kpis.KpiConfig(compare="year", date_column="montant").validate(columns)
    assert not kpis.KpiConfig(compare="month", date_column="date_ouverture").validate(columns)


def test_the_key_figure_block_has_its_text_alternative(make_dashboard, equipements, client):
    make_dashboard(
        "chiffre",
        blocks=[
            {
                "kind": "kpi",
                "title": "Équipements ouverts",
                "config": {"dataset": "equipements", "compare": "year", "date_column": "date_ouverture"},
            }
        ],
    )
    body = text_of(client.get("/tableaux-de-bord/chiffre/"))
    assert "Équipements ouverts en 2024 : 3, en hausse de 50\u00a0% par rapport à 2023 (2)." in body
    assert 'class="kpi-compare kpi-up"' in body


def test_page_filters_parse_only_enabled_filters():
    filters = PageFilters.parse({"period": {"label": "Année"}}, {"periode": " 2024 ", "theme": "x"})
    assert filters.labels == {"period": "Année"} and filters.values == {"period": "2024"}
    assert filters.params() == [("periode", "2024")]
