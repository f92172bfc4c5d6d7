import pickle

from newsearch.indexer.analysis import (
    analyze,
    index_term,
    news_analyzer,
    snowball_stem,
    word_spans,
)


def test_inflections_and_possessives_meet():
    assert (
        analyze("inquiry") == analyze("inquiries") == analyze("Inquiry's") == analyze("Inquiry’s")
    )
    assert analyze("Mueller's") == analyze("Mueller’s") == analyze("MUELLER") == ["mueller"]


def test_snowball_not_porter_doubling_bug():
    assert snowball_stem("running") == "run"


def test_stop_words_go_but_news_words_stay():
    assert analyze("the inquiry of the US") == ["inquiri", "us"]
    assert analyze("U.S. officials") == ["us", "offici"]
    assert analyze("May will") == ["may", "will"]


def test_hyphenated_words_split_into_their_parts():
    assert analyze("wide-ranging") == analyze("wide ranging")


def test_token_offsets_point_at_the_original_words():
    text = "Robert Mueller’s inquiry"
    # Whoosh reuses one Token object, so read the offsets while iterating.
    spans = [text[t.startchar : t.endchar] for t in news_analyzer()(text, chars=True)]
    assert spans == ["Robert", "Mueller’s", "inquiry"]


def test_analyzer_pickles_by_reference():
    # Whoosh stores the analyzer in the index; it must come back working.
    ana = pickle.loads(pickle.dumps(news_analyzer()))
    assert [t.text for t in ana("Inquiries")] == ["inquiri"]


def test_index_term_matches_the_analyzer_word_for_word(seed):
    # Snippets rely on index_term() turning a word into exactly what the analyzer indexed.
    text = seed.read_text(encoding="utf-8") + " U.S. Mueller’s don't it's a I 42 Zürich café’s"
    expected = [t.text for t in news_analyzer()(text)]
    got = [index_term(w) for _, _, w in word_spans(text)]
    assert [g for g in got if g is not None] == expected
