"""Chart configurations → records queries → Vega-Lite specifications (territoria/viz/specs.py, charts/)."""

from __future__ import annotations

import importlib.resources
import json
import pkgutil
from functools import lru_cache

import jsonschema
import pytest

from territoria.lib import odsql
from territoria.records import compiler
from territoria.viz import charts, clauses, specs
from territoria.viz.charts.base import ChartConfig, alias
from territoria.viz.charts.histogram import nice_step

VERSION_COLUMNS = [
    {"name": "ville", "label": "Ville", "type": "text"},
    {"name": "montant", "label": "Montant", "type": "decimal", "min": 0.5, "max": 100.25},
    {"name": "quantite", "label": "Quantité", "type": "integer", "min": 1, "max": 10},
    {"name": "annee", "label": "Année", "type": "integer", "min": 2019, "max": 2024},
    {"name": "date_ouverture", "label": "Date d'ouverture", "type": "date"},
    {"name": "actif", "label": "Actif", "type": "boolean"},
    {"name": "geo_point_2d", "label": "Point", "type": "geo_point"},
]
COLUMNS = specs.columns_of(VERSION_COLUMNS)

# (configuration, answer rows as the records layer gives them with the plan's output names x/y/c)
CASES = {
    "bar-text": (ChartConfig(type="bar", x="ville"), [{"x": "Lyon", "y": 3}, {"x": None, "y": 1}]),
    "bar-text-sum-colour": (
        ChartConfig(type="bar", x="ville", aggregation="sum", y="montant", color="actif"),
        [{"x": "Lyon", "y": 23.75, "c": True}, {"x": "Bron", "y": 0.5, "c": False}],
    ),
    "bar-integer": (ChartConfig(type="bar", x="annee"), [{"x": 2023, "y": 2}, {"x": 2024, "y": 3}]),
    "bar-month": (
        ChartConfig(type="bar", x="date_ouverture", date_unit="month"),
        [{"x": "2024-03", "y": 2}, {"x": "2024-07", "y": 1}],
    ),
    "line-year-avg": (
        ChartConfig(type="line", x="date_ouverture", date_unit="year", aggregation="avg", y="montant"),
        [{"x": 2022, "y": 3.5}, {"x": 2023, "y": 4.125}, {"x": 2024, "y": 51.58}],
    ),
    "line-number-colour": (
        ChartConfig(type="line", x="annee", aggregation="max", y="montant", color="ville"),
        [{"x": 2023, "y": 7.75, "c": "Lyon"}, {"x": 2024, "y": 100.25, "c": "Villeurbanne"}],
    ),
    "area-day-colour": (
        ChartConfig(type="area", x="date_ouverture", date_unit="day", color="ville"),
        [{"x": "2024-03-02", "y": 1, "c": "Écully"}, {"x": "2024-03-15", "y": 1, "c": "Lyon"}],
    ),
    "pie-count": (ChartConfig(type="pie", x="ville"), [{"x": "Lyon", "y": 3}, {"x": "Bron", "y": 1}]),
    "pie-sum": (
        ChartConfig(type="pie", x="actif", aggregation="sum", y="quantite"),
        [{"x": True, "y": 12}, {"x": False, "y": 17}],
    ),
    "scatter": (
        ChartConfig(type="scatter", x="quantite", y="montant", color="ville"),
        [{"x": 3, "y": 12.5, "c": "Lyon"}, {"x": 10, "y": 100.25, "c": "Villeurbanne"}],
    ),
    "scatter-date": (
        ChartConfig(type="scatter", x="date_ouverture", y="montant"),
        [{"x": "2024-03-15", "y": 12.5}, {"x": "2022-06-10", "y": 3.5}],
    ),
    "histogram": (ChartConfig(type="histogram", x="montant"), [{"x": 0.0, "y": 4}, {"x": 40.0, "y": 1}]),
    "histogram-colour": (
        ChartConfig(type="histogram", x="quantite", color="actif"),
        [{"x": 1.0, "y": 2, "c": True}, {"x": 2.0, "y": 1, "c": False}],
    ),
}


@lru_cache(maxsize=1)
def vega_lite_validator() -> jsonschema.Draft7Validator:
    """The Vega-Lite v5 JSON schema, as shipped by the altair package (a development dependency)."""
    path = importlib.resources.files("altair") / "vegalite" / "v5" / "schema" / "vega-lite-schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(schema)


def build(config: ChartConfig, rows: list[dict], total: int | None = None, grand_total=None):  # type: ignore[no-untyped-def]
    plan = specs.plan_for(config, COLUMNS)
    answer = [{plan.names[k]: v for k, v in row.items()} for row in rows]
    data = specs.read(config, COLUMNS, plan, answer, len(rows) if total is None else total, grand_total)
    return plan, data, specs.vega_lite(config, COLUMNS, data)


def test_every_module_of_the_package_is_a_registered_chart_type():
    modules = {m.name for m in pkgutil.iter_modules(charts.__path__)} - {"base"}
    assert modules == set(charts.REGISTRY)
    assert set(charts.REGISTRY) == {"bar", "line", "area", "pie", "scatter", "histogram"}
    assert list(charts.REGISTRY) == sorted(charts.REGISTRY, key=lambda n: charts.REGISTRY[n].order)


def test_the_cases_cover_every_chart_type():
    assert {config.type for config, _rows in CASES.values()} == set(charts.REGISTRY)


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_spec_validates_against_the_vega_lite_schema(case):
    config, rows = CASES[case]
    _plan, data, spec = build(config, rows)
    errors = sorted(vega_lite_validator().iter_errors(spec), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message[:200]}" for e in errors]
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/v5")
    assert spec["data"]["values"] == data.rows or config.type == "pie"
    assert spec["description"].startswith("Graphique")
    json.dumps(spec)  # JSON-ready: no lazy strings, no dates


def test_the_validator_does_catch_a_bad_spec():
    _plan, _data, spec = build(*CASES["bar-text"])
    spec["mark"] = {"type": "not-a-mark"}
    assert list(vega_lite_validator().iter_errors(spec))


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_plan_compiles_with_the_records_compiler(case):
    config, _rows = CASES[case]
    plan = specs.plan_for(config, COLUMNS)
    compiled = compiler.compile_query(
        VERSION_COLUMNS, "/tmp/data.parquet", compiler.Query(**plan.clauses()), limit=plan.limit
    )
    assert set(plan.names.values()) <= set(compiled.names)
    assert "?" in compiled.sql


def test_bars_of_text_categories_are_horizontal_and_sorted_by_value():
    plan, data, spec = build(*CASES["bar-text"])
    assert plan.select == "ville as x, count(*) as y"
    assert plan.group_by == "ville"
    assert plan.order_by == "y desc, x"
    assert spec["mark"]["type"] == "bar"
    assert spec["encoding"]["y"]["field"] == "x" and spec["encoding"]["y"]["type"] == "nominal"
    assert spec["encoding"]["x"]["field"] == "y" and spec["encoding"]["x"]["type"] == "quantitative"
    assert spec["height"] == {"step": 22}
    assert data.rows[1]["x"] == "(vide)"  # an empty category is named, not dropped


def test_dates_are_grouped_in_the_query_and_drawn_as_utc_periods():
    plan, data, spec = build(*CASES["bar-month"])
    assert plan.select == "date_format(date_ouverture, 'yyyy-MM') as x, count(*) as y"
    assert plan.where == "date_ouverture is not null"
    assert [r["x"] for r in data.rows] == ["2024-03-01", "2024-07-01"]
    assert spec["encoding"]["x"] | {"timeUnit": "utcyearmonth", "type": "temporal"} == spec["encoding"]["x"]
    headers, table = specs.data_table(CASES["bar-month"][0], COLUMNS, data)
    assert headers == ["Date d'ouverture (par mois)", "Nombre de lignes"]
    assert table == [["2024-03", 2], ["2024-07", 1]]


def test_years_come_back_as_numbers_and_become_january_first():
    plan, data, spec = build(*CASES["line-year-avg"])
    assert plan.select.startswith("year(date_ouverture) as x, avg(montant) as y")
    assert [r["x"] for r in data.rows] == ["2022-01-01", "2023-01-01", "2024-01-01"]
    assert spec["encoding"]["x"]["timeUnit"] == "utcyear"
    assert spec["mark"] == {"type": "line", "point": True, "tooltip": True}
    assert spec["encoding"]["y"]["title"] == "Moyenne de Montant"


def test_colour_groups_are_in_the_query_and_the_legend():
    config, rows = CASES["bar-text-sum-colour"]
    plan, data, spec = build(config, rows)
    assert plan.select == "ville as x, sum(montant) as y, actif as c"
    assert plan.group_by == "ville, actif"
    assert spec["encoding"]["color"]["field"] == "c"
    assert spec["encoding"]["color"]["title"] == "Actif"
    assert [r["c"] for r in data.rows] == ["oui", "non"]
    headers, table = specs.data_table(config, COLUMNS, data)
    assert headers == ["Ville", "Actif", "Somme de Montant"]
    assert table[0] == ["Lyon", "oui", 23.75]


def test_a_pie_keeps_the_largest_slices_and_gathers_the_rest():
    config = ChartConfig(type="pie", x="ville")
    plan = specs.plan_for(config, COLUMNS)
    assert plan.limit == 8 and plan.order_by == "y desc, x"
    assert plan.totals_select == "count(*) as y"
    rows = [{"x": f"Ville {i}", "y": 10 - i} for i in range(8)]
    _plan, data, spec = build(config, rows, total=12, grand_total=100)
    assert data.others == 100 - sum(r["y"] for r in rows)
    slices = spec["data"]["values"]
    assert len(slices) == 9 and slices[-1] == {"x": "Autres", "y": data.others}
    assert spec["mark"]["type"] == "arc" and spec["encoding"]["theta"]["field"] == "y"
    _headers, table = specs.data_table(config, COLUMNS, data)
    assert table[-1] == ["Autres", data.others]


def test_a_pie_with_every_slice_has_no_others():
    _plan, data, spec = build(*CASES["pie-count"], grand_total=4)
    assert data.others is None
    assert [s["x"] for s in spec["data"]["values"]] == ["Lyon", "Bron"]


def test_a_scatter_reads_rows_not_groups():
    plan, data, spec = build(*CASES["scatter"])
    assert plan.group_by == ""
    assert plan.select == "quantite as x, montant as y, ville as c"
    assert plan.where == "quantite is not null and montant is not null"
    assert plan.limit == 5000
    assert spec["mark"]["type"] == "point"
    assert spec["encoding"]["x"]["scale"] == {"zero": False}


def test_a_histogram_counts_bins_in_the_database():
    plan, data, spec = build(*CASES["histogram"])
    assert plan.step == 5.0  # (100.25 - 0.5) / 20 → 4.99 → 5
    assert plan.select == "range(montant, 5) as x, count(*) as y"
    assert plan.group_by == "range(montant, 5)"
    assert [(r["x"], r["x_end"]) for r in data.rows] == [(0.0, 5.0), (40.0, 45.0)]
    assert spec["encoding"]["x"]["bin"] == {"binned": True}
    assert spec["encoding"]["x2"] == {"field": "x_end"}


@pytest.mark.parametrize(
    ("low", "high", "step"),
    [(0, 100, 5), (0, 1, 0.05), (0.5, 100.25, 5), (2019, 2024, 0.5), (1, 1, 1), (None, 3, 1), (0, 1_000_000, 50_000)],
)
def test_nice_steps(low, high, step):
    assert nice_step(low, high) == pytest.approx(step)


def test_an_integer_histogram_has_whole_bins():
    plan = specs.plan_for(ChartConfig(type="histogram", x="annee"), COLUMNS)
    assert plan.step == 1.0


def test_output_names_never_collide_with_a_column():
    columns = specs.columns_of([*VERSION_COLUMNS, {"name": "x", "type": "text"}, {"name": "y", "type": "integer"}])
    assert alias("x", columns) == "_x" and alias("c", columns) == "c"
    config = ChartConfig(type="bar", x="x", aggregation="sum", y="y")
    plan = specs.plan_for(config, columns)
    assert plan.select == "x as _x, sum(y) as _y"
    version_columns = [*VERSION_COLUMNS, {"name": "x", "type": "text"}, {"name": "y", "type": "integer"}]
    compiled = compiler.compile_query(version_columns, "/tmp/d.parquet", compiler.Query(**plan.clauses()), limit=10)
    assert compiled.names == ["_x", "_y"]
    data = specs.read(config, columns, plan, [{"_x": "a", "_y": 2}], 1)
    assert data.rows == [{"x": "a", "y": 2}]


@pytest.mark.parametrize(
    ("config", "field", "words"),
    [
        (ChartConfig(type="radar", x="ville"), "type", "inconnu"),
        (ChartConfig(type="bar"), "x", "Choisissez"),
        (ChartConfig(type="bar", x="nope"), "x", "inconnue"),
        (ChartConfig(type="line", x="ville"), "x", "abscisse"),
        (ChartConfig(type="bar", x="geo_point_2d"), "x", "abscisse"),
        (ChartConfig(type="bar", x="ville", aggregation="sum"), "y", "Choisissez"),
        (ChartConfig(type="bar", x="ville", aggregation="sum", y="ville"), "y", "numérique"),
        (ChartConfig(type="bar", x="ville", aggregation="median"), "aggregation", "calcul"),
        (ChartConfig(type="pie", x="ville", aggregation="avg", y="montant"), "aggregation", "somme"),
        (ChartConfig(type="pie", x="ville", color="actif"), "color", "ne se colore pas"),
        (ChartConfig(type="bar", x="ville", color="ville"), "color", "autre colonne"),
        (ChartConfig(type="bar", x="ville", color="montant"), "color", "groupe"),
        (ChartConfig(type="scatter", x="montant"), "y", "Choisissez"),
        (ChartConfig(type="histogram", x="ville"), "x", "abscisse"),
        (ChartConfig(type="bar", x="ville", date_unit="week"), "date_unit", "inconnu"),
        (ChartConfig(type="bar", x="ville", title="t" * 201), "title", "200"),
    ],
)
def test_configurations_that_cannot_be_drawn_say_why(config, field, words):
    _chart, errors = specs.validate(config, COLUMNS)
    assert field in errors, errors
    assert words in errors[field]
    with pytest.raises(specs.ConfigError):
        specs.plan_for(config, COLUMNS)


def test_the_title_is_said_from_the_settings_unless_given():
    assert specs.title(ChartConfig(type="bar", x="ville"), COLUMNS) == "Nombre de lignes par Ville"
    config = ChartConfig(
        type="line", x="date_ouverture", date_unit="year", aggregation="sum", y="montant", color="ville"
    )
    assert specs.title(config, COLUMNS) == "Somme de Montant par Date d'ouverture (par année), selon Ville"
    assert specs.title(ChartConfig(type="histogram", x="montant"), COLUMNS) == "Répartition de Montant"
    assert specs.title(ChartConfig(type="bar", x="ville", title="Mon titre"), COLUMNS) == "Mon titre"


def test_the_description_says_what_is_drawn_and_what_is_left_out():
    config = ChartConfig(type="bar", x="ville")
    _plan, data, spec = build(config, [{"x": "Lyon", "y": 3}, {"x": "Bron", "y": 1}], total=40)
    assert "2 valeurs" in spec["description"]
    assert "Seules les 2 premières sur 40" in spec["description"]
    assert "Valeur la plus haute : 3 pour Lyon" in spec["description"]
    _plan, data, spec = build(config, [])
    assert "Aucune donnée" in spec["description"]


def test_the_configuration_round_trips_through_a_mapping():
    config = ChartConfig(type="line", x="annee", aggregation="sum", y="montant", where='ville = "Lyon"')
    assert ChartConfig.from_mapping(config.as_dict()) == config
    assert ChartConfig.from_mapping({"x": "  ville ", "unknown": "1", "y": ""}) == ChartConfig(x="ville")


@pytest.mark.parametrize("name", ["ville", "2019_pop", "nom de la rue", "and", "Desc", "a`b", "émission"])
def test_field_names_are_quoted_so_they_read_back(name):
    where = odsql.parse_where(f"{clauses.field(name)} = 1")
    assert where.left.name == name  # type: ignore[attr-defined]


@pytest.mark.parametrize("text", ["Lyon", 'L\'"Isle" \\ sur', "ligne\nsuivante", "été 😀", ") or (1 = 1"])
def test_strings_are_quoted_so_a_value_never_changes_the_query(text):
    where = odsql.parse_where(f"ville = {clauses.string(text)}")
    assert where.right.value == text  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("value", "text"), [(12, "12"), (12.5, "12.5"), (1e20, "100000000000000000000"), (-3.0, "-3"), (1e-7, "0.0000001")]
)
def test_numbers_are_written_without_exponent(value, text):
    assert clauses.number(value) == text
    odsql.parse_where(f"montant = {text}")
