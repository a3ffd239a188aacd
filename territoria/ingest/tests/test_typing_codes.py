"""Codes stay text with their leading zeros: INSEE, postal codes, phones, SIRET/SIREN, Corsica."""

from __future__ import annotations

import pytest

from territoria.ingest.tests.test_typing_support import column, issues, run, values


def typed(tmp_path, name, raw):
    result, table = run(tmp_path, {name: raw})
    return column(result, name), values(table, name), result


@pytest.mark.parametrize(
    ("name", "raw", "rule"),
    [
        ("commune_ref", ["01053", "69123", "75056"], "leading-zeros"),  # INSEE, no hint in the name
        ("code_postal", ["05000", "69001", "75001"], "name"),
        ("numero", ["0612345678", "0478123456"], "leading-zeros"),  # phones
        ("id_station", ["001", "002", "010"], "leading-zeros"),
        ("reference", ["01,5", "2,5"], "leading-zeros"),  # numeric-looking with a leading zero
    ],
)
def test_leading_zeros_or_code_names_keep_text(tmp_path, name, raw, rule):
    col, got, result = typed(tmp_path, name, raw)
    assert col.type == "text"
    assert got == raw  # leading zeros intact
    assert col.details["reason"] == "code"
    assert col.details["code_rule"] == rule
    assert issues(result, "mixed-types") == []


@pytest.mark.parametrize(
    "name",
    ["code_insee", "insee", "cp", "code_commune", "siret", "siren", "rna", "tel", "telephone", "phone", "mobile"]
    + ["code_naf", "iban", "nir", "num_tel"],
)
def test_code_names_keep_numbers_as_text(tmp_path, name):
    col, got, _ = typed(tmp_path, name, ["75056", "69123", "13055"])
    assert (col.type, col.details["reason"], got) == ("text", "code", ["75056", "69123", "13055"])


def test_names_are_matched_by_token_not_substring(tmp_path):
    result, _ = run(tmp_path, {"hotel": ["12", "15"], "nb_codes": ["1", "2"], "cpt": ["3", "4"]})
    assert column(result, "hotel").type == "integer"  # "tel" inside "hotel" is not a phone
    assert column(result, "nb_codes").type == "integer"  # "codes" is not the token "code"
    assert column(result, "cpt").type == "integer"  # nor "cpt" the token "cp"


@pytest.mark.parametrize(
    ("raw", "rule"),
    [
        (["73282932000074", "35600000000048", "55208131766522"], "siret"),
        (["732829320", "356000000", "552081317"], "siren"),
    ],
)
def test_siret_and_siren_by_shape_stay_text(tmp_path, raw, rule):
    col, got, _ = typed(tmp_path, "etablissement", raw)
    assert (col.type, col.details["code_rule"], got) == ("text", rule, raw)


def test_varied_lengths_are_numbers_not_siren(tmp_path):
    col, _, _ = typed(tmp_path, "montant", ["732829320", "35600000", "5520813171"])
    assert col.type == "integer"


@pytest.mark.parametrize(
    "raw",
    [["2A004", "2B033", "75056"], ["2A", "2B", "75", "13"], ["01053", "2A004"]],
)
def test_corsican_codes_stay_text_without_a_mixed_warning(tmp_path, raw):
    col, got, result = typed(tmp_path, "commune_ref", raw)
    assert col.type == "text"
    assert got == raw
    assert col.details["reason"] == "code"
    assert issues(result, "mixed-types") == []


def test_corsican_code_among_many_insee_codes_in_a_named_column(tmp_path):
    raw = [f"{13000 + i}" for i in range(50)] + ["2A004"]
    col, got, result = typed(tmp_path, "code_insee", raw)
    assert (col.type, got[-1]) == ("text", "2A004")
    assert issues(result, "mixed-types") == []


@pytest.mark.parametrize(
    ("raw", "kind", "expected"),
    [
        (["0", "12", "7"], "integer", [0, 12, 7]),
        (["0.5", "12.25"], "decimal", [0.5, 12.25]),
        (["0,5", "-0,25", "3"], "decimal", [0.5, -0.25, 3.0]),
    ],
)
def test_zero_and_zero_point_something_are_not_leading_zeros(tmp_path, raw, kind, expected):
    col, got, _ = typed(tmp_path, "valeur", raw)
    assert (col.type, got) == (kind, expected)
    assert "reason" not in col.details


def test_codes_with_junk_do_not_raise_mixed_types(tmp_path):
    raw = ["01053"] * 30 + ["inconnu"]
    col, _, result = typed(tmp_path, "code_insee", raw)
    assert col.type == "text"
    assert issues(result, "mixed-types") == []
