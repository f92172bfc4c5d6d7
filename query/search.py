"""BM25F ranking, paging, and turning Whoosh hits into plain Hit dataclasses."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from whoosh import scoring

from newsearch.models import Hit, SearchResults
from newsearch.query import snippets
from newsearch.query.parse import all_words_query, parse

# Whoosh's BM25F defaults; the title gets its own length normalisation.
K1 = 1.2
B = 0.75


def weighting() -> scoring.WeightingModel:
    """The ranking function every search uses."""
    return scoring.BM25F(B=B, K1=K1)


def run(searcher: Any, text: str, limit: int = 10, page: int = 1) -> SearchResults:
    """Answer one query string with a page of ranked, snippeted hits."""
    limit = max(1, int(limit))
    page = max(1, int(page))
    parsed = parse(text, searcher.schema)
    first = (page - 1) * limit
    want = first + limit
    # Articles holding every word of a plain-words query come first, each tier by BM25F; the
    # rest of the OR still answers long natural-language queries that no article fully matches.
    top: list[Any] = []
    every = all_words_query(text, searcher.schema) if parsed.strict else None
    if every is not None:
        top = list(searcher.search(every, limit=want, terms=True))
    seen = {h.docnum for h in top}
    # Unoptimised, the collector counts every match as it goes; optimised, Whoosh would skip
    # blocks and then walk every posting again just to count them for `total`.
    results = searcher.search(parsed.query, limit=want + len(seen), terms=True, optimize=False)
    top += [h for h in results if h.docnum not in seen][: want - len(top)]
    analyzer = searcher.schema["body"].analyzer
    hits = [_hit(h, first + i + 1, analyzer) for i, h in enumerate(top[first:want])]
    return SearchResults(
        query=text,
        total=len(results),
        hits=tuple(hits),
        parsed=str(parsed.query) if parsed.strict else f"(as plain words) {parsed.query}",
    )


def _hit(hit: Any, rank: int, analyzer: Any) -> Hit:
    stored = hit.fields()
    terms = {t.decode("utf-8") for f, t in hit.matched_terms() if f == "body"}
    return Hit(
        rank=rank,
        id=stored["id"],
        title=stored.get("title", ""),
        score=round(float(hit.score), 4),
        snippet=snippets.snippet(stored.get("body", ""), terms, analyzer),
        published=published(stored),
        source=stored.get("source") or stored.get("path", ""),
        url=stored.get("url", ""),
    )


def published(stored: dict[str, Any]) -> datetime | None:
    """The stored publication date, time zone included when the source gave one."""
    text = stored.get("published_text")
    return datetime.fromisoformat(text) if text else None
