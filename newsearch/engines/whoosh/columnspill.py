"""The lengths and offsets of a segment's byte columns, spilled to a temporary file.

Whoosh's VarBytesColumn writer keeps two GrowableArrays, every document's value length and
offset, until the segment is written: the stored fields (``_stored``) and the site, year and
dup columns hold ~22 bytes an article in all. A merge copies every article into one segment,
so at the 2 GiB cap (~550,000 Reuters articles) that was ~12 MB of the peak while merging,
and it grew with the merge. Here the arrays are spill.SpilledInts, and the column is written
as Whoosh writes it (tests/engines/whoosh/test_columnspill.py), but for one case where
Whoosh's own column reads back wrong (_finish).
"""

from __future__ import annotations

from types import MethodType
from typing import IO, Any

from whoosh.columns import CompressedBytesColumn, VarBytesColumn, WrappedColumnWriter

from newsearch.engines.whoosh.spill import SpilledInts, spill_file

# These two exactly: a subclass may write its arrays another way, and _finish would not know.
_WRITERS = (VarBytesColumn.Writer, CompressedBytesColumn.Writer)


def _finish(writer: Any, doccount: int) -> None:
    """VarBytesColumn.Writer.finish over spilled arrays, writing every offset."""
    dbfile, lengths, offsets = writer._dbfile, writer._lengths, writer._offsets
    # Whoosh takes the offsets array before it fills it up to doccount. When the fill retypes
    # it (the last value added took the byte total past 255, 65,535 or 2**31 - 1, and
    # documents without a value follow), the array taken is written, short of doccount and in
    # the old typecode, and the reader, which reads doccount offsets, gets every value wrong.
    # Here the offsets are written after the fill: Whoosh's bytes in every other case, and
    # right in that one.
    writer.fill(doccount)
    lengths.to_file(dbfile)
    write_offsets = writer.allow_offsets and doccount > writer.cutoff
    if write_offsets:
        offsets.to_file(dbfile)
    dbfile.write(lengths.typecode.encode("ascii"))
    if write_offsets:
        dbfile.write(offsets.typecode.encode("ascii"))
        dbfile.write(b"X")


def compact_writer(writer: Any, spill: IO[bytes]) -> None:
    """Give a VarBytes column writer with nothing in it yet spilled lengths and offsets."""
    while isinstance(writer, WrappedColumnWriter):  # the stored fields' PickleColumn
        writer = writer._child
    if type(writer) in _WRITERS and not writer._count and not len(writer._offsets):
        writer._lengths = SpilledInts(spill, "B", allow_longs=False)
        writer._offsets = SpilledInts(spill, "B", allow_longs=False)
        writer.finish = MethodType(_finish, writer)


def compact_columns(perdocwriter: Any) -> IO[bytes] | None:
    """Give a W3 per-document writer's byte columns, and those it creates, spilled arrays;
    the spill file, which the writer closes as it closes, or None where it is left be."""
    writers = getattr(perdocwriter, "_colwriters", None)
    if not isinstance(writers, dict) or not hasattr(perdocwriter, "_create_column"):
        return None  # another codec's writer: Whoosh's own arrays
    # Unlinked at once: nothing is left behind, even by a crash.
    spill = spill_file(getattr(perdocwriter, "_storage", None), "newsearch-columns-")
    for writer in writers.values():  # _stored, created with the writer
        compact_writer(writer, spill)
    create, close = perdocwriter._create_column, perdocwriter.close

    def created(fieldname: str, column: Any) -> None:
        create(fieldname, column)
        compact_writer(writers[fieldname], spill)

    def closed() -> None:  # the columns are written as it closes
        try:
            close()
        finally:
            spill.close()

    perdocwriter._create_column = created
    perdocwriter.close = closed
    return spill
