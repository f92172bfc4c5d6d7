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
# Released every 2,000 terms, each segment still held ~2 MB: 62 MB of file pages at Reuters x10.
# Now every RELEASE_BYTES of postings (and term entries) read from it: 12.1 -> 8.7 MB at x3.
# And at each field's first term: merging Reuters x10's 44 segments, RssFile rose from 10 to
# 38 MB there (~0.6 MB a segment) and VmHWM was 67 MB; released there, RssFile stays at 10 and
# VmHWM is 46 (benchmarks/merge_memory.py).
RELEASE_BYTES = 64 * 1024
RELEASE_DOCS = 2000  # stored documents between releases: ~2 MB of Reuters articles


def segment_postings(
    reader: Any, base: int, docmap: dict[int, int] | None, schema: Any
) -> Iterator[tuple[tuple[str, bytes], Iterator[Posting]]]:
    """Every term of a segment in (field, term) order with its live postings renumbered:
    ``base + docnum``, or ``docmap[docnum]`` when the segment has deletions.

    A term's postings come lazily, a block at a time (read them before the next term's): held
    as one list, a word in most of 1M articles was ~100 MB at the last merge, and the peak RSS
    of indexing them grew with the corpus (618 MB at 1.08M Reuters articles, 180 at 21,577).
    With deletions a term may have none left: the writer skips it.
    """
    terms, perdoc = reader._terms, reader._perdoc
    for name in sorted(terms._fieldmap):
        if name not in schema:
            continue
        fixed = schema[name].format.fixed_value_size()
        lengths = _lengths(perdoc, name)
        # Bytes since the last release; as full at the field's first term, which is found by a
        # search of the term table that maps pages all over it (see RELEASE_BYTES).
        read = RELEASE_BYTES
        for (field, tbytes), info in terms.items_from(name, b""):
            if field != name:
                break
            read += _extent(info)[1] + 64  # and about a term's entry in the term table
            if read >= RELEASE_BYTES:
                release(reader)
                read = 0
            blocks = _blocks(terms._postfile, info, fixed)
            yield (name, tbytes), _renumbered(blocks, lengths, base, docmap)


def _renumbered(
    blocks: Iterator[tuple[list[int], list[Any], list[bytes]]],
    lengths: bytes,
    base: int,
    docmap: dict[int, int] | None,
) -> Iterator[Posting]:
    n = len(lengths)
    for ids, weights, values in blocks:
        kept = [_LENGTH[lengths[d]] if d < n else 0 for d in ids]
        if docmap is None:
            yield from zip([base + d for d in ids], weights, values, kept, strict=True)
        else:
            for d, w, v, k in zip(ids, weights, values, kept, strict=True):
                if d in docmap:
                    yield docmap[d], w, v, k


class Releasing:
    """A segment reader whose stored documents, read in order for a merge, let go of their
    pages as they go, so copying a big segment's stored fields does not keep them all mapped.
    Measured alone it did not move the Reuters x10 peak (file-backed ~60 MB before and after,
    /proc/PID/smaps: ~25 segments at ~2 MB each while a merge ran)."""

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


# A length byte's length as the lengths column gives it back (0: none). The bytes are kept per
# segment, not a list of their lengths: an int per article was ~36 bytes, ~1.5 MB for each of
# the ~25 segments of 43,000 articles a merge at 1M reads at once; the bytes are 43 KB.
_LENGTH = (0, *(byte_to_length(b) for b in range(1, 256)))


def _lengths(perdoc: Any, name: str) -> bytes:
    """The field's length byte of every document (0: none)."""
    column = perdoc._cached_reader(_lenfield(name), LENGTHS_COLUMN)
    if column is None:
        return b""
    return bytes(column)


def _extent(info: Any) -> tuple[int, int]:
    """(offset, length) of a term's postings in the postings file; (0, 0) when inlined."""
    if info.is_inlined():
        return 0, 0
    offset, length = info.extent()
    if isinstance(length, tuple):  # W3TermInfo.from_bytes keeps struct.unpack's tuple
        (length,) = length
    return int(offset), int(length)


def _blocks(
    postfile: Any, info: Any, fixed: int | None
) -> Iterator[tuple[list[int], list[Any], list[bytes]]]:
    """One term's ids, weights and values, a block at a time from the postings file."""
    if info.is_inlined():
        inlined = info.inlined_postings()
        yield list(inlined[0]), list(inlined[1]), [v or b"" for v in inlined[2]]
        return
    offset, length = _extent(info)
    raw = io.BytesIO(postfile.get(offset, length))
    if raw.read(4) != WHOOSH3_HEADER_MAGIC:
        raise pickle.UnpicklingError(f"no postings header at offset {offset}")
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
        ids = list(itertools.accumulate(deltas))
        if block_weights is None:
            weights: list[Any] = [1.0] * count
        elif isinstance(block_weights, float):
            weights = [block_weights] * count
        else:
            weights = list(block_weights)
        if fixed is None or fixed < 0:
            values = list(block_values)
        elif fixed == 0:
            values = [b""] * count
        else:
            values = [block_values[i : i + fixed] for i in range(0, len(block_values), fixed)]
        yield ids, weights, values
