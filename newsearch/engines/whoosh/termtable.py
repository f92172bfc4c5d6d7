"""The term table's hash buckets held as two arrays each, spilled to a temporary file.

Whoosh's HashWriter keeps every key's (hash, position) as a tuple in one of 256 lists until the
table is written at close: ~130 bytes per term. A segment has a term per article in its id
field, and one per distinct date and word besides: merging the 13 segments of Reuters x3
(64,731 articles, ~226,000 terms) grew the writer's anonymous memory by 30 MB, by 4 MB with two
arrays a bucket (~12 bytes a term). At ~4.3 terms an article (257,047 in a 59,997-article
merge), a merge under the 2 GiB cap (mergepolicy.py: ~550,000 Reuters articles) still held ~28
MB, plus 4 bytes a term in the table's ordered index of key positions. So each bucket's arrays
go to a temporary file every SPILL_ENTRIES entries and the key positions every SpilledInts.CHUNK
(spill.py), read back as the table is written: ~1.6 MB held at most. The table on disk is the
same bytes (tests/engines/whoosh/test_termtable.py).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from typing import IO, Any

from whoosh.filedb.filetables import OrderedHashWriter

from newsearch.engines.whoosh.spill import UINT32, SpilledInts, read_chunks, spill_file, write_chunk

_HASH = UINT32  # md5_hash, crc_hash and cdb_hash are all 32-bit
SPILL_ENTRIES = 512  # per bucket: at most ~1.5 MB held in all 256, written 6 KB at a time


class Bucket:
    """One hash bucket: what HashWriter appends to and writes from, as two arrays, spilled to
    ``spill`` (a file shared by the table's buckets) every SPILL_ENTRIES entries if given."""

    __slots__ = ("_chunks", "_hashes", "_positions", "_spill")

    def __init__(self, spill: IO[bytes] | None = None) -> None:
        """An empty bucket."""
        self._hashes = array(_HASH)
        self._positions = array("q")  # the "!Iq" of the pointers Whoosh writes
        self._spill = spill
        self._chunks = array("q")  # (offset, entries) of each chunk spilled, flattened

    def append(self, entry: tuple[int, int]) -> None:
        """Keep a key's (hash, position in the file)."""
        self._hashes.append(entry[0])
        self._positions.append(entry[1])
        if self._spill is not None and len(self._hashes) >= SPILL_ENTRIES:
            write_chunk(self._spill, self._chunks, self._hashes, self._positions)
            self._hashes, self._positions = array(_HASH), array("q")

    def __len__(self) -> int:
        return sum(self._chunks[1::2]) + len(self._hashes)

    def __iter__(self) -> Iterator[tuple[int, int]]:
        if self._spill is not None:
            for hashes, positions in read_chunks(self._spill, self._chunks, _HASH, "q"):
                yield from zip(hashes, positions, strict=True)
        yield from zip(self._hashes, self._positions, strict=True)


def compact_term_table(fieldwriter: Any) -> IO[bytes] | None:
    """Give a W3 field writer's term table compact, spilling buckets (before its first term);
    the spill file, which the table closes once written, or None where the table is left be."""
    table: Any = getattr(fieldwriter, "_tindex", None)
    buckets = getattr(table, "buckets", None)
    if not isinstance(buckets, list) or any(buckets):  # anything else: Whoosh's own lists
        return None
    # Unlinked at once: nothing is left behind, even by a crash.
    spill = spill_file(getattr(fieldwriter, "_storage", None), "newsearch-terms-")
    table.buckets = [Bucket(spill) for _ in buckets]
    if isinstance(table, OrderedHashWriter) and not len(table.index):
        # GrowableArray("H")'s stand-in: 4-8 bytes a term more, all written at close.
        table.index = SpilledInts(spill, "H")
    write_extras = table._write_extras

    def written() -> None:  # the index array is the last thing written from the spill
        write_extras()
        spill.close()

    table._write_extras = written
    return spill
