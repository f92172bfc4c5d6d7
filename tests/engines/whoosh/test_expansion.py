"""Multi-term queries have a bounded cost: too-wide patterns refused, fuzzy words capped."""

import pytest

from newsearch import NewsIndex, QueryError
from newsearch.engine import Bool, Fuzzy, Term
from newsearch.engines.whoosh import expansion


@pytest.fixture
def wide(tmp_path, monkeypatch):
    monkeypatch.setattr(expansion, "MAX_TERMS", 20)
    ix = NewsIndex.create(tmp_path / "ix")
    words = [f"tar{a}{b}" for a in "abcdefg" for b in "hijklmn"]  # 49 words, one edit apart
    ix.add_articles([{"id": w, "title": w, "text": f"The {w} report."} for w in words])
    return ix


@pytest.mark.parametrize("pattern", ["?*", "*a*", "tar*", "t*"])
def test_a_pattern_wider_than_the_cap_is_a_message_not_a_long_wait(wide, pattern):
    # On Reuters `?*` took 20 s and `*a*` 11 s.
    with pytest.raises(QueryError, match="more than 20 different words") as err:
        wide.search(pattern)
    assert "more letters" in err.value.hint


def test_a_pattern_within_the_cap_still_matches(wide):
    assert wide.search("tara*").total == 7
    assert wide.search("tar?h").total == 7


def test_a_fuzzy_word_becomes_its_nearest_terms_and_no_more(wide):
    with wide._engine._reading() as r:
        node = expansion.bounded(r.searcher.reader(), Fuzzy("body", "tarah", 2))
    assert isinstance(node, Bool) and len(node.should) == expansion.FUZZY_TERMS
    exact = Term("body", "tarah", 1.0)
    assert node.should[0] == exact  # the word itself first, at full weight
    assert all(t.boost < 1.0 for t in node.should[1:])
    assert wide.search("tarah~2").total == expansion.FUZZY_TERMS
