"""Whoosh adapters over indexer.terms: the analyzer pickled into every Whoosh index.

Whoosh pickles the analyzer into the index, so the import path of the classes here is part of
the on-disk format: rename nothing without bumping the Whoosh engine's FORMAT. This is the one
module outside newsearch/engines/whoosh/ that imports Whoosh (DESIGN.md, "Rules of the seam");
the terms themselves come from the pure functions of indexer.terms.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from whoosh.analysis import Filter, RegexTokenizer

from newsearch.indexer.terms import (
    SETTINGS,
    STOP_LIST,
    TOKEN_PATTERN,
    analyze,
    index_term,
    normal_form,
    snowball_stem,
    split_token,
    word_spans,
)

__all__ = [
    "SETTINGS",
    "STOP_LIST",
    "TOKEN_PATTERN",
    "NewsTermFilter",
    "NormalFormFilter",
    "analyze",
    "index_term",
    "name_analyzer",
    "news_analyzer",
    "normal_form",
    "snowball_stem",
    "word_spans",
]


class NewsTermFilter(Filter):
    """Each token to its index term (indexer.terms.index_term) in one cached lookup.

    The same terms as a chain of four Whoosh filters, and positions renumbered over dropped stop
    words exactly as Whoosh's StopFilter does.
    """

    is_morph = True  # it stems: Whoosh treats wildcard and prefix queries accordingly

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(self, tokens: Iterator[Any]) -> Iterator[Any]:  # type: ignore[override]
        """Tokens with their text replaced by index terms; stop words dropped or marked."""
        pos = None
        for t in _words(tokens):
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
                t.text = normal_form(t.text)
                t.stopped = True
                yield t


class NormalFormFilter(Filter):
    """Tokens folded by normal_form() and not stemmed: for names, tags and sites."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(self, tokens: Iterator[Any]) -> Iterator[Any]:  # type: ignore[override]
        """Tokens with their text folded."""
        pos = None
        for t in _words(tokens):
            if t.positions:
                pos = t.pos if pos is None else pos + 1
                t.pos = pos
            t.text = normal_form(t.text)
            yield t


def _words(tokens: Iterator[Any]) -> Iterator[Any]:
    """The tokenizer's tokens, a token holding CJK cut as indexer.terms.word_spans cuts it.

    Done in a filter rather than a tokenizer of our own so that the tokenizer pickled into the
    index stays Whoosh's RegexTokenizer (the safe unpickler allows no other).
    """
    for t in tokens:
        if t.text.isascii():
            yield t  # the common case, decided in ~30 ns a token
            continue
        pieces = split_token(t.text)
        if len(pieces) == 1 and pieces[0][2] == t.text:
            yield t
            continue
        first = t.startchar if t.chars else 0
        for a, b, word in pieces:
            t.text = word
            if t.chars:
                t.startchar, t.endchar = first + a, first + b
            yield t  # positions: the filter after numbers them on


def news_analyzer() -> Any:
    """The Whoosh analyzer of title and body: indexer.terms' tokens, stop words and stems."""
    return RegexTokenizer(TOKEN_PATTERN) | NewsTermFilter()


def name_analyzer() -> Any:
    """For names, tags and sites: words matched as written (lowercased), never stemmed."""
    return RegexTokenizer(TOKEN_PATTERN) | NormalFormFilter()
