import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsearch.engine import (
    COMBINED,
    Bool,
    Every,
    Fuzzy,
    Nothing,
    Phrase,
    Prefix,
    Term,
    Wildcard,
    describe,
    leaves,
)
from newsearch.query.parse import parse
from newsearch.query.words import COORD, words_query


def both(text, boost=1.0):
    return Bool(should=(Term("title", text, boost), Term("body", text, boost)))


def test_plain_words_are_one_or_over_title_and_body_with_stems():
    q = parse("Mueller inquiries")
    assert q.strict and q.plain
    # Plain words are scored on the combined field, where the title counts twice (issue 14).
    assert q.query == Bool(
        should=(Term(COMBINED, "mueller"), Term(COMBINED, "inquiri")),
        coord=COORD,
    )


def test_a_word_typed_twice_counts_twice():
    assert Term(COMBINED, "oil", 2.0) in parse("oil prices oil").query.should


def test_curly_quotes_make_a_phrase():
    q = parse("“Mueller inquiry”").query
    assert q == Bool(
        should=(
            Phrase("title", ("mueller", "inquiri")),
            Phrase("body", ("mueller", "inquiri")),
        )
    )


def test_phrase_slop_boost_and_stop_words_inside():
    q = parse('"the president of the united states"~3^2').query
    assert q.should[1] == Phrase("body", ("presid", "unit", "state"), slop=3, boost=2.0)


def test_words_query_drops_syntax():
    assert Term(COMBINED, "mueller") in words_query('"(Mueller^ AND').should


def test_boolean_operators_and_precedence():
    assert parse("mueller AND inquiry").query == Bool(must=(both("mueller"), both("inquiri")))
    # AND binds tighter than the OR of a sequence.
    q = parse("trump mueller AND inquiry").query
    assert q == Bool(
        should=(both("trump"), Bool(must=(both("mueller"), both("inquiri")))), coord=COORD
    )
    assert parse("(trump OR putin) AND summit").query == Bool(
        must=(Bool(should=(both("trump"), both("putin")), coord=COORD), both("summit"))
    )


def test_not_applies_to_the_whole_sequence():
    # "a b NOT c" is (a OR b) AND NOT c, not a OR b OR (anything but c).
    q = parse("harbour strike NOT ferry").query
    assert q == Bool(
        should=(both("harbour"), both("strike")), must_not=(both("ferri"),), coord=COORD
    )
    assert parse("inquiry AND NOT mueller").query == Bool(
        must=(both("inquiri"),), must_not=(both("mueller"),)
    )


def test_plus_minus_and_fuzzy():
    q = parse("+mueller -trump inquiry").query
    assert q == Bool(must=(both("mueller"),), should=(both("inquiri"),), must_not=(both("trump"),))
    fuzzy = parse("Meuler~2").query
    assert fuzzy == Bool(should=(Fuzzy("title", "meuler", 2), Fuzzy("body", "meuler", 2)))
    assert parse("fire~3").query.should[0].maxdist == 2  # capped
    # Fuzzy words are stemmed like the index: "inquiries~" looks around "inquiri".
    assert parse("inquiries~").query.should[0] == Fuzzy("title", "inquiri", 1)


def test_a_lone_negation_means_everything_else():
    assert parse("-port").query == Bool(must=(Every(),), must_not=(both("port"),))


def test_a_lone_dash_is_punctuation_not_negation():
    q = parse("UK rebate 'unjustified' - Chirac")
    assert q.plain and Term(COMBINED, "chirac") in q.query.should
    assert not any(isinstance(n, Bool) and n.must_not for n in [q.query])


def test_a_hyphenated_word_is_its_words_not_an_exclusion():
    # Was ((pre OR profit) ANDNOT (tax OR loss)): "tax" excluded, as "ray" was for "X-ray".
    q = parse("pre-tax profit -loss").query
    assert q.must_not == (both("loss"),)
    assert (
        Bool(
            should=(
                Term("title", "pre"),
                Term("body", "pre"),
                Term("title", "tax"),
                Term("body", "tax"),
            )
        )
        in q.should
    )
    assert Term("body", "tax") not in set(leaves(q.must_not[0]))


def test_fields_and_aliases():
    assert parse("title:lavrov").query == Term("title", "lavrov")
    # A name clause alone is a filter: it must match and scores nothing (issue 15, point 5).
    assert parse('author:"Jane Doe"').query == Phrase("authors", ("jane", "doe"), boost=0.0)
    assert parse("by:lindqvist").query == Term("authors", "lindqvist", boost=0.0)
    assert parse("site:BBC").query == Term("source", "bbc", boost=0.0)
    assert parse("tag:Harbour").query == Term("tags", "harbour", boost=0.0)  # names not stemmed
    assert not parse("site:BBC").ranked and parse("title:lavrov").ranked
    assert parse("title:(mueller inquiry)").query == Bool(
        should=(Term("title", "mueller"), Term("title", "inquiri")), coord=COORD
    )
    # Not a field of ours: the words themselves.
    assert {Term(COMBINED, "foo"), Term(COMBINED, "bar")} <= set(leaves(parse("foo:bar baz").query))


def test_boosts():
    assert parse("word^2 harbour").query.should[0] == both("word", 2.0)
    assert parse("(harbour strike)^3").query.boost == 3.0


def test_prefix_of_a_word_with_a_short_stem_matches_the_word_not_every_run_word():
    q = parse("running*").query
    assert q.should[1] == Bool(should=(Prefix("body", "running"), Term("body", "run")))
    assert parse("inquiry*").query == Bool(
        should=(Prefix("title", "inquiri"), Prefix("body", "inquiri"))
    )
    assert parse("te?t").query.should[0] == Wildcard("title", "te?t")
    assert parse("*").query == Every()


@pytest.mark.parametrize(
    "text", ['"unbalanced quote', "(open paren", "close)", "mueller AND", "OR mueller"]
)
def test_half_typed_syntax_is_read_as_words_and_flagged(text):
    parsed = parse(text)
    assert not parsed.strict
    assert isinstance(parsed.query, Bool) and not parsed.query.must and not parsed.query.must_not
    assert {n.text for n in leaves(parsed.query)} <= {
        "unbalanc",
        "quot",
        "open",
        "paren",
        "close",
        "mueller",
    }


def test_field_prefix_is_not_a_search_word_when_syntax_fails():
    # A bare word is described as typed: it means title and body (the combined field).
    assert describe(parse("title:mueller)").query) == "(mueller)"


def test_only_stop_words_is_nothing():
    assert parse("the of and").query == Nothing()
    assert parse('"the"').query == Nothing()


WORDS = ['"', "(", ")", "AND", "OR", "NOT", "-", "+", "*", "?", "~", "^", ":", "title:"]
WORDS += ["[", "]", "{", "}", "TO", "\\", "'", "word", "Mueller", "2017", "author:", "2^"]


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=60)
    | st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join)
    | st.lists(st.sampled_from(WORDS), max_size=12).map("".join)
)
@example("0~''*")  # found by Hypothesis: the prefix "0~''" was stemmed to the term "0~"
def test_any_string_parses_to_a_tree_of_analysed_terms(text):
    parsed = parse(text)
    for leaf in leaves(parsed.query):
        assert isinstance(leaf, Term | Phrase | Prefix | Wildcard | Fuzzy | Every | Nothing)
        if isinstance(leaf, Term):
            # Every term is what the index could hold: lower case, no syntax left in it.
            assert leaf.text and leaf.text == leaf.text.lower()
            assert not set(leaf.text) & set('"()*?~^:')
    # A word typed on its own is always searched for, whatever syntax is around it.
    if "Mueller" in text.split():
        assert any("mueller" in str(leaf) for leaf in leaves(parsed.query)), parsed


# ---------------------------------------------------------------- issue 15, points 5 and 7


def test_a_name_clause_filters_and_the_words_stay_required():
    q = parse("site:MSNBC obama").query
    # Today's reading OR-ed the site with the word: any MSNBC article, or any on Obama.
    assert q == Bool(
        must=(
            Bool(should=(Term("title", "obama"), Term("body", "obama"))),
            Term("source", "msnbc", boost=0.0),
        )
    )
    plus = parse("+tag:crude oil prices").query
    assert Term("tags", "crude", boost=0.0) in plus.must and not plus.should
    assert {Term("body", "oil"), Term("body", "price")} <= set(leaves(plus.must[0]))


def test_clauses_on_one_field_are_alternatives_on_two_fields_both_hold():
    q = parse("site:a OR site:b tag:oil iran").query
    assert Bool(should=(Term("source", "a"), Term("source", "b")), boost=0.0) in q.must
    assert Term("tags", "oil", boost=0.0) in q.must
    assert parse("(site:a OR site:b) iran").query.must[1].boost == 0.0


def test_an_excluded_site_still_excludes_and_a_filter_alone_is_not_ranked():
    q = parse("obama -site:cnn").query
    assert q.must_not == (Term("source", "cnn"),)
    assert not parse("-site:cnn").ranked and not parse("tag:oil site:x").ranked
    assert parse("obama -site:cnn").ranked


def test_a_cjk_run_is_matched_as_written():
    q = parse("中国人民银行").query
    assert Phrase("body", ("中国", "国人", "人民", "民银", "银行")) in q.should
    assert parse("利率").query == Bool(should=(Term(COMBINED, "利率"),), coord=COORD)
    assert parse("title:利率上升").query == Phrase("title", ("利率", "率上", "上升"))


def test_a_bracket_inside_a_phrase_does_not_swallow_the_words_after_it():
    # Found by the property test above: the ")" after the phrase '"("' ended the query.
    assert Term(COMBINED, "mueller") in set(leaves(parse('"(") Mueller').query))


def test_a_question_mark_ending_a_word_is_punctuation_not_a_wildcard():
    q = parse("What is information science? Give definitions")
    assert q.plain and q.strict
    assert Term(COMBINED, "scienc") in q.query.should
    assert parse("science?").query == words_query("science")
    assert parse('"information science?"').query.should[1] == Phrase("body", ("inform", "scienc"))
    # Inside a word it is still the one-character wildcard.
    assert parse("te?t").query.should[0] == Wildcard("title", "te?t")


def test_a_word_typed_twice_counts_twice_with_syntax_too():
    q = parse('systems "text formatting" systems').query
    assert Bool(should=(Term("title", "system"), Term("body", "system")), boost=2.0) in q.should
    assert len(q.should) == 2  # the system clause once (weighing two), the phrase once
    assert parse("(oil OR gas) (oil OR gas)").query.boost == 2.0
