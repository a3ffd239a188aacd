"""GET /api/explore/v2.1/catalog/exports/{format}: the catalogue list, whole, streamed, as the person may see it."""

from __future__ import annotations

import csv
import io
import json
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from territoria.catalog import exports, services
from territoria.conftest import client_for

pytestmark = pytest.mark.django_db
URL = "/api/explore/v2.1/catalog/exports"
LIST = "/api/explore/v2.1/catalog/datasets"


def export(fmt: str, user=None, **params):  # type: ignore[no-untyped-def]
    query = urlencode(params, doseq=True)
    return client_for(user).get(f"{URL}/{fmt}" + (f"?{query}" if query else ""))


def body(response) -> bytes:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content
    assert response.streaming
    return b"".join(response.streaming_content)


def listed(user=None, **params) -> list[dict]:  # type: ignore[no-untyped-def]
    """What the catalogue list API answers (one page of 100: the test catalogues are smaller)."""
    response = client_for(user).get(LIST, {"limit": 100, **params})
    assert response.status_code == 200, response.content
    return json.loads(response.content)["results"]


def as_json(user=None, **params) -> list[dict]:  # type: ignore[no-untyped-def]
    response = export("json", user, **params)
    assert response["Content-Disposition"] == 'attachment; filename="catalogue.json"'
    return json.loads(body(response))


def as_jsonl(user=None, **params) -> list[dict]:  # type: ignore[no-untyped-def]
    return [json.loads(line) for line in body(export("jsonl", user, **params)).decode().splitlines()]


def as_csv(user=None, **params) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    response = export("csv", user, **params)
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(body(response).decode("utf-8-sig")), delimiter=params.get("delimiter", ",")))


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"where": '"budget"'},
        {"where": 'title like "*"', "order_by": "title desc"},
        {"refine": "keyword:budget"},
        {"exclude": "theme:EDUC", "order_by": "modified desc"},
        {"refine": "publisher:ville-test"},
        {"lang": "en", "order_by": "title"},
    ],
)
@pytest.mark.parametrize("kind", [None, "member", "owner"])
def test_exports_are_the_list_api_for_every_person_and_query(catalogue, member, owner, kind, params):
    user = {"member": member, "owner": owner}.get(kind or "")
    expected = listed(user, **params)
    assert as_json(user, **params) == expected
    assert as_jsonl(user, **params) == expected
    assert [r["dataset_id"] for r in as_csv(user, **params)] == [d["dataset_id"] for d in expected]


def test_theme_labels_follow_lang(catalogue):
    rows = {r["dataset_id"]: r for r in as_csv(lang="en")}
    assert rows["equipements-sportifs"]["theme"] == "Education, culture and sport"
    assert {r["dataset_id"]: r for r in as_csv()}["equipements-sportifs"]["theme"] == "Éducation, culture et sport"


def test_only_what_the_person_may_see(catalogue, member, outsider):
    anonymous = {d["dataset_id"] for d in as_json()}
    assert anonymous == {"equipements-sportifs", "arbres-autre-ville"}
    assert {d["dataset_id"] for d in as_json(outsider)} == anonymous
    assert {d["dataset_id"] for d in as_json(member)} == anonymous | {"budget-interne"}
    assert catalogue["restricted"].slug not in {d["dataset_id"] for d in as_jsonl(member)}
    text = body(export("csv")).decode()
    assert "Budget prévisionnel interne" not in text and "Dossiers sociaux" not in text and "brouillon" not in text


def test_no_row_limit_and_streamed_in_pieces(make_dataset, monkeypatch):
    monkeypatch.setattr(exports, "FLUSH", 7)
    for i in range(130):
        make_dataset(f"jeu-{i:03d}", f"Jeu {i:03d}")
    response = export("jsonl")
    pieces = [p for p in response.streaming_content if p]
    lines = b"".join(pieces).decode().splitlines()
    assert [json.loads(line)["dataset_id"] for line in lines] == [f"jeu-{i:03d}" for i in range(130)]
    assert len(pieces) >= 130 // 7
    assert len(as_csv()) == 130
    assert len(as_json()) == 130


def test_datasets_are_read_a_chunk_at_a_time(make_dataset):
    for i in range(45):
        make_dataset(f"jeu-{i:03d}", f"Jeu {i:03d}")
    search = services.DatasetSearch(AnonymousUser(), order_by=["-title"])

    def queries(chunk: int) -> tuple[list[str], int]:
        with CaptureQueriesContext(connection) as captured:
            slugs = [d.slug for d in search.each(chunk=chunk)]
        return slugs, len(captured.captured_queries)

    whole, one_chunk = queries(45)
    slugs, five_chunks = queries(10)
    assert slugs == whole == [f"jeu-{i:03d}" for i in reversed(range(45))]
    assert five_chunks - 1 == 5 * (one_chunk - 1)  # the ids once, then the same queries for each chunk


def test_csv_columns_lists_and_formula_protection(catalogue, make_dataset):
    make_dataset("formule", "=HYPERLINK(1)", themes=["EDUC", "ECON"], keywords=["a", "b"])
    rows = {r["dataset_id"]: r for r in as_csv(delimiter=";", with_bom="true")}
    first = as_json()[0]
    assert list(rows[first["dataset_id"]]) == list(exports.CSV_FIELDS) == list(exports.flat(first))
    assert rows["formule"]["title"] == "'=HYPERLINK(1)"
    assert rows["formule"]["keyword"] == "a, b"
    assert rows["equipements-sportifs"]["title"] == "Équipements sportifs"
    assert rows["equipements-sportifs"]["dcat.landing_page"].endswith("/datasets/equipements-sportifs/")
    assert body(export("csv", with_bom="true")).startswith("\ufeff".encode())
    assert not body(export("csv")).startswith("\ufeff".encode())


def test_an_empty_result_is_a_header_or_an_empty_array(catalogue):
    assert as_json(where='"introuvablexyz"') == []
    assert body(export("jsonl", where='"introuvablexyz"')) == b""
    assert body(export("csv", where='"introuvablexyz"')).decode().splitlines() == [",".join(exports.CSV_FIELDS)]


@pytest.mark.parametrize(
    ("fmt", "params", "status", "parameter"),
    [
        ("xlsx", {}, 404, "format"),
        ("csv", {"delimiter": "x"}, 400, "delimiter"),
        ("csv", {"with_bom": "peut-être"}, 400, "with_bom"),
        ("json", {"where": "title ="}, 400, "where"),
        ("json", {"refine": "nope:x"}, 400, "refine"),
        ("json", {"limit": "5"}, 400, "limit"),
        ("jsonl", {"lang": "de"}, 400, "lang"),
    ],
)
def test_errors_are_json(catalogue, api_error, fmt, params, status, parameter):
    body = api_error(export(fmt, **params), status, parameter=parameter)
    if fmt == "xlsx":
        assert all(name in body["message"] for name in exports.CONTENT_TYPES)
