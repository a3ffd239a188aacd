"""territoria.web.params: strict reading of API query parameters."""

import pytest
from django.http import QueryDict

from territoria.web.errors import ApiError
from territoria.web.params import get_int, reject_unknown


def q(text: str) -> QueryDict:
    return QueryDict(text)


def test_get_int_missing_or_empty_gives_the_default():
    assert get_int(q(""), "limit", 10, -1, 100) == 10
    assert get_int(q("limit="), "limit", 10, -1, 100) == 10


@pytest.mark.parametrize(("raw", "value"), [("-1", -1), ("0", 0), ("100", 100), ("42", 42)])
def test_get_int_accepts_the_inclusive_range(raw, value):
    assert get_int(q(f"limit={raw}"), "limit", 10, -1, 100) == value


@pytest.mark.parametrize("raw", ["-2", "101", "99999999999999999999"])
def test_get_int_out_of_range_names_the_parameter_and_the_bounds(raw):
    with pytest.raises(ApiError) as info:
        get_int(q(f"limit={raw}"), "limit", 10, -1, 100)
    error = info.value
    assert error.parameter == "limit"
    assert error.status == 400
    assert error.error_code == "InvalidParameter"
    assert "-1" in error.message and "100" in error.message
    assert "compris entre" in error.message


@pytest.mark.parametrize("raw", ["abc", "1.5", "1e3", "10%", "dix"])
def test_get_int_non_integers_are_refused_in_french(raw):
    with pytest.raises(ApiError) as info:
        get_int(q(f"limit={raw}"), "limit", 10, -1, 100)
    assert info.value.parameter == "limit"
    assert "nombre entier" in info.value.message


def test_get_int_echoes_at_most_fifty_characters_of_a_bad_value():
    raw = "x" * 500
    with pytest.raises(ApiError) as info:
        get_int(q(f"offset={raw}"), "offset", 0, 0, 10)
    assert "x" * 50 in info.value.message
    assert "x" * 51 not in info.value.message


def test_reject_unknown_accepts_known_parameters():
    reject_unknown(q("where=a&limit=2&refine=x&refine=y"), {"where", "limit", "refine"})


def test_reject_unknown_names_the_first_unknown_parameter_alphabetically():
    with pytest.raises(ApiError) as info:
        reject_unknown(q("where=a&zzz=1&limt=5"), {"where", "limit"})
    assert info.value.parameter == "limt"
    assert "limt" in info.value.message
    assert "limit, where" in info.value.message


def test_reject_unknown_is_case_sensitive():
    with pytest.raises(ApiError) as info:
        reject_unknown(q("Limit=5"), {"limit"})
    assert info.value.parameter == "Limit"
