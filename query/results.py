"""Shaping a result list: syndicated copies folded into one hit, facet counts, more-like-this."""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from typing import Any

from whoosh import sorting
from whoosh.query import Or, Term

# Facet name -> the whole-value field counted (site, year and tag are indexed unanalysed).
FACETS = {"source": "site", "year": "year", "tag": "tag"}
FACET_TOP = 10


def collapse(searcher: Any, hits: Iterable[Any], want: int) -> tuple[list[Any], bool]:
    """The first ``want`` hits with one per story; True when the list ran out first.

    Copies share a ``dup`` key (indexer.clusters); the best-placed copy stands for the story.
    """
    keys = dup_keys(searcher)
    out, seen = [], set()
    for hit in hits:
        key = keys[hit.docnum]
        if key in seen:
            continue
        seen.add(key)
        out.append(hit)
        if len(out) == want:
            return out, False
    return out, True


def dup_keys(searcher: Any) -> Any:
    """docnum -> the article's story key, read from the column (stored fields as a fallback)."""
    # Opening a column reader costs ~7 ms per segment: once per searcher, not once per query.
    keys = _KEYS.get(searcher)
    if keys is None:
        reader = searcher.reader()
        keys = reader.column_reader("dup") if reader.has_column("dup") else _StoredKeys(reader)
        _KEYS[searcher] = keys
    return keys


class _StoredKeys:
    """Keys from stored fields, for an empty or column-less reader (Whoosh raises there)."""

    def __init__(self, reader: Any) -> None:
        self._reader = reader

    def __getitem__(self, docnum: int) -> str:
        return self._reader.stored_fields(docnum).get("dup", "")


_KEYS: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()


def copies(searcher: Any, docnum: int, allow: set[int] | None) -> int:
    """How many other live articles are copies of this one (of those allowed, if a set)."""
    key = dup_keys(searcher)[docnum]
    # One term lookup settles most articles (no copies); deleted ones count until a merge.
    if not key or searcher.reader().doc_frequency("dup", key) <= 1:
        return 0
    same = searcher.docs_for_query(Term("dup", key))
    return max(0, sum(1 for d in same if allow is None or d in allow) - 1)


def facet_args() -> dict[str, Any]:
    """Whoosh ``groupedby`` arguments counting the matches per source, year and tag."""
    return {
        "groupedby": {
            name: sorting.FieldFacet(field, allow_overlap=name == "tag")
            for name, field in FACETS.items()
        },
        "maptype": sorting.Count,
    }


def facet_counts(results: Any) -> dict[str, dict[str, int]]:
    """The counts per facet value, most frequent first (years newest first), blanks left out."""
    out: dict[str, dict[str, int]] = {}
    for name in FACETS:
        groups = {
            (k.decode("utf-8") if isinstance(k, bytes) else str(k)): n
            for k, n in results.groups(name).items()
            if k not in (None, "", b"")
        }
        if name == "year":
            out[name] = dict(sorted(groups.items(), reverse=True))
        else:
            top = sorted(groups.items(), key=lambda kv: (-kv[1], kv[0]))[:FACET_TOP]
            out[name] = dict(top)
    return out


def key_terms(searcher: Any, docnum: int, numterms: int = 15) -> list[str]:
    """The body terms that best tell this article apart from the rest of the index."""
    stored = searcher.stored_fields(docnum)
    text = f"{stored.get('title', '')}\n{stored.get('body', '')}"
    # 15 terms: Whoosh's default of 5 finds the topic, not the story.
    return [t for t, _ in searcher.key_terms_from_text("body", text, numterms=numterms)]


def more_like(searcher: Any, docnum: int, limit: int) -> tuple[list[Any], int, list[str]]:
    """Articles sharing this one's distinctive words, best first; how many match; the words.

    The article itself and its copies are left out: they are the same story, not a similar one.
    """
    keys = dup_keys(searcher)
    own = keys[docnum]
    terms = key_terms(searcher, docnum)
    q = Or([Term("body", t) for t in terms] + [Term("title", t) for t in terms])
    found = searcher.search(q, limit=limit * 3 + 10)
    same = copies(searcher, docnum, None) + 1  # the article and its copies
    hits = [h for h in found if h.docnum != docnum and keys[h.docnum] != own]
    return hits, max(0, len(found) - same), terms
