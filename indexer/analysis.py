"""The one analyzer used to index and to query: tokenize, normalise, lowercase, stop, stem.

Whoosh pickles this analyzer into the index, so the import path of everything here is part of
the on-disk format: rename nothing without bumping schema.FORMAT.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any

from whoosh.analysis import (
    STOP_WORDS,
    Filter,
    RegexTokenizer,
)
from whoosh.lang import stopwords_for_language

# Acronyms with dots ("U.S.", "U.K.") stay one token; words keep inner apostrophes so that
# possessives can be cut cleanly rather than leaving a stray "s" token.
TOKEN_PATTERN = r"(?:[^\W\d_]\.){2,}|\w+(?:['’]\w+)*"

# Whoosh's own English lists (its short default and its Snowball list; no NLTK download),
# less words that carry meaning in news: "US" (the country), "May" (the month, the prime
# minister), "will" (the noun, the name), "WHO". The longer list won on 4 of the 5 dev
# collections (CACM nDCG@10 .457 → .475, CISI .339 → .352; MED .701 → .696).
STOP_LIST = frozenset((STOP_WORDS | stopwords_for_language("en")) - {"us", "may", "will", "who"})
STEM_CACHE = 200_000
SETTINGS = {
    "tokenizer": TOKEN_PATTERN,
    "stemmer": "nltk.snowball.english",
    "stop_words": sorted(STOP_LIST),
    "min_token": 2,
}

_stem_fn: Callable[[str], str] | None = None


@lru_cache(maxsize=STEM_CACHE)
def snowball_stem(word: str) -> str:
    """NLTK's English Snowball stem of one lowercase word (NLTK is imported on first use)."""
    # The cache lives here, not in Whoosh's StemFilter: Whoosh unpickles a fresh analyzer (and
    # so a fresh, empty filter cache) with every searcher it opens.
    global _stem_fn
    if _stem_fn is None:
        from newsearch.indexer.stemmer import english_stemmer

        _stem_fn = english_stemmer()
    return _stem_fn(word)


class NewsTermFilter(Filter):
    """Each token to its index term in one step: fold curly apostrophes, cut possessives
    ("Mueller's" → "mueller"), undot acronyms, lowercase, drop stop words, Snowball-stem.

    One cached lookup per word (index_term) instead of a chain of four Whoosh filters: the same
    terms, and positions renumbered over dropped stop words exactly as Whoosh's StopFilter does.
    """

    is_morph = True  # it stems: Whoosh treats wildcard and prefix queries accordingly

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(self, tokens: Iterator[Any]) -> Iterator[Any]:
        pos = None
        for t in tokens:
            term = index_term(t.text)
            if term is not None:
                if t.positions:
                    if pos is None:
                        pos = t.pos
                    else:
                        pos += 1
                        t.pos = pos
                t.text = term
                t.stopped = False
                yield t
            elif not t.removestops:
                # The query parser keeps stop words (marked) to read phrases; never stemmed.
                t.text = normal_form(t.text)
                t.stopped = True
                yield t


class NormalFormFilter(Filter):
    """Tokens folded by normal_form() and not stemmed: for names, tags and sites."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(self, tokens: Iterator[Any]) -> Iterator[Any]:
        for t in tokens:
            t.text = normal_form(t.text)
            yield t


def news_analyzer() -> Any:
    """The analyzer both sides use: same tokens, same stop words, same stems."""
    return RegexTokenizer(TOKEN_PATTERN) | NewsTermFilter()


_TOKEN = re.compile(TOKEN_PATTERN)


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


def name_analyzer() -> Any:
    """For names, tags and sites: words matched as written (lowercased), never stemmed."""
    return RegexTokenizer(TOKEN_PATTERN) | NormalFormFilter()


def analyze(text: str) -> list[str]:
    """The index terms a piece of text turns into (for tests and `--explain`)."""
    return [t.text for t in news_analyzer()(text)]
