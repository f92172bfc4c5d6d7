"""Highlighted sentences of an article, in its own words, chosen by the query terms they hold."""

from __future__ import annotations

import re
from typing import Any

MARK_START = "**"
MARK_END = "**"
MAX_CHARS = 220
SENTENCES = 2
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’)\]]*\s+|\n+")


def sentences(body: str) -> list[tuple[int, int]]:
    """Character spans of the body's sentences (paragraph breaks end a sentence too)."""
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(body):
        if m.start() > start:
            spans.append((start, m.start() if body[m.start() - 1] not in '”")’' else m.end()))
        start = m.end()
    if start < len(body):
        spans.append((start, len(body)))
    return [(a, b) for a, b in spans if body[a:b].strip()]


def snippet(body: str, terms: set[str], analyzer: Any) -> str:
    """The best sentences for these index terms, matches marked; the opening when none match.

    Only sentences holding a term's first letters are analysed, and with the index's own
    analyzer, so a match is exactly what the index matched and the words shown are the
    article's (never stems).
    """
    if not terms or not body:
        return lead(body)
    lowered = body.lower()
    prefixes = {t[:3] for t in terms}
    scored = []
    for a, b in sentences(body):
        chunk = lowered[a:b]
        if not any(p in chunk for p in prefixes):
            continue
        spans, found = [], set()
        for tok in analyzer(body[a:b], chars=True, positions=False):
            if tok.text in terms:
                spans.append((a + tok.startchar, a + tok.endchar))
                found.add(tok.text)
        if spans:
            scored.append((len(found), len(spans), -a, (a, b), spans))
    if not scored:
        return lead(body)
    best = sorted(scored, reverse=True)[:SENTENCES]
    best.sort(key=lambda s: s[3][0])
    budget = max(140, MAX_CHARS // len(best))
    pieces = [_mark(body, span, marks, budget) for *_, span, marks in best]
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
