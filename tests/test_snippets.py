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
