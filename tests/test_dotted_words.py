"""Dotted abbreviations stay one term however the dots fall (indexer.terms.TOKEN_PATTERN)."""

from newsearch.indexer.terms import analyze


def test_an_acronym_is_one_term_with_or_without_its_last_dot():
    assert analyze("THE U.S . FIRST") == analyze("the U.S. first") == ["us", "first"]
    assert analyze("ANGLO-U.S talks") == ["anglo", "us", "talk"]
    assert analyze("e.g. timesharing, i.e, batch") == ["eg", "timeshar", "ie", "batch"]


def test_a_missing_space_after_a_full_stop_does_not_glue_words():
    # "a.The": one letter, a stop, then a word: not an abbreviation.
    assert analyze("was a.The end") == ["end"]
    assert analyze("end.The start") == ["end", "start"]
