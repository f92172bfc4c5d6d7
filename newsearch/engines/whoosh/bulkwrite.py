"""A Whoosh segment writer that collects postings by term and writes them a block at a time.

Whoosh's own writer spends ~80% of indexing in per-posting Python: each posting is a tuple put
in an external-sort pool, sorted, read back, its field length looked up in the lengths column
and passed through three method calls with type assertions into the block buffer (Reuters,
21,578 articles: 2.8 M postings, 29 of the 64 profiled seconds in the flush alone). Here the
postings of a term are appended to one list as documents arrive, merged segments are read a
block at a time (merging.py), and at commit each posting list is written as the W3 codec's
blocks and term info, by slicing that list (blocks.py); the per-document files (their column
arrays spilled: columnspill.py), the term table (with compact buckets: termtable.py) and the
compound file are still Whoosh's. The segment is byte for byte the one Whoosh would write
(tests/engines/whoosh/test_bulkwrite.py compares every file), but for a byte column Whoosh's
own writer gets wrong (columnspill._finish). Anything unusual (boosts,
spelling, term vectors, another codec) takes Whoosh's own path.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from operator import itemgetter
from pickle import dumps
from typing import IO, Any

from whoosh.codec.whoosh3 import W3Codec
from whoosh.filedb.filestore import FileStorage
from whoosh.formats import Frequency, Positions
from whoosh.index import FileIndex
from whoosh.reading import SegmentReader
from whoosh.system import pack_uint
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from newsearch.engines.whoosh.blocks import write_terms
from newsearch.engines.whoosh.columnspill import compact_columns
from newsearch.engines.whoosh.merging import Posting, Releasing, release, segment_postings
from newsearch.engines.whoosh.termtable import compact_term_table

POOL_MB = 48  # Whoosh's pool while merging: below the ~85 MB a 5,000-article batch holds
POSTING_BYTES = 130  # measured: a 4-tuple with a positions value, in its list (sys.getsizeof)
# Most postings have one position. Its value is built from a cached head and a fresh tail: one
# shared object would be pickled once per block and referenced after (smaller, but no longer
# the bytes Whoosh writes).
_ONE_POSITION = [(pack_uint(1) + dumps([p], 2))[:-1] for p in range(256)]
# Frequency values are joined, not pickled, per block: one shared object each is the same bytes.
_UINT = [pack_uint(n) for n in range(256)]


def _positions(terms: list[str]) -> Iterator[tuple[str, int, bytes]]:
    """(term, frequency, Whoosh's Positions value) of a term list, positions being indexes."""
    at: dict[str, list[int]] = defaultdict(list)
    for pos, term in enumerate(terms):
        at[term].append(pos)
    for term, poses in at.items():
        if len(poses) == 1 and poses[0] < 256:
            yield term, 1, _ONE_POSITION[poses[0]] + b"."
        else:
            deltas = [b - a for a, b in zip([0, *poses], poses, strict=False)]
            yield term, len(poses), pack_uint(len(deltas)) + dumps(deltas, 2)


def _frequencies(terms: list[str]) -> Iterator[tuple[str, int, bytes]]:
    """(term, frequency, Whoosh's Frequency value) of a term list."""
    for term, n in Counter(terms).items():
        yield term, n, _UINT[n] if n < 256 else pack_uint(n)


_FAST = {Positions: _positions, Frequency: _frequencies}


def _kept(length: int) -> int:
    """The field length a posting carries: the one the lengths column gives back (one byte)."""
    return byte_to_length(length_to_byte(length)) if length else 0


class BulkSegmentWriter(SegmentWriter):
    """Whoosh's SegmentWriter with postings kept per term in memory until the commit."""

    def __init__(self, ix: Any, limitmb: int = 128, **kwargs: Any) -> None:
        """Open the writer (Whoosh's lock and all); ``limitmb`` bounds the postings held."""
        super().__init__(ix, limitmb=limitmb, **kwargs)
        # Spelling words and term vectors are written by Whoosh's own add_document.
        self._plain = not any(f.separate_spelling() or f.vector for _, f in self.schema.items())
        self._terms: dict[str, dict[bytes, list[Posting]]] = {}  # Whoosh's own items
        self._words: dict[str, dict[str, list[Posting]]] = {}  # term lists, by text
        self._merging: list[tuple[Any, int, dict[int, int] | None]] = []  # segments merged in
        self._late = False  # documents added after a merge: numbered after its documents
        self._held = 0
        self._limit = limitmb * 2**20 // POSTING_BYTES
        # Whoosh's pool only sorts merged segments (and spills): with the whole budget it
        # held 128 MB of tuples while merging, above the batch held here at any other time.
        self.pool.limit = min(self.pool.limit, POOL_MB * 2**20)
        self._spills: list[IO[bytes]] = []
        try:
            for compact, writer in (
                (compact_term_table, self.fieldwriter),  # ~12 bytes a term held, not ~130
                (compact_columns, self.perdocwriter),  # not ~22 bytes an article in columns
            ):
                spill = compact(writer)
                if spill is not None:
                    self._spills.append(spill)
        except BaseException:  # no spill file (a full disk): the lock taken above goes too
            self._cleanup_on_error()
            raise

    def _cleanup_on_error(self) -> None:
        """Whoosh's clean-up after a commit or cancel that failed, and the spill files closed:
        the segment's writers, which close them, are left open by a failure part-way."""
        super()._cleanup_on_error()
        for file in self._spills:
            # Closing flushes, which can fail as the commit did (a full disk): as Whoosh does
            # above, the clean-up must not replace the error being raised.
            with contextlib.suppress(OSError):
                file.close()

    def add_document(self, **fields: Any) -> None:
        """Add one document, as Whoosh's add_document does."""
        self._late = self._late or bool(self._merging)
        if not self._plain or any(n[:1] == "_" and n.endswith("_boost") for n in fields):
            super().add_document(**fields)
            return
        self._check_state()
        schema, pdw, docnum = self.schema, self.perdocwriter, self.docnum
        names = sorted(n for n in fields if not n.startswith("_"))
        self._check_fields(schema, names)
        pdw.start_doc(docnum)
        try:
            for name in names:
                value = fields[name]
                if value is None:
                    continue
                field = schema[name]
                length = self._index(name, field, value, docnum) if field.indexed else 0
                stored = fields.get(f"_stored_{name}", value)
                pdw.add_field(name, field, stored if field.stored else None, length)
                if field.column_type and stored is not None:
                    pdw.add_column_value(name, field.column_type, field.to_column_value(stored))
        except ValueError:
            pdw.cancel_doc()
            raise
        pdw.finish_doc()
        self._added = True
        self.docnum += 1
        if self._held > self._limit:
            self._spill()

    def _index(self, name: str, field: Any, value: Any, docnum: int) -> int:
        """Add one field's postings; its length (the sum of frequencies) if it is scored."""
        fmt = field.format
        fast = _FAST.get(type(fmt)) if isinstance(value, list) else None
        if fast is None:
            items = list(field.index(value))
            length = sum(it[1] for it in items) if field.scorable else 0
            kept = _kept(length)
            terms = self._terms.setdefault(name, defaultdict(list))
            for tbytes, _freq, weight, vbytes in items:
                terms[tbytes].append((docnum, weight, vbytes or b"", kept))
            self._held += len(items)
            return length
        # A term list: every item is one token, so the length is known before counting, and the
        # terms are kept as text (encoded once per term at the commit, not once per posting).
        length = len(value) if field.scorable else 0
        kept, boost = _kept(length), fmt.field_boost
        words = self._words.setdefault(name, defaultdict(list))
        count = 0
        for term, n, vbytes in fast(value):
            words[term].append((docnum, n * boost, vbytes, kept))
            count += 1
        self._held += count
        return length

    def _held_terms(self) -> Iterator[tuple[tuple[str, bytes], list[Posting]]]:
        """What is held, by field and term in Whoosh's order (UTF-8 order is code point order)."""
        for name in sorted({*self._terms, *self._words}):
            terms = self._terms.get(name, {})
            words = self._words.get(name, {})
            if not terms:
                yield from (((name, w.encode("utf-8")), words[w]) for w in sorted(words))
                continue
            for w, postings in words.items():  # a field given both text and term lists
                key = w.encode("utf-8")
                terms[key] = sorted([*terms.get(key, []), *postings], key=itemgetter(0))
            yield from (((name, t), terms[t]) for t in sorted(terms))

    def reader(self, reuse: Any = None, **kwargs: Any) -> Any:
        """The committed segments, read through the file rather than Whoosh's mmap."""
        # update_document's searcher is the one user. Each id lookup touches a page or two of
        # every segment's term table at random, and the kernel maps ~100 KB around each page
        # touched: the 137 lookups of Reuters x3 (Bloom filter false positives) kept ~10 MB of
        # 12 segments mapped (peak RSS 199 against 188 MB with none), ~40 MB of 21 at x10. A
        # lookup over 12 segments costs ~115 us this way, ~80 mapped. (kwargs: IndexWriter's
        # signature.) Only a folder Whoosh maps is reopened: RamStorage has a folder too, "".
        if type(self.storage) is not FileStorage or not self.storage.supports_mmap:
            return super().reader(reuse=reuse)
        self._check_state()
        plain = FileStorage(self.storage.folder, supports_mmap=False, readonly=True)
        return FileIndex._reader(plain, self.schema, self.segments, self.generation, reuse=reuse)

    def add_reader(self, reader: Any) -> None:
        """Merge a segment in: its documents Whoosh's way, its postings block by block at the
        commit (Whoosh's way, one posting at a time through its pool, was ~60% of indexing at
        Reuters x10)."""
        codec = getattr(reader, "_codec", None)
        if not isinstance(reader, SegmentReader) or not isinstance(codec, W3Codec):
            # One budget: a merge fills Whoosh's pool, and what is held here would come on top.
            self._spill()
            super().add_reader(reader)
            return
        self._check_state()
        # The batch held here goes to Whoosh's pool (48 MB, then disk) first: held through the
        # merge it was +66 MB of peak RSS at Reuters x10 (245 against 179 MB anonymous).
        self._spill()
        base = self.docnum
        indexed = {n for n in reader.indexed_field_names() if n in self.schema}
        docmap = self.write_per_doc(set(self.schema.names()) | indexed, Releasing(reader))
        # A reader of our own: the merge policy closes its reader when this returns.
        segment = reader.segment()
        assert segment is not None  # a SegmentReader always has one
        own = SegmentReader(self.storage, self.schema, segment)
        # Opening it read ~16 MB of a 5,000-article segment's pages, held until its postings
        # are read at the commit: a merge of ~25 segments at Reuters x10 held ~50 MB of them.
        release(own)
        self._merging.append((own, base, docmap))
        self._added = True

    def _spill(self) -> None:
        """Hand what is held to Whoosh's pool, which sorts on disk: memory stays bounded."""
        add = self.pool.add
        for name, words in self._words.items():
            while words:  # emptied as it goes, so the two never hold the batch twice
                word, postings = words.popitem()
                tbytes = word.encode("utf-8")
                for docnum, weight, vbytes, _ in postings:
                    add((name, tbytes, docnum, weight, vbytes))
        for name, terms in self._terms.items():
            while terms:
                tbytes, postings = terms.popitem()
                for docnum, weight, vbytes, _ in postings:
                    add((name, tbytes, docnum, weight, vbytes))
        self._terms, self._words, self._held = {}, {}, 0

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        pooled = bool(self.pool.current or self.pool.runs)
        pdr = self.per_document_reader() if pooled and self.codec.length_stats else None
        # In docnum order: spilled and pooled postings, held ones, then each merged segment's.
        streams: list[Iterator[tuple[Any, Iterable[Posting]]]] = []
        if pooled:
            streams.append(_grouped(self.pool.iter_postings(), pdr))
        streams.append(self._held_terms())
        merges: list[Iterator[tuple[Any, Iterable[Posting]]]] = [
            segment_postings(r, at, docmap, self.schema) for r, at, docmap in self._merging
        ]
        if self._late:  # held postings that follow a merged segment's: write_terms sorts lists
            merges = [((key, list(postings)) for key, postings in m) for m in merges]
        streams += merges
        merged = heapq.merge(*streams, key=itemgetter(0)) if len(streams) > 1 else streams[0]
        try:
            write_terms(self.fieldwriter, self.schema, merged)
        finally:
            for r, _, _ in self._merging:
                r.close()
        self.fieldwriter.close()
        if pdr:
            pdr.close()
        self._terms, self._words, self._merging = {}, {}, []


def _grouped(items: Iterator[tuple[Any, ...]], pdr: Any) -> Iterator[tuple[Any, list[Posting]]]:
    """Whoosh's pooled postings (merged segments, spills) by term, with their field lengths."""
    for (name, tbytes), group in itertools.groupby(items, key=itemgetter(0, 1)):
        dfl = pdr.doc_field_length_reader(name) if pdr else (lambda _d: 0)
        yield (
            (name, tbytes),
            [(d, w, v or b"", dfl(d) or 0) for _, _, d, w, v in group],
        )
