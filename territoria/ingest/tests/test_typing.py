"""Type inference rules: nulls, booleans, numbers (French decimal commas), dates, datetimes, text."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from territoria.ingest.tests.test_typing_support import column, issues, run, values
from territoria.ingest.typing_rules import NULL_TOKENS

UTC = dt.UTC


def typed_one(tmp_path, raw_values, name="valeur"):
    result, table = run(tmp_path, {name: raw_values})
    return column(result, name), values(table, name), result


def test_null_tokens_are_one_constant_with_the_documented_list():
    expected = {"", "NA", "N/A", "n/a", "NULL", "null", "-", "—", "nd", "NR", "#N/A"}
    assert set(NULL_TOKENS) == expected


def test_every_null_token_and_whitespace_only_value_is_null_in_a_number_column(tmp_path):
    raw = ["12", *NULL_TOKENS, "   ", "\t", "\u00a0", "\u202f \n", None, "7"]
    col, got, _ = typed_one(tmp_path, raw)
    assert col.type == "integer"
    assert got == [12] + [None] * (len(raw) - 2) + [7]
    assert col.nulls == len(raw) - 2


def test_null_tokens_also_empty_text_columns_and_text_is_trimmed(tmp_path):
    col, got, _ = typed_one(tmp_path, ["  Lyon\u00a0", "NA", "Saint-Étienne ", "\tÉvry-Courcouronnes"], "commune")
    assert col.type == "text"
    assert got == ["Lyon", None, "Saint-Étienne", "Évry-Courcouronnes"]


def test_all_null_column_is_text(tmp_path):
    col, got, _ = typed_one(tmp_path, ["", "NA", None])
    assert (col.type, col.nulls, got) == ("text", 3, [None, None, None])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (["oui", "non", "Oui", "NON"], [True, False, True, False]),
        (["vrai", "faux"], [True, False]),
        (["true", "false", "TRUE"], [True, False, True]),
        (["yes", "no"], [True, False]),
        (["O", "n", "o"], [True, False, True]),
    ],
)
def test_boolean_words(tmp_path, raw, expected):
    col, got, _ = typed_one(tmp_path, raw, "reponse")
    assert col.type == "boolean"
    assert got == expected


def test_zero_one_is_boolean_only_with_a_flag_like_name(tmp_path):
    result, table = run(tmp_path, {"est_actif": ["1", "0", "1"], "nb_velos": ["1", "0", "1"]})
    assert column(result, "est_actif").type == "boolean"
    assert values(table, "est_actif") == [True, False, True]
    assert column(result, "nb_velos").type == "integer"
    assert values(table, "nb_velos") == [1, 0, 1]


def test_zero_one_with_a_two_is_integer_even_with_a_flag_name(tmp_path):
    col, got, _ = typed_one(tmp_path, ["1", "0", "2"], "est_actif")
    assert (col.type, got) == ("integer", [1, 0, 2])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (["+5", "-12", "0", "42"], [5, -12, 0, 42]),
        (["1 234 567", "12"], [1234567, 12]),  # space
        (["1\u00a0234", "5"], [1234, 5]),  # no-break space
        (["1\u202f234\u202f567", "-2\u202f000"], [1234567, -2000]),  # narrow no-break space
        (["1.234.567", "12"], [1234567, 12]),  # "." thousands: only possible with a decimal comma
        (["9223372036854775", "1"], [9223372036854775, 1]),
    ],
)
def test_integers(tmp_path, raw, expected):
    col, got, _ = typed_one(tmp_path, raw)
    assert col.type == "integer"
    assert got == expected
    assert pa.types.is_int64(col_type(tmp_path))


def col_type(tmp_path):
    import pyarrow.parquet as pq

    return pq.read_schema(tmp_path / "typed.parquet").field("valeur").type


@pytest.mark.parametrize(
    ("raw", "expected", "mark"),
    [
        (["1 234,56", "1.234,56", "0,5", "12"], [1234.56, 1234.56, 0.5, 12.0], ","),
        (["1234.56", "-0.5", "1 234.5", "3"], [1234.56, -0.5, 1234.5, 3.0], "."),
        (["1.234", "5,5"], [1234.0, 5.5], ","),  # a decimal comma elsewhere: "1.234" is a thousand
        (["1.234", "2.5"], [1.234, 2.5], "."),  # no comma anywhere: "1.234" is a decimal
        (["1,234", "12,5"], [1.234, 12.5], ","),  # "," is never a thousands separator
        (["1.5e-3", "2.0E2"], [0.0015, 200.0], "."),
        (["-1\u202f234,5", "+0,25"], [-1234.5, 0.25], ","),
    ],
)
def test_decimals_and_french_decimal_commas(tmp_path, raw, expected, mark):
    col, got, _ = typed_one(tmp_path, raw)
    assert col.type == "decimal"
    assert got == pytest.approx(expected)
    assert col.details["decimal_mark"] == mark
    assert pa.types.is_float64(col_type(tmp_path))


def test_both_decimal_marks_in_one_column_is_text(tmp_path):
    col, got, _ = typed_one(tmp_path, ["1.5", "2.25", "1,5"])
    assert col.type == "text"
    assert got == ["1.5", "2.25", "1,5"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (["2024-01-31", "2024-2-1"], [dt.date(2024, 1, 31), dt.date(2024, 2, 1)]),
        (["31/01/2024", "1/2/2024"], [dt.date(2024, 1, 31), dt.date(2024, 2, 1)]),
        (["31/01/24", "01/02/68", "01/02/69"], [dt.date(2024, 1, 31), dt.date(2068, 2, 1), dt.date(1969, 2, 1)]),
        (["31-01-2024", "29-02-2024"], [dt.date(2024, 1, 31), dt.date(2024, 2, 29)]),
        (["31.01.2024"], [dt.date(2024, 1, 31)]),
        (["2024/01/31"], [dt.date(2024, 1, 31)]),
        (["2024-01-31", "31/01/2024", "31.01.2024"], [dt.date(2024, 1, 31)] * 3),
    ],
)
def test_dates_day_first(tmp_path, raw, expected):
    col, got, _ = typed_one(tmp_path, raw, "date_releve")
    assert col.type == "date"
    assert got == expected


@pytest.mark.parametrize(
    "bad",
    ["31/02/2024", "29/02/2023", "31/04/2024", "00/01/2024", "12/13/2024", "2024-02-30", "32.01.2024"],
)
def test_impossible_dates_are_not_dates(tmp_path, bad):
    col, got, _ = typed_one(tmp_path, ["31/01/2024", "28/02/2024", bad], "date_releve")
    assert col.type == "text"
    assert got[2] == bad


def test_one_impossible_date_among_many_is_reported_as_mixed(tmp_path):
    raw = [f"{d:02d}/01/2024" for d in range(1, 21)] + ["31/02/2024"]
    col, got, result = typed_one(tmp_path, raw, "date_releve")
    assert col.type == "text"
    (issue,) = issues(result, "mixed-types")
    assert issue.details["dominant_type"] == "date"
    assert issue.details["examples"] == [{"row": 21, "value": "31/02/2024"}]
    assert "« date »" in issue.message and "31/02/2024" in issue.message and "ligne 21" in issue.message


def test_naive_datetimes(tmp_path):
    raw = ["2024-01-05T10:30:15", "2024-01-05 10:30", "2024-01-05T10:30", "05/01/2024 09:15", "5/1/2024 9:15:30"]
    raw += ["2024-01-05 9:05", "2024-01-05T10:30:15.250"]
    col, got, _ = typed_one(tmp_path, raw, "horodatage")
    assert col.type == "datetime"
    assert col.details["sql_type"] == "TIMESTAMP"
    assert got == [
        dt.datetime(2024, 1, 5, 10, 30, 15),
        dt.datetime(2024, 1, 5, 10, 30),
        dt.datetime(2024, 1, 5, 10, 30),
        dt.datetime(2024, 1, 5, 9, 15),
        dt.datetime(2024, 1, 5, 9, 15, 30),
        dt.datetime(2024, 1, 5, 9, 5),
        dt.datetime(2024, 1, 5, 10, 30, 15, 250000),
    ]


def test_datetimes_with_offsets_are_timestamptz_in_utc(tmp_path):
    raw = ["2024-01-05T10:30:00+02:00", "2024-01-05T10:30Z", "2024-01-05 10:30:00+0100", "2024-01-05T10:30-05"]
    raw += ["2024-01-05 10:30 +02:00", "2024-01-05T10:30:00.5Z"]
    col, got, _ = typed_one(tmp_path, raw, "horodatage")
    assert (col.type, col.details["sql_type"]) == ("datetime", "TIMESTAMPTZ")
    assert got == [
        dt.datetime(2024, 1, 5, 8, 30, tzinfo=UTC),
        dt.datetime(2024, 1, 5, 10, 30, tzinfo=UTC),
        dt.datetime(2024, 1, 5, 9, 30, tzinfo=UTC),
        dt.datetime(2024, 1, 5, 15, 30, tzinfo=UTC),
        dt.datetime(2024, 1, 5, 8, 30, tzinfo=UTC),
        dt.datetime(2024, 1, 5, 10, 30, 0, 500000, tzinfo=UTC),
    ]


def test_dates_mixed_with_datetimes_make_a_datetime_column(tmp_path):
    col, got, _ = typed_one(tmp_path, ["2024-01-05", "2024-01-06 12:00"], "horodatage")
    assert col.type == "datetime"
    assert got == [dt.datetime(2024, 1, 5), dt.datetime(2024, 1, 6, 12)]


@pytest.mark.parametrize("bad", ["2024-02-30T10:30", "2024-01-05 25:30", "2024-01-05T10:61Z", "2024-01-05T10:30+2"])
def test_impossible_datetime_is_not_a_datetime(tmp_path, bad):
    col, _, _ = typed_one(tmp_path, ["2024-01-05T10:30", bad], "horodatage")
    assert col.type == "text"


def test_late_odd_value_makes_text_with_a_french_mixed_types_warning(tmp_path):
    raw = [str(i) for i in range(1, 40)] + ["12 bis", "13 ter", "", "N/A", "x", "y"]
    col, got, result = typed_one(tmp_path, raw, "numero")
    assert col.type == "text"
    assert got[39] == "12 bis" and got[42] is None
    (issue,) = issues(result, "mixed-types")
    assert issue.severity == "warning"
    assert issue.column == "Numero"
    assert issue.row == 40
    assert issue.details["not_fitting"] == 4
    assert issue.details["dominant_type"] == "integer"
    assert [e["row"] for e in issue.details["examples"]] == [40, 41, 44]  # at most 3, first rows first
    assert "ligne" in issue.details["row_basis"]
    assert "nombre entier" in issue.message and "« 12 bis » (ligne 40)" in issue.message
    assert "4 valeurs" in issue.message


def test_no_mixed_warning_below_ninety_percent(tmp_path):
    col, _, result = typed_one(tmp_path, ["1", "2", "3", "4", "5", "6", "7", "8", "a", "b"], "numero")
    assert col.type == "text"
    assert issues(result, "mixed-types") == []


def test_decimal_dominant_when_integers_and_decimals_mix_with_junk(tmp_path):
    raw = [str(i) for i in range(30)] + ["1,5"] * 10 + ["inconnu"]
    _, _, result = typed_one(tmp_path, raw)
    (issue,) = issues(result, "mixed-types")
    assert issue.details["dominant_type"] == "decimal"
    assert issue.details["examples"] == [{"row": 41, "value": "inconnu"}]


def test_text_input_round_trips_unchanged_there_is_no_encoding_step(tmp_path):
    raw = ["Saint-Étienne", "µg/m³", "L'Haÿ-les-Roses", "Œuvre — « citée »", "日本"]
    col, got, _ = typed_one(tmp_path, raw, "commune")
    assert col.type == "text"
    assert got == raw
