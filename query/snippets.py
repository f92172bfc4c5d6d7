"""Highlighted sentences of an article, in its own words, chosen by the query terms they hold."""

from __future__ import annotations

import re
from functools import lru_cache

from newsearch.indexer.analysis import index_term, word_spans

MARK_START = "**"
MARK_END = "**"
MAX_CHARS = 220
SENTENCES = 2
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’)\]]*\s+|\n+")


def sentence_at(body: str, pos: int) -> tuple[int, int]:
    """The span of the sentence holding character ``pos`` (a paragraph break ends one too)."""
    start = 0
    for m in _SENTENCE_END.finditer(body, max(0, pos - 600), pos):
        start = m.end()
    m = _SENTENCE_END.search(body, pos)
    end = m.start() if m else len(body)
    if m and body[m.start() - 1 : m.start()] in '”")’' and m.start() > pos:
        end = m.start()
    # Keep a closing quote with its sentence: "… he said.”" reads better than "… he said."
    while end < len(body) and body[end] in '”")’':
        end += 1
    return start, end


@lru_cache(maxsize=1024)
def candidates(terms: frozenset[str]) -> re.Pattern[str]:
    """A regex for the words that may turn into one of these index terms.

    A Snowball stem keeps the start of its word, so words starting like a stem are the only
    ones worth analysing; dotted acronyms ("U.S." for "us") are allowed for short terms.
    """
    alts = set()
    for t in terms:
        alts.add(re.escape(t[: max(2, len(t) - 1)]))
        if len(t) <= 4 and t.isalpha():
            alts.add(r"\.?".join(map(re.escape, t)))
    pattern = r"\b(?:" + "|".join(sorted(alts, key=len, reverse=True)) + r")[\w.]*(?:['’]\w+)*"
    return re.compile(pattern, re.IGNORECASE)


def snippet(body: str, terms: set[str]) -> str:
    """The best sentences for these index terms, matches marked; the opening when none match.

    Words are matched by the index term they turn into, so a match is exactly what the index
    matched, and what is shown is the article's own words, never stems.
    """
    if not terms or not body:
        return lead(body)
    marks = []
    for m in candidates(frozenset(terms)).finditer(body):
        for a, b, word in word_spans(m.group()):
            if index_term(word) in terms:
                marks.append((m.start() + a, m.start() + b))
    if not marks:
        return lead(body)
    by_sentence: dict[tuple[int, int], list[tuple[int, int]]] = {}
    span = (-1, -1)
    for a, b in marks:
        if not span[0] <= a < span[1]:
            span = sentence_at(body, a)
        by_sentence.setdefault(span, []).append((a, b))
    scored = [
        (len({index_term(body[a:b]) for a, b in inside}), len(inside), -span[0], span, inside)
        for span, inside in by_sentence.items()
    ]
    best = sorted(scored, reverse=True)[:SENTENCES]
    best.sort(key=lambda s: s[3][0])
    budget = max(140, MAX_CHARS // len(best))
    pieces = [_mark(body, span, spans, budget) for *_, span, spans in best]
    # One ellipsis between pieces is enough.
    return " … ".join(p.removesuffix(" …").removeprefix("… ") for p in pieces[:-1]) + (
        " … " + pieces[-1].removeprefix("… ") if len(pieces) > 1 else pieces[-1]
    )


def _mark(body: str, span: tuple[int, int], marks: list[tuple[int, int]], budget: int) -> str:
    a, b = span
    if b - a > budget:
        # Centre a long sentence's window on its first match, cut at word boundaries.
        first = marks[0][0]
        a2 = max(a, min(first - budget // 3, b - budget))
        if a2 > a:
            a2 = body.find(" ", a2, first) + 1 or a2
        b2 = min(b, a2 + budget)
        if b2 < b:
            b2 = body.rfind(" ", a2, b2) if body.rfind(" ", a2, b2) > marks[0][1] else b2
        head, tail = ("… " if a2 > a else ""), (" …" if b2 < b else "")
        a, b = a2, b2
    else:
        head = tail = ""
    out, pos = [], a
    for s, e in marks:
        if s < a or e > b:
            continue
        out += [body[pos:s], MARK_START, body[s:e], MARK_END]
        pos = e
    out.append(body[pos:b])
    return head + " ".join("".join(out).split()) + tail


def lead(body: str, chars: int = MAX_CHARS) -> str:
    """The first ``chars`` characters of the body, cut at a word boundary."""
    body = " ".join(body.split())
    if len(body) <= chars:
        return body
    return body[:chars].rsplit(" ", 1)[0] + " …"
