"""From a query string and its options to the SearchRequest an engine answers."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from newsearch.engine import Engine, Every, Nothing, SearchRequest
from newsearch.errors import QueryError
from newsearch.models import SearchOptions
from newsearch.query import dates
from newsearch.query.filters import check_sort, filters, parse_when
from newsearch.query.parse import ParsedQuery, parse
from newsearch.query.words import all_words_query

# Articles holding every word of a plain-words query rank above the rest (measured neutral
# on the dev collections, within ±0.002 nDCG@10; it is what people expect of a news search).
ALL_WORDS_FIRST = True


@dataclass(frozen=True)
class Plan:
    """A request and how it was read from the text."""

    request: SearchRequest
    parsed: ParsedQuery
    clauses: dates.DateClauses
    since: datetime | None
    until: datetime | None


def plan(engine: Engine, text: str, opts: SearchOptions) -> Plan:
    """Read the text (date clauses, then syntax) and the options into one request."""
    if not isinstance(text, str):
        raise QueryError(f"a query is a string, not {type(text).__name__}")
    clauses = dates.extract(text if opts.date_clauses else "", parse_when(opts.asof))
    if not opts.date_clauses:
        clauses = replace(clauses, text=text)
    elif clauses.relative and opts.asof is None:
        # Archives are old: "last week" means the week before the newest article, not today.
        clauses = dates.extract(text, engine.newest())
    since, until = _intersect(opts, clauses)
    parsed = parse(clauses.text)
    sort = check_sort(opts.sort)
    only = filters(since, until, opts.source, opts.tag, opts.author)
    if isinstance(parsed.query, Nothing) and (clauses.found or only):
        # Only a date range or a filter (no words, or only stop words): every article in it,
        # newest first unless asked.
        parsed = ParsedQuery(Every(), True, ranked=False)
    if not parsed.ranked:
        sort = "newest" if sort == "relevance" else sort  # site:bbc alone: nothing to rank by
    tiers = parsed.plain and ALL_WORDS_FIRST and sort == "relevance"
    request = SearchRequest(
        query=parsed.query,
        filters=only,
        sort=sort,
        offset=(opts.page - 1) * opts.limit,
        limit=opts.limit,
        first=all_words_query(clauses.text) if tiers else None,
        collapse=opts.collapse,
        facets=opts.facets,
    )
    return Plan(request, parsed, clauses, since, until)


def _intersect(
    opts: SearchOptions, clauses: dates.DateClauses
) -> tuple[datetime | None, datetime | None]:
    """The tightest of the date range from options and from the query text."""
    starts = [d for d in (parse_when(opts.since), clauses.since) if d]
    ends = [d for d in (parse_when(opts.until, end=True), clauses.until) if d]
    since, until = (max(starts) if starts else None), (min(ends) if ends else None)
    if since and until and since > until:
        raise QueryError(
            f"no date is both on or after {since:%Y-%m-%d} and on or before {until:%Y-%m-%d}",
            hint="Widen or drop a date option or date clause.",
        )
    return since, until
