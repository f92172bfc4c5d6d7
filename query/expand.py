"""Pseudo-relevance feedback (RM3-like): a plain-words query widened by its top articles' words.

Opt-in (SearchOptions.expand, `--expand`), engine-neutral: one search for the top articles,
their stored text analysed as the index analyses it, then a second search for the query's
words plus the commonest words of those articles. On the dev collections (nDCG@10 / MAP) it
moved MED .696/.538 → .734/.610, Cranfield .375/.310 → .389/.330 and TIME .643/.578 →
.653/.584, but CISI's and CACM's long questions lost nDCG@10 (.388 → .371, .483 → .469), and
on one half of TIME's queries it lost (+.031 on one, -.011 on the other): not the default.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from newsearch.engine import COMBINED, Bool, Engine, SearchRequest, Term
from newsearch.indexer.terms import analyze
from newsearch.query.words import COORD

# Five articles, twenty words, the query's own words keeping 0.6 of the weight: nDCG@10 on
# TIME / MED / CISI / CACM .657 / .732 / .368 / .463, against Anserini's usual ten, ten and
# 0.5 at .640 / .741 / .344 / .441 (0.7 of the weight: .635 / .726 / .363 / .456).
FEEDBACK_DOCS = 5
FEEDBACK_TERMS = 20
ORIGINAL_WEIGHT = 0.6


def expanded(engine: Engine, request: SearchRequest, text: str) -> SearchRequest:
    """The request with its query widened by feedback words (unchanged when nothing is found)."""
    words = Counter(analyze(text))
    if not words:
        return request
    top = engine.search(
        replace(request, offset=0, limit=FEEDBACK_DOCS, sort="relevance", facets=False)
    )
    weights = feedback_weights(
        words, [(m.score, m.article.title, m.article.body) for m in top.matches]
    )
    if not weights:
        return request
    terms = tuple(Term(COMBINED, w, boost=weight) for w, weight in weights.items())
    return replace(request, query=Bool(should=terms, coord=COORD))


def feedback_weights(
    words: Counter[str], articles: list[tuple[float, str, str]]
) -> dict[str, float]:
    """Term → weight: the query's words and the feedback words, mixed as RM3 mixes them.

    Each article votes for its words in proportion to its score and to their share of its
    length; the query's words keep ORIGINAL_WEIGHT of the total, scaled so that one typed word
    weighs about what it weighed before.
    """
    total = sum(max(score, 0.0) for score, _, _ in articles)
    if total <= 0:
        return {}
    votes: dict[str, float] = {}
    for score, title, body in articles:
        terms = analyze(f"{title}\n{body}")
        if not terms:
            continue
        share = max(score, 0.0) / total / len(terms)
        for term, n in Counter(terms).items():
            votes[term] = votes.get(term, 0.0) + share * n
    # Ties broken by the term, so that the same articles always give the same words.
    chosen = sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))[:FEEDBACK_TERMS]
    found = sum(v for _, v in chosen)
    if found <= 0:
        return {}
    typed = sum(words.values())
    mixed: dict[str, float] = {}
    for w, n in words.items():
        mixed[w] = mixed.get(w, 0.0) + ORIGINAL_WEIGHT * n / typed
    for w, v in chosen:
        mixed[w] = mixed.get(w, 0.0) + (1 - ORIGINAL_WEIGHT) * v / found
    return {w: typed * v for w, v in mixed.items()}
