"""The term table's hash buckets held as two arrays each, not a list of tuples.

Whoosh's HashWriter keeps every key's (hash, position) as a tuple in one of 256 lists until the
table is written at close: ~130 bytes per term, ~12 here. A segment has a term per article in
its id field, and one per distinct date and word besides: merging the 13 segments of Reuters
x3 (64,731 articles, ~226,000 terms) grew the writer's anonymous memory by 30 MB, by 4 MB with
these, and at 1M articles a segment's ids alone are >1M terms. The table on disk is the same
bytes (tests/engines/whoosh/test_termtable.py).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from typing import Any

# md5_hash, crc_hash and cdb_hash are all 32-bit; C's unsigned int is at least 16 by the letter.
_HASH = "I" if array("I").itemsize >= 4 else "L"


class Bucket:
    """One hash bucket: what HashWriter appends to and writes from, as two arrays."""

    __slots__ = ("_hashes", "_positions")

    def __init__(self) -> None:
        """An empty bucket."""
        self._hashes = array(_HASH)
        self._positions = array("q")  # the "!Iq" of the pointers Whoosh writes

    def append(self, entry: tuple[int, int]) -> None:
        """Keep a key's (hash, position in the file)."""
        self._hashes.append(entry[0])
        self._positions.append(entry[1])

    def __len__(self) -> int:
        return len(self._hashes)

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return zip(self._hashes, self._positions, strict=True)


def compact_term_table(fieldwriter: Any) -> None:
    """Give a W3 field writer's term table compact buckets (before its first term)."""
    table: Any = getattr(fieldwriter, "_tindex", None)
    buckets = getattr(table, "buckets", None)
    if isinstance(buckets, list) and not any(buckets):  # anything else: Whoosh's own lists
        table.buckets = [Bucket() for _ in buckets]
