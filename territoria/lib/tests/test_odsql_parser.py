"""Tests for the ODSQL parser (territoria.lib.odsql): syntax, AST, positions, errors, limits."""

import contextlib
import pickle

import pytest

from territoria.lib.odsql import (
    KNOWN_FUNCTIONS,
    MAX_CLAUSE_LENGTH,
    MAX_DEPTH,
    MAX_IN_VALUES,
    And,
    Arith,
    Call,
    Compare,
    Field,
    GroupItem,
    In,
    IsNull,
    Like,
    Literal,
    Neg,
    Not,
    OdsqlError,
    Or,
    OrderItem,
    Range,
    Refine,
    SelectItem,
    Star,
    TextSearch,
    fields_used,
    parse_group_by,
    parse_order_by,
    parse_refine,
    parse_select,
    parse_where,
    walk,
)
from territoria.lib.odsql.errors import TERMINAL_DESCRIPTIONS, describe_expected
from territoria.lib.odsql.functions import arity_problem
from territoria.lib.odsql.parser import _PARSER

a, b, c, x = Field("a"), Field("b"), Field("c"), Field("x")
# What may start a value, as listed in error messages.
A_VALUE = "un nom de champ, une valeur, « - », « ( »"
DATE_FORMATS = "(formats : AAAA, AAAA-MM-JJ[THH:MM[:SS]], AAAA/MM/JJ)"


def num(value):
    return Literal(value, "number")


def text(value):
    return Literal(value, "string")


def error_of(parse, source):
    with pytest.raises(OdsqlError) as info:
        parse(source)
    return info.value


# Literals


@pytest.mark.parametrize(
    ("source", "value", "kind"),
    [
        ('"Word"', "Word", "string"),
        ("'Using single quotes'", "Using single quotes", "string"),
        (r'"say \"hi\""', 'say "hi"', "string"),
        (r"'l\'arbre'", "l'arbre", "string"),
        ('"l\'arbre"', "l'arbre", "string"),
        (r'"a\\b\nc"', "a\\b\nc", "string"),
        (r'"caf\u00e9"', "café", "string"),
        (r'"a\*"', r"a\*", "string"),
        ("100", 100, "number"),
        ("5.8", 5.8, "number"),
        ("-3", -3, "number"),
        ("- 2.5", -2.5, "number"),
        ("true", True, "boolean"),
        ("FALSE", False, "boolean"),
        ("Null", None, "null"),
        ("date'2017-04-03T08:02'", "2017-04-03T08:02", "date"),
        ("date'2018/04/01'", "2018/04/01", "date"),
        ("DATE'1972'", "1972", "date"),
        ("date'2008-12'", "2008-12", "date"),
        ("date'2021-02-01T10:20:30.5+02:00'", "2021-02-01T10:20:30.5+02:00", "date"),
        ("geom'POINT(1 1)'", "POINT(1 1)", "geometry"),
        (
            'GEOM\'{"type": "Point", "coordinates": [2.35, 48.85]}\'',
            '{"type": "Point", "coordinates": [2.35, 48.85]}',
            "geometry",
        ),
        ("5km", 5000.0, "distance"),
        ("100m", 100.0, "distance"),
        ("1 km", 1000.0, "distance"),
        ("2.5KM", 2500.0, "distance"),
        ("1mi", 1609.344, "distance"),
        ("3yd", pytest.approx(2.7432), "distance"),
        ("10ft", pytest.approx(3.048), "distance"),
        ("50cm", 0.5, "distance"),
        ("7mm", 0.007, "distance"),
    ],
)
def test_literal_values(source, value, kind):
    node = parse_select(source)[0].expr
    assert isinstance(node, Literal)
    assert node.kind == kind
    assert node.value == value


def test_literal_keeps_source_text_and_int_or_float():
    lit = parse_select("5 km")[0].expr
    assert (lit.value, lit.text) == (5000.0, "5 km")
    assert isinstance(parse_select("12")[0].expr.value, int)
    assert isinstance(parse_select("12.0")[0].expr.value, float)
    assert parse_select("-4")[0].expr.text == "-4"


# Fields


@pytest.mark.parametrize(
    ("source", "name"),
    [
        ("population", "population"),
        ("année", "année"),
        ("2019_pop", "2019_pop"),
        ("`12`", "12"),
        ("`not`", "not"),
        ("`code postal`", "code postal"),
        ("`Département d'outre-mer`", "Département d'outre-mer"),
        (r"`a\`b`", "a`b"),
    ],
)
def test_field_names(source, name):
    assert parse_where(source) == Field(name)


@pytest.mark.parametrize(
    "name",
    [
        "android",
        "notable",
        "order_date",
        "index",
        "island",
        "description",
        "ascii",
        "nullable",
        "truely",
        "falsey",
        "likes",
        "astuce",
        "today",
        "count",
        "year",
        "date",
    ],
)
def test_keywords_inside_names_stay_names(name):
    assert parse_where(f"{name} = 1 and {name} is null") == And(
        (Compare("=", Field(name), num(1)), IsNull(Field(name)))
    )


def test_contextual_keywords_can_be_field_names():
    assert parse_where("to = 1 and is = 2 and like like 'a'") == And(
        (Compare("=", Field("to"), num(1)), Compare("=", Field("is"), num(2)), Like(Field("like"), "a"))
    )


@pytest.mark.parametrize("keyword", ["and", "or", "not", "as", "asc", "desc"])
def test_reserved_keywords_need_back_quotes(keyword):
    assert parse_order_by(f"`{keyword}` desc") == (OrderItem(Field(keyword), descending=True),)
    assert error_of(parse_order_by, f"{keyword} desc").position == 1


def test_constant_keywords_are_literals_unless_back_quoted():
    assert parse_where("`true` and `null` is null") == And((Field("true"), IsNull(Field("null"))))
    assert parse_where("null is null") == IsNull(Literal(None, "null"))


# Comparisons, booleans and precedence


@pytest.mark.parametrize("op", ["=", "!=", "<", ">", "<=", ">="])
def test_comparison_operators(op):
    assert parse_where(f"x {op} 5") == Compare(op, x, num(5))


def test_sql_not_equal_is_normalised():
    assert parse_where("x <> 'a'") == Compare("!=", x, text("a"))


def test_and_binds_tighter_than_or():
    assert parse_where("a or b and c") == Or((a, And((b, c))))
    assert parse_where("a and b or c") == Or((And((a, b)), c))


def test_not_binds_tighter_than_and():
    assert parse_where("not a and b") == And((Not(a), b))
    assert parse_where("not a or not b") == Or((Not(a), Not(b)))
    assert parse_where("not not a") == Not(Not(a))


def test_not_applies_to_a_whole_comparison():
    assert parse_where("not x = 1") == Not(Compare("=", x, num(1)))


def test_parentheses_override_precedence():
    assert parse_where("(a or b) and c") == And((Or((a, b)), c))
    assert parse_where("not (a and b)") == Not(And((a, b)))


def test_chains_are_flat():
    assert parse_where("a and b and c") == And((a, b, c))
    assert parse_where("a or b or c") == Or((a, b, c))


def test_arithmetic_precedence_and_associativity():
    assert parse_where("a + b * c = 1") == Compare("=", Arith("+", a, Arith("*", b, c)), num(1))
    assert parse_where("a * b + c = 1") == Compare("=", Arith("+", Arith("*", a, b), c), num(1))
    assert parse_where("a - b - c = 1") == Compare("=", Arith("-", Arith("-", a, b), c), num(1))
    assert parse_where("a / b * c = 1") == Compare("=", Arith("*", Arith("/", a, b), c), num(1))
    assert parse_where("(a + b) * c = 1") == Compare("=", Arith("*", Arith("+", a, b), c), num(1))


def test_arithmetic_on_both_sides():
    expected = Compare("=", Arith("*", x, num(2)), Arith("*", Arith("+", num(10), num(1)), num(2)))
    assert parse_where("x * 2 = (10 + 1) * 2") == expected


def test_unary_minus():
    assert parse_where("-x < 3") == Compare("<", Neg(x), num(3))
    assert parse_where("-(a + b) > 0") == Compare(">", Neg(Arith("+", a, b)), num(0))
    assert parse_where("a - -2 = 1") == Compare("=", Arith("-", a, num(-2)), num(1))


# Filter expressions


def test_in_list():
    assert parse_where("x in (1, 2, 'a')") == In(x, (num(1), num(2), text("a")))
    assert parse_where("x not in ('a')") == In(x, (text("a"),), negated=True)


@pytest.mark.parametrize(
    ("source", "low_inclusive", "high_inclusive"),
    [
        ("[1..10]", True, True),
        ("]1..10[", False, False),
        ("[1..10[", True, False),
        ("]1 TO 10]", False, True),
    ],
)
def test_in_range(source, low_inclusive, high_inclusive):
    assert parse_where(f"x in {source}") == Range(x, num(1), num(10), low_inclusive, high_inclusive)


def test_date_range_and_negated_range():
    expected = Range(x, Literal("2017", "date"), Literal("2018", "date"), True, True)
    assert parse_where("x IN [date'2017'..date'2018']") == expected
    assert parse_where("x not in [1.5..2.5]") == Not(Range(x, num(1.5), num(2.5)))


def test_like():
    assert parse_where('x like "star*"') == Like(x, "star*")
    assert parse_where("x NOT LIKE 'star wars'") == Like(x, "star wars", negated=True)


def test_null_and_boolean_tests():
    assert parse_where("x is null") == IsNull(x)
    assert parse_where("x IS NOT NULL") == IsNull(x, negated=True)
    assert parse_where("x is true") == Compare("=", x, Literal(True, "boolean"))
    assert parse_where("x is false") == Compare("=", x, Literal(False, "boolean"))
    assert parse_where("`not` is not true") == Not(Compare("=", Field("not"), Literal(True, "boolean")))


def test_bare_field_is_a_boolean_filter():
    assert parse_where("my_boolean_field") == Field("my_boolean_field")


def test_bare_strings_are_full_text_searches():
    assert parse_where('"tree"') == TextSearch("tree")
    assert parse_where("'film*'") == TextSearch("film*")
    assert parse_where('"tree" AND "flower"') == And((TextSearch("tree"), TextSearch("flower")))
    assert parse_where('"dog" and not ("cat" or "mouse")') == And(
        (TextSearch("dog"), Not(Or((TextSearch("cat"), TextSearch("mouse")))))
    )


def test_compared_strings_stay_literals():
    assert parse_where('x = "school"') == Compare("=", x, text("school"))
    assert parse_select('"hello" as hello') == (SelectItem(text("hello"), "hello"),)


def test_case_insensitive_keywords():
    assert parse_where("a AnD NOT b oR c Is NuLl") == Or((And((a, Not(b))), IsNull(c)))
    assert parse_where("x NOT In (1) and x LiKe 'y'") == And((In(x, (num(1),), True), Like(x, "y")))


def test_whitespace_is_optional():
    expected = Or((And((Compare(">=", x, num(1)), a)), Compare("!=", b, num(2))))
    assert parse_where("x>=1 and(a)or`b`!=2") == expected


# Functions


def test_text_functions():
    assert parse_where('search("paris")') == Call("search", (text("paris"),))
    assert parse_where('search(title, description, "paris")') == Call(
        "search", (Field("title"), Field("description"), text("paris"))
    )
    assert parse_where("startswith(name, 'par')") == Call("startswith", (Field("name"), text("par")))
    assert parse_where('suggest("pari")') == Call("suggest", (text("pari"),))


def test_geo_functions():
    point = Literal("POINT(2.35 48.85)", "geometry")
    assert parse_where("within_distance(geo, geom'POINT(2.35 48.85)', 5km)") == Call(
        "within_distance", (Field("geo"), point, Literal(5000.0, "distance"))
    )
    assert parse_where("in_bbox(geo, -37.8, 144.9, -37.7, 145)") == Call(
        "in_bbox", (Field("geo"), num(-37.8), num(144.9), num(-37.7), num(145))
    )
    for name in ("intersects", "within", "disjoint"):
        source = f"{name.upper()}(shape, geom'POINT(2.35 48.85)')"
        assert parse_where(source) == Call(name, (Field("shape"), point))


def test_date_functions():
    assert parse_where("d >= now()") == Compare(">=", Field("d"), Call("now"))
    assert parse_where("year(d) = 2020 and month(d) > 6 and day(d) < 15") == And(
        (
            Compare("=", Call("year", (Field("d"),)), num(2020)),
            Compare(">", Call("month", (Field("d"),)), num(6)),
            Compare("<", Call("day", (Field("d"),)), num(15)),
        )
    )
    assert parse_where("date_format(d, 'dd') = '08'") == Compare(
        "=", Call("date_format", (Field("d"), text("dd"))), text("08")
    )


def test_unknown_functions_parse_with_any_arity():
    assert parse_where("my_function(a, 1, 'b') = 2") == Compare(
        "=", Call("my_function", (a, num(1), text("b"))), num(2)
    )


def test_function_names_are_lowercased():
    assert parse_select("COUNT(*) AS N") == (SelectItem(Call("count", (Star(),)), "N"),)


# Clauses


def test_select():
    assert parse_select("*") == (SelectItem(Star()),)
    assert parse_select("field1, field2 AS my_field") == (
        SelectItem(Field("field1")),
        SelectItem(Field("field2"), "my_field"),
    )
    assert parse_select("2 * population as double_population, `a b` as `c d`") == (
        SelectItem(Arith("*", num(2), Field("population")), "double_population"),
        SelectItem(Field("a b"), "c d"),
    )
    assert parse_select("length(country_name)") == (SelectItem(Call("length", (Field("country_name"),))),)


def test_clause_items_are_values():
    assert error_of(parse_select, "a > 1").position == 3
    assert parse_select("(a > 1) as big") == (SelectItem(Compare(">", a, num(1)), "big"),)


@pytest.mark.parametrize(
    ("source", "call"),
    [
        ("count(*)", Call("count", (Star(),))),
        ("count(population)", Call("count", (Field("population"),))),
        ("avg(age)", Call("avg", (Field("age"),))),
        ("sum(age)", Call("sum", (Field("age"),))),
        ("min(age)", Call("min", (Field("age"),))),
        ("max(age)", Call("max", (Field("age"),))),
        ("median(age)", Call("median", (Field("age"),))),
        ("percentile(age, 1)", Call("percentile", (Field("age"), num(1)))),
        ("envelope(geo_point)", Call("envelope", (Field("geo_point"),))),
    ],
)
def test_select_aggregations(source, call):
    assert parse_select(f"{source} as agg") == (SelectItem(call, "agg"),)


def test_group_by():
    assert parse_group_by("city, year(birth) as birth_year") == (
        GroupItem(Field("city")),
        GroupItem(Call("year", (Field("birth"),)), "birth_year"),
    )
    bucket = Call("range", (Field("population"), num(5)))
    assert parse_group_by("range(population, 5)") == (GroupItem(bucket),)
    assert parse_group_by("date_format(date_field, 'yyyy-MM') AS month") == (
        GroupItem(Call("date_format", (Field("date_field"), text("yyyy-MM"))), "month"),
    )


def test_order_by():
    assert parse_order_by("city") == (OrderItem(Field("city")),)
    assert parse_order_by("count(*) DESC, city asc, birth_year") == (
        OrderItem(Call("count", (Star(),)), descending=True),
        OrderItem(Field("city")),
        OrderItem(Field("birth_year")),
    )
    assert parse_order_by("distance(geom, geom'POINT(1 2)')") == (
        OrderItem(Call("distance", (Field("geom"), Literal("POINT(1 2)", "geometry")))),
    )


@pytest.mark.parametrize(
    ("source", "facet", "value"),
    [
        ('city:"Paris"', "city", "Paris"),
        ("city:Paris", "city", "Paris"),
        ("date:2024/01", "date", "2024/01"),
        ('heure:"12:30:00"', "heure", "12:30:00"),
        ("heure:12:30", "heure", "12:30"),
        (r'nom:"dit \"le grand\""', "nom", 'dit "le grand"'),
        (" theme : Culture ", "theme", "Culture"),
    ],
)
def test_refine(source, facet, value):
    assert parse_refine(source) == Refine(facet, value)


# Positions


def test_positions_are_one_based_and_include_parentheses():
    tree = parse_where("(a or b) and not c = 'x'")
    assert tree.pos == 1
    assert tree.items[0].pos == 2
    assert tree.items[0].items[1].pos == 7
    assert tree.items[1].pos == 14
    assert tree.items[1].operand.pos == 18
    assert tree.items[1].operand.right.pos == 22


def test_positions_in_clauses():
    items = parse_select("*, count(*) as n, -x")
    assert [item.pos for item in items] == [1, 4, 19]
    assert items[1].expr.args[0].pos == 10
    assert items[2].expr.pos == 19
    assert [item.pos for item in parse_order_by("a desc,  b")] == [1, 10]
    assert parse_refine("  f:v").pos == 3


def test_positions_do_not_affect_equality():
    assert parse_where("x=1") == parse_where("  x  =  1 ")
    assert hash(parse_where("x=1")) == hash(parse_where(" x = 1"))


# walk / fields_used


def test_walk_and_fields_used():
    tree = parse_where("a > 1 and (search(b, 'x') or c in (d, 2)) and not count(*) = e")
    assert fields_used(tree) == {"a", "b", "c", "d", "e"}
    kinds = [type(node).__name__ for node in walk(tree)]
    assert kinds[:4] == ["And", "Compare", "Field", "Literal"]
    assert kinds.count("Field") == 5
    assert "Star" in kinds
    items = parse_select("x as y, sum(z)")
    assert fields_used(items) == {"x", "z"}
    assert [type(n).__name__ for n in walk(items)] == ["SelectItem", "Field", "SelectItem", "Call", "Field"]


# Known functions and arity


def test_known_functions_shape():
    assert {"count", "percentile", "within_distance", "in_bbox", "search", "range", "date_format"} <= set(
        KNOWN_FUNCTIONS
    )
    for low, high, kind in KNOWN_FUNCTIONS.values():
        assert kind in {"scalar", "aggregate", "geo", "text"}
        assert high is None or low <= high


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("percentile(x)", "where : la fonction percentile() attend 2 arguments, 1 fourni à la position 1"),
        ("a = count(x, y)", "where : la fonction count() attend 1 argument, 2 fournis à la position 5"),
        ("now(1) > d", "where : la fonction now() n'attend aucun argument, 1 fourni à la position 1"),
        ("search()", "where : la fonction search() attend au moins 1 argument, 0 fourni à la position 1"),
        (
            "in_bbox(g, 1, 2, 3)",
            "where : la fonction in_bbox() attend 5 arguments, 4 fournis à la position 1",
        ),
        ("sum(*) > 1", "where : « * » n'est permis comme argument que dans count(*) à la position 5"),
    ],
)
def test_arity_errors(source, message):
    assert error_of(parse_where, source).message == message


def test_arity_message_for_a_bounded_range(monkeypatch):
    monkeypatch.setitem(KNOWN_FUNCTIONS, "between_two", (1, 2, "scalar"))
    assert arity_problem("between_two", 3) == "la fonction between_two() attend de 1 à 2 arguments, 3 fournis"
    assert arity_problem("between_two", 2) is None


# Errors


@pytest.mark.parametrize(
    ("parse", "source", "message", "position"),
    [
        (
            parse_where,
            "population > )",
            "where : jeton inattendu « ) » à la position 14 ; attendu : " + A_VALUE,
            14,
        ),
        (
            parse_where,
            "a = ",
            "where : fin de la clause inattendue à la position 4 ; attendu : " + A_VALUE,
            4,
        ),
        (parse_where, "x = 'abc", "where : chaîne non terminée commencée à la position 5", 5),
        (parse_where, 'x = "abc\\"', "where : chaîne non terminée commencée à la position 5", 5),
        (
            parse_where,
            "`code postal = 1",
            "where : nom de champ entre accents graves non terminé commencé à la position 1",
            1,
        ),
        (
            parse_where,
            "x # 1",
            "where : caractère inattendu « # » à la position 3 ; attendu : "
            "un opérateur de comparaison (= != < > <= >=), un opérateur arithmétique (+ - * /), "
            "« not », « and », « or », « is », « in », « like », « ( », la fin de la clause",
            3,
        ),
        (
            parse_where,
            "(a = 1",
            "where : fin de la clause inattendue à la position 7 ; attendu : "
            "un opérateur arithmétique (+ - * /), « and », « or », « ) »",
            7,
        ),
        (
            parse_where,
            "a = 1)",
            "where : jeton inattendu « ) » à la position 6 ; attendu : un opérateur arithmétique (+ - * /), "
            "« and », « or », la fin de la clause",
            6,
        ),
        (
            parse_where,
            "and a",
            "where : jeton inattendu « and » à la position 1 ; attendu : un nom de champ, une valeur, « - », "
            "« not », « ( »",
            1,
        ),
        (
            parse_where,
            "x in ()",
            "where : jeton inattendu « ) » à la position 7 ; attendu : " + A_VALUE,
            7,
        ),
        (
            parse_where,
            "x in [1..]",
            "where : jeton inattendu « ] » à la position 10 ; attendu : " + A_VALUE,
            10,
        ),
        (
            parse_where,
            "x like 3",
            "where : jeton inattendu « 3 » à la position 8 ; attendu : une chaîne entre guillemets",
            8,
        ),
        (
            parse_where,
            "d > date'2020-13-01'",
            f"where : date invalide « 2020-13-01 » {DATE_FORMATS} à la position 5",
            5,
        ),
        (
            parse_where,
            "d > date'hier'",
            f"where : date invalide « hier » {DATE_FORMATS} à la position 5",
            5,
        ),
        (parse_where, "`` = 1", "where : nom de champ vide entre accents graves à la position 1", 1),
        (parse_where, "intersects(g, geom'  ')", "where : géométrie vide à la position 15", 15),
        (parse_where, "   ", "where : clause vide", None),
        (
            parse_select,
            "count(*) as",
            "select : fin de la clause inattendue à la position 12 ; attendu : un nom de champ",
            12,
        ),
        (
            parse_select,
            "* as all",
            "select : jeton inattendu « as » à la position 3 ; attendu : « , », la fin de la clause",
            3,
        ),
        (
            parse_order_by,
            "x descending",
            "order_by : jeton inattendu « descending » à la position 3 ; attendu : un opérateur arithmétique "
            "(+ - * /), « asc », « desc », « ( », « , », la fin de la clause",
            3,
        ),
        (
            parse_group_by,
            "city,",
            "group_by : fin de la clause inattendue à la position 6 ; attendu : un nom de champ, "
            "une valeur, « - », « ( »",
            6,
        ),
        (parse_refine, "city", "refine : « : » manquant ; format attendu : facette:valeur", None),
        (parse_refine, ":Paris", "refine : nom de facette manquant avant « : » à la position 1", 1),
        (parse_refine, "ci ty:Paris", "refine : nom de facette invalide « ci ty » à la position 1", 1),
        (parse_refine, 'city:"Paris', "refine : chaîne non terminée commencée à la position 6", 6),
        (
            parse_refine,
            'city:"Paris" x',
            "refine : texte inattendu après la valeur entre guillemets à la position 13",
            13,
        ),
        (parse_refine, "city:", "refine : valeur manquante après « : » à la position 6", 6),
    ],
)
def test_error_messages(parse, source, message, position):
    error = error_of(parse, source)
    assert error.message == message
    assert str(error) == message
    assert error.position == position
    assert isinstance(error, ValueError)


def test_error_attributes():
    error = error_of(parse_where, "population > )")
    assert error.clause == "where"
    assert error.expected == ["un nom de champ", "une valeur", "« - »", "« ( »"]
    assert error.reason == "jeton inattendu « ) »"
    assert error_of(lambda s: parse_refine(s, clause="exclude"), "nope").clause == "exclude"
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own object
    assert (copy.message, copy.position, copy.expected) == (error.message, error.position, error.expected)


def test_long_tokens_are_shortened_in_messages():
    error = error_of(parse_where, "x " + "y" * 100)
    assert error.message.startswith("where : jeton inattendu « " + "y" * 29 + "… » à la position 3")


def test_every_terminal_has_a_french_description():
    names = {terminal.name for terminal in _PARSER.terminals} - set(_PARSER.ignore_tokens)
    assert names <= set(TERMINAL_DESCRIPTIONS)
    assert describe_expected({"__ANON_0", "NAME"}) == ["un nom de champ"]


@pytest.mark.parametrize(
    "source",
    ["a = )", "x # 1", "(((", "x in [1..", "count(*) as", "a b c", "'", "`", "not", "f(,)", "x is 3", "1 2"],
)
def test_no_lark_internals_leak(source):
    for parse in (parse_where, parse_select, parse_group_by, parse_order_by):
        message = error_of(parse, source).message
        for leak in (
            "__ANON",
            "Token",
            "Expected",
            "expected",
            "RULE",
            "_LPAR",
            "NAME",
            "$END",
            "Unexpected",
        ):
            assert leak not in message


# Limits


def test_clause_length_limit():
    ok = "x in (" + ",".join(["1"] * 100) + ")"
    assert isinstance(parse_where(ok), In)
    at_limit = "a" * MAX_CLAUSE_LENGTH
    assert parse_where(at_limit) == Field(at_limit)
    error = error_of(parse_where, "a" * (MAX_CLAUSE_LENGTH + 1))
    assert error.message == "where : clause trop longue (5001 caractères, 5000 au maximum)"
    assert error.position is None
    assert error_of(parse_refine, "f:" + "v" * MAX_CLAUSE_LENGTH).position is None


def test_in_list_limit():
    values = ",".join(["1"] * MAX_IN_VALUES)
    assert len(parse_where(f"x in ({values})").values) == MAX_IN_VALUES
    error = error_of(parse_where, f"x in ({values},2)")
    assert error.message == "where : trop de valeurs dans la liste « in » (200 au maximum) à la position 407"


@pytest.mark.parametrize(
    ("build", "ok_levels"),
    [
        (lambda n: "not " * n + "a", MAX_DEPTH - 1),
        (lambda n: "(" * n + "a" + ")" * n, MAX_DEPTH - 1),
        (lambda n: "-" * n + "x", MAX_DEPTH - 1),
        (lambda n: "+".join(["x"] * (n + 1)), MAX_DEPTH - 1),
        (lambda n: "f(" * n + "1" + ")" * n, MAX_DEPTH - 1),
    ],
)
def test_depth_limit(build, ok_levels):
    parse_where(build(ok_levels))
    error = error_of(parse_where, build(ok_levels + 1))
    assert error.reason == "expression trop imbriquée (50 niveaux au maximum)"


@pytest.mark.parametrize(
    "source",
    [
        "(" * 2499 + "a" + ")" * 2499,
        "(" * 5000,
        "not " * 1249 + "a",
        "-" * 4999 + "1",
        "+".join(["1"] * 2500),
        "a" + " and a" * 830,
        "f(" * 1666 + ")" * 1666,
        "[" * 5000,
        "x in " + "[" * 4990,
    ],
)
def test_hostile_input_never_raises_recursion_error(source):
    assert len(source) <= MAX_CLAUSE_LENGTH
    for parse in (parse_where, parse_select, parse_group_by, parse_order_by):
        with contextlib.suppress(OdsqlError):
            parse(source)


def test_huge_numbers_are_rejected():
    error = error_of(parse_where, "x = " + "9" * 4400)
    assert error.reason.startswith("nombre trop grand « 999")
    assert error_of(parse_where, "x = " + "9" * 400 + ".5").position == 5
