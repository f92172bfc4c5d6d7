"""One Whoosh writing session behind the EngineWriter protocol."""

from __future__ import annotations

import random
import time
from typing import Any

from whoosh import writing as wwriting
from whoosh.codec import base as wcodec
from whoosh.index import LockError
from whoosh.util import IDCHARS

from newsearch.engine import IndexedDoc
from newsearch.engines.whoosh.bulkwrite import BulkSegmentWriter
from newsearch.engines.whoosh.mergepolicy import capped_merge, merge_group
from newsearch.engines.whoosh.schema import to_fields
from newsearch.errors import IndexLockedError

WRITER_MB = 128  # Whoosh's pool before it spills a segment; 128 MB kept Reuters in one
# Whoosh names segments with the global random module: an app that seeds it (Hypothesis does,
# per example) got the same name twice and an AssertionError on its second commit.
_NAMES = random.Random()


def _segment_name(size: int = 28) -> str:
    return "".join(_NAMES.choice(IDCHARS) for _ in range(size))


def private_segment_names() -> None:
    """Name Whoosh's segments from a generator of our own, whatever the app seeds."""
    wcodec.random_name = _segment_name
    wwriting.random_name = _segment_name


class WhooshWriter:
    """Adds and deletes in one Whoosh writer; commit() makes them visible together."""

    def __init__(self, ix: Any, wait: float, where: str) -> None:
        """Open Whoosh's writer, waiting up to ``wait`` seconds for another to let go."""
        deadline = time.monotonic() + wait
        while True:
            try:
                self._w = BulkSegmentWriter(ix, limitmb=WRITER_MB)
                self._ix = ix
                self._pending: dict[str, int] = {}  # id -> its number in the new segment
                return
            except LockError:
                if time.monotonic() >= deadline:
                    raise IndexLockedError(
                        f"another indexing run holds the index at {where} (waited {wait:g} s)"
                    ) from None
                time.sleep(0.2)

    def add(self, doc: IndexedDoc, replace: bool = True) -> None:
        """Add a document; ``replace`` first deletes a committed one with the same id, and one
        added earlier in this session is replaced whatever ``replace`` says."""
        docnum = self._w.docnum
        (self._w.update_document if replace else self._w.add_document)(**to_fields(doc))
        earlier = self._pending.get(doc.id)
        if earlier is not None:
            # A record repeated in one batch: Whoosh's update_document only looks in committed
            # segments, so the first copy is marked deleted in the segment being written (its
            # deletions go into the TOC with it, as a committed segment's do).
            self._w.newsegment.delete_document(earlier)
        self._pending[doc.id] = docnum

    def delete(self, doc_id: str) -> int:
        """Delete the committed document with this id."""
        return int(self._w.delete_by_term("id", doc_id) or 0)

    def delete_source(self, source: str, keep: frozenset[str] = frozenset()) -> int:
        """Delete the committed documents of one file, but those whose ids are in ``keep``."""
        if not keep:
            return int(self._w.delete_by_term("path", source) or 0)
        searcher = self._w.searcher()
        try:
            gone = 0
            reader = searcher.reader()
            for docnum in list(searcher.document_numbers(path=source)):
                if reader.is_deleted(docnum):
                    continue
                if searcher.stored_fields(docnum).get("id") not in keep:
                    self._w.delete_document(docnum)
                    gone += 1
            return gone
        finally:
            searcher.close()

    def commit(self) -> None:
        """Write the batch as a segment and make it visible, then merge segments if the merge
        policy says so, as a commit of its own."""
        # Merging in the batch's own commit held the batch (Whoosh's pool, up to 48 MB) through
        # the merge, whose memory came on top of it: the 1M run's merge of 25 segments took
        # anonymous memory from 177 to 205 MiB and VmHWM to 239 (172 for all of Reuters). Now
        # the batch is written and freed first (Reuters x10's peak, 198 MiB against 196, did not
        # move: its merges are small). A merge interrupted also no longer loses the batch.
        self._w.commit(merge=False)
        merge_segments(self._ix)

    def cancel(self) -> None:
        """Drop the batch (nothing if it was already committed)."""
        if not self._w.is_closed:
            self._w.cancel()


def merge_segments(ix: Any) -> None:
    """Merge what the merge policy picks, in a writer that holds nothing else."""
    if not merge_group(ix.storage, ix._segments()):
        return
    try:
        writer = BulkSegmentWriter(ix, limitmb=WRITER_MB)
    except LockError:
        return  # another writer came in between: its own commit merges
    writer.commit(mergetype=capped_merge)
