"""The one analysis every engine shares: tokenize, normalise, lowercase, stop, Snowball-stem.

Pure functions, no engine import: the Whoosh engine wraps them in its analyzer
(indexer.analysis), another engine is fed the terms they make, so the same query finds the
same articles everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import lru_cache

from newsearch.indexer.scripts import CJK_RUN, MARKS, arabic_stem, cjk_pieces, fold, is_cjk

# Acronyms with dots ("U.S.", "U.K.") stay one token; words keep inner apostrophes so that
# possessives can be cut cleanly rather than leaving a stray "s" token, and their combining
# marks (a vowelled Arabic word, Hindi) rather than falling apart into letters.
TOKEN_PATTERN = rf"[^\W\d_](?:\.[^\W\d_])+\.?(?!\w)|\w[\w{MARKS}]*(?:['’][\w{MARKS}]+)*"

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
    # Accents and vowel signs folded, CJK runs cut into character pairs, the Arabic article cut
    # (indexer.scripts): a version, as a change of any of them changes the terms.
    "scripts": "fold-cjk2-ar1",
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
    """A token folded for matching: straight apostrophe, no possessive, no dots, lowercase,
    no accents ("Café" and "cafe" meet)."""
    text = word.replace("’", "'")
    if "'" in text:
        if text.lower().endswith("'s"):
            text = text[:-2]
        elif text.endswith("'"):
            text = text[:-1]
    text = text.replace(".", "")
    return text.lower() if text.isascii() else fold(text)


@lru_cache(maxsize=STEM_CACHE)
def index_term(word: str) -> str | None:
    """The index term one token becomes, or None for a stop word or a one-letter token."""
    text = normal_form(word)
    if text.isascii():
        if len(text) < 2 or text in STOP_LIST:
            return None
        return snowball_stem(text)
    if is_cjk(text):
        return text  # one CJK character is a word; pairs are not stemmed
    text = arabic_stem(text)
    if len(text) < 2 or text in STOP_LIST:
        return None
    return snowball_stem(text)


def word_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, word) for each token of the text, as the index's tokenizer cuts them.

    A run of CJK characters (written without spaces) comes out as overlapping pairs, so a
    two-character word is found inside a sentence; the pairs of one run overlap by one
    character, which is how phrase_groups() tells them from separate words.
    """
    if CJK_RUN.search(text) is None:
        for m in _TOKEN.finditer(text):
            yield m.start(), m.end(), m.group()
        return
    for m in _TOKEN.finditer(text):
        for a, b, word in split_token(m.group()):
            yield m.start() + a, m.start() + b, word


def split_token(word: str) -> list[tuple[int, int, str]]:
    """One token of TOKEN_PATTERN as the words it holds: CJK runs cut into pairs, the rest whole
    ("iPhone发布" is "iPhone" and "发布")."""
    if CJK_RUN.search(word) is None:
        return [(0, len(word), word)]
    out: list[tuple[int, int, str]] = []
    pos = 0
    for run in CJK_RUN.finditer(word):
        out += _plain(word, pos, run.start())
        out += cjk_pieces(run.start(), run.group())
        pos = run.end()
    return out + _plain(word, pos, len(word))


def _plain(word: str, start: int, end: int) -> list[tuple[int, int, str]]:
    # What is left of a token around a CJK run, tokenized again (it may start with a mark).
    return [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(word, start, end)]


def phrase_groups(text: str) -> list[list[str]]:
    """The index terms of the text, grouped by typed word: a CJK run is one group of pairs."""
    groups: list[list[str]] = []
    end = -1
    for a, b, w in word_spans(text):
        term = index_term(w)
        if term is None:
            continue
        if a < end and groups:
            groups[-1].append(term)  # the next pair of the same CJK run
        else:
            groups.append([term])
        end = b
    return groups


def analyze(text: str) -> list[str]:
    """The index terms a piece of text turns into, in order (stop words dropped)."""
    return [t for _, _, w in word_spans(text) if (t := index_term(w)) is not None]


def title_body_terms(
    title: str, body: str, done: tuple[list[str], list[str]] | None
) -> tuple[list[str], list[str]]:
    """The terms of an article's title and body: ``done`` if analysed already, else analysed."""
    return done if done is not None else (analyze(title), analyze(body))


def name_terms(text: str) -> list[str]:
    """The terms of a name, tag or site: its words folded, never stemmed or stopped."""
    return [normal_form(w) for _, _, w in word_spans(text)]
