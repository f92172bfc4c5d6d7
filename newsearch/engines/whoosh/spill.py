"""Arrays a segment writer holds until its commit, spilled chunk by chunk to a temporary file.

Whoosh keeps some per-term and per-document numbers in memory until a segment is written: the
term table's buckets and key positions (termtable.py), the lengths and offsets of its byte
columns (columnspill.py). For a merge under the 2 GiB cap (~550,000 Reuters articles) that
was ~50 MB in all. Here they go to a file that is unlinked at once, and are read back, in
order, as Whoosh writes them.
"""

from __future__ import annotations

import tempfile
from array import array
from collections.abc import Iterable, Iterator
from itertools import chain
from typing import IO, Any

# C's unsigned int is at least 16 bits by the letter; 32 on every platform Python builds on.
UINT32 = "I" if array("I").itemsize >= 4 else "L"


def spill_file(storage: Any, prefix: str) -> IO[bytes]:
    """A temporary file, unlinked at once, in the index folder when the storage has one.

    Not in /tmp: where /tmp is a tmpfs, a spill there is memory again (up to ~20 MB for a
    merge at the 2 GiB cap), which the figures in these modules would not show. The index
    folder's disk already takes the segment the spill is written into.
    """
    folder = getattr(storage, "folder", None)  # RamStorage's is "", which tempfile reads as "."
    where = folder if isinstance(folder, str) and folder else None
    return tempfile.TemporaryFile(prefix=prefix, dir=where)


def write_chunk(file: IO[bytes], chunks: array, *arrays: array) -> None:
    """Append same-length arrays to the file, noting (offset, length) in ``chunks``."""
    file.seek(0, 2)
    chunks.extend((file.tell(), len(arrays[0])))
    for values in arrays:
        values.tofile(file)


def read_chunks(file: IO[bytes], chunks: array, *typecodes: str) -> Iterator[list[array]]:
    """The arrays write_chunk wrote, chunk by chunk, read back in the order they were written."""
    for i in range(0, len(chunks), 2):
        file.seek(chunks[i])
        arrays = [array(code) for code in typecodes]
        for values in arrays:
            values.fromfile(file, chunks[i + 1])
        yield arrays


def growable_typecode(inittype: str, largest: int, allow_longs: bool = True) -> str:
    """The typecode of a Whoosh GrowableArray(inittype) once it has held ``largest``.

    GrowableArray retypes on the first value its typecode cannot hold, to the smallest of
    H, i, I (then q, if longs are allowed) that holds that value: for values that are never
    negative, the smallest that holds the largest one.
    """
    if largest < 2 ** (8 * array(inittype).itemsize - inittype.islower()):
        return inittype
    for code, limit in (("H", 2**16), ("i", 2**31), ("I", 2**32)):
        if largest < limit:
            return code
    if allow_longs:
        return "q"
    raise OverflowError(f"{largest!r} is too big to fit in an array")


class SpilledInts:
    """What Whoosh's GrowableArray(inittype) is to its writers (append, extend, len), for
    values that are never negative, held CHUNK at a time and written as it writes itself."""

    CHUNK = 8192  # values held at most: 32 KB (64 with longs)

    def __init__(self, spill: IO[bytes], inittype: str = "B", allow_longs: bool = True) -> None:
        """No values yet; they spill to ``spill``, a file other arrays may share."""
        self._spill = spill
        self._inittype = inittype
        self._allow_longs = allow_longs
        # Unsigned, and 4 bytes where GrowableArray(allow_longs=False) stops at 2**32 (the
        # columns' arrays): the array itself refuses a negative value or a long one, so
        # append checks nothing, and the spill is half what 8-byte values made it. With longs,
        # "Q" takes 2**63..2**64, which GrowableArray refuses; they fail when written instead
        # (file positions and offsets under the 2 GiB segment cap never get near).
        self._code = "Q" if allow_longs else UINT32
        self._held = array(self._code)
        self._chunks = array("q")  # (offset, count) of each chunk spilled, flattened
        self._largest = 0

    def append(self, n: int) -> None:
        """Keep the next value (OverflowError where GrowableArray would raise one, and for a
        negative value, which GrowableArray would keep but these writers never give)."""
        self._held.append(n)
        if n > self._largest:
            self._largest = n
        if len(self._held) >= self.CHUNK:
            write_chunk(self._spill, self._chunks, self._held)
            self._held = array(self._code)

    def extend(self, ns: Iterable[int]) -> None:
        """Keep each value in turn."""
        for n in ns:
            self.append(n)

    def __len__(self) -> int:
        return sum(self._chunks[1::2]) + len(self._held)

    @property
    def typecode(self) -> str:
        """The GrowableArray's typecode once it holds these values."""
        return growable_typecode(self._inittype, self._largest, self._allow_longs)

    def to_file(self, dbfile: Any, count: int | None = None, typecode: str | None = None) -> None:
        """Write the first ``count`` values (all by default) as ``typecode`` (this array's by
        default), as GrowableArray.to_file writes an array (StructFile.write_array)."""
        left = len(self) if count is None else count
        code = typecode or self.typecode
        for (chunk,) in chain(read_chunks(self._spill, self._chunks, self._code), [[self._held]]):
            if left <= 0:
                break
            dbfile.write_array(array(code, chunk[:left]))
            left -= len(chunk)
