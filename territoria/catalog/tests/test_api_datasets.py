"""GET /api/explore/v2.1/catalog/datasets: the catalogue in the shape of Opendatasoft's Explore API v2.1."""

import hashlib
import json
import uuid
from urllib.parse import urlencode, urlsplit

import pytest
from django.contrib.auth.models import AnonymousUser

from territoria.catalog import services
from territoria.catalog.models import Resource
from territoria.conftest import client_for

URL = "/api/explore/v2.1/catalog/datasets"

pytestmark = pytest.mark.django_db


def get(user=None, **params):
    query = urlencode(params, doseq=True)
    return client_for(user).get(f"{URL}?{query}" if query else URL)


def ok(response) -> dict:
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


def ids(body) -> list[str]:
    return [r["dataset_id"] for r in body["results"]]


@pytest.fixture
def files(catalogue, demo_file):
    public = catalogue["public"]
    csv = services.attach_file(public, demo_file("friches.csv"), title="Friches (CSV)")
    link = Resource.objects.create(
        dataset=public, title="Portail national", kind="link", url="https://data.gouv.fr/x", position=5
    )
    return csv, link


# Shape


def test_result_shape(catalogue, files):
    body = ok(get(where='dataset_id = "equipements-sportifs"'))
    assert body["total_count"] == 1
    (item,) = body["results"]
    public = catalogue["public"]
    assert item["dataset_id"] == "equipements-sportifs"
    assert uuid.UUID(item["dataset_uid"]) == public.uid
    assert item["visibility"] == "public"
    assert item["has_records"] is False
    default = item["metas"]["default"]
    assert default["title"] == "Équipements sportifs"
    assert default["description"] == "Gymnases, stades et piscines de la commune."
    assert default["theme"] == ["Éducation, culture et sport"]
    assert sorted(default["keyword"]) == ["gymnase", "sport"]
    assert default["license"] == "Licence Ouverte / Open Licence 2.0"
    assert default["license_url"] == "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
    assert default["publisher"] == "Ville de Test"
    assert default["modified"].startswith(public.modified.isoformat()[:19])
    assert default["language"] == "fr"
    dcat = item["metas"]["dcat"]
    assert dcat["theme_uri"] == ["http://publications.europa.eu/resource/authority/data-theme/EDUC"]
    assert dcat["accrualperiodicity"] == "http://publications.europa.eu/resource/authority/frequency/UNKNOWN"
    assert dcat["landing_page"] == "http://testserver/datasets/equipements-sportifs/"
    assert dcat["issued"] is not None
    assert dcat["publisher_type"] == "commune"


def test_attachments_give_working_download_urls(files, client):
    csv, link = files
    item = ok(get(where='dataset_id = "equipements-sportifs"'))["results"][0]
    attachments = {a["title"]: a for a in item["attachments"]}
    stored = attachments["Friches (CSV)"]
    assert stored["id"] == str(csv.pk)
    assert stored["format"] == "CSV"
    assert stored["mimetype"] == "text/csv"
    assert stored["size"] == csv.size
    assert stored["checksum"] == "sha256:" + csv.file_sha256
    url = urlsplit(stored["url"])
    assert (url.scheme, url.netloc) == ("http", "testserver")
    response = client.get(url.path)
    assert response.status_code == 200
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == csv.file_sha256
    assert attachments["Portail national"]["url"] == "https://data.gouv.fr/x"
    assert attachments["Portail national"]["checksum"] is None
    assert [a["title"] for a in item["attachments"]] == ["Friches (CSV)", "Portail national"]


# Visibility


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("anonymous", {"equipements-sportifs", "arbres-autre-ville"}),
        ("outsider", {"equipements-sportifs", "arbres-autre-ville"}),
        ("member", {"equipements-sportifs", "arbres-autre-ville", "budget-interne"}),
        (
            "owner",
            {"equipements-sportifs", "arbres-autre-ville", "budget-interne", "dossiers-sociaux", "brouillon-velo"},
        ),
        (
            "admin_user",
            {"equipements-sportifs", "arbres-autre-ville", "budget-interne", "dossiers-sociaux", "brouillon-velo"},
        ),
    ],
)
def test_lists_exactly_what_the_user_may_see(kind, expected, catalogue, request):
    user = None if kind == "anonymous" else request.getfixturevalue(kind)
    body = ok(get(user, limit=100))
    assert set(ids(body)) == expected
    assert body["total_count"] == len(expected)


@pytest.mark.parametrize(
    "where",
    ['"budget"', 'keyword = "budget"', 'title like "Budget*"', 'theme = "ECON"', "popularity >= 0 and true"],
)
def test_where_never_reveals_hidden_datasets(where, catalogue):
    assert "budget-interne" not in ids(ok(get(where=where)))


def test_where_on_an_internal_dataset_works_for_its_agents(catalogue, member):
    assert ids(ok(get(member, where='"budget"'))) == ["budget-interne"]


# Text search


@pytest.mark.parametrize("text", ["equipement", "EQUIPEMENTS", "Équipements", "gymnase", "piscines", "stades"])
def test_where_with_a_bare_string_searches_title_keywords_description(text, catalogue):
    assert ids(ok(get(where=f'"{text}"'))) == ["equipements-sportifs"]


def test_where_text_ranks_title_matches_first(make_dataset):
    make_dataset("aires-de-jeux", "Aires de jeux", description="Près des piscines.")
    make_dataset("piscines", "Piscines municipales")
    assert ids(ok(get(where='"piscine"'))) == ["piscines", "aires-de-jeux"]


# Ordering and paging


@pytest.fixture
def numbered(make_dataset):
    made = []
    for n in range(12):
        dataset = make_dataset(f"jeu-{n:02d}", f"Jeu {n:02d}", themes=["ENVI"] if n % 2 else ["TRAN"])
        services.set_view_count(dataset, 100 - n)
        made.append(dataset)
    return made


def test_default_order_is_by_title(numbered):
    body = ok(get(limit=20))
    assert ids(body) == [f"jeu-{n:02d}" for n in range(12)]


def test_order_by(numbered):
    assert ids(ok(get(order_by="popularity", limit=3))) == ["jeu-11", "jeu-10", "jeu-09"]
    assert ids(ok(get(order_by="popularity desc", limit=3))) == ["jeu-00", "jeu-01", "jeu-02"]
    assert ids(ok(get(order_by="title desc", limit=2))) == ["jeu-11", "jeu-10"]


def test_limit_offset_and_total_count(numbered):
    body = ok(get(limit=5, offset=10))
    assert ids(body) == ["jeu-10", "jeu-11"]
    assert body["total_count"] == 12
    assert ok(get())["total_count"] == 12
    assert len(ok(get())["results"]) == 10  # default limit


def test_pages_cover_everything_once(numbered):
    seen = []
    for offset in range(0, 12, 5):
        seen += ids(ok(get(limit=5, offset=offset)))
    assert sorted(seen) == sorted(d.slug for d in numbered)
    assert len(seen) == len(set(seen))


def test_limit_zero_counts_without_results(numbered):
    body = ok(get(limit=0))
    assert body == {"total_count": 12, "results": []}


def test_limit_minus_one_means_the_maximum(numbered, settings):
    settings.API_MAX_LIMIT = 7
    assert len(ok(get(limit=-1))["results"]) == 7
    assert len(ok(get(limit=7))["results"]) == 7


def test_offset_up_to_the_ceiling_is_accepted(numbered):
    assert ok(get(offset=10_000, limit=0))["results"] == []
    assert ok(get(offset=9_990, limit=10))["results"] == []


# Refine, exclude, lang


def test_refine_repeated_means_and(make_dataset):
    make_dataset("both", "Both", themes=["ENVI", "TRAN"])
    make_dataset("envi", "Envi", themes=["ENVI"])
    make_dataset("tran", "Tran", themes=["TRAN"])
    assert set(ids(ok(get(refine=["theme:ENVI"])))) == {"both", "envi"}
    assert ids(ok(get(refine=["theme:ENVI", "theme:TRAN"]))) == ["both"]
    assert ids(ok(get(refine=['theme:"Environnement"', 'theme:"Transports"']))) == ["both"]


def test_exclude(make_dataset):
    make_dataset("both", "Both", themes=["ENVI", "TRAN"])
    make_dataset("envi", "Envi", themes=["ENVI"])
    make_dataset("tran", "Tran", themes=["TRAN"])
    assert ids(ok(get(exclude="theme:TRAN"))) == ["envi"]
    assert ids(ok(get(exclude=["theme:TRAN", "theme:ENVI"]))) == []
    assert ids(ok(get(refine="theme:ENVI", exclude="theme:TRAN"))) == ["envi"]


def test_refine_by_publisher_keyword_license(catalogue, owner):
    assert set(ids(ok(get(owner, refine="publisher:autre-ville")))) == {"arbres-autre-ville"}
    assert ids(ok(get(owner, refine='keyword:"social"'))) == ["dossiers-sociaux"]
    assert ok(get(owner, refine="license:etalab-2.0"))["total_count"] == 5


def test_lang_changes_theme_labels_only(catalogue):
    body = ok(get(lang="en", where='dataset_id = "equipements-sportifs"'))
    default = body["results"][0]["metas"]["default"]
    assert default["theme"] == ["Education, culture and sport"]
    assert default["title"] == "Équipements sportifs"
    assert ok(get(lang="fr", where='dataset_id = "equipements-sportifs"'))["results"][0]["metas"]["default"][
        "theme"
    ] == ["Éducation, culture et sport"]


def test_lang_en_refines_by_english_label(catalogue):
    assert ids(ok(get(lang="en", refine='theme:"Environment"'))) == ["arbres-autre-ville"]


def test_opendatasoft_compatibility_parameters_are_accepted(catalogue):
    body = ok(get(apikey="abc", timezone="Europe/Paris", include_links="true", include_app_metas="false"))
    assert body["total_count"] == 2


def test_where_with_dates_and_numbers(catalogue):
    assert ok(get(where="modified >= date'2000-01-01' and popularity >= 0"))["total_count"] == 2
    assert ok(get(where="modified < date'2000-01-01'"))["total_count"] == 0


# Errors: always the JSON error shape, never HTML, never 500


@pytest.mark.parametrize("limit", ["101", "-2", "100000"])
def test_limit_out_of_range(limit, api_error, catalogue):
    body = api_error(get(limit=limit), 400, "InvalidParameter", "limit")
    assert "compris entre -1 et 100" in body["message"]


def test_limit_ceiling_follows_the_setting(settings, api_error, catalogue):
    settings.API_MAX_LIMIT = 7
    body = api_error(get(limit=8), 400, "InvalidParameter", "limit")
    assert "compris entre -1 et 7" in body["message"]


@pytest.mark.parametrize(("name", "value"), [("limit", "dix"), ("limit", "1.5"), ("offset", "x"), ("offset", "")])
def test_non_integer_limit_or_offset(name, value, api_error, catalogue):
    response = get(**{name: value})
    if value == "":
        assert response.status_code == 200  # empty means default
        return
    body = api_error(response, 400, "InvalidParameter", name)
    assert "nombre entier" in body["message"]


def test_negative_offset(api_error, catalogue):
    api_error(get(offset=-1), 400, "InvalidParameter", "offset")


@pytest.mark.parametrize(("offset", "limit"), [(9_995, 10), (10_000, 1), (9_950, -1)])
def test_offset_plus_limit_above_ten_thousand(offset, limit, api_error, catalogue):
    body = api_error(get(offset=offset, limit=limit), 400, "InvalidParameter", "offset")
    assert "10000" in body["message"].replace("\u202f", "").replace(" ", "")


def test_unknown_parameter(api_error, catalogue):
    body = api_error(get(limt=5), 400, "InvalidParameter", "limt")
    assert "Paramètre inconnu" in body["message"]
    assert "limit" in body["message"]


def test_unknown_refine_facet(api_error, catalogue):
    body = api_error(get(refine="colour:red"), 400, "InvalidParameter", "refine")
    assert "facette inconnue « colour »" in body["message"]
    assert "theme" in body["message"]


def test_unknown_exclude_facet(api_error, catalogue):
    api_error(get(exclude="colour:red"), 400, "InvalidParameter", "exclude")


@pytest.mark.parametrize("refine", ["theme", "theme:", ':"x"', 'theme:"unterminated', 'theme:"a" b'])
def test_malformed_refine(refine, api_error, catalogue):
    body = api_error(get(refine=refine), 400, "ODSQLError", "refine")
    assert body["message"].startswith("refine :")


def test_malformed_exclude_message_names_exclude(api_error, catalogue):
    body = api_error(get(exclude="theme"), 400, "ODSQLError", "exclude")
    assert body["message"].startswith("exclude :")


@pytest.mark.parametrize(
    "where",
    ["title =", 'title = "x" and', "(title = 'x'", 'title == "x"', "title = 'x' )", '"unterminated'],
)
def test_malformed_where(where, api_error, catalogue):
    body = api_error(get(where=where), 400, "ODSQLError", "where")
    assert "position" in body
    assert 1 <= body["position"] <= len(where) + 1
    assert body["message"].startswith("where :")
    assert "position" in body["message"]


def test_malformed_where_reports_the_position_and_what_was_expected(api_error, catalogue):
    body = api_error(get(where="title ="), 400, "ODSQLError", "where")
    assert body["position"] == 8
    assert "attendu" in body["message"]
    assert body["expected"]


def test_unknown_field_suggests_the_right_one(api_error, catalogue):
    body = api_error(get(where='titel = "x"'), 400, "ODSQLError", "where")
    assert "champ inconnu « titel »" in body["message"]
    assert "vouliez-vous dire « title » ?" in body["message"]
    assert body["position"] == 1
    assert "title" in body["expected"]


def test_bad_order_by(api_error, catalogue):
    body = api_error(get(order_by="description"), 400, "ODSQLError", "order_by")
    assert "tri" in body["message"]
    api_error(get(order_by="title descending"), 400, "ODSQLError", "order_by")


def test_unknown_lang(api_error, catalogue):
    body = api_error(get(lang="de"), 400, "InvalidParameter", "lang")
    assert "fr, en" in body["message"]


@pytest.mark.parametrize("where", ["modified > 5", "issued in (2020, 2021)"])
def test_a_number_for_a_date_is_a_400_not_a_500(where, api_error, catalogue):
    api_error(get(where=where), 400, "ODSQLError", "where")


def test_post_is_a_json_405(api_error, catalogue):
    api_error(client_for(None).post(URL, {"where": "true"}), 405, "MethodNotAllowed")


def test_never_html_even_for_odd_input(api_error, catalogue):
    for params in ({"where": "\x00"}, {"where": "é" * 6000}, {"refine": "\x00:\x00"}, {"order_by": ","}):
        response = get(**params)
        assert response.status_code == 400, params
        api_error(response)


@pytest.mark.parametrize(
    "params",
    [{"refine": "theme:\x00"}, {"refine": "keyword:a\x00b"}, {"exclude": "theme:\x00"}, {"where": 'title = "a\x00"'}],
)
def test_a_nul_character_is_a_400_not_a_500(params, api_error, catalogue):
    response = get(**params)
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        api_error(response)


def test_anonymous_user_object_is_the_same_as_no_session(catalogue):
    assert services.DatasetSearch(AnonymousUser()).count() == ok(get())["total_count"]
