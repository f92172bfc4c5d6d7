"""Answer a query: plan it, let the engine find the page, then snippets, explanations, hints."""

from __future__ import annotations

from dataclasses import replace

from newsearch.engine import COMBINED, TEXT_FIELDS, Engine, Match, describe
from newsearch.models import Contribution, Hit, SearchOptions, SearchResults
from newsearch.query import expand, notices, snippets, suggest
from newsearch.query.plan import plan
from newsearch.query.words import query_words

# How an explanation names the combined field (its frequency counts a title word twice).
FIELD_NAMES = {COMBINED: "title+body"}


def run(engine: Engine, text: str, opts: SearchOptions | None = None) -> SearchResults:
    """Answer one query string with a page of ranked, snippeted hits."""
    opts = opts or SearchOptions()
    p = plan(engine, text, opts)
    request = p.request
    if opts.expand and p.parsed.plain and request.sort == "relevance":
        request = expand.expanded(engine, request, p.clauses.text)
    page = engine.search(request)
    expanded = engine.expand(request.query) if opts.snippets or opts.explain else set()
    # Snippets are cut from the body: its words, matched there or in the combined field.
    body_terms = {t for f, t in expanded if f in ("body", COMBINED)} if opts.snippets else None
    first = request.offset
    hits = [_hit(m, first + i + 1, body_terms) for i, m in enumerate(page.matches)]
    if opts.explain:
        typed = query_words(p.clauses.text)
        hits = [
            replace(hit, explanation=_explanation(engine, request.query, hit.id, typed))
            for hit in hits
        ]
    # The whole text, date clauses included: the suggestion is a query to run as it stands.
    # Whatever the hits: "Tony Blari" finds 241 articles on "Tony" (issue 15, point 4).
    fix = suggest.suggest(engine, text, opts.date_clauses) if opts.suggest else None
    parsed = describe(p.parsed.query)
    res = SearchResults(
        query=text,
        total=page.total,
        hits=tuple(hits),
        parsed=parsed if p.parsed.strict else f"(as plain words) {parsed}",
        strict=p.parsed.strict,
        suggestion=fix.text if fix else None,
        corrections=dict(fix.corrections) if fix else {},
        since=p.since,
        until=p.until,
        dates=p.clauses.found,
        facets=page.facets,
        collapsed=sum(h.similar for h in hits),
    )
    return replace(res, notice=notices.notice(res))


def similar(
    engine: Engine, doc_id: str, limit: int, collapse: bool, with_snippets: bool
) -> SearchResults:
    """Articles most like one article, as a page of hits; its copies are counted, not shown."""
    found, total, shared = engine.more_like(doc_id, max(1, limit), collapse)
    # Highlight the words the articles share with the one they are like.
    terms = set(shared) if with_snippets else None
    hits = [_hit(m, i + 1, terms) for i, m in enumerate(found[:limit])]
    return SearchResults(
        query=f"similar:{doc_id}",
        total=total,
        hits=tuple(hits),
        parsed="more like " + doc_id,
        collapsed=sum(h.similar for h in hits),
    )


def _explanation(
    engine: Engine, query: object, doc_id: str, typed: dict[str, str]
) -> tuple[Contribution, ...]:
    scores = engine.explain(query, doc_id)  # type: ignore[arg-type]
    out = [
        Contribution(
            typed.get(s.term, s.term),
            s.term,
            FIELD_NAMES.get(s.field, s.field),
            s.frequency,
            round(s.score, 4),
        )
        for s in scores
        if s.field in (*TEXT_FIELDS, COMBINED)
    ]
    return tuple(sorted(out, key=lambda c: -c.score))


def _hit(match: Match, rank: int, terms: set[str] | None) -> Hit:
    """One engine match as a Hit; ``terms`` None leaves the snippet out."""
    art = match.article
    frags = snippets.fragments(art.body, terms) if terms else ()
    return Hit(
        rank=rank,
        id=art.id,
        # An untitled article (a record without one) is shown by its opening words.
        title=art.title or snippets.lead(art.body, 80),
        score=round(match.score, 4),
        snippet="" if terms is None else (snippets.marked(frags) or snippets.lead(art.body)),
        published=art.published,
        source=art.site or art.path,
        url=art.url,
        fragments=frags,
        similar=match.copies,
        tags=art.tags,
        authors=art.authors,
        story=match.story,
    )
