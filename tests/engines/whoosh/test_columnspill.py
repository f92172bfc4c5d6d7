"""Byte columns with spilled lengths and offsets: the bytes Whoosh writes."""

from __future__ import annotations

import io
import random
import tempfile
from types import MethodType
from typing import Any

import pytest
from whoosh import index
from whoosh.codec import whoosh3
from whoosh.columns import CompressedBytesColumn, VarBytesColumn
from whoosh.filedb.structfile import StructFile

from newsearch.engines.whoosh import bulkwrite, columnspill, spill, termtable
from newsearch.engines.whoosh.schema import build_schema
from tests.engines.whoosh import test_bulkwrite

COLUMNS = {
    "varbytes": VarBytesColumn,
    "compressed": CompressedBytesColumn,
    "stored": lambda: whoosh3.STORED_COLUMN,  # pickled, then compressed
    "no-offsets": lambda: VarBytesColumn(allow_offsets=False),
}


def _rows(case: str) -> tuple[list[tuple[int, bytes]], int]:
    """(docnum, value) added, and the document count the column is finished with."""
    rng = random.Random(case)
    if case == "every-document":
        return [(d, bytes(rng.randrange(41))) for d in range(100)], 100
    if case == "gaps":  # documents without a value in the middle and at the end
        return [(d, b"x" * rng.randrange(1, 30)) for d in range(0, 90, 3)], 120
    if case == "fill-retypes-offsets":
        # The last offset (242) fits a "B" array, the fill's (264) does not: Whoosh then
        # writes the offsets taken before the fill, 12 of 20, and their typecode.
        return [(d, b"y" * 22) for d in range(12)], 20
    if case == "at-the-cutoff":  # 10 documents: still no offsets, 11 would have them
        return [(d, b"w" * d) for d in range(10)], 10
    if case == "large-values":  # lengths retype to "H", offsets to "i"
        return [(d, b"z" * 40_000) for d in range(0, 30, 2)], 31
    if case == "few-documents":  # under the cutoff: no offsets written
        return [(0, b"a"), (2, b"bc")], 5
    if case == "no-values":
        return [], 30
    return [], 0


CASES = [
    "every-document",
    "gaps",
    "at-the-cutoff",
    "large-values",
    "few-documents",
    "no-values",
    "empty",
]


def _column(column: Any, rows: list[tuple[int, bytes]], doccount: int, spilled: bool) -> bytes:
    f = io.BytesIO()
    writer = column.writer(StructFile(f))
    child = getattr(writer, "_child", writer)
    child.cutoff = 10  # offsets are written from 11 documents, not 32,769
    with tempfile.TemporaryFile() as file:
        if spilled:
            columnspill.compact_writer(writer, file)
            assert isinstance(child._offsets, spill.SpilledInts)
        for docnum, value in rows:
            writer.add(docnum, value)
        writer.finish(doccount)
    return f.getvalue()


@pytest.mark.parametrize("kind", list(COLUMNS))
@pytest.mark.parametrize("case", CASES)
def test_the_column_is_the_bytes_whoosh_writes(monkeypatch, kind, case):
    monkeypatch.setattr(spill.SpilledInts, "CHUNK", 4)
    rows, doccount = _rows(case)
    ours = _column(COLUMNS[kind](), rows, doccount, spilled=True)
    assert ours == _column(COLUMNS[kind](), rows, doccount, spilled=False)


def _read(column: Any, data: bytes, doccount: int) -> list[Any]:
    reader = column.reader(StructFile(io.BytesIO(data)), 0, len(data), doccount)
    return [reader[d] for d in range(doccount)]


@pytest.mark.parametrize("kind", ["varbytes", "compressed", "stored"])
@pytest.mark.parametrize("case", ["gaps", "fill-retypes-offsets"])
def test_the_values_read_back(kind, case):
    rows, doccount = _rows(case)
    data = _column(COLUMNS[kind](), rows, doccount, spilled=True)
    blank = None if kind == "stored" else b""
    expected = [dict(rows).get(d, blank) for d in range(doccount)]
    assert _read(COLUMNS[kind](), data, doccount) == expected
    child = getattr(COLUMNS[kind](), "_child", COLUMNS[kind]())
    reader = child.reader(StructFile(io.BytesIO(data)), 0, len(data), doccount)
    assert reader.had_stored_offsets


def test_where_whoosh_writes_offsets_that_read_back_wrong_these_read_back_right():
    # Whoosh's finish() writes the offsets array taken before its fill, which retyped it: 12
    # offsets of 20, typed B, and the column's values read back wrong. The only case where
    # these bytes are not Whoosh's (the compressed values here are too short to retype).
    rows, doccount = _rows("fill-retypes-offsets")
    expected = [dict(rows).get(d, b"") for d in range(doccount)]
    whooshs = _column(VarBytesColumn(), rows, doccount, spilled=False)
    assert _read(VarBytesColumn(), whooshs, doccount) != expected
    ours = _column(VarBytesColumn(), rows, doccount, spilled=True)
    assert _read(VarBytesColumn(), ours, doccount) == expected
    assert (whooshs[-3:], ours[-3:]) == (b"BBX", b"BHX")  # lengths, offsets typecodes
    assert len(ours) - len(whooshs) == 2 * 20 - 12  # all 20 offsets as H, not 12 as B


def test_the_spilled_arrays_refuse_what_whooshs_refuse():
    with tempfile.TemporaryFile() as file:
        for spilled in (False, True):
            writer = VarBytesColumn().writer(StructFile(io.BytesIO()))
            if spilled:
                columnspill.compact_writer(writer, file)
            for array in (writer._lengths, writer._offsets):
                with pytest.raises(OverflowError):
                    array.append(2**32)  # allow_longs=False: 2 GB is a segment's limit


def test_a_writer_with_values_keeps_whooshs_arrays():
    with tempfile.TemporaryFile() as file:
        writer = VarBytesColumn().writer(StructFile(io.BytesIO()))
        writer.add(0, b"a")
        columnspill.compact_writer(writer, file)
        assert not isinstance(writer._offsets, spill.SpilledInts)
        assert not isinstance(writer._lengths, spill.SpilledInts)
        later = VarBytesColumn().writer(StructFile(io.BytesIO()))
        later.fill(3)  # documents without a value so far: offsets taken, no count
        columnspill.compact_writer(later, file)
        assert not isinstance(later._offsets, spill.SpilledInts)


@pytest.mark.parametrize("case", ["merged-with-deletions", "merged-all-deleted", "spilled"])
def test_segments_with_offsets_and_small_spills_are_whooshs_bytes(tmp_path, monkeypatch, case):
    # test_bulkwrite's byte-for-byte comparison, with offsets written from 11 documents (Whoosh
    # writes them from 32,769, more than a test segment has) and arrays spilled every 3 values.
    monkeypatch.setattr(VarBytesColumn.__init__, "__defaults__", (True, 10))
    monkeypatch.setattr(VarBytesColumn.Writer.__init__, "__defaults__", (True, 10))
    monkeypatch.setattr(spill.SpilledInts, "CHUNK", 3)
    compacted = []
    real = columnspill.compact_writer
    monkeypatch.setattr(
        columnspill, "compact_writer", lambda w, f: (compacted.append(w), real(w, f))
    )
    test_bulkwrite.test_the_segment_is_the_one_whoosh_writes(
        tmp_path, *test_bulkwrite.SEGMENTS[case]
    )
    assert len(compacted) > 3  # _stored and the sortable columns


def _writer(tmp_path: Any) -> tuple[Any, Any]:
    ix = index.create_in(str(tmp_path), build_schema())
    writer = bulkwrite.BulkSegmentWriter(ix)
    stored = writer.perdocwriter._colwriters["_stored"]._child
    assert isinstance(stored._offsets, spill.SpilledInts)
    return writer, stored._offsets._spill


def test_the_spill_file_is_closed_with_the_writer(tmp_path):
    writer, file = _writer(tmp_path)
    writer.commit()
    assert file.closed


def test_the_spill_file_is_closed_when_writing_the_columns_fails(tmp_path, monkeypatch):
    writer, file = _writer(tmp_path)
    writer.add_document(id="a", title="one", body="two")

    def broken(self: Any, doccount: int) -> None:
        raise OSError("disk full")

    stored = writer.perdocwriter._colwriters["_stored"]._child
    stored.finish = MethodType(broken, stored)
    with pytest.raises(OSError, match="disk full"):
        writer.commit()
    assert file.closed
    assert writer.fieldwriter._tindex.buckets[0]._spill.closed  # the term table's, too


def test_the_spill_file_is_closed_when_the_per_document_writer_fails_to_close(tmp_path):
    writer, file = _writer(tmp_path)
    writer.add_document(id="a", title="one", body="two")
    stored = writer.perdocwriter._colwriters["_stored"]._child
    finish, stored.finish = stored.finish, None  # not callable: close raises
    with pytest.raises(TypeError):
        writer.perdocwriter.close()
    assert file.closed
    stored.finish = finish
    writer.cancel()


def test_a_spill_that_cannot_be_made_leaves_the_index_unlocked(tmp_path, monkeypatch):
    ix = index.create_in(str(tmp_path), build_schema())
    terms = []

    def term_spill(storage: Any, prefix: str) -> Any:
        terms.append(spill.spill_file(storage, prefix))
        return terms[-1]

    def no_space(storage: Any, prefix: str) -> Any:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(termtable, "spill_file", term_spill)  # made first
    monkeypatch.setattr(columnspill, "spill_file", no_space)
    with pytest.raises(OSError, match="No space"):
        bulkwrite.BulkSegmentWriter(ix)
    assert len(terms) == 1 and terms[0].closed
    monkeypatch.undo()
    bulkwrite.BulkSegmentWriter(ix).cancel()  # the lock was let go
