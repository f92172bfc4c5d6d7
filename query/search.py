"""BM25F ranking, paging, and turning Whoosh hits into plain Hit dataclasses."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from math import log
from typing import Any

from whoosh import scoring

from newsearch.models import Hit, SearchResults
from newsearch.query import explain as explain_mod
from newsearch.query import filters, snippets
from newsearch.query.parse import all_words_query, parse, query_words

# Chosen on the five dev collections (benchmarks/relevance.py), one setting for all: K1 1.5
# beat Whoosh's 1.2 on the news set (TIME nDCG@10 .617 → .630) and tied elsewhere; Anserini's
# 0.9/0.4 lost on every set (TIME .602). B stays at the usual 0.75.
K1 = 1.5
B = 0.75
# Articles holding every word of a plain-words query rank above the rest (measured neutral
# on the dev collections, within ±0.002 nDCG@10; it is what people expect of a news search).
ALL_WORDS_FIRST = True


class NewsBM25F(scoring.BM25F):
    """Whoosh's BM25F with the Robertson–Spärck Jones idf that Lucene and Anserini use.

    Whoosh's own idf, log(N / (df + 1)) + 1, never falls below 1, so a word in every article
    ("said", "what", "about") still weighs as much as a third of a rare name; in long
    natural-language queries those words drown the ones that matter.
    """

    def idf(self, searcher: Any, fieldname: str, text: str) -> float:
        """Inverse document frequency, near zero for a word most articles hold."""
        parent = searcher.get_parent()
        df = parent.doc_frequency(fieldname, text)
        n = parent.doc_count_all()
        return log(1 + (n - df + 0.5) / (df + 0.5))


def weighting() -> scoring.WeightingModel:
    """The ranking function every search uses."""
    return NewsBM25F(B=B, K1=K1)


def run(
    searcher: Any,
    text: str,
    limit: int = 10,
    page: int = 1,
    explain: bool = False,
    with_snippets: bool = True,
    sort: str = "relevance",
    since: Any = None,
    until: Any = None,
    source: str | None = None,
) -> SearchResults:
    """Answer one query string with a page of ranked, snippeted hits."""
    limit = max(1, int(limit))
    page = max(1, int(page))
    parsed = parse(text, searcher.schema)
    order = filters.sort_args(sort)
    only = filters.filter_query(searcher.schema, since, until, source)
    first = (page - 1) * limit
    want = first + limit
    # Articles holding every word of a plain-words query come first, each tier by BM25F; the
    # rest of the OR still answers long natural-language queries that no article fully matches.
    top: list[Any] = []
    tiers = parsed.plain and ALL_WORDS_FIRST and not order
    every = all_words_query(text, searcher.schema) if tiers else None
    if every is not None:
        # A comprehension, not list(): list() asks len() first, which re-runs the query to count.
        top = [h for h in searcher.search(every, limit=want, filter=only)]
    seen = {h.docnum for h in top}
    # Unoptimised, the collector counts every match as it goes; optimised, Whoosh would skip
    # blocks and then walk every posting again just to count them for `total`.
    results = searcher.search(
        parsed.query, limit=want + len(seen), optimize=False, filter=only, **order
    )
    top += [h for h in results if h.docnum not in seen][: want - len(top)]
    # The query's terms (wildcards and fuzzy words expanded) once, rather than asking Whoosh to
    # record per scored document which ones matched (terms=True costs ~20% of a search).
    reader = searcher.reader()
    found = {
        (field, t.decode("utf-8") if isinstance(t, bytes) else t)
        for leaf in parsed.query.leaves()
        for field, t in leaf.expanded_terms(reader)
    }
    body_terms = {t for field, t in found if field == "body"} if with_snippets else None
    hits = [_hit(h, first + i + 1, body_terms) for i, h in enumerate(top[first:want])]
    if explain:
        boosts = explain_mod.term_boosts(parsed.query)
        words = query_words(text, searcher.schema)
        hits = [
            replace(hit, explanation=explain_mod.contributions(searcher, h, found, boosts, words))
            for hit, h in zip(hits, top[first:want], strict=True)
        ]
    return SearchResults(
        query=text,
        total=len(results),
        hits=tuple(hits),
        parsed=str(parsed.query) if parsed.strict else f"(as plain words) {parsed.query}",
    )


def _hit(hit: Any, rank: int, terms: set[str] | None) -> Hit:
    """One Whoosh hit as a Hit; ``terms`` None leaves the snippet out."""
    stored = hit.fields()
    return Hit(
        rank=rank,
        id=stored["id"],
        # An untitled article (a record without one) is shown by its opening words.
        title=stored.get("title") or snippets.lead(stored.get("body", ""), 80),
        # Sorted by date, Whoosh gives the sort key instead of a relevance score.
        score=round(float(hit.score), 4) if isinstance(hit.score, int | float) else 0.0,
        snippet="" if terms is None else snippets.snippet(stored.get("body", ""), terms),
        published=published(stored),
        source=stored.get("source") or stored.get("path", ""),
        url=stored.get("url", ""),
    )


def published(stored: dict[str, Any]) -> datetime | None:
    """The stored publication date, time zone included when the source gave one."""
    text = stored.get("published_text")
    return datetime.fromisoformat(text) if text else None
