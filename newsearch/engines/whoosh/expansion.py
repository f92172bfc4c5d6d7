"""Wildcards, prefixes and fuzzy words, bounded before Whoosh expands them.

Unbounded, a query could cost what no embedding app can afford: on Reuters `?*` took 18 s,
`*a*` 11 s (thousands of terms' postings unioned), each `word~2` 2 s (Whoosh's fuzzy automaton
walks the lexicon in Python). Here a prefix or wildcard matching more than MAX_TERMS terms is
refused with a message, and a fuzzy word becomes its FUZZY_TERMS nearest terms, found by a
filtered scan of the lexicon (Lucene bounds both, with 1,024 and 50).
"""

from __future__ import annotations

import heapq
from dataclasses import replace
from typing import Any

from newsearch.engine import Bool, Fuzzy, Node, Nothing, Prefix, Term, Wildcard
from newsearch.engines.whoosh import translate
from newsearch.errors import QueryError
from newsearch.query.suggest import osa

MAX_TERMS = 1024  # Lucene's default maxClauseCount
# Lucene keeps 50; in Whoosh each term is a leaf of one big union, so 50 made `pric~2 oil~2`
# take 2.3 s on Reuters + BBC, 20 took 0.8 s, 10 takes 0.47 s (`oil~2` alone 0.24 s).
FUZZY_TERMS = 10


def bounded(reader: Any, node: Node) -> Node:
    """The query with every multi-term leaf checked (prefix, wildcard) or resolved (fuzzy)."""
    if isinstance(node, Bool):
        return replace(
            node,
            must=tuple(bounded(reader, c) for c in node.must),
            should=tuple(bounded(reader, c) for c in node.should),
            must_not=tuple(bounded(reader, c) for c in node.must_not),
        )
    if isinstance(node, Prefix | Wildcard):
        _check_size(reader, node)
        return node
    if isinstance(node, Fuzzy):
        return _fuzzy(reader, node)
    return node


def _check_size(reader: Any, node: Prefix | Wildcard) -> None:
    for count, _ in enumerate(translate.query(node).expanded_terms(reader), 1):
        if count > MAX_TERMS:
            typed = f"{node.text}*" if isinstance(node, Prefix) else node.pattern
            raise QueryError(
                f"{typed!r} matches more than {MAX_TERMS:,} different words",
                hint="Put more letters before the * or ?, or search for the words themselves.",
            )


def _fuzzy(reader: Any, node: Fuzzy) -> Node:
    """The terms within the node's edits, the closest and commonest FUZZY_TERMS of them."""
    text, limit = node.text, node.maxdist
    letters = set(text)
    near: list[tuple[int, int, str]] = []
    for raw in reader.lexicon(node.field):
        term = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        # Cheap tests first: most of the lexicon fails them (an edit changes the length by at
        # most one and adds at most two letters to those the words do not share).
        if (
            abs(len(term) - len(text)) > limit
            or len(letters.symmetric_difference(term)) > 2 * limit
        ):
            continue
        if term[: node.prefix] != text[: node.prefix]:
            continue
        dist = osa(text, term, limit)
        if dist <= limit:
            near.append((dist, -reader.doc_frequency(node.field, term), term))
    best = heapq.nsmallest(FUZZY_TERMS, near)
    if not best:
        return Nothing()
    # A farther word weighs less, as Lucene weighs fuzzy terms (1 - edits / length): "oil~2"
    # should rank "oil" itself above a rare three-letter neighbour two edits away.
    size = len(text) + 1
    return Bool(
        should=tuple(
            Term(node.field, t, boost=node.boost * (1 - dist / size)) for dist, _, t in best
        )
    )
