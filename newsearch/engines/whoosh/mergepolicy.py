"""Which segments a commit merges: Whoosh's MERGE_SMALL, with no merge past a size cap.

MERGE_SMALL merges the smallest segments once there are enough of them (a Fibonacci rule on
their document counts), and in time merges everything into one segment: the 1M-article
Reuters run ended in a single segment of 3.6 GB. Whoosh cannot write a segment whose stored
fields pass 4 GiB (VarBytesColumn keeps the column's offsets in an array of at most 32 bits and
raises OverflowError past it). Reuters stores ~1 KB an article (0.93 GiB per million), so that
merge would fail at ~4M such articles, sooner for longer ones, and every commit after it would
try it again. So a segment is a candidate only while its live part is under MAX_MERGE_BYTES,
and a merge stops taking segments before its total passes it; the segments under the cap merge
as MERGE_SMALL merges them. A big segment with many deletions shrinks below the cap and can
be merged again, which expunges them.
"""

from __future__ import annotations

from typing import Any

from whoosh.reading import SegmentReader
from whoosh.util import fib

# Half the 4 GiB limit, for the other files of a segment (postings, terms: Reuters' stored
# fields are a quarter of its 3.6 GB at 1M) and articles longer than Reuters'.
MAX_MERGE_BYTES = 2 * 2**30


def segment_bytes(storage: Any, segment: Any) -> int:
    """The bytes of a segment's live documents: its files, less the deleted share."""
    size = sum(storage.file_length(name) for name in segment.list_files(storage))
    total = segment.doc_count_all()
    return size * segment.doc_count() // total if total else 0


def capped_merge(writer: Any, segments: list[Any], limit: int | None = None) -> list[Any]:
    """Merge what MERGE_SMALL would among the segments under ``limit`` bytes (default
    MAX_MERGE_BYTES), never more than it at once; return the segments kept."""
    limit = MAX_MERGE_BYTES if limit is None else limit
    sizes = {id(s): segment_bytes(writer.storage, s) for s in segments}
    candidates = sorted((s for s in segments if sizes[id(s)] < limit), key=_docs)
    group: list[Any] = []
    docs = size = 0
    found = False
    for i, segment in enumerate(candidates):
        if size + sizes[id(segment)] > limit:
            break  # the next smallest would pass the cap: not this time
        group.append(segment)
        docs += _docs(segment)
        size += sizes[id(segment)]
        if i > 3 and docs < fib(i + 5):  # MERGE_SMALL's merge point
            found = True
            break
    if not found:
        return segments
    for segment in group:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    chosen = {id(s) for s in group}
    # In MERGE_SMALL's order (by size), which numbers the documents of the segments kept.
    return [s for s in sorted(segments, key=_docs) if id(s) not in chosen]


def _docs(segment: Any) -> int:
    return int(segment.doc_count_all())
