"""A segment's postings read a whole W3 block at a time, for merging it into a new segment.

Whoosh merges through ``reader.iter_postings()``: a matcher per term and three method calls per
posting, then its external-sort pool. Here each term's blocks are unpickled as they lie (ids,
weights and values come out as tuples), the ids renumbered for the new segment, and the field
lengths taken from one list per field; the bulk writer then re-blocks them
(tests/engines/whoosh/test_bulkwrite.py: the merged segment is the bytes Whoosh's merge writes).
"""

from __future__ import annotations

import io
import itertools
import mmap
import pickle
import zlib
from collections.abc import Iterator
from typing import Any

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, _lenfield
from whoosh.system import unpack_int
from whoosh.util.numeric import byte_to_length

from newsearch.engines.whoosh import safepickle

# (docnum, weight, encoded value, field length as the lengths column gives it back)
Posting = tuple[int, float, bytes, int]
# A merge reads all its segments at once, term by term: mapped pages read stayed resident, and
# merging 23 segments of 5,000 Reuters articles took peak RSS from ~200 to 593 MB (file-backed).
# Postings bytes read from a segment between releases of its pages. A merge reads all its
# segments at once; every 2,000 terms, each of them held ~2 MB, so a merge of ~25 segments at
# Reuters x10 held 62 MB of file pages (the indexing peak: 237 MB, 184 of them anonymous).
RELEASE_BYTES = 256 * 1024
RELEASE_DOCS = 2000  # stored documents between releases: ~2 MB of Reuters articles


def segment_postings(
    reader: Any, base: int, docmap: dict[int, int] | None, schema: Any
) -> Iterator[tuple[tuple[str, bytes], list[Posting]]]:
    """Every term of a segment in (field, term) order with its live postings renumbered:
    ``base + docnum``, or ``docmap[docnum]`` when the segment has deletions."""
    terms, perdoc = reader._terms, reader._perdoc
    read = 0  # bytes since the last release
    for name in sorted(terms._fieldmap):
        if name not in schema:
            continue
        fixed = schema[name].format.fixed_value_size()
        lengths = _lengths(perdoc, name)
        for (field, tbytes), info in terms.items_from(name, b""):
            if field != name:
                break
            ids, weights, values = _postings(terms._postfile, info, fixed)
            read += _extent(info)[1] + 64  # and about a term's entry in the term table
            if read >= RELEASE_BYTES:
                release(reader)
                read = 0
            kept = [lengths[d] if d < len(lengths) else 0 for d in ids]
            if docmap is None:
                new = [base + d for d in ids]
                yield (name, tbytes), list(zip(new, weights, values, kept, strict=True))
            else:
                live = [
                    (docmap[d], w, v, n)
                    for d, w, v, n in zip(ids, weights, values, kept, strict=True)
                    if d in docmap
                ]
                if live:
                    yield (name, tbytes), live


class Releasing:
    """A segment reader whose stored documents, read in order for a merge, let go of their
    pages as they go: copying a 100k-article segment's stored fields otherwise keeps every
    page of them in our RSS (file-backed: 14 MB at Reuters x1, 63 MB at x10)."""

    def __init__(self, reader: Any) -> None:
        """Wrap ``reader``; everything but iter_docs is the reader's own."""
        self._reader = reader

    def __getattr__(self, name: str) -> Any:
        return getattr(self._reader, name)

    def iter_docs(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """The reader's (docnum, stored fields), releasing pages every RELEASE_DOCS documents."""
        for n, item in enumerate(self._reader.iter_docs(), 1):
            yield item
            if n % RELEASE_DOCS == 0:
                release(self._reader)
        release(self._reader)


def release(reader: Any) -> None:
    """Let go of the segment pages read so far: they stay in the page cache, not in our RSS."""
    storage = getattr(reader, "_storage", None)
    # A compound segment's reader reads through OverlayStorage(compound file, folder).
    for part in (storage, getattr(storage, "a", None)):
        source = getattr(part, "_source", None)
        if isinstance(source, mmap.mmap) and hasattr(mmap, "MADV_DONTNEED"):
            source.madvise(mmap.MADV_DONTNEED)  # read-only and shared: re-read from the file


def _lengths(perdoc: Any, name: str) -> list[int]:
    """The field's length of every document, as the lengths column gives it back (0: none)."""
    column = perdoc._cached_reader(_lenfield(name), LENGTHS_COLUMN)
    if column is None:
        return []
    return [byte_to_length(b) if b else 0 for b in column]


def _extent(info: Any) -> tuple[int, int]:
    """(offset, length) of a term's postings in the postings file; (0, 0) when inlined."""
    if info.is_inlined():
        return 0, 0
    offset, length = info.extent()
    if isinstance(length, tuple):  # W3TermInfo.from_bytes keeps struct.unpack's tuple
        (length,) = length
    return int(offset), int(length)


def _postings(
    postfile: Any, info: Any, fixed: int | None
) -> tuple[list[int], list[Any], list[bytes]]:
    """One term's ids, weights and values, read block by block from the postings file."""
    if info.is_inlined():
        inlined = info.inlined_postings()
        return list(inlined[0]), list(inlined[1]), [v or b"" for v in inlined[2]]
    offset, length = _extent(info)
    raw = io.BytesIO(postfile.get(offset, length))
    if raw.read(4) != WHOOSH3_HEADER_MAGIC:
        raise pickle.UnpicklingError(f"no postings header at offset {offset}")
    ids: list[int] = []
    weights: list[Any] = []
    values: list[bytes] = []
    last = False
    while not last:
        (size,) = unpack_int(raw.read(4))
        last, size = size < 0, abs(size)
        start = raw.tell()
        count, _, _, compressed, _, _ = safepickle.load(raw)
        data = raw.read(size - (raw.tell() - start))
        if compressed:
            data = zlib.decompress(data)
        deltas, block_weights, block_values = safepickle.loads(data)
        ids.extend(itertools.accumulate(deltas))
        if block_weights is None:
            weights.extend([1.0] * count)
        elif isinstance(block_weights, float):
            weights.extend([block_weights] * count)
        else:
            weights.extend(block_weights)
        if fixed is None or fixed < 0:
            values.extend(block_values)
        elif fixed == 0:
            values.extend([b""] * count)
        else:
            values.extend(block_values[i : i + fixed] for i in range(0, len(block_values), fixed))
    return ids, weights, values
