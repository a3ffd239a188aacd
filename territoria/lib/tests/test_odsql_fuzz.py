"""Property tests: any text either parses into an AST or raises OdsqlError, nothing else."""

from hypothesis import given, settings
from hypothesis import strategies as st

from territoria.lib.odsql import (
    Node,
    OdsqlError,
    parse_group_by,
    parse_order_by,
    parse_refine,
    parse_select,
    parse_where,
    walk,
)

CLAUSE_PARSERS = (parse_where, parse_select, parse_group_by, parse_order_by)

# fmt: off
TOKENS = [
    # keywords, in several cases
    "and", "OR", "not", "Not", "in", "like", "is", "null", "true", "FALSE", "as", "asc", "DESC", "to",
    # punctuation and operators
    "(", ")", "[", "]", ",", "..", ".", "=", "!=", "<>", "<", ">", "<=", ">=", "+", "-", "*", "/", ":",
    # literals, well-formed or not
    "'a'", '"b c"', "'l\\'x'", '"\\u00e9"', "'", '"', "`", "`f g`", "``", "1", "2.5", "007", "5km", "1 mi",
    "date'2020'", "date'2020-13-01'", "date'", "geom'POINT(1 1)'", "geom''", "9" * 40,
    # names and functions
    "x", "population", "année", "2019_pop", "count", "search", "within_distance", "in_bbox", "percentile",
    "now", "range", "date_format", "year", "f",
    # junk
    "#", "\\", "é", "\n", "\t", "\x00", "🙂", ";", "$",
]
# fmt: on


def check(parse, text):
    try:
        result = parse(text)
    except OdsqlError as error:
        assert error.message.startswith(f"{error.clause} : ")
        assert error.position is None or 1 <= error.position <= len(text) + 1
        assert all(isinstance(item, str) for item in error.expected)
        return
    assert isinstance(result, Node | tuple)
    assert all(isinstance(node, Node) for node in walk(result))


@settings(max_examples=700, deadline=None, database=None)
@given(st.text(max_size=120))
def test_random_text_parses_or_raises_odsql_error(text):
    for parse in (*CLAUSE_PARSERS, parse_refine):
        check(parse, text)


@settings(max_examples=1300, deadline=None, database=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=40), st.sampled_from([" ", "", "  "]))
def test_token_soups_parse_or_raise_odsql_error(tokens, separator):
    text = separator.join(tokens)
    for parse in (*CLAUSE_PARSERS, parse_refine):
        check(parse, text)
