"""/datasets/<slug>/: the dataset page (metadata, resources, safe Markdown)."""

import html
import re
from datetime import date

import pytest

from territoria.catalog import services
from territoria.catalog.models import Dataset, Resource
from territoria.conftest import client_for

pytestmark = pytest.mark.django_db


def body_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return html.unescape(response.content.decode())


def raw(slug: str, user=None):
    return client_for(user).get(f"/datasets/{slug}/")


@pytest.fixture
def full(org, demo_file):
    dataset = services.save_dataset(
        organisation=org,
        slug="stationnement",
        licence="etalab-2.0",
        title="Lieux de stationnement",
        description="Parkings **publics** du territoire.\n\n# Méthode\n\n- comptage\n- relevé",
        themes=["TRAN", "REGI"],
        keywords=["parking", "mobilité"],
        producer="Etalab",
        frequency="MONTHLY",
        temporal_start=date(2021, 1, 1),
        temporal_end=date(2023, 12, 31),
        spatial_coverage="Rennes",
        spatial_code="35238",
        contact_name="Service mobilités",
        contact_email="mobilites@example.org",
        source_name="etalab/schema-stationnement",
        source_url="https://github.com/etalab/schema-stationnement",
        attribution="Etalab — schéma Lieux de stationnement",
        table_schema={"name": "etalab/stationnement", "title": "Stationnement", "version": "0.1.5", "url": ""},
        published="2024-01-01T00:00:00+00:00",
    )
    csv = services.attach_file(dataset, demo_file("stationnement.csv"), title="Parkings (CSV)", position=0)
    xlsx = services.attach_file(dataset, demo_file("stationnement.xlsx"), title="Parkings (Excel)", position=1)
    link = Resource.objects.create(
        dataset=dataset, title="API temps réel", kind="link", url="https://api.example.org/parkings", position=2
    )
    return dataset, csv, xlsx, link


def test_metadata_is_shown(full):
    body = body_of(raw("stationnement"))
    assert "<h1>Lieux de stationnement</h1>" in body
    assert (
        '<a href="https://www.etalab.gouv.fr/licence-ouverte-open-licence/">Licence Ouverte / Open Licence 2.0</a>'
        in body
    )
    assert "<dt>Mise à jour</dt><dd>Mensuelle</dd>" in body
    assert ">Transports</a>" in body and ">Régions et villes</a>" in body
    assert 'href="/datasets/?theme=TRAN"' in body
    assert ">parking</a>" in body and ">mobilité</a>" in body
    assert 'href="/datasets/?keyword=mobilit%C3%A9"' in body
    assert '<a href="https://github.com/etalab/schema-stationnement">etalab/schema-stationnement</a>' in body
    assert "<dt>Attribution</dt><dd>Etalab — schéma Lieux de stationnement</dd>" in body
    assert "produit par Etalab" in body
    assert "Rennes (35238)" in body
    assert "mailto:mobilites@example.org" in body
    assert "Stationnement 0.1.5" in body
    assert "1 janvier 2021" in body and "31 décembre 2023" in body
    assert 'href="/organisations/ville-test/"' in body
    assert "/api/explore/v2.1/catalog/datasets/stationnement" in body


def test_resources_table_with_download_links(full):
    dataset, csv, xlsx, link = full
    body = body_of(raw("stationnement"))
    table = body.split('<table class="resources">')[1].split("</table>")[0]
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</th>(.*?)</tr>", table, re.S)
    assert [re.sub(r"<.*", "", title, flags=re.S) for title, _ in rows] == [
        "Parkings (CSV)",
        "Parkings (Excel)",
        "API temps réel",
    ]
    assert f'href="/datasets/stationnement/resources/{csv.pk}/download" download' in table
    assert f'href="/datasets/stationnement/resources/{xlsx.pk}/download" download' in table
    assert 'href="https://api.example.org/parkings">Ouvrir le lien' in table
    assert "<td>CSV</td>" in table and "<td>XLSX</td>" in table
    assert f"sha256 {csv.file_sha256[:16]}" in table


def test_every_download_link_on_the_page_works(full):
    client = client_for(None)
    body = client.get("/datasets/stationnement/").content.decode()
    links = re.findall(r'href="(/datasets/stationnement/resources/\d+/download)"', body)
    assert len(links) == 2
    for link in links:
        response = client.get(link)
        assert response.status_code == 200
        assert b"".join(response.streaming_content)


def test_dataset_without_resources(catalogue):
    assert "Aucun fichier pour le moment." in body_of(raw("equipements-sportifs"))


def test_markdown_is_rendered(full):
    body = raw("stationnement").content.decode()
    assert "Parkings <strong>publics</strong> du territoire." in body
    assert "<h2>Méthode</h2>" in body  # h1 shifted below the page title
    assert "<li>comptage</li>" in body
    assert body.count("<h1>") == 1


@pytest.mark.parametrize(
    ("markdown", "forbidden"),
    [
        ("Avant <script>alert('x')</script> après", "<script"),
        ("<SCRIPT SRC=https://evil.example/x.js></SCRIPT>", "<script"),
        ('<img src="x" onerror="alert(1)">', "onerror"),
        ("[clic](javascript:alert(1))", "javascript:"),
        ('<a href="javascript:alert(1)">clic</a>', "javascript:"),
        ("<iframe src='https://evil.example'></iframe>", "<iframe"),
        ("<style>body{display:none}</style>", "<style"),
        ('<p style="position:fixed">x</p>', "position:fixed"),
        ('<form action="https://evil.example"><input name=p></form>', "<form"),
    ],
)
def test_markdown_is_sanitised(markdown, forbidden, make_dataset):
    make_dataset("piege", "Piège", description=markdown)
    body = raw("piege").content.decode()
    prose = body.split('<div class="prose">')[1].split("</div>")[0]
    assert forbidden not in prose.lower()
    assert "<script" not in body.lower()


def test_links_in_markdown_are_kept_and_marked_nofollow(make_dataset):
    make_dataset("liens", "Liens", description="Voir [le site](https://example.org/page).")
    body = raw("liens").content.decode()
    assert re.search(r'<a href="https://example.org/page" rel="noopener noreferrer nofollow">le site</a>', body)


def test_title_and_metadata_are_escaped(make_dataset):
    make_dataset("echappe", "<b>Titre</b>", producer="<script>x()</script>", attribution='"><img src=x onerror=y>')
    body = raw("echappe").content.decode()
    assert "<b>Titre</b>" not in body
    assert "&lt;b&gt;Titre&lt;/b&gt;" in body
    assert "<script>" not in body
    assert "<img" not in body


def test_viewing_counts_a_consultation(catalogue):
    raw("equipements-sportifs")
    raw("equipements-sportifs")
    assert Dataset.objects.get(slug="equipements-sportifs").view_count == 2


@pytest.mark.parametrize(
    ("kind", "slug", "status"),
    [
        ("anonymous", "equipements-sportifs", 200),
        ("anonymous", "budget-interne", 404),
        ("anonymous", "dossiers-sociaux", 404),
        ("anonymous", "brouillon-velo", 404),
        ("outsider", "budget-interne", 404),
        ("member", "budget-interne", 200),
        ("member", "dossiers-sociaux", 404),
        ("member", "brouillon-velo", 404),
        ("owner", "dossiers-sociaux", 200),
        ("owner", "brouillon-velo", 200),
        ("admin_user", "dossiers-sociaux", 200),
    ],
)
def test_visibility(kind, slug, status, catalogue, request):
    user = None if kind == "anonymous" else request.getfixturevalue(kind)
    response = raw(slug, user)
    assert response.status_code == status
    title = Dataset.objects.get(slug=slug).title
    assert (title in response.content.decode()) is (status == 200)


def test_hidden_dataset_looks_exactly_like_a_missing_one(catalogue):
    hidden = raw("budget-interne")
    missing = raw("budget-inexistant")
    assert hidden.status_code == missing.status_code == 404

    def main(response):
        return response.content.decode().split("<main")[1].split("</main>")[0]

    assert main(hidden) == main(missing)
    assert "Budget" not in hidden.content.decode()


def test_hidden_dataset_view_is_not_counted(catalogue):
    raw("budget-interne")
    assert Dataset.objects.get(slug="budget-interne").view_count == 0


def test_internal_badge_for_agents(catalogue, member):
    body = body_of(raw("budget-interne", member))
    assert '<span class="badge">Interne (agents de l\'organisation)</span>' in body


def test_post_is_not_allowed(catalogue):
    assert client_for(None).post("/datasets/equipements-sportifs/").status_code == 405
