"""Highlighted sentences of an article, in its own words, chosen by the query terms they hold."""

from __future__ import annotations

import re
from functools import lru_cache

from newsearch.indexer.scripts import MARKS
from newsearch.indexer.terms import index_term, word_spans
from newsearch.models import Fragment

MARK_START = "**"
MARK_END = "**"
MAX_CHARS = 220
FRAGMENTS = 3
_ENDS = set('.!?…"”’)]:;。！？」』')
# CJK full stops end a sentence with no space after them.
_SENTENCE_END = re.compile(r"(?<=[.!?…。！？])[\"”’)\]」』]*\s*(?<=\s|[。！？」』])|\n+")
# A token of the index's pattern holding a letter beyond ASCII (a CJK run, an accented word).
_NON_ASCII_WORD = re.compile(rf"[\w'’{MARKS}]*(?:[^\x00-\x7f\W]|[{MARKS}])[\w'’{MARKS}]*")


def sentence_at(body: str, pos: int) -> tuple[int, int]:
    """The span of the sentence holding character ``pos`` (a paragraph break ends one too)."""
    start = 0
    for before in _SENTENCE_END.finditer(body, max(0, pos - 600), pos):
        start = before.end()
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


def matches(body: str, terms: set[str]) -> list[tuple[int, int]]:
    """The spans of the body's words that turn into one of the terms, in order.

    A word written with accents ("naïve" for the term "naiv") or in a script without spaces
    does not start like its term, so the words holding any non-ASCII letter are each analysed
    too. Overlapping CJK pairs of one run ("利率", "率上") come out as one span.
    """
    found = set()
    for m in candidates(frozenset(terms)).finditer(body):
        for a, b, word in word_spans(m.group()):
            if index_term(word) in terms:
                found.add((m.start() + a, m.start() + b))
    if not body.isascii():
        for m in _NON_ASCII_WORD.finditer(body):
            for a, b, word in word_spans(m.group()):
                if index_term(word) in terms:
                    found.add((m.start() + a, m.start() + b))
    merged: list[tuple[int, int]] = []
    for a, b in sorted(found):
        if merged and a < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def fragments(body: str, terms: set[str]) -> tuple[Fragment, ...]:
    """The best 1–3 sentences for these index terms, with the spans of the matched words.

    Words are matched by the index term they turn into, so a match is exactly what the index
    matched, and what is shown is the article's own words, never stems.
    """
    if not terms or not body:
        return ()
    marks = matches(body, terms)
    by_sentence: dict[tuple[int, int], list[tuple[int, int]]] = {}
    span = (-1, -1)
    for a, b in marks:
        if not span[0] <= a < span[1]:
            span = sentence_at(body, a)
        by_sentence.setdefault(span, []).append((a, b))
    # Most distinct terms first, then most matches, then the earlier sentence.
    ranked = sorted(
        by_sentence.items(),
        key=lambda kv: (-len({index_term(body[a:b]) for a, b in kv[1]}), -len(kv[1]), kv[0][0]),
    )
    chosen = ranked[:1]
    shown = {index_term(body[a:b]) for _, inside in chosen for a, b in inside}
    for span, inside in ranked[1:]:
        if len(chosen) == FRAGMENTS:
            break
        new = {index_term(body[a:b]) for a, b in inside} - shown
        # A second sentence is shown as long as it matches; a third must add a term not shown
        # yet, or be short enough to fit.
        used = sum(b - a for (a, b), _ in chosen)
        if len(chosen) < 2 or new or used + span[1] - span[0] <= MAX_CHARS:
            chosen.append((span, inside))
            shown |= new
    chosen.sort()
    budget = max(120, MAX_CHARS // len(chosen)) if chosen else MAX_CHARS
    out: list[Fragment] = []
    for span, inside in chosen:
        out += _windows(body, span, inside, budget)
    if len(out) > FRAGMENTS:
        # Windows of one long sentence came in: keep those with the most distinct matches.
        best = sorted(out, key=lambda f: -len({index_term(f.text[a:b]) for a, b in f.highlights}))
        out = sorted(best[:FRAGMENTS], key=lambda f: f.start)
    return tuple(out)


def marked(frags: tuple[Fragment, ...]) -> str:
    """Fragments as one line, matches between ``**`` marks, cut places shown by an ellipsis."""
    pieces = []
    for f in frags:
        out, pos = [], 0
        for s, e in f.highlights:
            out += [f.text[pos:s], MARK_START, f.text[s:e], MARK_END]
            pos = e
        out.append(f.text[pos:])
        piece = " ".join("".join(out).split())
        # A window cut from inside a long sentence says so at the cut.
        head = "… " if f.text[:1].islower() else ""
        tail = "" if f.text.rstrip()[-1:] in _ENDS else " …"
        pieces.append(head + piece + tail)
    line = pieces[0] if pieces else ""
    for piece in pieces[1:]:
        line = line.removesuffix(" …") + " … " + piece.removeprefix("… ")  # one ellipsis enough
    return line


def _windows(
    body: str, span: tuple[int, int], marks: list[tuple[int, int]], budget: int
) -> list[Fragment]:
    """A sentence as one fragment, or, too long for one, a window per far-apart new term."""
    frags = [_window(body, span, marks, budget)]
    shown = {index_term(body[a:b]) for a, b in marks if _inside(frags[-1], a, b)}
    for a, b in marks:
        if len(frags) == FRAGMENTS or _inside(frags[-1], a, b):
            continue
        if index_term(body[a:b]) not in shown:
            rest = (frags[-1].start + len(frags[-1].text), span[1])
            frags.append(_window(body, rest, marks, budget, focus=a))
            shown |= {index_term(body[s:e]) for s, e in marks if _inside(frags[-1], s, e)}
    return frags


def _inside(f: Fragment, a: int, b: int) -> bool:
    return f.start <= a and b <= f.start + len(f.text)


def _window(
    body: str,
    span: tuple[int, int],
    marks: list[tuple[int, int]],
    budget: int,
    focus: int | None = None,
) -> Fragment:
    a, b = span
    if b - a > budget:
        # Centre a long sentence's window on its first match, cut at word boundaries.
        first = marks[0][0] if focus is None else focus
        a2 = max(a, min(first - budget // 3, b - budget))
        if a2 > a:
            a2 = body.find(" ", a2, first) + 1 or a2
        b2 = min(b, a2 + budget)
        if b2 < b:
            b2 = body.rfind(" ", a2, b2) if body.rfind(" ", a2, b2) > first else b2
        a, b = a2, b2
    spans = tuple((s - a, e - a) for s, e in marks if s >= a and e <= b)
    return Fragment(text=body[a:b], start=a, highlights=spans)


def lead(body: str, chars: int = MAX_CHARS) -> str:
    """The first ``chars`` characters of the body, cut at a word boundary."""
    body = " ".join(body.split())
    if len(body) <= chars:
        return body
    return body[:chars].rsplit(" ", 1)[0] + " …"
