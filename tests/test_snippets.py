from newsearch.query.snippets import lead


def test_snippet_highlights_original_words_not_stems(seeded):
    hit = seeded.search("Mueller inquiries").hits[0]
    assert "**Mueller**" in hit.snippet and "**inquiry**" in hit.snippet
    assert "**Mueller’s**" in hit.snippet
    assert "inquiri " not in hit.snippet and "**inquiri**" not in hit.snippet


def test_title_only_match_falls_back_to_the_opening(seeded):
    hit = seeded.search("title:bridge").hits[0]
    assert hit.snippet.startswith("The harbour bridge reopened")


def test_lead_cuts_at_a_word():
    text = "word " * 100
    out = lead(text, 23)
    assert out.endswith(" …") and len(out) <= 25 and "wor …" not in out


def test_folded_and_cjk_matches_are_highlighted_in_the_articles_words():
    from newsearch.indexer.terms import analyze
    from newsearch.query.snippets import fragments, marked, matches

    body = "Le café était plein, une idée naïve. 中国人民银行今天宣布下调利率。市场平稳。"
    assert marked(fragments(body, set(analyze("cafe naive")))) == (
        "Le **café** était plein, une idée **naïve**."
    )
    # The five pairs of one run are one highlight, and a CJK full stop ends the sentence.
    run = set(analyze("中国人民银行"))
    assert [body[a:b] for a, b in matches(body, run)] == ["中国人民银行"]
    assert marked(fragments(body, {"利率"})) == "中国人民银行今天宣布下调**利率**。"
