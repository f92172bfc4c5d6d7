"""Which segments a commit merges: Whoosh's MERGE_SMALL, with no merge past a size cap.

MERGE_SMALL merges the smallest segments once there are enough of them (a Fibonacci rule on
their document counts), and in time merges everything into one segment: the 1M-article
Reuters run ended in a single segment of 3.6 GB. Whoosh cannot write a segment whose stored
fields pass 4 GiB (VarBytesColumn keeps the column's offsets in an array of at most 32 bits and
raises OverflowError past it). Reuters stores ~1 KB an article (0.93 GiB per million), so that
merge would fail at ~4M such articles, sooner for longer ones, and every commit after it would
try it again. So a segment is a candidate only while its live part is under MAX_MERGE_BYTES,
and of the segments MERGE_SMALL would merge, a merge takes the smallest while their total
stays under it; below the cap, that is what MERGE_SMALL merges. A big segment with many
deletions shrinks below the cap and can be merged again, which expunges them.
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


def merge_group(storage: Any, segments: list[Any], limit: int | None = None) -> list[Any]:
    """The segments a commit merges: MERGE_SMALL's choice among those under ``limit`` bytes
    (default MAX_MERGE_BYTES), cut to fit under it; [] for no merge."""
    limit = MAX_MERGE_BYTES if limit is None else limit
    sizes = {id(s): segment_bytes(storage, s) for s in segments}
    candidates = sorted((s for s in segments if sizes[id(s)] < limit), key=_docs)
    group = _merge_small(candidates)
    # A group past the cap is cut to its longest start under it (its smallest segments):
    # merging none would leave segments over a fifth of the cap never merged again (MERGE_SMALL
    # takes five at least), ~80 of them at 10M articles.
    size = 0
    for n, segment in enumerate(group):
        size += sizes[id(segment)]
        if size > limit:
            group = group[:n]
            break
    return group if len(group) > 1 else []


def capped_merge(writer: Any, segments: list[Any], limit: int | None = None) -> list[Any]:
    """Merge what merge_group picks into the writer's new segment (a Whoosh mergetype); return
    the segments kept."""
    group = merge_group(writer.storage, segments, limit)
    for segment in group:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    chosen = {id(s) for s in group}
    # In MERGE_SMALL's order (by size), which numbers the documents of the segments kept.
    return [s for s in sorted(segments, key=_docs) if id(s) not in chosen] if chosen else segments


def _merge_small(ordered: list[Any]) -> list[Any]:
    """The segments MERGE_SMALL merges, of these in its order (smallest first); [] for none."""
    docs = 0
    for i, segment in enumerate(ordered):
        docs += _docs(segment)
        if i > 3 and docs < fib(i + 5):  # its merge point
            return ordered[: i + 1]
    return []


def _docs(segment: Any) -> int:
    return int(segment.doc_count_all())
