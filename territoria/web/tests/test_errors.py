"""territoria.web.errors: the one JSON error shape of every API."""

import json

import pytest

from territoria.web.errors import ApiError, NotFound, error_response, generic_error, is_api_path


def test_minimal_error_has_exactly_the_three_required_keys():
    assert ApiError("Mauvais paramètre.").as_dict() == {
        "error_code": "InvalidParameter",
        "message": "Mauvais paramètre.",
        "status": 400,
    }


def test_optional_details_appear_only_when_given():
    error = ApiError(
        "where : champ inconnu",
        parameter="where",
        position=7,
        expected=["title", "theme"],
        error_code="ODSQLError",
    )
    assert error.as_dict() == {
        "error_code": "ODSQLError",
        "message": "where : champ inconnu",
        "status": 400,
        "parameter": "where",
        "position": 7,
        "expected": ["title", "theme"],
    }


def test_empty_expected_list_is_left_out():
    assert "expected" not in ApiError("x", expected=[]).as_dict()


def test_status_and_code_may_be_overridden_per_instance_without_touching_the_class():
    error = ApiError("Trop de requêtes.", status=429, error_code="TooManyRequests")
    assert (error.status, error.error_code) == (429, "TooManyRequests")
    assert (ApiError.status, ApiError.error_code) == (400, "InvalidParameter")


def test_not_found_defaults():
    body = NotFound("Aucun jeu de données « x ».", parameter="dataset_id").as_dict()
    assert body == {
        "error_code": "NotFound",
        "message": "Aucun jeu de données « x ».",
        "status": 404,
        "parameter": "dataset_id",
    }


def test_api_error_is_an_exception_carrying_its_message():
    error = ApiError("Message.")
    assert isinstance(error, Exception)
    assert str(error) == "Message."


def test_error_response_is_json_with_the_status_and_unescaped_french():
    response = error_response(ApiError("« limit » doit être compris entre -1 et 100.", parameter="limit"))
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "« limit » doit être".encode() in response.content
    assert json.loads(response.content)["parameter"] == "limit"


@pytest.mark.parametrize(
    ("status", "code"),
    [(400, "BadRequest"), (403, "Forbidden"), (404, "NotFound"), (405, "MethodNotAllowed"), (500, "InternalError")],
)
def test_generic_errors_of_known_statuses(status, code):
    error = generic_error(status)
    assert (error.status, error.error_code) == (status, code)
    assert error.message
    assert set(error.as_dict()) == {"error_code", "message", "status"}


def test_generic_error_of_an_unlisted_status_keeps_the_status():
    error = generic_error(418)
    assert (error.status, error.error_code) == (418, "Error")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/api/", True),
        ("/api/explore/v2.1/catalog/datasets", True),
        ("/api", False),
        ("/apis/x", False),
        ("/datasets/api/", False),
        ("/", False),
    ],
)
def test_is_api_path(path, expected):
    assert is_api_path(path) is expected
