"""Quality score: points per criterion, freshness against the declared frequency, French lines."""

from __future__ import annotations

import datetime as dt

import pytest

from territoria.quality.score import FREQUENCIES, LATE_FACTOR, score

NOW = dt.datetime(2025, 6, 30, 12, 0, tzinfo=dt.UTC)
FULL = {
    "title": "Subventions attribuées par la ville",
    "description": "x" * 250,
    "keywords": ["subventions", "associations"],
    "theme": "economie",
    "publisher": "Ville de Rennes",
    "contact_point": "opendata@ville.fr",
    "spatial": "35238",
    "temporal": "2024",
    "landing_page": "https://data.ville.fr/subventions",
}


def lines_by_key(result):  # type: ignore[no-untyped-def]
    return {line.criterion: line for line in result.lines}


def test_perfect_dataset_scores_100() -> None:
    result = score(
        FULL,
        schema_declared=True,
        schema_errors=0,
        last_update=NOW - dt.timedelta(days=20),
        frequency="MONTHLY",
        format_code="csv",
        format_open=True,
        licence="etalab-2.0",
        licence_open=True,
        now=NOW,
    )
    assert result.max == 100
    assert result.total == 100
    assert all(line.points == line.max for line in result.lines)


def test_empty_dataset_scores_0_and_says_what_to_do() -> None:
    result = score({}, now=NOW)
    assert result.total == 0 and result.max == 100
    by = lines_by_key(result)
    assert "donnez un titre" in by["metadata.title"].explanation
    assert "choisissez une licence" in by["licence.declared"].explanation
    assert "déclarez-le" in by["schema.declared"].explanation
    assert "n'est pas déclarée" in by["freshness.frequency"].explanation


def test_short_description_gets_partial_points() -> None:
    by = lines_by_key(score({"description": "Liste des subventions."}, now=NOW))
    line = by["metadata.description"]
    assert 0 < line.points < line.max and "courte (22 caractères)" in line.explanation


@pytest.mark.parametrize(
    ("frequency", "age_days", "fresh"),
    [
        ("DAILY", 1, True),
        ("DAILY", 2, False),  # 2 days > 1.5 × 1 day
        ("WEEKLY", 10, True),  # 10 days ≤ 10.5 days
        ("WEEKLY", 11, False),
        ("MONTHLY", 45, True),
        ("MONTHLY", 46, False),
        ("QUARTERLY", 136, True),
        ("QUARTERLY", 137, False),
        ("ANNUAL_2", 273, True),
        ("ANNUAL_2", 274, False),
        ("ANNUAL", 547, True),
        ("ANNUAL", 548, False),
        ("BIENNIAL", 1095, True),
        ("BIENNIAL", 1096, False),
        ("CONT", 1, True),
        ("CONT", 2, False),
        ("IRREG", 4000, True),
        ("NEVER", 4000, True),
    ],
)
def test_freshness_is_late_beyond_one_and_a_half_interval(frequency: str, age_days: int, fresh: bool) -> None:
    result = score({}, last_update=NOW - dt.timedelta(days=age_days), frequency=frequency, now=NOW)
    line = lines_by_key(result)["freshness.up_to_date"]
    assert (line.points == 15) is fresh, line.explanation
    if not fresh:
        assert "en retard" in line.explanation and "Publiez une version à jour" in line.explanation
    assert lines_by_key(result)["freshness.frequency"].points == 5


def test_late_limit_is_exactly_factor_times_interval() -> None:
    interval = FREQUENCIES["WEEKLY"]
    assert interval is not None
    limit = interval * LATE_FACTOR
    on_time = score({}, last_update=NOW - limit, frequency="WEEKLY", now=NOW)
    late = score({}, last_update=NOW - limit - dt.timedelta(seconds=1), frequency="WEEKLY", now=NOW)
    assert lines_by_key(on_time)["freshness.up_to_date"].points == 15
    assert lines_by_key(late)["freshness.up_to_date"].points == 0


def test_unknown_frequency_cannot_be_judged() -> None:
    by = lines_by_key(score({}, last_update=NOW.date(), frequency="UNKNOWN", now=NOW))
    assert by["freshness.frequency"].points == 0 and by["freshness.up_to_date"].points == 0
    assert "déclarez une fréquence" in by["freshness.up_to_date"].explanation
    by = lines_by_key(score({}, last_update=NOW.date(), frequency="SOMETIMES", now=NOW))
    assert "n'est pas un code connu" in by["freshness.frequency"].explanation


def test_dates_and_naive_datetimes_are_accepted() -> None:
    a = score({}, last_update=dt.date(2025, 6, 1), frequency="MONTHLY", now=NOW)
    b = score({}, last_update=dt.datetime(2025, 6, 1), frequency="MONTHLY", now=NOW.replace(tzinfo=None))
    assert a.total == b.total == 20


@pytest.mark.parametrize(("errors", "points"), [(None, 0), (0, 10), (1, 5), (9, 5), (10, 0), (500, 0)])
def test_schema_points(errors: int | None, points: int) -> None:
    by = lines_by_key(score({}, schema_declared=True, schema_errors=errors, now=NOW))
    assert by["schema.declared"].points == 10
    assert by["schema.valid"].points == points


def test_closed_licence_and_format() -> None:
    by = lines_by_key(
        score({}, licence="proprietaire", licence_open=False, format_code="xlsx", format_open=False, now=NOW)
    )
    assert by["licence.declared"].points == 5 and by["licence.open"].points == 0
    assert "n'est pas ouverte" in by["licence.open"].explanation
    assert by["format.declared"].points == 5 and by["format.open"].points == 0
    assert "n'est pas ouvert :" in by["format.open"].explanation


def test_as_dict() -> None:
    data = score(FULL, now=NOW).as_dict()
    assert data["max"] == 100 and data["total"] == sum(line["points"] for line in data["lines"])
