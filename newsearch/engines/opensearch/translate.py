"""newsearch's query nodes and filters as OpenSearch query DSL.

The nodes arrive analysed (their texts are index terms), so words become ``term`` queries and
phrases ``match_phrase`` over the whitespace-analysed fields; nothing is re-analysed here.

Scores are on the Whoosh engine's scale: OpenSearch's BM25 (Lucene's LegacyBM25Similarity)
keeps the (k1 + 1) factor Whoosh has, and mapping.py sets Whoosh's k1 and b. Wildcard, prefix
and fuzzy words score a constant (their boost), as in Whoosh. ``Bool.coord`` (Whoosh's coordination
bonus) is approximated additively: each word of the OR-ed clauses that an article holds adds
1 / (T - coord)², T the number of words, as in Whoosh's formula (score + (m - 1) / (T - coord)²)
* (T - 1) / T; the constant -1 and the factor (T - 1) / T are left out, which changes no order
among the OR-ed clauses themselves (only their weight against AND-ed siblings, by (T - 1) / T).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from newsearch.engine import (
    Bool,
    DateRange,
    Every,
    Filters,
    Fuzzy,
    Node,
    Nothing,
    Phrase,
    Prefix,
    Term,
    Wildcard,
)

# Lucene's idf is log(1 + (N - n + 0.5) / (n + 0.5)) < log(1 + 2N); 1e12 articles is plenty.
IDF_MAX = math.log(1 + 2e12)
MAX_FUZZY = 2  # Lucene's fuzzy query allows two edits at most (query.parse caps it too)
DOC_ORDER = {"seq": {"order": "asc"}}  # ties in write order, as Whoosh's document numbers


def query(node: Node) -> dict[str, Any]:
    """One query tree as an OpenSearch query."""
    if isinstance(node, Term):
        return {"term": {node.field: {"value": node.text, "boost": node.boost}}}
    if isinstance(node, Phrase):
        return phrase(node.field, node.terms, node.slop, node.boost)
    if isinstance(node, Prefix):
        return {"prefix": {node.field: _multi(node.text, node.boost)}}
    if isinstance(node, Wildcard):
        return {"wildcard": {node.field: _multi(node.pattern, node.boost)}}
    if isinstance(node, Fuzzy):
        spec = _multi(node.text, node.boost)
        spec.update(
            fuzziness=min(node.maxdist, MAX_FUZZY),
            prefix_length=node.prefix,
            # Whoosh's automaton counts a swap of two letters as two edits.
            transpositions=False,
        )
        return {"fuzzy": {node.field: spec}}
    if isinstance(node, Every):
        return {"match_all": {}}
    if isinstance(node, Nothing):
        return {"match_none": {}}
    if isinstance(node, DateRange):
        return date_range(node.start, node.end)
    return _bool(node)


def phrase(field: str, terms: tuple[str, ...], slop: int, boost: float) -> dict[str, Any]:
    """Terms in order with at most ``slop`` other words between each two (Whoosh's reading).

    Lucene's phrase slop is an edit distance over the whole phrase (and lets words swap), so
    a sloppy phrase is a chain of ordered span_near queries, one per gap.
    """
    if len(terms) == 1:
        return {"term": {field: {"value": terms[0], "boost": boost}}}
    if slop == 0:
        return {"match_phrase": {field: {"query": " ".join(terms), "boost": boost}}}
    chain: dict[str, Any] = {"span_term": {field: terms[0]}}
    for t in terms[1:]:
        near = {"clauses": [chain, {"span_term": {field: t}}], "slop": slop, "in_order": True}
        chain = {"span_near": near}
    chain["span_near"]["boost"] = boost
    return chain


def _multi(value: str, boost: float) -> dict[str, Any]:
    return {"value": value, "boost": boost, "rewrite": "constant_score"}


def date_range(start: datetime | None, end: datetime | None) -> dict[str, Any]:
    """Published within [start, end], inclusive (UTC without a zone)."""
    bounds: dict[str, Any] = {}
    if start is not None:
        bounds["gte"] = start.isoformat()
    if end is not None:
        bounds["lte"] = end.isoformat()
    return {"range": {"published": bounds}} if bounds else {"exists": {"field": "published"}}


def _bool(node: Bool) -> dict[str, Any]:
    body: dict[str, Any] = {}
    optional: dict[str, Any] | None = None
    if node.should:
        subs = [query(c) for c in node.should]
        optional = subs[0] if len(subs) == 1 else {"bool": {"should": subs}}
        bonus = coord_bonus(node)
        if bonus:
            optional = {"bool": {"must": [optional], "should": bonus}}
    if node.must:
        body["must"] = [query(c) for c in node.must]
        if optional is not None:
            body["should"] = [optional]
    else:
        body["must"] = [optional if optional is not None else {"match_all": {}}]
    if node.must_not:
        body["must_not"] = [query(c) for c in node.must_not]
    if node.boost != 1.0:
        body["boost"] = node.boost
    return {"bool": body}


def coord_bonus(node: Bool) -> list[dict[str, Any]]:
    """Constant-score clauses adding 1 / (T - coord)² per word of the OR-ed clauses held."""
    if node.coord is None or len(node.should) < 2:
        return []
    words = [(leaf, _width(leaf)) for c in node.should for leaf in scored_leaves(c)]
    total = sum(w for _, w in words)
    if total <= 1 or total == node.coord:
        return []  # Whoosh leaves a single word's score as it is
    each = 1.0 / (total - node.coord) ** 2
    return [
        {"constant_score": {"filter": _unboosted(leaf), "boost": each * width}}
        for leaf, width in words
    ]


def scored_leaves(node: Node) -> Iterator[Node]:
    """The word leaves a query's score comes from (negated ones left out)."""
    if isinstance(node, Bool):
        for child in (*node.must, *node.should):
            yield from scored_leaves(child)
    elif isinstance(node, Term | Phrase | Prefix | Wildcard | Fuzzy):
        yield node


def _width(leaf: Node) -> int:
    return len(leaf.terms) if isinstance(leaf, Phrase) else 1


def _unboosted(leaf: Node) -> dict[str, Any]:
    if isinstance(leaf, Term):
        return {"term": {leaf.field: leaf.text}}
    return query(leaf)


def bound(node: Node) -> float:
    """An upper bound of the score the query can give an article (for tiering, search.py)."""
    if isinstance(node, Term):
        return node.boost * IDF_MAX
    if isinstance(node, Phrase):
        return node.boost * IDF_MAX * len(node.terms)
    if isinstance(node, Prefix | Wildcard | Fuzzy):
        return node.boost
    if isinstance(node, Every | DateRange):
        return 1.0
    if isinstance(node, Nothing):
        return 0.0
    parts = sum(bound(c) for c in (*node.must, *node.should))
    bonus = sum(c["constant_score"]["boost"] for c in coord_bonus(node))
    return node.boost * (parts + bonus + (1.0 if not node.must and not node.should else 0.0))


def tiered(q: dict[str, Any], first: dict[str, Any], big: float) -> dict[str, Any]:
    """Articles matching ``first`` above all others: max(q, first + big), big > any q score."""
    lift = {"constant_score": {"filter": {"match_all": {}}, "boost": big}}
    return {
        "dis_max": {"queries": [q, {"bool": {"must": [first], "should": [lift]}}], "tie_breaker": 0}
    }


def tier_lift(limit: float) -> float:
    """A power of two above ``limit``: adding it to a float32 score loses the least."""
    return float(2 ** math.ceil(math.log2(max(limit, 1.0) + 1.0)))


def filters(only: Filters) -> list[dict[str, Any]]:
    """The filter clauses every hit must also match."""
    out: list[dict[str, Any]] = []
    if only.since or only.until:
        out.append(date_range(only.since, only.until))
    for field, terms in (("source", only.source), ("tags", only.tag), ("authors", only.author)):
        if terms:
            out.append(phrase(field, tuple(terms), 0, 1.0))
    return out


def sort(order: str) -> list[Any]:
    """The sort of a search: relevance, or by date with undated articles last either way."""
    if order == "relevance":
        return ["_score", DOC_ORDER]
    direction = "desc" if order == "newest" else "asc"
    return [{"published": {"order": direction, "missing": "_last"}}, DOC_ORDER]
