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
