"""Why a hit scored what it did: each matched word, the stem it matched, the field, its share."""

from __future__ import annotations

from typing import Any

from newsearch.models import Contribution


def term_boosts(query: Any) -> dict[tuple[str, str], float]:
    """(field, index term) → the boost the query gives it (field weight × times typed)."""
    boosts: dict[tuple[str, str], float] = {}
    for leaf in query.leaves():
        field, text = getattr(leaf, "fieldname", None), getattr(leaf, "text", None)
        if field and isinstance(text, str):
            boosts[(field, text)] = max(boosts.get((field, text), 0.0), float(leaf.boost))
    return boosts


def contributions(
    searcher: Any,
    hit: Any,
    terms: set[tuple[str, str]],
    boosts: dict[tuple[str, str], float],
    words: dict[str, str],
) -> tuple[Contribution, ...]:
    """Each of the query's (field, term) pairs this hit holds, with its frequency and score."""
    out = []
    for field, term in sorted(terms):
        if field not in ("title", "body"):
            continue
        if (field, term) not in searcher.reader():
            continue
        postings = searcher.postings(field, term)
        postings.skip_to(hit.docnum)
        if not postings.is_active() or postings.id() != hit.docnum:
            continue
        tf = postings.weight()
        scorer = searcher.weighting.scorer(searcher, field, term)
        length = searcher.doc_field_length(hit.docnum, field, 0)
        boost = boosts.get((field, term), 1.0)
        score = boost * scorer._score(tf, length)
        out.append(Contribution(words.get(term, term), term, field, tf, round(score, 4)))
    return tuple(sorted(out, key=lambda c: -c.score))
