"""The term table's compact buckets: the bytes Whoosh writes, in a tenth of the memory."""

from __future__ import annotations

import io
import tracemalloc

from whoosh import index
from whoosh.filedb.filetables import OrderedHashReader, OrderedHashWriter
from whoosh.filedb.structfile import StructFile

from newsearch.engines.whoosh import bulkwrite
from newsearch.engines.whoosh.schema import build_schema
from newsearch.engines.whoosh.termtable import Bucket, compact_term_table


class _Kept(io.BytesIO):
    """A BytesIO whose bytes outlive the close HashWriter ends with."""

    def close(self) -> None:
        self.kept = self.getvalue()
        super().close()


def _table(keys: list[bytes], compact: bool) -> bytes:
    f = _Kept()
    writer = OrderedHashWriter(StructFile(f))
    if compact:
        writer.buckets = [Bucket() for _ in writer.buckets]
    for i, key in enumerate(keys):
        writer.add(key, str(i).encode())
    writer.close()
    return f.kept


def test_the_table_is_the_bytes_whoosh_writes():
    # 20,000 keys: every one of the 256 buckets gets ~80, so slots collide and probe on.
    keys = sorted(b"\x00\x02" + f"term{i:06d}".encode() for i in range(20_000))
    ours = _table(keys, compact=True)
    assert ours == _table(keys, compact=False)
    reader = OrderedHashReader(StructFile(io.BytesIO(ours)), len(ours))
    assert reader[keys[12_345]] == b"12345"


def test_a_term_held_costs_a_tenth_of_whooshs_tuple():
    def held(compact: bool) -> int:
        writer = OrderedHashWriter(StructFile(io.BytesIO()))
        if compact:
            writer.buckets = [Bucket() for _ in writer.buckets]
        tracemalloc.start()
        try:
            for i in range(50_000):  # positions and hashes as the file gives them
                writer.buckets[i & 255].append((0x9E3779B1 * i & 0xFFFFFFFF, 1_000_000 + 40 * i))
            return tracemalloc.get_traced_memory()[0]
        finally:
            tracemalloc.stop()

    assert held(compact=True) < 20 * 50_000 < 100 * 50_000 < held(compact=False)


def test_the_bulk_writer_holds_its_terms_in_compact_buckets(tmp_path):
    ix = index.create_in(str(tmp_path), build_schema())
    writer = bulkwrite.BulkSegmentWriter(ix)
    try:
        assert all(isinstance(b, Bucket) for b in writer.fieldwriter._tindex.buckets)
    finally:
        writer.cancel()


def test_a_table_already_written_to_keeps_whooshs_lists():
    writer = OrderedHashWriter(StructFile(io.BytesIO()))
    writer.add(b"\x00\x00a", b"1")

    class FieldWriter:
        _tindex = writer

    compact_term_table(FieldWriter())
    assert all(type(b) is list for b in writer.buckets)
    assert sum(map(len, writer.buckets)) == 1
