"""Answering one SearchRequest on one searcher: over score arrays, or with Whoosh's matchers."""

from __future__ import annotations

from typing import Any

from newsearch.engine import Match, Page, SearchRequest
from newsearch.engines.whoosh import ranking, schema, translate
from newsearch.engines.whoosh.reading import Reading


def vector_search(r: Reading, request: SearchRequest, only: set[int] | None, first: bool) -> Page:
    """A page scored over arrays (NumPy, or plain Python for a process's first search)."""
    from newsearch.engines.whoosh import fastpath

    q = r.query(request.query)
    every = translate.query(request.first) if request.first is not None else None
    scorer = r.scorer(first=first)
    found = fastpath.top(scorer, r.keys, q, every, only, request)
    # Copies counted from the arrays where there are some (4 ms of a query at Reuters x10,
    # where every story has ten); else as the plain path counts them.
    count = scorer.copies if request.collapse and hasattr(scorer, "copies") else None
    matches = tuple(
        match(r, h.docnum, h.score, only, request.collapse, count)
        for h in found.hits[request.offset :]
    )
    facets = fastpath.facet_counts(found, scorer) if request.facets else {}
    return Page(matches, found.total, facets)


def plain_search(r: Reading, request: SearchRequest, only: set[int] | None) -> Page:
    """A page from Whoosh's own matchers: phrases, ranges and date sorts."""
    s = r.searcher
    q = r.query(request.query)
    every = translate.query(request.first) if request.first is not None else None
    order = translate.sort_args(request.sort)
    extra = ranking.facet_args() if request.facets else {}
    want = request.offset + request.limit
    # A little beyond the page for copies to fold into: every extra slot in Whoosh's
    # heap means less skipping (twice the page plus 10 cost 7% of a search).
    fetch = want + want // 2 + 2 if request.collapse else want
    while True:
        # Comprehensions, not list(): list() asks len() first, which re-runs the query.
        top = [h for h in s.search(every, limit=fetch, filter=only)] if every else []
        seen = {h.docnum for h in top}
        results = s.search(q, limit=fetch + len(seen), filter=only, **order, **extra)
        top += [h for h in results if h.docnum not in seen]
        if not request.collapse:
            shown = top[:want]
            break
        shown, exhausted = ranking.collapse(r.keys, top, want)
        if not exhausted or len(top) >= len(results):
            break
        fetch *= 4  # many copies near the top: look further down for distinct stories
    matches = tuple(
        match(r, h.docnum, h.score, only, request.collapse) for h in shown[request.offset :]
    )
    # Exact: Whoosh counts the matches it skipped while optimising only when asked.
    total = len(results)
    facets = ranking.facet_counts(results) if request.facets else {}
    return Page(matches, total, facets)


def match(
    r: Reading,
    docnum: int,
    score: Any,
    only: set[int] | None,
    collapse: bool,
    count: Any = None,
) -> Match:
    """The article at a document number, with its score, story and copies."""
    stored = r.searcher.stored_fields(docnum)
    # Sorted by date, Whoosh gives the sort key instead of a relevance score.
    score = float(score) if isinstance(score, int | float) else 0.0
    if not collapse:
        copies = 0
    elif count is not None:
        copies = count(r.keys[docnum], only)
    else:
        copies = ranking.copies(r.searcher, r.keys, docnum, only)
    return Match(schema.stored_article(stored), score, stored.get("dup", ""), copies)


def allowed(searcher: Any, filters: Any) -> set[int] | None:
    """The documents the filters let through, as a plain set, built once per search.

    Handed a filter query, Whoosh tests its bit set's truth for every match, which walks
    the whole set each time: a date-filtered count took 0.6 s on Reuters. A set is O(1).
    """
    only = translate.filter_query(filters)
    if only is None:
        return None
    # Whoosh reads an empty set as "no filter": -1, no document's number, keeps it one.
    return set(searcher.docs_for_query(only)) or {-1}
