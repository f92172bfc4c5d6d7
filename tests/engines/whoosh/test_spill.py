"""Spilled arrays: GrowableArray's typecodes and bytes, with little held in memory."""

from __future__ import annotations

import io
import os
import tempfile
import tracemalloc

import pytest
from whoosh.filedb.structfile import StructFile
from whoosh.util.numlists import GrowableArray

from newsearch.engines.whoosh import spill
from newsearch.engines.whoosh.spill import SpilledInts, growable_typecode

EDGES = [0, 1, 255, 256, 65_535, 65_536, 2**31 - 1, 2**31, 2**32 - 1, 2**32, 2**40]


@pytest.mark.parametrize("inittype", ["B", "H"])
@pytest.mark.parametrize("allow_longs", [True, False])
def test_the_typecode_is_the_one_a_growable_array_ends_with(inittype, allow_longs):
    for largest in EDGES:
        grown = GrowableArray(inittype, allow_longs=allow_longs)
        try:
            grown.extend([3, largest // 2, largest, 7])
        except OverflowError:
            with pytest.raises(OverflowError):
                growable_typecode(inittype, largest, allow_longs)
            continue
        assert growable_typecode(inittype, largest, allow_longs) == grown.typecode, largest


def _written(values: list[int], inittype: str, spilled: bool, **how: object) -> bytes:
    f = io.BytesIO()
    with tempfile.TemporaryFile() as file:
        ints: SpilledInts | GrowableArray
        ints = SpilledInts(file, inittype) if spilled else GrowableArray(inittype)
        ints.extend(values)
        if spilled:
            assert isinstance(ints, SpilledInts)
            ints.to_file(StructFile(f), **how)
        else:
            ints.to_file(StructFile(f))
        assert len(ints) == len(values)
    return f.getvalue()


@pytest.mark.parametrize("largest", [200, 60_000, 3_000_000_000, 2**40])
@pytest.mark.parametrize("inittype", ["B", "H"])
def test_spilled_ints_are_written_as_a_growable_array_writes_itself(monkeypatch, largest, inittype):
    monkeypatch.setattr(SpilledInts, "CHUNK", 7)  # 15 chunks and 2 held
    values = [largest * i // 106 for i in range(107)]  # the largest last, as offsets grow
    values[40] = largest  # and once in the middle, as lengths may
    assert _written(values, inittype, True) == _written(values, inittype, False)


def test_the_first_values_are_written_as_asked(monkeypatch):
    monkeypatch.setattr(SpilledInts, "CHUNK", 4)
    values = [*range(0, 250, 25), *range(1000, 21_000, 1000)]  # B for the first 10, then H
    ours = _written(values, "B", True, count=10, typecode="B")
    assert ours == _written(values[:10], "B", False)
    assert _written(values, "B", True, count=0) == b""


def test_spilled_ints_hold_little_memory():
    with tempfile.TemporaryFile() as file:
        ints = SpilledInts(file, "B", allow_longs=False)
        tracemalloc.start()
        try:
            for i in range(300_000):
                ints.append(40 * i)
            held = tracemalloc.get_traced_memory()[0]
        finally:
            tracemalloc.stop()
    # SpilledInts.CHUNK values of 4 bytes (8 with longs); GrowableArray("i") holds 1.2 MB here.
    assert held < 8 * spill.SpilledInts.CHUNK + 20_000 < 1_200_000


def test_a_value_too_big_is_refused_as_growable_array_refuses_it():
    with tempfile.TemporaryFile() as file:
        ints = SpilledInts(file, "B", allow_longs=False)
        ints.append(2**32 - 1)
        with pytest.raises(OverflowError):
            GrowableArray("B", allow_longs=False).append(2**32)
        with pytest.raises(OverflowError):
            ints.append(2**32)
        assert len(ints) == 1
        longs = SpilledInts(file, "B")
        longs.append(2**40)
        assert longs.typecode == "q"


def test_a_negative_value_is_refused():
    # The writers give offsets, lengths and positions only; typecode assumes as much.
    with tempfile.TemporaryFile() as file:
        for allow_longs in (True, False):
            ints = SpilledInts(file, "B", allow_longs=allow_longs)
            with pytest.raises(OverflowError):
                ints.append(-1)
            assert len(ints) == 0


def test_values_without_longs_spill_four_bytes_each(monkeypatch):
    monkeypatch.setattr(SpilledInts, "CHUNK", 100)
    with tempfile.TemporaryFile() as file:
        SpilledInts(file, "B", allow_longs=False).extend(range(1000))
        assert file.seek(0, 2) == 4 * 1000
        SpilledInts(file, "H").extend(range(1000))
        assert file.seek(0, 2) == 4 * 1000 + 8 * 1000


def test_the_spill_file_is_in_the_index_folder(tmp_path):
    from whoosh.filedb.filestore import FileStorage, RamStorage

    with spill.spill_file(FileStorage(str(tmp_path)), "newsearch-test-") as file:
        assert os.readlink(f"/proc/self/fd/{file.fileno()}").startswith(str(tmp_path) + os.sep)
        assert not os.listdir(tmp_path)  # unlinked at once
    with spill.spill_file(RamStorage(), "newsearch-test-") as file:  # no folder: tempfile's
        where = os.path.realpath(tempfile.gettempdir())
        assert os.readlink(f"/proc/self/fd/{file.fileno()}").startswith(where + os.sep)
