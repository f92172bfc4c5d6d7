"""BM25F, syndicated copies folded into one hit, facet counts, more-like-this, explanations."""

from __future__ import annotations

from collections.abc import Iterable
from math import log
from typing import Any

from whoosh import scoring
from whoosh.query import Or, Query, Term

from newsearch.engine import TermScore

# Chosen on the five dev collections (benchmarks/relevance.py), one setting for all: K1 1.5
# beat Whoosh's 1.2 on the news set (TIME nDCG@10 .617 → .630) and tied elsewhere; Anserini's
# 0.9/0.4 lost on every set (TIME .602). B stays at the usual 0.75.
K1 = 1.5
B = 0.75
# Facet name -> the whole-value field counted (site, year and tag are indexed unanalysed).
FACETS = {"source": "site", "year": "year", "tag": "tag"}
FACET_TOP = 10
KEY_TERMS = 15  # Whoosh's default of 5 finds the topic, not the story


class NewsBM25F(scoring.BM25F):
    """Whoosh's BM25F with the Robertson–Spärck Jones idf that Lucene and Anserini use.

    Whoosh's own idf, log(N / (df + 1)) + 1, never falls below 1, so a word in every article
    ("said", "what", "about") still weighs as much as a third of a rare name; in long
    natural-language queries those words drown the ones that matter.
    """

    def idf(self, searcher: Any, fieldname: str, text: str) -> float:
        """Inverse document frequency, near zero for a word most articles hold."""
        parent = searcher.get_parent()
        return self.idf_of(parent.doc_count_all(), parent.doc_frequency(fieldname, text))

    @staticmethod
    def idf_of(n: int, df: int) -> float:
        """The idf of a term ``df`` of ``n`` articles hold (deleted ones counted, as Whoosh)."""
        return log(1 + (n - df + 0.5) / (df + 0.5))


def weighting() -> scoring.WeightingModel:
    """The ranking function every search uses."""
    return NewsBM25F(B=B, K1=K1)


class Keys:
    """docnum -> story key of one searcher, read from the column (stored fields as a fallback).

    Opening a column reader costs ~7 ms per segment: once per searcher, not once per query.
    """

    def __init__(self, searcher: Any) -> None:
        reader = searcher.reader()
        self._reader = reader
        self._column = reader.column_reader("dup") if reader.has_column("dup") else None

    def __getitem__(self, docnum: int) -> str:
        if self._column is not None:
            return str(self._column[docnum])
        return str(self._reader.stored_fields(docnum).get("dup", ""))


def collapse(keys: Keys, hits: Iterable[Any], want: int) -> tuple[list[Any], bool]:
    """The first ``want`` hits with one per story; True when the list ran out first."""
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


def copies(searcher: Any, keys: Keys, docnum: int, allow: set[int] | None) -> int:
    """How many other live articles are copies of this one (of those allowed, if a set)."""
    key = keys[docnum]
    # One term lookup settles most articles (no copies); deleted ones count until a merge.
    if not key or searcher.reader().doc_frequency("dup", key) <= 1:
        return 0
    same = searcher.docs_for_query(Term("dup", key))
    return max(0, sum(1 for d in same if allow is None or d in allow) - 1)


def facet_args() -> dict[str, Any]:
    """Whoosh ``groupedby`` arguments counting the matches per source, year and tag."""
    from whoosh import sorting

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


def more_like(
    searcher: Any, keys: Keys, docnum: int, limit: int
) -> tuple[list[Any], int, list[str]]:
    """Articles sharing this one's distinctive words, best first; how many match; the words.

    The article itself and its copies are left out: they are the same story, not a similar one.
    """
    own = keys[docnum]
    stored = searcher.stored_fields(docnum)
    text = f"{stored.get('title', '')}\n{stored.get('body', '')}"
    terms = [t for t, _ in searcher.key_terms_from_text("body", text, numterms=KEY_TERMS)]
    q = Or([Term("body", t) for t in terms] + [Term("title", t) for t in terms])
    found = searcher.search(q, limit=limit * 3 + 10)
    same = copies(searcher, keys, docnum, None) + 1  # the article and its copies
    hits = [h for h in found if h.docnum != docnum and keys[h.docnum] != own]
    return hits, max(0, len(found) - same), terms


def expanded(searcher: Any, query: Query) -> set[tuple[str, str]]:
    """(field, term) for every term the query can match, wildcards and fuzzy words expanded."""
    # Once per query, rather than asking Whoosh to record per scored document which terms
    # matched (terms=True costs ~20% of a search).
    reader = searcher.reader()
    return {
        (field, t.decode("utf-8") if isinstance(t, bytes) else t)
        for leaf in query.leaves()
        for field, t in leaf.expanded_terms(reader)
    }


def explain(searcher: Any, query: Query, docnum: int) -> tuple[TermScore, ...]:
    """Each of the query's (field, term) pairs this article holds, with its share of the score."""
    boosts: dict[tuple[str, str], float] = {}
    for leaf in query.leaves():
        field, text = getattr(leaf, "fieldname", None), getattr(leaf, "text", None)
        if field and isinstance(text, str):
            boost = float(getattr(leaf, "boost", 1.0))
            boosts[(field, text)] = max(boosts.get((field, text), 0.0), boost)
    out = []
    for field, term in sorted(expanded(searcher, query)):
        if (field, term) not in searcher.reader():
            continue
        postings = searcher.postings(field, term)
        postings.skip_to(docnum)
        if not postings.is_active() or postings.id() != docnum:
            continue
        tf = postings.weight()
        scorer = searcher.weighting.scorer(searcher, field, term)
        length = searcher.doc_field_length(docnum, field, 0)
        score = boosts.get((field, term), 1.0) * scorer._score(tf, length)
        out.append(TermScore(field, term, float(tf), float(score)))
    return tuple(out)
