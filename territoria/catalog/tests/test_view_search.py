"""/datasets/: the catalogue search page with facets, sorting and pagination."""

import html
import re
from datetime import timedelta
from urllib.parse import parse_qs

import pytest
from django.utils import timezone

from territoria.catalog import services
from territoria.conftest import client_for

pytestmark = pytest.mark.django_db


FACET_LINK = re.compile(
    r'<li><a href="\?(?P<query>[^"]*)"(?P<attrs>[^>]*)>(?P<name>.*?)</a> <span class="count">(?P<count>\d+)</span></li>'
)


def page(user=None, query: str = "") -> str:
    response = client_for(user).get("/datasets/" + (f"?{query}" if query else ""))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    return response.content.decode()


def result_slugs(body: str) -> list[str]:
    return re.findall(r'<h3><a href="/datasets/([^/"]+)/">', body)


def facet_links(body: str) -> list[dict]:
    links = []
    for match in FACET_LINK.finditer(body):
        query = html.unescape(match["query"])
        links.append(
            {
                "query": query,
                "params": parse_qs(query),
                "selected": "aria-current" in match["attrs"],
                "name": html.unescape(re.sub(r"<span[^>]*>.*?</span>", "", match["name"])).strip(),
                "count": int(match["count"]),
            }
        )
    return links


def facet(body: str, name: str, value: str) -> dict:
    """The unselected link that adds ``name=value``."""
    for link in facet_links(body):
        if value in link["params"].get(name, []) and not link["selected"]:
            return link
    raise AssertionError(f"no facet link {name}={value}")


def named(body: str, label: str) -> dict:
    (link,) = [link for link in facet_links(body) if link["name"] == label]
    return link


# Search text


@pytest.mark.parametrize("text", ["equipement", "EQUIPEMENTS", "Équipements", "équipement sportif", "gymnase"])
def test_accents_and_case_are_ignored(text, catalogue):
    assert result_slugs(page(query=f"q={text}")) == ["equipements-sportifs"]


def test_description_only_match_is_found(catalogue):
    assert result_slugs(page(query="q=piscines")) == ["equipements-sportifs"]


def test_title_matches_rank_above_description_only_matches(make_dataset):
    make_dataset("aires-de-jeux", "Aires de jeux", description="Près des piscines municipales.")
    make_dataset("piscines", "Piscines municipales")
    make_dataset("bassins", "Bassins", keywords=["piscine"])
    assert result_slugs(page(query="q=piscine")) == ["piscines", "bassins", "aires-de-jeux"]


def test_relevance_is_offered_only_with_text(catalogue):
    assert 'value="relevance"' not in page()
    assert 'value="relevance" selected' in page(query="q=sport")


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("anonymous", "budget", []),
        ("outsider", "budget", []),
        ("member", "budget", ["budget-interne"]),
        ("member", "dossiers", []),
        ("member", "comptages", []),
        ("owner", "dossiers", ["dossiers-sociaux"]),
        ("owner", "comptages", ["brouillon-velo"]),
    ],
)
def test_search_never_shows_what_the_user_may_not_see(kind, text, expected, catalogue, request):
    user = None if kind == "anonymous" else request.getfixturevalue(kind)
    assert result_slugs(page(user, f"q={text}")) == expected


def test_listing_without_text_shows_only_visible_titles(catalogue, member):
    body = page()
    assert "Équipements sportifs" in body
    for hidden in ("Budget prévisionnel interne", "Dossiers sociaux nominatifs", "Comptages vélo"):
        assert hidden not in body
    assert "Budget prévisionnel interne" in page(member)


def test_search_text_is_escaped(catalogue):
    body = page(query="q=%3Cscript%3Ealert(1)%3C/script%3E")
    assert "<script>alert(1)" not in body
    assert "&lt;script&gt;alert(1)" in body


def test_nothing_found(catalogue):
    body = page(query="q=zzzzqqq")
    assert result_slugs(body) == []
    assert "Aucun jeu de données." in body
    assert re.search(r'id="results-title"[^>]*>0 jeux? de données<', body)


# Facets


def test_facets_show_counts_of_visible_datasets(make_dataset, catalogue):
    make_dataset("eau", "Qualité de l'eau", themes=["ENVI", "HEAL"], keywords=["eau"])
    body = page()
    assert facet(body, "theme", "ENVI")["count"] == 2
    assert facet(body, "theme", "ENVI")["name"] == "Environnement"
    assert facet(body, "theme", "HEAL")["count"] == 1
    assert facet(body, "publisher", "ville-test")["count"] == 2
    assert facet(body, "keyword", "eau")["count"] == 1
    assert "budget" not in [v for link in facet_links(body) for v in link["params"].get("keyword", [])]
    assert facet(body, "license", "etalab-2.0")["count"] == 3


def test_clicking_a_facet_refines_then_clicking_again_removes_it(make_dataset, catalogue):
    make_dataset("eau", "Qualité de l'eau", themes=["ENVI", "HEAL"])
    envi = facet(page(), "theme", "ENVI")
    assert not envi["selected"]
    refined = page(query=envi["query"])
    assert sorted(result_slugs(refined)) == ["arbres-autre-ville", "eau"]
    assert "2 jeux de données" in refined
    selected = named(refined, "Environnement")
    assert selected["selected"]
    assert selected["count"] == 2
    assert selected["params"].get("theme") is None  # the link now removes the filter
    assert 'class="active-filters"' in refined
    # Refine further on a second theme (AND).
    heal = facet(refined, "theme", "HEAL")
    assert heal["params"]["theme"] == ["ENVI", "HEAL"]
    assert result_slugs(page(query=heal["query"])) == ["eau"]
    # Remove the filter again.
    assert sorted(result_slugs(page(query=selected["query"]))) == sorted(result_slugs(page()))


def test_facets_combine_with_text(make_dataset, catalogue):
    make_dataset("stades", "Stades", themes=["ENVI"])
    body = page(query="q=stades&theme=ENVI")
    assert result_slugs(body) == ["stades"]
    assert 'type="hidden" name="theme" value="ENVI"' in body


def test_unknown_facet_parameters_are_ignored(catalogue):
    assert sorted(result_slugs(page(query="colour=red&theme="))) == ["arbres-autre-ville", "equipements-sportifs"]


# Sorting


@pytest.fixture
def sortable(make_dataset):
    now = timezone.now()
    made = {}
    for slug, title, days, views in [("b", "Bravo", 3, 5), ("a", "Alpha", 1, 50), ("c", "Charlie", 2, 500)]:
        made[slug] = make_dataset(slug, title, modified=now - timedelta(days=days))
        services.set_view_count(made[slug], views)
    return made


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["a", "b", "c"]),
        ("title", ["a", "b", "c"]),
        ("-modified", ["a", "c", "b"]),
        ("-popularity", ["c", "a", "b"]),
        ("nonsense", ["a", "b", "c"]),
    ],
)
def test_sort(sort, expected, sortable):
    body = page(query=f"sort={sort}")
    assert result_slugs(body) == expected


def test_sort_form_keeps_filters(sortable):
    body = page(query="q=alpha&theme=ENVI&page=2&sort=title")
    assert '<input type="hidden" name="q" value="alpha">' in body
    assert '<input type="hidden" name="theme" value="ENVI">' in body
    assert 'name="page"' not in body.split('class="sort"')[1].split("</form>")[0]


# Pagination


@pytest.fixture
def many(make_dataset):
    return [make_dataset(f"jeu-{n:02d}", f"Jeu {n:02d}") for n in range(25)]


def test_pagination_by_twenty(many):
    first = page()
    assert result_slugs(first) == [f"jeu-{n:02d}" for n in range(20)]
    assert "25 jeux de données" in first
    assert "Page 1 sur 2" in first
    next_link = html.unescape(re.search(r'<a href="\?([^"]*)" rel="next">', first)[1])
    assert parse_qs(next_link) == {"page": ["2"]}
    second = page(query=next_link)
    assert result_slugs(second) == [f"jeu-{n:02d}" for n in range(20, 25)]
    assert 'rel="next"' not in second
    assert 'rel="prev"' in second


def test_pagination_keeps_the_query(many):
    body = page(query="q=jeu&sort=title")
    next_link = parse_qs(html.unescape(re.search(r'<a href="\?([^"]*)" rel="next">', body)[1]))
    assert next_link == {"q": ["jeu"], "sort": ["title"], "page": ["2"]}


def test_pages_are_disjoint_and_complete(many):
    seen = result_slugs(page(query="page=1")) + result_slugs(page(query="page=2"))
    assert sorted(seen) == sorted(d.slug for d in many)


@pytest.mark.parametrize(("requested", "shown"), [("999", 2), ("abc", 1), ("0", 2), ("-1", 2)])
def test_out_of_range_pages_fall_back(requested, shown, many):
    body = page(query=f"page={requested}")
    assert f"Page {shown} sur 2" in body


def test_clicking_a_facet_resets_the_page(many, make_dataset):
    make_dataset("eau", "Eau", themes=["ENVI"])
    link = facet(page(query="page=2"), "theme", "ENVI")
    assert "page" not in link["params"]


def test_no_pagination_when_everything_fits(catalogue):
    assert 'class="pagination"' not in page()


@pytest.mark.parametrize("query", ["theme=%00", "keyword=a%00", "publisher=%00x"])
def test_a_nul_character_in_a_facet_is_not_a_500(query, catalogue):
    assert client_for(None).get(f"/datasets/?{query}").status_code in (200, 400)


def test_nul_character_in_the_search_text_is_a_400_naming_the_field(catalogue):
    response = client_for(None).get("/datasets/?q=%00sport")
    assert response.status_code == 400
    assert "« q »" in response.content.decode()


def test_post_is_not_allowed(db):
    assert client_for(None).post("/datasets/").status_code == 405
