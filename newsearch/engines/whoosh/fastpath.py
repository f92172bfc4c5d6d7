"""A page of relevance-ranked matches from vectorised scores (engines/whoosh/vector.py).

The same page Whoosh's matchers give, all-words tier and copies included, from one scoring
pass per query tree: every match is scored, so the total is exact and costs nothing more.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from whoosh.scoring import BM25F

from newsearch.engine import SearchRequest
from newsearch.engines.whoosh import ranking

# Only what a search needs is imported: vector.py (NumPy) or pyscore.py (plain Python).
Ranker = Callable[[int], list["Scored"]]


class Unsupported(Exception):
    """The query has a part only Whoosh's matchers evaluate."""


def parameters(searcher: Any, field: str, btext: bytes, df: int) -> tuple[float, ...]:
    """idf, average field length, B and K1, as Whoosh's BM25F scorer takes them.

    Read here rather than from a scorer object: making one looks the term up again in every
    segment for a bound the fast path never uses; the idf comes from ``df``, the number of
    postings already read (the lookups were ~15% of a Reuters query).
    """
    w = searcher.weighting
    if not isinstance(w, BM25F) or type(w).scorer is not BM25F.scorer:
        raise Unsupported("a weighting other than BM25F")
    if not searcher.schema[field].scorable:
        raise Unsupported(f"{field} is not scored by BM25F")
    if type(w).idf is ranking.NewsBM25F.idf:
        idf = ranking.NewsBM25F.idf_of(searcher.doc_count_all(), df)
    else:
        idf = searcher.idf(field, btext)
    return idf, searcher.avg_field_length(field) or 1, w._field_B.get(field, w.B), w.K1


class Scored(NamedTuple):
    """One ranked document: its number in the searcher and its score."""

    docnum: int
    score: float


class Found(NamedTuple):
    """The hits of a page, the number of matches, and which documents matched."""

    hits: list[Scored]
    total: int
    mask: Any  # NumPy bools, one per document (vector.py), or a set of docnums (pyscore.py)


class _Groups:
    """Facet counts in the shape ranking.facet_counts reads from Whoosh's results."""

    def __init__(self, groups: dict[str, dict[str, int]]) -> None:
        self._groups = groups

    def groups(self, name: str) -> dict[str, int]:
        return self._groups[name]


def facet_counts(found: Found, scorer: Any) -> dict[str, dict[str, int]]:
    """Matches per source, year and tag, as Whoosh's grouping counts them (one per term)."""
    counted = {
        name: scorer.value_counts(field, found.mask) for name, field in ranking.FACETS.items()
    }
    return ranking.facet_counts(_Groups(counted))


def top(
    scorer: Any,
    keys: ranking.Keys,
    q: Any,
    every: Any | None,
    only: set[int] | None,
    request: SearchRequest,
) -> Found:
    """The page's hits from the first (offset + limit), and how many documents match in all.

    Articles matching ``every`` (all the words) come first, by their score under it; the rest
    follow by their score under ``q``; with collapse on, one hit per story. ``scorer`` is
    vector.Arrays (NumPy) or pyscore.Lists (plain Python): the same scores either way.
    """
    ranked_hits, total, mask = scorer.select(q, every, only)
    want = request.offset + request.limit
    # A little beyond the page for copies to fold into, as the plain path fetches.
    fetch = want + want // 2 + 2 if request.collapse else want
    while True:
        hits = ranked_hits(fetch)
        if not request.collapse:
            return Found(hits[:want], total, mask)
        shown, exhausted = ranking.collapse(keys, hits, want)
        if not exhausted or len(hits) >= total:
            return Found(shown, total, mask)
        fetch *= 4  # many copies near the top: look further down for distinct stories


def term_matcher(reader: Any, field: str, btext: bytes) -> Any:
    """A segment's Whoosh matcher over one term's postings; None if it has no such term."""
    from whoosh.reading import TermNotFound

    terms = getattr(reader, "_terms", None)
    if terms is None:  # not a segment: an empty index holds none
        if reader.doc_count_all() == 0:
            return None
        raise Unsupported(f"a reader of type {type(reader).__name__}")
    try:
        return terms.matcher(field, btext, reader.schema[field].format)
    except TermNotFound:
        return None
