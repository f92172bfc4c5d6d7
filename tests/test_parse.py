import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsearch.indexer.schema import build_schema
from newsearch.query.parse import parse, words_query

SCHEMA = build_schema()


def test_plain_words_are_or_over_title_and_body_with_stems():
    q = parse("Mueller inquiries", SCHEMA)
    assert q.strict
    s = str(q.query)
    assert "title:mueller" in s and "body:inquiri" in s and " OR " in s


def test_curly_quotes_make_a_phrase():
    assert 'body:"mueller inquiri"' in str(parse("“Mueller inquiry”", SCHEMA).query)


def test_words_query_drops_syntax():
    assert "body:mueller" in str(words_query('"(Mueller^ AND', SCHEMA))


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=60)
    | st.lists(
        st.sampled_from(
            [
                '"',
                "(",
                ")",
                "AND",
                "OR",
                "NOT",
                "-",
                "+",
                "*",
                "?",
                "~",
                "^",
                ":",
                "title:",
                "[",
                "]",
                "{",
                "}",
                "TO",
                "\\",
                "'",
                "word",
                "Mueller",
                "2017",
            ]
        ),
        max_size=12,
    ).map(" ".join)
)
def test_any_string_parses_without_raising(text):
    parsed = parse(text, SCHEMA)
    assert parsed.query is not None


def test_plus_minus_and_fuzzy():
    q = parse("+mueller -trump inquiry", SCHEMA).query
    assert type(q).__name__ == "AndNot" and "trump" in str(q.b) and "mueller" in str(q.a)
    fuzzy = parse("Meuler~2", SCHEMA).query
    assert "FuzzyTerm" in repr(fuzzy) and "maxdist=2" in repr(fuzzy)


def test_a_lone_dash_is_punctuation_not_negation():
    q = parse("UK rebate 'unjustified' - Chirac", SCHEMA)
    assert q.plain and "chirac" in str(q.query) and "NOT" not in str(q.query)


def test_prefix_of_a_word_with_a_short_stem_matches_the_word_not_every_run_word():
    q = str(parse("running*", SCHEMA).query)
    assert "running*" in q and "body:run" in q and "body:run*" not in q
    assert str(parse("inquiry*", SCHEMA).query) == "(title:inquiri* OR body:inquiri*)"


@pytest.mark.parametrize(
    "text", ['"unbalanced quote', "(open paren", "close)", "mueller AND", "OR mueller"]
)
def test_half_typed_syntax_is_read_as_words_and_flagged(text):
    parsed = parse(text, SCHEMA)
    assert not parsed.strict and "OR" not in str(parsed.query).replace(" OR ", "")


def test_field_prefix_is_not_a_search_word_when_syntax_fails():
    assert str(parse("title:mueller)", SCHEMA).query) == "(title:mueller OR body:mueller)"
