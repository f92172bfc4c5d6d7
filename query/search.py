"""BM25F ranking, paging, and turning Whoosh hits into plain Hit dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from math import log
from typing import Any

from whoosh import scoring
from whoosh.query import Every, NullQuery

from newsearch.errors import QueryError
from newsearch.models import Hit, SearchResults
from newsearch.query import dates, filters, snippets, suggest
from newsearch.query import explain as explain_mod
from newsearch.query import results as results_mod
from newsearch.query.parse import ParsedQuery, all_words_query, parse, query_words

# Chosen on the five dev collections (benchmarks/relevance.py), one setting for all: K1 1.5
# beat Whoosh's 1.2 on the news set (TIME nDCG@10 .617 → .630) and tied elsewhere; Anserini's
# 0.9/0.4 lost on every set (TIME .602). B stays at the usual 0.75.
K1 = 1.5
B = 0.75
# Articles holding every word of a plain-words query rank above the rest (measured neutral
# on the dev collections, within ±0.002 nDCG@10; it is what people expect of a news search).
ALL_WORDS_FIRST = True
# Fewer hits than this, and the query's words are checked for misspellings ("Did you mean").
SUGGEST_BELOW = 3


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


@dataclass
class Options:
    """What a search asks for besides its text (the keyword arguments of NewsIndex.search)."""

    limit: int = 10
    page: int = 1
    explain: bool = False
    snippets: bool = True
    sort: str = "relevance"
    since: Any = None
    until: Any = None
    source: str | None = None
    tag: str | None = None
    author: str | None = None
    asof: Any = None
    collapse: bool = True
    facets: bool = False
    suggest: bool = True
    date_clauses: bool = True


def run(searcher: Any, text: str, opts: Options | None = None) -> SearchResults:
    """Answer one query string with a page of ranked, snippeted hits."""
    opts = opts or Options()
    limit, page = max(1, int(opts.limit)), max(1, int(opts.page))
    clauses = dates.extract(text if opts.date_clauses else "", filters.parse_when(opts.asof))
    if not opts.date_clauses:
        clauses = replace(clauses, text=text)
    elif clauses.relative and opts.asof is None:
        # Archives are old: "last week" means the week before the newest article, not today.
        clauses = dates.extract(text, newest(searcher))
    since, until = _intersect(opts, clauses)
    words = clauses.text
    parsed = parse(words, searcher.schema)
    sort = opts.sort
    if parsed.query is NullQuery and (clauses.found or opts.source or opts.tag or opts.author):
        # Only a date range or a filter (no words, or only stop words): every article in it,
        # newest first unless asked.
        parsed = ParsedQuery(Every(), True)
        sort = "newest" if sort == "relevance" else sort
    order = filters.sort_args(sort)
    only = filters.allowed(
        searcher,
        filters.filter_query(
            searcher.schema, since, until, opts.source, tag=opts.tag, author=opts.author
        ),
    )
    first = (page - 1) * limit
    want = first + limit
    tiers = parsed.plain and ALL_WORDS_FIRST and not order
    every = all_words_query(words, searcher.schema) if tiers else None
    extra = results_mod.facet_args() if opts.facets else {}
    # A little beyond the page for copies to fold into: every extra slot in Whoosh's heap
    # means less skipping (twice the page plus 10 cost 7% of a search); rarely short, then more.
    fetch = want + want // 2 + 2 if opts.collapse else want
    while True:
        # Articles holding every word of a plain-words query come first, each tier by BM25F;
        # the rest of the OR still answers long queries that no article fully matches.
        # Comprehensions, not list(): list() asks len() first, which re-runs the query.
        top = [h for h in searcher.search(every, limit=fetch, filter=only)] if every else []
        seen = {h.docnum for h in top}
        results = searcher.search(
            parsed.query, limit=fetch + len(seen), filter=only, **order, **extra
        )
        top += [h for h in results if h.docnum not in seen]
        if not opts.collapse:
            shown, exhausted = top[:want], True
            break
        shown, exhausted = results_mod.collapse(searcher, top, want)
        if not exhausted or len(top) >= len(results):
            break
        fetch *= 4  # many copies near the top: look further down for distinct stories
    page_hits = shown[first:want]
    expanded = _expanded(searcher, parsed.query) if opts.snippets or opts.explain else set()
    body_terms = {t for field, t in expanded if field == "body"} if opts.snippets else None
    hits = [
        _hit(h, first + i + 1, body_terms, _copies(searcher, h, only, opts.collapse))
        for i, h in enumerate(page_hits)
    ]
    if opts.explain:
        hits = _explained(searcher, parsed.query, expanded, words, hits, page_hits)
    # Exact: Whoosh counts the matches it skipped while optimising only when asked for len().
    total = len(results)
    # The whole text, date clauses included: the suggestion is a query to run as it stands.
    fix = suggest.suggest(searcher, text) if opts.suggest and total < SUGGEST_BELOW else None
    return SearchResults(
        query=text,
        total=total,
        hits=tuple(hits),
        parsed=str(parsed.query) if parsed.strict else f"(as plain words) {parsed.query}",
        strict=parsed.strict,
        suggestion=fix.text if fix else None,
        corrections=dict(fix.corrections) if fix else {},
        since=since,
        until=until,
        dates=clauses.found,
        facets=results_mod.facet_counts(results) if opts.facets else {},
        collapsed=sum(h.similar for h in hits),
    )


def similar(
    searcher: Any, docnum: int, doc_id: str, limit: int, collapse: bool, with_snippets: bool
) -> SearchResults:
    """Articles most like one article, as a page of hits; its copies are counted, not shown."""
    found, total, shared = results_mod.more_like(searcher, docnum, max(1, limit))
    shown = results_mod.collapse(searcher, found, limit)[0] if collapse else found[:limit]
    # Highlight the words the articles share with the one they are like.
    terms = set(shared) if with_snippets else None
    hits = [
        _hit(h, i + 1, terms, _copies(searcher, h, None, collapse)) for i, h in enumerate(shown)
    ]
    return SearchResults(
        query=f"similar:{doc_id}",
        total=total,
        hits=tuple(hits),
        parsed="more like " + doc_id,
        collapsed=sum(h.similar for h in hits),
    )


def _intersect(opts: Options, clauses: Any) -> tuple[datetime | None, datetime | None]:
    """The tightest of the date range from options and from the query text."""
    starts = [d for d in (filters.parse_when(opts.since), clauses.since) if d]
    ends = [d for d in (filters.parse_when(opts.until, end=True), clauses.until) if d]
    since, until = (max(starts) if starts else None), (min(ends) if ends else None)
    if since and until and since > until:
        raise QueryError(
            f"no date is both on or after {since:%Y-%m-%d} and on or before {until:%Y-%m-%d}",
            hint="Widen or drop a date option or date clause.",
        )
    return since, until


def _expanded(searcher: Any, query: Any) -> set[tuple[str, str]]:
    """(field, term) for every term the query can match, wildcards and fuzzy words expanded."""
    # Once per query, rather than asking Whoosh to record per scored document which terms
    # matched (terms=True costs ~20% of a search).
    reader = searcher.reader()
    return {
        (field, t.decode("utf-8") if isinstance(t, bytes) else t)
        for leaf in query.leaves()
        for field, t in leaf.expanded_terms(reader)
    }


def _copies(searcher: Any, hit: Any, only: Any, on: bool) -> int:
    return results_mod.copies(searcher, hit.docnum, only) if on else 0


def _explained(
    searcher: Any,
    query: Any,
    found: set[tuple[str, str]],
    words: str,
    hits: list[Hit],
    raw: list[Any],
) -> list[Hit]:
    boosts = explain_mod.term_boosts(query)
    typed = query_words(words, searcher.schema)
    return [
        replace(hit, explanation=explain_mod.contributions(searcher, h, found, boosts, typed))
        for hit, h in zip(hits, raw, strict=True)
    ]


def newest(searcher: Any, reverse: bool = True) -> datetime | None:
    """The newest (or, not ``reverse``, oldest) publication date in the index."""
    # The year field marks the dated articles with a handful of terms (see filters.sort_args).
    found = searcher.search(Every("year"), sortedby="published", reverse=reverse, limit=1)
    return published(found[0].fields()) if len(found) else None


def _hit(hit: Any, rank: int, terms: set[str] | None, similar: int = 0) -> Hit:
    """One Whoosh hit as a Hit; ``terms`` None leaves the snippet out."""
    stored = hit.fields()
    body = stored.get("body", "")
    frags = snippets.fragments(body, terms) if terms else ()
    return Hit(
        rank=rank,
        id=stored["id"],
        # An untitled article (a record without one) is shown by its opening words.
        title=stored.get("title") or snippets.lead(stored.get("body", ""), 80),
        # Sorted by date, Whoosh gives the sort key instead of a relevance score.
        score=round(float(hit.score), 4) if isinstance(hit.score, int | float) else 0.0,
        snippet="" if terms is None else (snippets.marked(frags) or snippets.lead(body)),
        published=published(stored),
        source=stored.get("source") or stored.get("path", ""),
        url=stored.get("url", ""),
        fragments=frags,
        similar=similar,
        tags=split_list(stored.get("tags", "")),
        authors=split_list(stored.get("authors", "")),
    )


def split_list(value: str) -> tuple[str, ...]:
    """A stored comma-joined list (authors, tags) as a tuple."""
    return tuple(v.strip() for v in value.split(",") if v.strip())


def published(stored: dict[str, Any]) -> datetime | None:
    """The stored publication date, time zone included when the source gave one."""
    text = stored.get("published_text")
    return datetime.fromisoformat(text) if text else None
