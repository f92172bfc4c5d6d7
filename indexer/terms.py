"""The one analysis every engine shares: tokenize, normalise, lowercase, stop, Snowball-stem.

Pure functions, no engine import: the Whoosh engine wraps them in its analyzer
(indexer.analysis), another engine is fed the terms they make, so the same query finds the
same articles everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import lru_cache

# Acronyms with dots ("U.S.", "U.K.") stay one token; words keep inner apostrophes so that
# possessives can be cut cleanly rather than leaving a stray "s" token.
TOKEN_PATTERN = r"(?:[^\W\d_]\.){2,}|\w+(?:['’]\w+)*"

# Whoosh's two English lists (its short default and its Snowball list) joined, less words that
# carry meaning in news: "US" (the country), "May" (the month, the prime minister), "will"
# (the noun, the name), "WHO". The longer list won on 4 of the 5 dev collections (CACM
# nDCG@10 .457 → .475, CISI .339 → .352; MED .701 → .696). Written out so that no engine
# import decides the terms; tests/engines/whoosh checks it still equals Whoosh's lists.
# fmt: off
STOP_LIST = frozenset((
    "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are",
    "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but",
    "by", "can", "did", "do", "does", "doing", "don", "down", "during", "each", "few", "for",
    "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself",
    "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just",
    "me", "more", "most", "my", "myself", "no", "nor", "not", "now", "of", "off", "on", "once",
    "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own", "s", "same", "she",
    "should", "so", "some", "such", "t", "tbd", "than", "that", "the", "their", "theirs", "them",
    "themselves", "then", "there", "these", "they", "this", "those", "through", "to", "too",
    "under", "until", "up", "very", "was", "we", "were", "what", "when", "where", "which",
    "while", "whom", "why", "with", "yet", "you", "your", "yours", "yourself", "yourselves",
))
# fmt: on
STEM_CACHE = 200_000
SETTINGS = {
    "tokenizer": TOKEN_PATTERN,
    "stemmer": "nltk.snowball.english",
    "stop_words": sorted(STOP_LIST),
    "min_token": 2,
}
_TOKEN = re.compile(TOKEN_PATTERN)
_stem_fn: Callable[[str], str] | None = None


@lru_cache(maxsize=STEM_CACHE)
def snowball_stem(word: str) -> str:
    """NLTK's English Snowball stem of one lowercase word (NLTK is imported on first use)."""
    # The cache lives here, not in an engine's filter: Whoosh unpickles a fresh analyzer (and
    # so a fresh, empty filter cache) with every searcher it opens.
    global _stem_fn
    if _stem_fn is None:
        from newsearch.indexer.stemmer import english_stemmer

        _stem_fn = english_stemmer()
    return _stem_fn(word)


@lru_cache(maxsize=STEM_CACHE)
def normal_form(word: str) -> str:
    """A token folded for matching: straight apostrophe, no possessive, no dots, lowercase."""
    text = word.replace("’", "'")
    if "'" in text:
        if text.lower().endswith("'s"):
            text = text[:-2]
        elif text.endswith("'"):
            text = text[:-1]
    return text.replace(".", "").lower()


@lru_cache(maxsize=STEM_CACHE)
def index_term(word: str) -> str | None:
    """The index term one token becomes, or None for a stop word or a one-letter token."""
    text = normal_form(word)
    if len(text) < 2 or text in STOP_LIST:
        return None
    return snowball_stem(text)


def word_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, word) for each token of the text, as the index's tokenizer cuts them."""
    for m in _TOKEN.finditer(text):
        yield m.start(), m.end(), m.group()


def analyze(text: str) -> list[str]:
    """The index terms a piece of text turns into, in order (stop words dropped)."""
    return [t for _, _, w in word_spans(text) if (t := index_term(w)) is not None]


def name_terms(text: str) -> list[str]:
    """The terms of a name, tag or site: its words folded, never stemmed or stopped."""
    return [normal_form(w) for _, _, w in word_spans(text)]
