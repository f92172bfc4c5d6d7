"""vector.py's scoring in plain Python, for a process's first search.

Importing NumPy costs a fresh process ~60 ms, a third of a whole `newsearch query`; one search
needs no arrays to beat Whoosh's matchers by far. The same formulas in the same order of
operations give the same scores, bit for bit, as vector.py.
"""

from __future__ import annotations

import heapq
from itertools import accumulate
from typing import Any

from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.matching import ListMatcher
from whoosh.util.numeric import byte_to_length

from newsearch.engines.whoosh.fastpath import Ranker, Scored, Unsupported, parameters, term_matcher

Scores = dict[int, float]
_LENGTH_OF_BYTE = [float(byte_to_length(b) or 0) for b in range(256)]


class Lists:
    """One searcher's segments, deletions, field lengths and term scores, as Python lists."""

    def __init__(self, searcher: Any) -> None:
        self.searcher = searcher
        self.segments = [(ss.reader(), int(off)) for ss, off in searcher.leaf_searchers()]
        self.deleted: set[int] = set()
        for reader, off in self.segments:
            if reader.has_deletions():
                self.deleted.update(d + off for d in reader._perdoc.deleted_docs())
        self._lengths: dict[tuple[int, str], bytes | None] = {}

    def _field_lengths(self, i: int, field: str) -> bytes | None:
        key = (i, field)
        if key not in self._lengths:
            reader = self.segments[i][0]
            raw = None
            perdoc = getattr(reader, "_perdoc", None)
            column = perdoc and perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
            if column is not None:
                raw = column._dbfile.get(column._basepos, int(column._count))
            self._lengths[key] = raw
        return self._lengths[key]

    def select(
        self, q: Any, every: Any | None, only: set[int] | None
    ) -> tuple[Ranker, int, set[int]]:
        """Rank the matches of ``q`` (those of ``every`` first); how many; which (fastpath.top)."""
        score = evaluate(self, q)
        mask = set(score) - self.deleted
        if only is not None:
            mask &= only
        tier_score = evaluate(self, every) if every is not None else {}
        first = mask.intersection(tier_score)
        rest = mask - first

        def ranked_hits(k: int) -> list[Scored]:
            a = ranked(tier_score, first, k)
            b = ranked(score, rest, k - len(a))
            return [Scored(d, tier_score[d]) for d in a] + [Scored(d, score[d]) for d in b]

        return ranked_hits, len(mask), mask

    def value_counts(self, field: str, docs: set[int]) -> dict[str, int]:
        """How many of ``docs`` hold each term of a whole-value field (facets)."""
        from_bytes = self.searcher.schema[field].from_bytes
        out: dict[str, int] = {}
        for btext in self.searcher.reader().lexicon(field):
            n = 0
            for reader, off in self.segments:
                found = _postings(reader, field, btext)
                if found is not None:
                    n += sum(1 for d in found[0] if d + off in docs)
            if n:
                out[from_bytes(btext)] = n
        return out

    def term(self, field: str, text: str | bytes) -> tuple[Scores, list[int]]:
        """docnum -> unboosted score of a term, and the segments (by index) holding it."""
        schema = self.searcher.schema
        if field not in schema:
            return {}, []
        try:
            btext = text if isinstance(text, bytes) else schema[field].to_bytes(text)
        except ValueError:
            return {}, []
        ids: list[int] = []
        tfs: list[float] = []
        fls: list[float] = []
        present = []
        for i, (reader, off) in enumerate(self.segments):
            found = _postings(reader, field, btext)
            if found is None:
                continue
            present.append(i)
            raw = self._field_lengths(i, field)
            # As vector.py reads them: no column is length 1, past its end length 0.
            for d in found[0]:
                ids.append(d + off)
                fls.append(
                    1.0 if raw is None else (_LENGTH_OF_BYTE[raw[d]] if d < len(raw) else 0.0)
                )
            tfs += found[1]
        idf, avgfl, b, k1 = parameters(self.searcher, field, btext, len(ids))
        out: Scores = {
            d: idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * fl / avgfl)))
            for d, tf, fl in zip(ids, tfs, fls, strict=True)
        }
        return out, present


def _postings(reader: Any, field: str, btext: bytes) -> tuple[list[int], list[float]] | None:
    m = term_matcher(reader, field, btext)
    if m is None:
        return None
    if isinstance(m, ListMatcher):
        ids = list(m._ids)
        if m._all_weights is not None:
            return ids, [float(m._all_weights)] * len(ids)
        return ids, [1.0] * len(ids) if m._weights is None else [float(w) for w in m._weights]
    if not isinstance(m, W3LeafMatcher):
        raise Unsupported(f"postings of type {type(m).__name__}")
    ids, tfs = [], []
    while True:
        m._read_data()
        raw_ids, raw_w = m._data[0], m._data[1]
        count = m._blocklength
        ids += raw_ids if m._byteids else accumulate(raw_ids)
        if raw_w is None or isinstance(raw_w, float):
            tfs += [1.0 if raw_w is None else raw_w] * count
        else:
            tfs += raw_w
        if m._lastblock:
            return ids, tfs
        m._goto(m._nextoffset)


def evaluate(lists: Lists, q: Any) -> Scores:
    """docnum -> score of every document the normalised Whoosh query matches."""
    if isinstance(q, wq.Term):
        scores, _ = lists.term(q.fieldname, q.text)
        return {d: s * q.boost for d, s in scores.items()} if q.boost != 1.0 else dict(scores)
    if isinstance(q, wq.Prefix | wq.Wildcard):
        return evaluate(lists, wq.Or(_expanded(lists, q)))
    if q is wq.NullQuery or isinstance(q, wq.NullQuery.__class__):
        return {}
    if isinstance(q, wq.AndNot):
        a, b = evaluate(lists, q.a), evaluate(lists, q.b)
        return {d: s for d, s in a.items() if d not in b}
    if isinstance(q, wq.AndMaybe):
        a, b = evaluate(lists, q.a), evaluate(lists, q.b)
        return {d: (s + b[d] if d in b else s) for d, s in a.items()}
    if type(q) in (wq.And, wq.Or):
        subs = list(q.subqueries)
        if not subs:
            return {}
        if len(subs) == 1:
            return evaluate(lists, subs[0])
        if isinstance(q, wq.Or) and q.scale:
            return _coordinated(lists, q)
        parts = [evaluate(lists, s) for s in subs]
        if isinstance(q, wq.And):
            docs = set(parts[0]).intersection(*parts[1:])
        else:
            docs = set().union(*parts)
        out: Scores = {}
        for d in docs:
            total = 0.0
            for p in parts:
                if d in p:
                    total += p[d]
            out[d] = total * q.boost if q.boost != 1.0 else total
        return out
    raise Unsupported(type(q).__name__)


def _expanded(lists: Lists, q: Any) -> list[Any]:
    reader = lists.searcher.reader()
    return [wq.Term(q.fieldname, t, boost=q.boost) for t in q._btexts(reader) if t]


def _coordinated(lists: Lists, q: Any) -> Scores:
    leaves: list[Any] = []
    for s in q.subqueries:
        if isinstance(s, wq.Prefix | wq.Wildcard):
            leaves += _expanded(lists, s)
        elif isinstance(s, wq.Term):
            leaves.append(s)
        else:
            raise Unsupported("coordination over clauses other than terms")
    score: Scores = {}
    matched: dict[int, int] = {}
    present = [0] * len(lists.segments)
    for s in leaves:
        scores, here = lists.term(s.fieldname, s.text)
        for d, x in scores.items():
            score[d] = score.get(d, 0.0) + (x * s.boost if s.boost != 1.0 else x)
            matched[d] = matched.get(d, 0) + 1
        for i in here:
            present[i] += 1
    offsets = [off for _, off in lists.segments]
    scale = float(q.scale)
    for d in score:
        x = score[d] * q.boost if q.boost != 1.0 else score[d]
        count = present[_segment(offsets, d)]
        if count > 1 and count != scale:
            apart = count - scale
            x = (x + ((matched[d] - 1) / (apart * apart))) * ((count - 1) / count)
        score[d] = x
    return score


def _segment(offsets: list[int], docnum: int) -> int:
    i = len(offsets) - 1
    while offsets[i] > docnum:
        i -= 1
    return i


def ranked(scores: Scores, docs: set[int], k: int) -> list[int]:
    """The first ``k`` of ``docs`` by score descending, then docnum ascending."""
    return heapq.nsmallest(k, docs, key=lambda d: (-scores[d], d)) if k > 0 else []
