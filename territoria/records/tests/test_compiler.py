"""The compiler alone: checked names, whitelisted functions, every user value a parameter."""

from __future__ import annotations

import pytest

from territoria.lib.odsql import OdsqlError
from territoria.records.compiler import Compiler, Query, compile_facet, compile_query

COLUMNS = [
    {"name": "_row", "type": "integer"},
    {"name": "nom", "type": "text"},
    {"name": "ville", "type": "text"},
    {"name": "montant", "type": "decimal"},
    {"name": "date_ouverture", "type": "date"},
    {"name": 'bizarre"nom', "type": "text"},
    {"name": "geo_point_2d", "type": "geo_point"},
]


def compile_(**clauses):  # type: ignore[no-untyped-def]
    return compile_query(COLUMNS, "/data/v.parquet", Query(**clauses), limit=10, offset=0)


def test_user_values_are_parameters_never_sql_text():
    hostile = "x'); DROP TABLE t; --"
    compiled = compile_(
        where=f'nom = "{hostile}" or ville like "*{hostile}*" or "{hostile}" or search(nom, "{hostile}")',
        refine=[f"ville:{hostile}"],
        exclude=[f"nom:{hostile}"],
    )
    assert "DROP" not in compiled.sql and "DROP" not in compiled.count_sql
    assert any(isinstance(p, str) and "DROP" in p for p in compiled.params)
    assert compiled.sql.count("?") == len(compiled.params)
    assert compiled.count_sql.count("?") == len(compiled.count_params)


def test_identifiers_are_quoted_and_only_known_ones():
    compiler = Compiler(COLUMNS)
    assert compiler.ident('bizarre"nom') == '"bizarre""nom"'
    with pytest.raises(KeyError):
        compiler.ident("inconnu")
    with pytest.raises(KeyError):
        compiler.ident("_row")


def test_unknown_field_suggests_the_closest_name_with_its_position():
    with pytest.raises(OdsqlError) as info:
        compile_(where='montant > 3 and vile = "Lyon"')
    assert info.value.clause == "where"
    assert info.value.position == 17
    assert "vouliez-vous dire « ville » ?" in info.value.message


def test_unknown_function_is_refused_with_a_hint():
    with pytest.raises(OdsqlError) as info:
        compile_(select="avgg(montant)")
    assert "fonction non prise en charge" in info.value.message
    assert "« avg »" in info.value.message
    with pytest.raises(OdsqlError):
        compile_(where="read_csv('/etc/passwd') = 1")


def test_aggregates_are_refused_in_where():
    with pytest.raises(OdsqlError) as info:
        compile_(where="count(*) > 1")
    assert "select et order_by" in info.value.message


def test_date_format_only_maps_known_tokens():
    compiled = compile_(group_by="date_format(date_ouverture, 'yyyy-MM') as mois", select="mois, count(*)")
    assert "%Y-%m" in compiled.params and "yyyy" not in compiled.sql
    with pytest.raises(OdsqlError):
        compile_(group_by="date_format(date_ouverture, '%Y%%')")


def test_group_by_counts_groups_and_has_no_record_id():
    compiled = compile_(group_by="ville", select="ville, avg(montant) as moyenne", order_by="moyenne desc")
    assert not compiled.has_id
    assert compiled.names == ["ville", "moyenne"]
    assert "GROUP BY" in compiled.count_sql


def test_geo_functions_need_a_geo_point_field():
    with pytest.raises(OdsqlError):
        compile_(where="in_bbox(nom, 45, 4, 46, 5)")
    compiled = compile_(where="within_distance(geo_point_2d, geom'POINT(4.83 45.76)', 5km)")
    assert 5000.0 in compiled.params


def test_facets_only_on_allowed_types():
    with pytest.raises(OdsqlError):
        compile_facet(COLUMNS, "/data/v.parquet", Query(), "montant")
    with pytest.raises(OdsqlError):
        compile_facet(COLUMNS, "/data/v.parquet", Query(), "inconnu")
    sql, params = compile_facet(COLUMNS, "/data/v.parquet", Query(refine=["ville:Lyon"]), "nom")
    assert params == ["/data/v.parquet", "Lyon", 50]


def test_openapi_part_names_every_route():
    from django.urls import URLPattern

    from territoria.records import openapi, urls

    routes = {str(p.pattern) for p in urls.urlpatterns if isinstance(p, URLPattern)}
    documented = {
        "api/explore/v2.1/catalog/datasets/<str:dataset_id>/"
        + path.split("{dataset_id}/")[1].replace("{record_id}", "<str:record_id>").replace("{format}", "<str:format>")
        for path in openapi.PATHS
    }
    assert documented == routes
    refs = {
        ref.split("/")[-1]
        for op in openapi.PATHS.values()
        for r in op["get"]["responses"].values()
        for media in r.get("content", {}).values()
        for ref in [media["schema"].get("$ref", "")]
        if ref
    }
    from territoria.catalog import openapi as catalog_openapi

    assert refs <= set(openapi.SCHEMAS) | set(catalog_openapi.SCHEMAS)  # Facets is shared with the catalogue


def test_with_group_by_selected_fields_must_be_grouped():
    with pytest.raises(OdsqlError) as info:
        compile_(group_by="ville", select="ville, nom, count(*)")
    assert info.value.clause == "select" and "« nom »" in info.value.message and info.value.position == 8
    compile_(group_by="ville as v", select="v, ville, count(nom), max(montant) - min(montant) as ecart")


def test_numbers_beyond_64_bits_are_refused_before_the_database():
    with pytest.raises(OdsqlError) as info:
        compile_(where="montant in (1, 99999999999999999999999999)")
    assert "trop grand" in info.value.message and info.value.position == 16


def test_ordering_on_an_aggregate_needs_an_aggregate_query():
    with pytest.raises(OdsqlError) as info:
        compile_(order_by="count(*) desc")
    assert info.value.clause == "order_by" and "group_by" in info.value.message
    compiled = compile_(group_by="ville", select="ville", order_by="count(*) desc")
    assert "count(*) DESC" in compiled.sql


def test_row_window_only_in_id_order_with_its_bounds_as_parameters():
    compiled = compile_(where='ville = "Lyon" or montant > 3')
    assert compiled.window_sql.count("?") == len(compiled.window_params)
    assert compiled.window_params[compiled.window_at : compiled.window_at + 2] == [None, None]
    assert ' WHERE ((("ville" = ?) OR ("montant" > ?))) AND _row > ? AND _row <= ? ORDER BY' in compiled.window_sql
    assert compiled.window_params[compiled.window_at - 2 : compiled.window_at] == ["Lyon", 3]
    assert compiled.filtered and (compiled.limit, compiled.offset, compiled.path) == (10, 0, "/data/v.parquet")
    assert " WHERE _row > ? AND _row <= ? ORDER BY" in compile_().window_sql and not compile_().filtered
    assert compile_(refine=["ville:Lyon"]).filtered and compile_(exclude=["ville:Lyon"]).filtered
    for clauses in ({"order_by": "montant"}, {"select": "count(*)"}, {"group_by": "ville"}):
        assert not compile_(**clauses).window_sql


def test_geometries_are_checked_by_shapely_and_passed_as_parameters():
    polygon = "POLYGON((4.8 45.7, 4.9 45.7, 4.9 45.8, 4.8 45.7))"
    compiled = compile_(where=f"intersects(geo_point_2d, geom'{polygon}')")
    assert "4.8" not in compiled.sql and "POLYGON" not in compiled.sql
    assert any(isinstance(p, str) and p.startswith("POLYGON") for p in compiled.params)
    assert compiled.params[1:5] == [4.8, 4.9, 45.7, 45.8]  # the box pre-filter: lon min, max, lat min, max
    for bad, reason in [("geom'POLYGON((1 2'", "illisible"), ("geom'POINT(200 10)'", "hors limites")]:
        with pytest.raises(OdsqlError) as info:
            compile_(where=f"within(geo_point_2d, {bad})")
        assert reason in info.value.message and info.value.position == 22
    with pytest.raises(OdsqlError):
        compile_(where="intersects(nom, geom'POINT(4.8 45.7)')")


def test_date_functions_use_the_time_zone_as_a_parameter():
    columns = [*COLUMNS, {"name": "maj", "type": "datetime"}]
    compiled = compile_query(columns, "/v.parquet", Query(where="month(maj) = 4", timezone="Europe/Paris"))
    assert "Europe/Paris" in compiled.params and "Europe/Paris" not in compiled.sql
    # A date column is a calendar day: no zone conversion.
    plain = compile_query(columns, "/v.parquet", Query(where="month(date_ouverture) = 4", timezone="Europe/Paris"))
    assert "Europe/Paris" not in plain.params
    with pytest.raises(OdsqlError) as info:
        compile_(where="year(nom) = 2024")
    assert "date" in info.value.message


def test_an_unknown_field_hint_comes_after_the_position():
    with pytest.raises(OdsqlError) as info:
        compile_(where='vile = "Lyon"')
    assert info.value.message == "where : champ inconnu « vile » à la position 1 ; vouliez-vous dire « ville » ?"
    assert info.value.expected  # the list of fields stays in the structured error
