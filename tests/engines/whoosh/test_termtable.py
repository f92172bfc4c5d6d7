"""The term table's compact buckets: the bytes Whoosh writes, in a tenth of the memory."""

from __future__ import annotations

import io
import tracemalloc

import pytest
from whoosh import index
from whoosh.filedb.filetables import OrderedHashReader, OrderedHashWriter
from whoosh.filedb.structfile import StructFile

from newsearch.engines.whoosh import bulkwrite, spill, termtable
from newsearch.engines.whoosh.schema import build_schema
from newsearch.engines.whoosh.termtable import Bucket, compact_term_table
from tests.engines.whoosh import test_bulkwrite


class _Kept(io.BytesIO):
    """A BytesIO whose bytes outlive the close HashWriter ends with."""

    def close(self) -> None:
        self.kept = self.getvalue()
        super().close()


def _table(keys: list[bytes], compact: bool, spilled: bool = False) -> bytes:
    f = _Kept()
    writer = OrderedHashWriter(StructFile(f))
    if spilled:
        compact_term_table(type("FieldWriter", (), {"_tindex": writer})())
    elif compact:
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


def test_a_spilled_table_is_the_bytes_whoosh_writes(monkeypatch):
    monkeypatch.setattr(termtable, "SPILL_ENTRIES", 7)  # ~11 chunks a bucket
    monkeypatch.setattr(spill.SpilledInts, "CHUNK", 1000)
    keys = sorted(b"\x00\x02" + f"term{i:06d}".encode() for i in range(20_000))
    ours = _table(keys, compact=True, spilled=True)
    assert ours == _table(keys, compact=False)
    reader = OrderedHashReader(StructFile(io.BytesIO(ours)), len(ours))
    assert reader[keys[12_345]] == b"12345"
    assert reader.closest_key(b"\x00\x02term012344x") == keys[12_345]  # the ordered index


@pytest.mark.parametrize("count", [0, 1, 10, 11, 300])
def test_a_small_spilled_table_is_the_bytes_whoosh_writes(count):
    # Under ~11 keys the key positions fit GrowableArray's "H"; "B" would write other bytes.
    keys = sorted(b"\x00\x02" + f"t{i:03d}".encode() for i in range(count))
    assert _table(keys, compact=True, spilled=True) == _table(keys, compact=False)


@pytest.mark.parametrize("case", ["merged-with-deletions", "merged-all-deleted", "spilled"])
def test_segments_written_through_small_spills_are_whooshs_bytes(tmp_path, monkeypatch, case):
    # The byte-for-byte comparison of test_bulkwrite, with every bucket and the key index
    # spilled many times over (its segments have a few thousand terms).
    monkeypatch.setattr(termtable, "SPILL_ENTRIES", 3)
    monkeypatch.setattr(spill.SpilledInts, "CHUNK", 50)
    test_bulkwrite.test_the_segment_is_the_one_whoosh_writes(
        tmp_path, *test_bulkwrite.SEGMENTS[case]
    )


def test_spilled_terms_hold_little_memory():
    def held(spill: bool) -> int:
        writer = OrderedHashWriter(StructFile(io.BytesIO()))
        if spill:
            compact_term_table(type("FieldWriter", (), {"_tindex": writer})())
        else:
            writer.buckets = [Bucket() for _ in writer.buckets]
        tracemalloc.start()
        try:
            for i in range(400_000):
                writer.index.append(1_000_000 + 40 * i)
                writer.buckets[i & 255].append((0x9E3779B1 * i & 0xFFFFFFFF, 1_000_000 + 40 * i))
            return tracemalloc.get_traced_memory()[0]
        finally:
            tracemalloc.stop()

    # Held in memory: 256 buckets of up to 512 entries and 8,192 key positions, ~1.6 MB at
    # most; unspilled, 12 bytes a term in the buckets and 4 in the key index, ~6.4 MB.
    assert held(spill=True) < 2_000_000 < 5_000_000 < held(spill=False)


def test_the_spill_file_is_closed_when_the_table_is_written():
    writer = OrderedHashWriter(StructFile(_Kept()))
    compact_term_table(type("FieldWriter", (), {"_tindex": writer})())
    spill = writer.buckets[0]._spill
    writer.add(b"\x00\x00a", b"1")
    writer.close()
    assert spill.closed


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
