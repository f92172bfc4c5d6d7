"""'Did you mean': query words the index barely knows, replaced by close and far commoner ones,
and date phrases read as words (query.dates) offered as the date: clauses they could be.

It runs on every query, whatever its hits ("Tony Blari" finds 241 articles on "Tony"), so it
is kept cheap: the query's words are counted in one doc-frequency request, a word in KNOWN_DF
or more articles is taken as meant, and only rarer words are compared with the lexicon.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from newsearch.engine import COMBINED, Engine
from newsearch.errors import QueryError
from newsearch.indexer.terms import index_term, normal_form, word_spans
from newsearch.query import dates as query_dates
from newsearch.query.snippets import candidates

FIELDS = ("body", "title")
MIN_LEN = 4  # shorter words have too many neighbours to guess among
LONG = 5  # from this length an unknown word may be two edits off, below it one
KNOWN_DF = 2  # a word in this many articles is taken as meant, however close a commoner one
RATIO = 10  # a word in one article yields only to a one-edit twin this many times commoner
MIN_DF = 2  # a suggestion is in this many articles, so one article's typo is never offered
SUFFIX = 6  # the most letters Snowball cuts from a word ("ations")
SHORTLIST = 4  # close stems whose written forms are compared with the typed word
SAMPLE_DOCS = 8  # articles read to learn how a stem is written ...
DEEP_DOCS = 30  # ... or more, to find the typed word's own form
VOWELS = "aeiou"
_NOT_A_WORD = re.compile(r"[:*?~]")  # after a field name, a wildcard, a fuzzy term
_FIELD = re.compile(r"(\w+):\(?$")


@dataclass(frozen=True)
class Suggestion:
    """A corrected query and the typed words it changes."""

    text: str
    corrections: dict[str, str]


def suggest(engine: Engine, text: str, dates: bool = True) -> Suggestion | None:
    """A corrected query when some of its words look misspelled or a date phrase among them
    could be meant as a date range (``dates``), else None."""
    fixed = _spelling(engine, text)
    corrections = dict(fixed.corrections) if fixed else {}
    out = fixed.text if fixed else text
    if dates:
        for phrase, clause in _date_offers(out):
            out = _replace_phrase(out, phrase, clause)
            corrections[phrase] = clause
    return Suggestion(out, corrections) if corrections else None


def _date_offers(text: str) -> tuple[tuple[str, str], ...]:
    try:
        return query_dates.extract(text).offered
    except QueryError:
        return ()  # a bad date clause is the query's own error, reported when it runs


def _replace_phrase(text: str, phrase: str, clause: str) -> str:
    """The text with the first whole-word occurrence of a phrase, outside quotes, replaced."""
    for m in re.finditer(r"(?<![\w:'’-])" + re.escape(phrase) + r"(?![\w'’-])", text):
        if text.count('"', 0, m.start()) % 2 == 0:
            return text[: m.start()] + clause + text[m.end() :]
    return text


def _spelling(engine: Engine, text: str) -> Suggestion | None:
    """The query with the words that look misspelled corrected, else None."""
    words: list[tuple[int, int, str, str, str]] = []
    for start, end, word in word_spans(text):
        if _NOT_A_WORD.match(text, end) or text[start - 1 : start] in ("*", "?"):
            continue
        # Name fields (author:, tag:) hold unstemmed names the body's lexicon cannot judge.
        field = _FIELD.search(text, 0, start)
        if field and field.group(1) not in FIELDS:
            continue
        typed, stem = normal_form(word), index_term(word)
        if stem is not None and len(typed) >= MIN_LEN and typed.isalpha():
            words.append((start, end, word, typed, stem))
        # else: stop words, numbers, codes and short words are left as typed
    if not words:
        return None
    # Every word's count in one request: title and body are one field there.
    known = engine.doc_frequencies(COMBINED, {stem for *_, stem in words})
    pieces: list[str] = []
    corrections: dict[str, str] = {}
    pos = 0
    for start, end, word, typed, stem in words:
        if known[stem] >= KNOWN_DF:
            continue
        fix = corrections.get(word) or _correct(engine, typed, stem, known[stem])
        if fix:
            corrections[word] = fix
            pieces += [text[pos:start], fix]
            pos = end
    return Suggestion("".join(pieces) + text[pos:], corrections) if corrections else None


def _correct(engine: Engine, typed: str, stem: str, typed_df: int) -> str | None:
    """The typed word (folded; ``stem`` its index term, in ``typed_df`` < KNOWN_DF articles) as
    the articles would write it, or None when nothing fits."""
    # A word in an article was written by someone: only a near twin far commoner than it hints
    # at a slip ("tarriffs" beside "tariffs"); two edits would flag rare names.
    limit = 1 if len(typed) < LONG or typed_df else 2
    best: tuple[int, int, int, str] | None = None
    done: set[str] = {stem}
    for prefixes in _prefixes(typed):
        close: list[tuple[float, int, str]] = []
        for prefix in prefixes:
            # Titles' words are nearly all in bodies too: one field's lexicon is enough.
            for term in engine.terms_with_prefix("body", prefix):
                if term in done:
                    continue
                done.add(term)
                dist, tail = _stem_distance(typed, stem, term, limit)
                if dist <= limit:
                    close.append((dist, tail, term))
        counts = engine.doc_frequencies("body", {term for *_, term in close}) if close else {}
        near = [
            (dist, tail, -counts[term], term)
            for dist, tail, term in close
            if counts[term] >= max(MIN_DF, RATIO * typed_df)
        ]
        # Stems only shortlist; the words as written decide, which keeps "meuler" from "emul"
        # ("emulate") though "emuler" would stem like it.
        for stem_dist, _, neg_df, term in sorted(near)[:SHORTLIST]:
            if best is not None and best[0] < stem_dist:
                break  # a closer written word is in hand
            for dist, form in _forms(engine, term, typed, stem):
                # Of forms as far, the one made of the typed letters wins: "meuler" is a swap
                # and a dropped letter from "mueller", but two wrong letters from "member".
                key = (dist, _letters_apart(typed, form), neg_df)
                if dist <= limit and (best is None or key < best[:3]):
                    best = (*key, form)
        if best is not None and best[0] <= 1:
            break  # one edit away: no need to look for slips nearer the start
    return best[3] if best else None


def _prefixes(t: str) -> Iterator[set[str]]:
    # The lexicon is too big to compare whole, so the start of the word is trusted: first the
    # terms sharing its first three letters (most slips come later), then two, then three once
    # a slip among them is undone (first two or second and third swapped, an extra first or
    # second letter, a missing or wrong vowel second).
    yield {t[:3]}
    yield {t[:2]}
    slips = {t[1] + t[0] + t[2], t[0] + t[2] + t[1], t[0] + t[2:4], t[1:4]}
    slips |= {t[0] + v + t[1] for v in VOWELS}
    if t[1] in VOWELS:
        slips |= {t[0] + v + t[2] for v in VOWELS}
    yield {p for p in slips if not p.startswith(t[:2])}


def _stem_distance(typed: str, stem: str, term: str, limit: int) -> tuple[float, int]:
    """How far the term is from the typed word, and the length of the suffix left over."""
    if len(term) > len(typed) + limit or len(set(term).difference(typed)) > limit:
        return limit + 1, 0  # cheap tests first: most of the lexicon fails them
    # A misspelling may stem unlike its right spelling ("inquirey" stays whole, "inquiry"
    # becomes "inquiri"), so the typed word is measured both stemmed and whole ...
    dist = osa(stem, term, limit)
    if dist > 1 and typed != stem:
        dist = min(dist, osa(typed, term, limit))
    tail = len(typed) - len(term)
    if dist <= limit or tail > SUFFIX or len(term) < 3:
        return dist, 0
    # ... and by its start, half an edit behind, the rest being a suffix Snowball cuts: the
    # slip is in the suffix ("presideency": "presid"), or in the stem and the rest is a suffix
    # of it ("survvial": "surviv" + "al").
    if typed.startswith(term):
        return 0.5, tail
    if len(set(term).difference(typed[: len(term) + 1])) > 1:
        return dist, 0
    for cut in range(len(term) - 1, len(term) + 2):
        if osa(typed[:cut], term, 1) <= 1 and index_term(term + typed[cut:]) == term:
            return 1.5, tail
    return dist, 0


def _forms(engine: Engine, stem: str, typed: str, typed_stem: str) -> list[tuple[int, str]]:
    """The ways articles write the stem, each with its distance from the typed word."""
    pattern = candidates(frozenset([stem]))
    # The typed word mended in its stem ("wacthing" → "watch" + "ing") is the likeliest form,
    # but a few articles may lack it where they hold "watch", "watched": it is read on for.
    wanted = stem + typed[len(typed_stem) :] if typed.startswith(typed_stem) else ""
    wanted = wanted if wanted != stem and index_term(wanted) == stem else ""
    seen: dict[str, int] = {}
    for n, body in enumerate(engine.sample_texts("body", stem, DEEP_DOCS)):
        if 1 in seen.values():
            break  # nothing is nearer than one edit
        if n >= SAMPLE_DOCS and (not wanted or wanted in seen):
            break
        for m in pattern.finditer(body):
            for _, _, word in word_spans(m.group()):
                form = normal_form(word)
                if form not in seen and index_term(form) == stem:
                    seen[form] = osa(typed, form, 9)
    return [(dist, form) for form, dist in seen.items()]


def _letters_apart(a: str, b: str) -> int:
    """How many letters one word has that the other lacks, counted both ways."""
    return sum(((Counter(a) - Counter(b)) + (Counter(b) - Counter(a))).values())


def osa(a: str, b: str, limit: int) -> int:
    """Edit distance with an adjacent swap as one edit; limit + 1 for anything beyond limit."""
    start = 0
    while start < len(a) and start < len(b) and a[start] == b[start]:
        start += 1
    a, b = a[start:], b[start:]
    while a and b and a[-1] == b[-1]:
        a, b = a[:-1], b[:-1]
    if abs(len(a) - len(b)) > limit or len(set(a) ^ set(b)) > 2 * limit:
        return limit + 1  # each edit adds at most two letters to those the words do not share
    before: list[int] = []
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row = row, [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], before[j - 2] + 1)
        if min(row) > limit:
            return limit + 1
        before = prev
    return min(row[-1], limit + 1)
