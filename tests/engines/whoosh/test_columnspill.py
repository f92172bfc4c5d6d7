"""Byte columns with spilled lengths and offsets: the bytes Whoosh writes."""

from __future__ import annotations

import io
import random
import tempfile

import pytest
from whoosh.codec import whoosh3
from whoosh.columns import CompressedBytesColumn, VarBytesColumn
from whoosh.filedb.structfile import StructFile

from newsearch.engines.whoosh import bulkwrite, columnspill, spill
from tests.engines.whoosh import test_bulkwrite

COLUMNS = {
    "varbytes": VarBytesColumn,
    "compressed": CompressedBytesColumn,
    "stored": lambda: whoosh3.STORED_COLUMN,  # pickled, then compressed
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
    "fill-retypes-offsets",
    "large-values",
    "few-documents",
    "no-values",
    "empty",
]


def _column(column: object, rows: list[tuple[int, bytes]], doccount: int, spilled: bool) -> bytes:
    f = io.BytesIO()
    writer = column.writer(StructFile(f))  # type: ignore[attr-defined]
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


def test_the_values_read_back():
    rows, doccount = _rows("gaps")
    data = _column(VarBytesColumn(), rows, doccount, spilled=True)
    reader = VarBytesColumn().reader(StructFile(io.BytesIO(data)), 0, len(data), doccount)
    assert reader.had_stored_offsets
    assert [reader[d] for d in range(doccount)] == [dict(rows).get(d, b"") for d in range(doccount)]


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


def test_the_spill_file_is_closed_with_the_writer(tmp_path):
    from whoosh import index

    from newsearch.engines.whoosh.schema import build_schema

    ix = index.create_in(str(tmp_path), build_schema())
    writer = bulkwrite.BulkSegmentWriter(ix)
    stored = writer.perdocwriter._colwriters["_stored"]._child
    assert isinstance(stored._offsets, spill.SpilledInts)
    file = stored._offsets._spill
    writer.commit()
    assert file.closed
