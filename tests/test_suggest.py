"""'Did you mean': misspelled query words corrected from the index's own vocabulary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsearch import NewsIndex
from newsearch.indexer.analysis import analyze
from newsearch.query.suggest import Suggestion, osa, suggest

ARTICLES = [
    ("Mueller inquiry widens", "The Mueller inquiry widened on Monday. Mueller met lawyers."),
    ("Inquiry hears from aides", "Aides spoke to the inquiry. Mueller asked about the meeting."),
    ("Mueller report due", "The special counsel Mueller will report; the inquiry continues."),
    ("Lavrov visits Pyongyang", "Sergei Lavrov arrived in Pyongyang for talks on the inquiry."),
    ("Talks in Pyongyang", "Lavrov and officials met in Pyongyang. Inquiries were promised."),
    ("Otters return to rivers", "Otters are back. The otter count rose; an otter was filmed."),
    ("Otter sightings", "Another otter was seen near the weir, and otters near the mill."),
    ("River otter study", "The otter study counted each otter along the river."),
    ("Otten joins the board", "Marta Otten joined the board on Friday."),
    ("Otten speaks", "Otten, the new chair, spoke about the rivers."),
]
MULLER = [
    ("Muller wins the final", "Gerd Muller scored twice in the final on Sunday."),
    ("Muller retires", "Muller, the striker, retired after the season."),
    ("Muller remembered", "Fans remembered Muller and his goals."),
]


def build(tmp_path: Path, articles: list[tuple[str, str]], name: str = "ix") -> NewsIndex:
    path = tmp_path / f"{name}.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for i, (title, text) in enumerate(articles):
            record = {
                "id": f"{name}-{i}",
                "title": title,
                "text": text,
                "date": "2019-03-0" + str(i % 9 + 1),
                "source": "Test Wire",
                "tags": ["test"],
            }
            f.write(json.dumps(record) + "\n")
    ix = NewsIndex.create(tmp_path / name)
    report = ix.add_files([path])
    assert report.documents == len(articles) and not report.failed
    return ix


@pytest.fixture
def searcher(tmp_path: Path):
    ix = build(tmp_path, ARTICLES)
    yield ix._engine
    ix.close()


def test_misspelled_words_are_corrected(searcher):
    s = suggest(searcher, "Meuler inquirey")
    assert s == Suggestion("mueller inquiry", {"Meuler": "mueller", "inquirey": "inquiry"})


def test_a_query_spelled_right_gets_no_suggestion(searcher):
    assert suggest(searcher, "Mueller inquiry") is None
    assert suggest(searcher, "Pyongyang") is None
    # "Otten" is one edit from the commoner "otter", but two articles name her: she is meant.
    assert suggest(searcher, "Otten") is None


def test_only_the_misspelled_word_changes(searcher):
    s = suggest(searcher, "Mueller inquirey")
    assert s is not None
    assert s.text == "Mueller inquiry"
    assert s.corrections == {"inquirey": "inquiry"}


def test_a_swap_counts_as_one_edit():
    assert osa("lavorv", "lavrov", 2) == 1
    assert osa("meuler", "mueller", 2) == 2  # a swap and a missing letter
    assert osa("meuler", "member", 1) == 2  # beyond the limit: limit + 1


def test_swapped_letters_are_mended(searcher):
    assert suggest(searcher, "Lavorv").corrections == {"Lavorv": "lavrov"}
    assert suggest(searcher, "Mueler").text == "mueller"


def test_operators_fields_and_phrases_are_kept(searcher):
    s = suggest(searcher, 'title:Meuler AND NOT "inquirey report"')
    assert s is not None
    assert s.text == 'title:mueller AND NOT "inquiry report"'
    # Name fields hold names as written, not stems: they are not the body's to judge.
    assert suggest(searcher, "author:Meuler") is None
    assert suggest(searcher, "Meuler*") is None  # a wildcard is the person's own pattern


def test_stop_words_and_numbers_are_left_alone(searcher):
    # "other" is a stop word, so the index never holds it, and "otter" is one edit away.
    s = suggest(searcher, "other 2019 Meuler")
    assert s is not None
    assert s.text == "other 2019 mueller"
    assert s.corrections == {"Meuler": "mueller"}


def test_the_suggestion_is_a_word_not_a_stem(searcher):
    assert analyze("inquiry") == ["inquiri"]  # the index holds the stem ...
    assert suggest(searcher, "inquirey").corrections["inquirey"] == "inquiry"  # ... not shown
    # The typed word's own inflection is kept when the articles use it.
    assert suggest(searcher, "inquirries").corrections["inquirries"] == "inquiries"


def test_nothing_close_means_no_suggestion(searcher):
    assert suggest(searcher, "zyxwvut") is None


def test_each_index_answers_from_its_own_words(tmp_path, searcher):
    other = build(tmp_path, MULLER, name="other")
    try:
        assert suggest(searcher, "Meuler").text == "mueller"
        assert suggest(other._engine, "Meuler").text == "muller"
    finally:
        other.close()


# ---------------------------------------------------------------- issue 15, points 3 and 4


def test_a_date_phrase_kept_as_words_is_offered_as_a_clause(searcher):
    s = suggest(searcher, "otters seen today")
    assert s == Suggestion("otters seen date:today", {"today": "date:today"})
    # Together with a spelling fix, and not when the phrase is read as a date already.
    both = suggest(searcher, "Meuler inquiry last year before the vote")
    assert both is not None and both.text == "mueller inquiry date:last-year before the vote"
    assert suggest(searcher, "Mueller inquiry last week") is None
    assert suggest(searcher, "otters seen today", dates=False) is None


def test_a_rare_word_beside_common_ones_is_corrected(searcher):
    # Search asks on every query now; a query whose other words match still gets the fix.
    s = suggest(searcher, "river otter Lavorv")
    assert s is not None and s.corrections == {"Lavorv": "lavrov"}
