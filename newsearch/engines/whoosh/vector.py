"""BM25F as array arithmetic over Whoosh's own posting blocks, for trees of terms and booleans.

Whoosh scores one posting at a time through a tree of Python matchers: on Reuters that loop
(and a second pass that re-runs the query to count its matches) was ~90% of a search. Here each
term's postings are decoded a block at a time into NumPy arrays, scored with the very formula
and statistics Whoosh's scorer holds, and combined per document as Whoosh's matchers combine
them (sum; coordination bonus; intersection; exclusion). Every matching document is scored, so
the total is exact and the order never depends on which postings a heap skipped: Whoosh's
skipping rebuilds its coordination matcher as lists run out, which re-scored the later
documents of 173 of 300 benchmark queries (their top 10 differed from scoring them all).

A query with any other part (phrases, wildcards, ranges, every document) raises Unsupported and
is answered by Whoosh's matchers.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

import numpy as np
from numpy.typing import NDArray
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.matching import ListMatcher
from whoosh.util.numeric import byte_to_length

from newsearch.engines.whoosh.fastpath import Ranker, Scored, Unsupported, parameters, term_matcher

Floats = NDArray[np.float64]
Bools = NDArray[np.bool_]
Ints = NDArray[Any]  # docnums: int64 as decoded, int32 as cached

# Whoosh stores a field length as one byte; this is its decoding table.
_LENGTH_OF_BYTE = np.array([byte_to_length(b) or 0 for b in range(256)], dtype=np.float64)
# Scored postings kept per searcher: 4M postings are 48 MB (int32 id + float64 score); on
# Reuters a query's terms hold ~9k postings each, so the cache keeps a few hundred terms.
# Scored postings kept per index generation, shared by its searchers: 8M postings are 96 MB
# (int32 id + float64 score). On Reuters x10 (190k articles, 200 queries, snippets) a cache of
# 4M postings took the median from 62 to 25 ms, 12M to 23 ms (p95 143 -> 72 ms).
CACHE_POSTINGS = 8_000_000


class TermCache:
    """Scored postings and field lengths of one index generation, for all its searchers."""

    def __init__(self, generation: Any, limit: int = CACHE_POSTINGS) -> None:
        self.generation = generation
        self.limit = limit
        self._lock = threading.Lock()
        self._items: OrderedDict[Any, Any] = OrderedDict()
        self._size = 0

    def get(self, key: Any) -> Any:
        """The cached value, or None."""
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            self._items.move_to_end(key)
            return found[0]

    def put(self, key: Any, value: Any, size: int) -> None:
        """Keep a value of ``size`` postings, the least recently used going first."""
        with self._lock:
            if key not in self._items:
                self._items[key] = (value, size)
                self._size += size
            while self._size > self.limit and len(self._items) > 1:
                self._size -= self._items.popitem(last=False)[1][1]


class Arrays:
    """One searcher's documents as arrays: segments, deletions, field lengths, term scores."""

    def __init__(self, searcher: Any, cache: TermCache | None = None) -> None:
        self.searcher = searcher
        self.cache = cache or TermCache(None)
        self.segments = [(ss.reader(), int(off)) for ss, off in searcher.leaf_searchers()]
        self.size = int(searcher.doc_count_all())
        sizes = [int(r.doc_count_all()) for r, _ in self.segments]
        self.segment_of = np.repeat(np.arange(len(sizes), dtype=np.int32), sizes)
        self.live = np.ones(self.size, dtype=np.bool_)
        for reader, off in self.segments:
            if reader.has_deletions():
                gone = np.fromiter(reader._perdoc.deleted_docs(), dtype=np.int64)
                self.live[gone + off] = False
        self._values: dict[str, list[tuple[str, Ints]]] = {}

    def lengths(self, field: str) -> Floats:
        """The length of the field in every document, as Whoosh decodes it (1 if unknown)."""
        found = self.cache.get(("lengths", field))
        if found is None:
            parts = [self._segment_lengths(r, field) for r, _ in self.segments]
            found = np.concatenate(parts) if parts else np.zeros(0)
            self.cache.put(("lengths", field), found, len(found) // 2)  # 8 bytes a document
        return found

    def _segment_lengths(self, reader: Any, field: str) -> Floats:
        count = int(reader.doc_count_all())
        if not count:
            return np.ones(0)
        column = reader._perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
        if column is None:  # Whoosh's scorer asks with a default of 1
            return np.ones(count)
        have = min(int(column._count), count)
        raw = np.zeros(count, dtype=np.uint8)
        if have:
            raw[:have] = np.frombuffer(column._dbfile.get(column._basepos, have), np.uint8)
        return _LENGTH_OF_BYTE[raw]

    def select(self, q: Any, every: Any | None, only: set[int] | None) -> tuple[Ranker, int, Bools]:
        """Rank the matches of ``q`` (those of ``every`` first); how many; which (fastpath.top)."""
        score, mask = evaluate(self, q)
        mask &= self.live
        if only is not None:
            allowed = np.zeros(self.size, dtype=np.bool_)
            allowed[np.fromiter((d for d in only if d >= 0), dtype=np.int64)] = True
            mask &= allowed
        if every is not None:
            tier_score, tier = evaluate(self, every)
            tier &= mask
            first, rest = np.flatnonzero(tier), np.flatnonzero(mask & ~tier)
        else:
            tier_score, first, rest = score, np.zeros(0, dtype=np.int64), np.flatnonzero(mask)

        def ranked_hits(k: int) -> list[Scored]:
            a = ranked(tier_score, first, k)
            b = ranked(score, rest, k - len(a))
            hits = [Scored(int(d), float(tier_score[d])) for d in a]
            return hits + [Scored(int(d), float(score[d])) for d in b]

        return ranked_hits, int(np.count_nonzero(mask)), mask

    def story(self, key: str) -> Ints:
        """The live documents of one story key (what collapse counts as copies)."""
        found = self.cache.get(("story", key))
        if found is None:
            btext = self.searcher.schema["dup"].to_bytes(key)
            parts = [(_postings(reader, "dup", btext), off) for reader, off in self.segments]
            docs = [p[0] + off for p, off in parts if p is not None]
            found = np.concatenate(docs) if docs else np.zeros(0, dtype=np.int64)
            found = found[self.live[found]]
            self.cache.put(("story", key), found, len(found))
        return found

    def copies(self, key: str, only: set[int] | None) -> int:
        """How many other live articles share the key (of those allowed, if a set), as
        ranking.copies counts them without walking Whoosh's matchers."""
        if not key:
            return 0
        if only is None:
            return max(0, self._story_size(key) - 1)
        docs = self.story(key)
        return max(0, sum(1 for d in docs.tolist() if d in only) - 1)

    def _story_size(self, key: str) -> int:
        """How many live documents hold the story key, decoding postings only in segments
        with deletions: elsewhere the term's document frequency is the count. At Reuters x10
        (4 segments, every story ten copies) decoding took ~0.11 ms of each hit shown."""
        found = self.cache.get(("story", key))
        if found is not None:
            return len(found)
        btext = self.searcher.schema["dup"].to_bytes(key)
        count = 0
        for reader, off in self.segments:
            if not reader.has_deletions():
                count += int(reader.doc_frequency("dup", btext))
            elif (postings := _postings(reader, "dup", btext)) is not None:
                count += int(np.count_nonzero(self.live[postings[0] + off]))
        return count

    def value_counts(self, field: str, mask: Bools) -> dict[str, int]:
        """How many of the masked documents hold each term of a whole-value field (facets)."""
        values = self._values.get(field)
        if values is None:
            values = self._values[field] = list(self._value_postings(field))
        return {text: n for text, docs in values if (n := int(np.count_nonzero(mask[docs])))}

    def _value_postings(self, field: str) -> Iterator[tuple[str, Ints]]:
        from_bytes = self.searcher.schema[field].from_bytes
        for btext in self.searcher.reader().lexicon(field):
            found = [(_postings(reader, field, btext), off) for reader, off in self.segments]
            parts = [p[0] + off for p, off in found if p is not None]
            if parts:
                yield from_bytes(btext), np.concatenate(parts)

    def term(self, field: str, text: str | bytes) -> tuple[Ints, Floats, Bools]:
        """Global docnums holding the term, their unboosted scores, and the segments holding it."""
        key = ("term", field, text)
        found = self.cache.get(key)
        if found is None:
            found = self._score(field, text)
            self.cache.put(key, found, len(found[0]))
        return found

    def _score(self, field: str, text: str | bytes) -> tuple[Ints, Floats, Bools]:
        schema = self.searcher.schema
        if field not in schema:
            return np.zeros(0, np.int64), np.zeros(0), np.zeros(len(self.segments), np.bool_)
        try:
            btext = text if isinstance(text, bytes) else schema[field].to_bytes(text)
        except ValueError:
            return np.zeros(0, np.int64), np.zeros(0), np.zeros(len(self.segments), np.bool_)
        present = np.zeros(len(self.segments), dtype=np.bool_)
        ids: list[Ints] = []
        tfs: list[Floats] = []
        for i, (reader, off) in enumerate(self.segments):
            found = _postings(reader, field, btext)
            if found is None:
                continue
            present[i] = True
            seg_ids, seg_tf = found
            ids.append(seg_ids + off)
            tfs.append(seg_tf)
        if not ids:
            return np.zeros(0, np.int64), np.zeros(0), present
        docs, tf = np.concatenate(ids).astype(np.int32), np.concatenate(tfs)
        idf, avgfl, b, k1 = parameters(self.searcher, field, btext, len(docs))
        fl = self.lengths(field)[docs]
        # Whoosh's bm25(), operation for operation, so every score is the same double.
        scores = idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * fl / avgfl)))
        return docs, scores, present


def _postings(reader: Any, field: str, btext: bytes) -> tuple[Ints, Floats] | None:
    """A segment's postings of one term as (docnums, term frequencies), deleted ones included;
    None if the segment has no such term."""
    m = term_matcher(reader, field, btext)
    if m is None:
        return None
    if isinstance(m, ListMatcher):
        ids = np.asarray(m._ids, dtype=np.int64)
        if m._all_weights is not None:
            return ids, np.full(len(ids), float(m._all_weights))
        if m._weights is None:
            return ids, np.ones(len(ids))
        return ids, np.asarray(m._weights, dtype=np.float64)
    if not isinstance(m, W3LeafMatcher):
        raise Unsupported(f"postings of type {type(m).__name__}")
    id_blocks: list[Ints] = []
    tf_blocks: list[Floats] = []
    while True:
        m._read_data()
        raw_ids, raw_w = m._data[0], m._data[1]
        count = m._blocklength
        block = np.asarray(raw_ids, dtype=np.int64)
        # Block ids are delta-coded from 0 (whoosh3 _mini_ids), unless stored as bytes.
        id_blocks.append(block if m._byteids else np.cumsum(block))
        if raw_w is None:
            tf_blocks.append(np.ones(count))
        elif isinstance(raw_w, float):
            tf_blocks.append(np.full(count, raw_w))
        else:
            tf_blocks.append(np.asarray(raw_w, dtype=np.float64))
        if m._lastblock:
            break
        m._goto(m._nextoffset)
    return np.concatenate(id_blocks), np.concatenate(tf_blocks)


def evaluate(arrays: Arrays, q: Any) -> tuple[Floats, Bools]:
    """Every document's score under a normalised Whoosh query, and which documents match."""
    if isinstance(q, wq.Term):
        docs, scores, _ = arrays.term(q.fieldname, q.text)
        score, mask = np.zeros(arrays.size), np.zeros(arrays.size, dtype=np.bool_)
        score[docs] = scores * q.boost if q.boost != 1.0 else scores
        mask[docs] = True
        return score, mask
    if isinstance(q, wq.Prefix | wq.Wildcard):
        # Whoosh ORs the terms it expands to, each scored as a term with the query's boost.
        return evaluate(arrays, wq.Or(_expanded(arrays, q)))
    if q is wq.NullQuery or isinstance(q, wq.NullQuery.__class__):
        return np.zeros(arrays.size), np.zeros(arrays.size, dtype=np.bool_)
    if isinstance(q, wq.AndNot):
        score, mask = evaluate(arrays, q.a)
        return score, mask & ~evaluate(arrays, q.b)[1]
    if isinstance(q, wq.AndMaybe):
        score, mask = evaluate(arrays, q.a)
        extra, also = evaluate(arrays, q.b)
        return np.where(mask & also, score + extra, score), mask
    if type(q) in (wq.And, wq.Or):
        subs = list(q.subqueries)
        if not subs:
            return np.zeros(arrays.size), np.zeros(arrays.size, dtype=np.bool_)
        if len(subs) == 1:  # Whoosh uses the one clause's matcher as it is (no boost)
            return evaluate(arrays, subs[0])
        if isinstance(q, wq.Or) and q.scale:
            return _coordinated(arrays, q)
        # Summed clause by clause, as pyscore.py sums; a term's postings are added where they
        # are rather than as a whole array each (at 190k articles an array costs ~0.2 ms).
        score = np.zeros(arrays.size)
        hits = np.zeros(arrays.size, dtype=np.int32)
        for s in subs:
            if isinstance(s, wq.Term):
                docs, scores, _ = arrays.term(s.fieldname, s.text)
                score[docs] += scores * s.boost if s.boost != 1.0 else scores
                hits[docs] += 1
            else:
                part, m = evaluate(arrays, s)
                score += part
                hits += m
        mask = hits == len(subs) if isinstance(q, wq.And) else hits > 0
        if isinstance(q, wq.And):
            score[~mask] = 0.0
        return (score * q.boost if q.boost != 1.0 else score), mask
    raise Unsupported(type(q).__name__)


def _expanded(arrays: Arrays, q: Any) -> list[Any]:
    """A prefix or wildcard as the terms it matches (in any segment), each with its boost."""
    reader = arrays.searcher.reader()
    return [wq.Term(q.fieldname, t, boost=q.boost) for t in q._btexts(reader) if t]


def _coordinated(arrays: Arrays, q: Any) -> tuple[Floats, Bools]:
    """An OR of terms with Whoosh's coordination bonus (CoordMatcher's SQR, per segment).

    Whoosh counts the term matchers under the OR: a prefix or wildcard counts each term it
    expands to that the segment holds.
    """
    leaves: list[Any] = []
    for s in q.subqueries:
        if isinstance(s, wq.Prefix | wq.Wildcard):
            leaves += _expanded(arrays, s)
        elif isinstance(s, wq.Term):
            leaves.append(s)
        else:
            raise Unsupported("coordination over clauses other than terms")
    score = np.zeros(arrays.size)
    matched = np.zeros(arrays.size, dtype=np.int32)
    present = np.zeros(len(arrays.segments), dtype=np.int32)
    for s in leaves:
        docs, scores, here = arrays.term(s.fieldname, s.text)
        score[docs] += scores * s.boost if s.boost != 1.0 else scores
        matched[docs] += 1
        present += here
    if q.boost != 1.0:
        score *= q.boost
    mask = matched > 0
    idx = np.flatnonzero(mask)
    # Whoosh counts the clauses whose term the segment holds at all.
    count = present[arrays.segment_of[idx]].astype(np.float64)
    scale = float(q.scale)
    hit = matched[idx].astype(np.float64)
    bonus = count > 1
    apart = count - scale
    with np.errstate(divide="ignore", invalid="ignore"):
        # apart * apart, not ** 2: pyscore.py squares as NumPy does, so the two agree bitwise.
        sqr = (score[idx] + ((hit - 1) / (apart * apart))) * ((count - 1) / count)
    score[idx] = np.where(bonus & (count != scale), sqr, score[idx])
    return score, mask


def ranked(score: Floats, docs: Ints, k: int) -> Ints:
    """The first ``k`` of ``docs`` in Whoosh's order: score descending, then docnum ascending."""
    if k <= 0 or not len(docs):
        return docs[:0]
    if len(docs) > k:
        s = score[docs]
        kth = np.partition(s, len(s) - k)[len(s) - k]
        docs = docs[s >= kth]  # ties at the k-th score all stay, so the lowest docnums win
    order = np.lexsort((docs, -score[docs]))
    return docs[order][:k]
