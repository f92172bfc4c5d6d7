"""What the page needs beyond one NewsIndex call: a per-month timeline and a story's copies.

Both are built from public NewsIndex calls only, so they work on every engine.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from typing import Any

from newsearch import Hit, NewsIndex, SearchResults

# One search without snippets costs ~35 µs per match on Reuters-21578 (4,350 matches: 134 ms,
# 5,761: 187 ms), so 10,000 keeps the timeline under ~0.4 s; past it the months are those of
# the 10,000 best matches and the answer says so ("truncated").
TIMELINE_MAX = 10_000
# The index folds copies whose 3-word-shingle Jaccard is >= 0.6 (indexer.dedup measured it on
# BBC: re-published versions 0.60-1.0, different stories at most 0.44); the same rule here.
SHINGLE = 3
SAME_STORY = 0.6
# Copies of a hit rank next to it (near-identical text scores alike): look this far past it.
COPY_WINDOW = 100
_WORD = re.compile(r"\w+")


def timeline(ix: NewsIndex, query: str, options: dict[str, Any]) -> dict[str, Any]:
    """Matches per month ("2017-09": n) of the query and filters, every copy counted."""
    found = ix.search(
        query,
        **{
            **options,
            "limit": TIMELINE_MAX,
            "page": 1,
            "sort": "relevance",
            "snippets": False,
            "suggest": False,
            "explain": False,
            "facets": False,
            "collapse": False,  # per article, as `total` and the year facet count them
        },
    )
    months = Counter(h.published.strftime("%Y-%m") for h in found.hits if h.published)
    return {
        "months": dict(sorted(months.items())),
        "counted": len(found.hits),
        "undated": sum(1 for h in found.hits if not h.published),
        "total": found.total,
        "truncated": found.total > len(found.hits),
    }


def copies_of(ix: NewsIndex, query: str, doc_id: str, options: dict[str, Any]) -> SearchResults:
    """The other copies of one story among the matches: what its "+N similar" counted."""
    base = ix.get(doc_id)  # DocumentNotFoundError (a 404) for an unknown id
    window = {
        **options,
        "limit": options["page"] * options["limit"] + COPY_WINDOW,
        "page": 1,
        "facets": False,
        "explain": False,
    }
    shown = ix.search(query, **{**window, "snippets": False, "suggest": False, "collapse": True})
    everything = ix.search(query, **{**window, "collapse": False})
    wanted = next((h.similar for h in shown.hits if h.id == doc_id), None)
    stories = {h.id for h in shown.hits}  # one hit per story: none of them is a folded copy
    mine = shingles(f"{base.title}\n{base.body}")
    keep: list[Hit] = []
    for hit in everything.hits:
        if hit.id == doc_id or hit.id in stories:
            continue
        other = ix.get(hit.id)
        if jaccard(mine, shingles(f"{other.title}\n{other.body}")) >= SAME_STORY:
            keep.append(replace(hit, rank=len(keep) + 1))
            if wanted is not None and len(keep) >= wanted:
                break
    return replace(
        everything,
        hits=tuple(keep),
        total=len(keep),
        facets={},
        collapsed=0,
        suggestion=None,
        corrections={},
    )


def shingles(text: str) -> set[str]:
    """The text's 3-word shingles, lower-cased (indexer.dedup fingerprints the same ones)."""
    words = _WORD.findall(text.lower())
    return {" ".join(words[i : i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))}


def jaccard(a: set[str], b: set[str]) -> float:
    """Shared shingles over all shingles: 1.0 for the same text, 0.0 for nothing in common."""
    return len(a & b) / len(a | b) if a or b else 0.0
