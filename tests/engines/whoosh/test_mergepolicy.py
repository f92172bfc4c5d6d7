"""The merge policy merges what Whoosh's MERGE_SMALL merges, but never past its size cap."""

from __future__ import annotations

import io

import pytest
from whoosh import index, writing
from whoosh.columns import VarBytesColumn
from whoosh.filedb.structfile import StructFile

from newsearch.engines.whoosh import mergepolicy
from newsearch.engines.whoosh.bulkwrite import BulkSegmentWriter
from newsearch.engines.whoosh.schema import build_schema, to_fields
from tests.engines.whoosh.test_bulkwrite import _docs


def _index(folder, batches: list[int]):
    """An index with one unmerged segment per batch of that many articles."""
    folder.mkdir()
    ix = index.create_in(str(folder), build_schema())
    for seed, n in enumerate(batches):
        w = BulkSegmentWriter(ix)
        for doc in _docs(seed, n):
            w.add_document(**to_fields(doc))
        w.commit(merge=False)
    return ix


def _merged_by(policy, ix) -> list[str]:
    """The segments ``policy`` hands to the writer to merge (nothing is written)."""
    w = BulkSegmentWriter(ix)
    taken = []
    w.add_reader = lambda reader: taken.append(reader.segment().segment_id())
    try:
        kept = policy(w, w.segments)
    finally:
        w.cancel()
    ids = [s.segment_id() for s in kept]
    assert not set(ids) & set(taken)  # a segment merged is not kept as well
    assert len(ids) + len(taken) == len(w.segments)
    return taken


@pytest.mark.parametrize("batches", [[3] * 4, [3] * 5, [10] * 6, [20] * 8, [40, 2, 2, 2, 2, 2]])
def test_under_the_cap_it_merges_what_merge_small_merges(tmp_path, batches):
    ix = _index(tmp_path / "ix", batches)
    assert _merged_by(mergepolicy.capped_merge, ix) == _merged_by(writing.MERGE_SMALL, ix)


def test_no_merge_passes_the_cap(tmp_path):
    ix = _index(tmp_path / "ix", [10] * 9)
    sizes = {s.segment_id(): mergepolicy.segment_bytes(ix.storage, s) for s in ix._segments()}
    small = _merged_by(writing.MERGE_SMALL, ix)
    assert len(small) >= 5  # what the cap must cut
    limit = sum(sizes[t] for t in small[:3]) + 1  # room for the first three of its group
    taken = _merged_by(lambda w, s: mergepolicy.capped_merge(w, s, limit), ix)
    assert taken == small[:3]  # the smallest of MERGE_SMALL's group, as many as fit
    assert sum(sizes[t] for t in taken) <= limit


def test_a_segment_at_the_cap_is_left_alone(tmp_path):
    ix = _index(tmp_path / "ix", [60] + [1] * 6)
    big = max(ix._segments(), key=lambda s: s.doc_count_all())
    limit = mergepolicy.segment_bytes(ix.storage, big)
    taken = _merged_by(lambda w, s: mergepolicy.capped_merge(w, s, limit), ix)
    assert len(taken) >= 5
    assert big.segment_id() not in taken


def test_deleted_articles_do_not_count_toward_the_cap(tmp_path):
    ix = _index(tmp_path / "ix", [20])
    (segment,) = ix._segments()
    whole = mergepolicy.segment_bytes(ix.storage, segment)
    w = BulkSegmentWriter(ix)
    for doc in _docs(0, 15):
        w.delete_by_term("id", doc.id)
    w.commit(merge=False)
    (segment,) = ix._segments()
    assert mergepolicy.segment_bytes(ix.storage, segment) == whole * 5 // 20


def test_whoosh_cannot_write_a_column_past_4_gib():
    # Why the cap exists: a column's offsets are 32-bit. Whoosh lifting this limit fails here.
    column = VarBytesColumn().writer(StructFile(io.BytesIO()))
    column.add(0, b"x")
    column._offset_base = 4 * 2**30  # as if 4 GiB of stored fields had been written
    with pytest.raises(OverflowError):
        column.add(1, b"y")
    assert mergepolicy.MAX_MERGE_BYTES <= 4 * 2**30 // 2
