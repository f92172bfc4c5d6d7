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


# ---------------------------------------------------------------- scripts (issue 15, point 7)


def test_accents_fold_on_both_sides():
    assert (
        analyze("café naïve Zürich") == analyze("cafe naive zurich") == ["cafe", "naiv", "zurich"]
    )
    assert analyze("CAFÉ") == analyze("cafe\u0301") == ["cafe"]  # composed or not
    assert analyze("Straße Øresund") == analyze("strasse oresund")
    assert analyze("ＯＰＥＣ") == ["opec"]  # fullwidth letters are the plain ones


def test_kana_voicing_and_indic_vowel_signs_are_kept():
    # Not accents: "が" is not "か", and a Hindi word does not fall apart into its letters.
    assert analyze("が") != analyze("か")
    assert [w for _, _, w in word_spans("हिन्दी समाचार")] == ["हिन्दी", "समाचार"]


def test_cjk_runs_become_overlapping_pairs():
    assert analyze("中国人民银行") == ["中国", "国人", "人民", "民银", "银行"]
    assert "利率" in analyze("今天宣布下调利率。")
    assert analyze("税") == ["税"]  # one character alone is a word
    assert analyze("iPhone发布") == ["iphon", "发布"]
    assert analyze("한국은행") == ["한국", "국은", "은행"]


def test_arabic_article_and_vowel_signs_go():
    assert analyze("النفط") == analyze("نفط") == analyze("نَفْط") == analyze("بالنفط") == ["نفط"]
    assert analyze("ﻧﻔﻂ") == ["نفط"]  # presentation forms
    assert analyze("الله") == ["الله"]  # too short for the article to be cut


def test_the_analyzer_cuts_cjk_and_marks_exactly_as_word_spans():
    text = "The 中国人民银行 cut 利率。 iPhone发布会, نَفْط والنفط, हिन्दी, café's naïve U.S."
    ana = news_analyzer()
    tokens = [
        (t.text, t.pos, t.startchar, t.endchar) for t in ana(text, positions=True, chars=True)
    ]
    spans = [(a, b, index_term(w)) for a, b, w in word_spans(text)]
    assert [(s, e, t) for t, _, s, e in tokens] == [(a, b, t) for a, b, t in spans if t]
    positions = [p for _, p, _, _ in tokens]
    assert positions == list(range(positions[0], positions[0] + len(positions)))


def test_the_mark_class_covers_its_blocks_and_nothing_else():
    import re
    import unicodedata

    from newsearch.indexer.scripts import MARKS

    cls = re.compile(f"[{MARKS}]")
    blocks = [(0x300, 0x36F), (0x591, 0x5C7), (0x610, 0x6ED), (0x900, 0xDFF), (0xE00, 0xEFF)]
    for lo, hi in blocks:
        for cp in range(lo, hi + 1):
            c = chr(cp)
            if unicodedata.category(c)[0] == "M" and not re.match(r"\w", c):
                assert cls.match(c), f"U+{cp:04X} not joined into words"
    for cp in range(0x10000):
        c = chr(cp)
        if cls.match(c):
            assert unicodedata.category(c)[0] not in "PSZ", f"U+{cp:04X} would join words"


def test_an_index_built_with_the_analysis_before_folding_asks_for_a_rebuild(tmp_path):
    import json

    import pytest

    from newsearch import NewsIndex
    from newsearch.errors import IndexIncompatibleError
    from newsearch.indexer.terms import SETTINGS

    ix = NewsIndex.create(tmp_path / "ix")
    ix.add_articles([{"id": "a", "title": "Café", "text": "Le café."}])
    ix.close()
    manifest = tmp_path / "ix" / "newsearch.json"
    data = json.loads(manifest.read_text())
    # What indexes written before issue 15 hold: the old token pattern, no "scripts" entry.
    old = {k: v for k, v in SETTINGS.items() if k != "scripts"}
    old["tokenizer"] = r"(?:[^\W\d_]\.){2,}|\w+(?:['’]\w+)*"
    manifest.write_text(json.dumps({**data, "analysis": old}))
    with pytest.raises(IndexIncompatibleError) as err:
        NewsIndex.open(tmp_path / "ix")
    assert "rebuild" in err.value.hint.lower()
