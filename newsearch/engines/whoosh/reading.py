"""One open Whoosh searcher and what is cached with it: queries, keys, score arrays."""

from __future__ import annotations

import contextlib
import importlib
import sys
from typing import TYPE_CHECKING, Any

from whoosh.filedb import compound, filetables, structfile

from newsearch.engine import Node
from newsearch.engines.whoosh import expansion, ranking, translate

if TYPE_CHECKING:  # NumPy costs ~60 ms to import: only a search loads it (vector.py)
    from newsearch.engines.whoosh import vector


class Reading:
    """One open Whoosh searcher and what is cached with it."""

    def __init__(self, ix: Any, generation: int, cache: Any = None) -> None:
        self.searcher = ix.searcher(weighting=ranking.weighting())
        # The searcher's own: a commit between reading the latest generation and opening the
        # searcher gave it a newer one, whose segments did not match the cache keyed by the
        # older (a broadcast ValueError while indexing ran).
        read = self.searcher.reader().generation()  # None for an empty index's reader
        self.generation = read if isinstance(read, int) and read >= 0 else generation
        self._cache = cache  # generation -> vector.TermCache shared by its searchers
        self._keys: ranking.Keys | None = None
        self._bounded: dict[Node, Any] = {}
        self._arrays: vector.Arrays | None = None
        self._lists: Any = None

    def query(self, node: Node) -> Any:
        """The Whoosh query of a tree, multi-term leaves bounded (once per query and searcher:
        search, snippets and explanations ask for the same one)."""
        found = self._bounded.get(node)
        if found is None:
            if len(self._bounded) > 64:
                self._bounded.clear()
            found = translate.query(expansion.bounded(self.searcher.reader(), node))
            self._bounded[node] = found
        return found

    @property
    def keys(self) -> ranking.Keys:
        if self._keys is None:
            self._keys = ranking.Keys(self.searcher)
        return self._keys

    @property
    def arrays(self) -> vector.Arrays:
        """The searcher's documents as NumPy arrays (built on first use, kept with it)."""
        if self._arrays is None:
            from newsearch.engines.whoosh import vector

            shared = self._cache(self.generation) if self._cache else None
            self._arrays = vector.Arrays(self.searcher, shared)
        return self._arrays

    def scorer(self, first: bool) -> Any:
        """NumPy arrays, or for a process's first search plain Python lists: importing NumPy
        costs more (~60 ms) than one search of Python loops over the postings (~5 ms)."""
        if first and "numpy" not in sys.modules:
            if self._lists is None:
                from newsearch.engines.whoosh import pyscore

                self._lists = pyscore.Lists(self.searcher)
            return self._lists
        return self.arrays


# A pickle's opcodes are read from the buffer this many bytes at a time (peek): a posting
# block's header is ~30 bytes; a longer pickle just peeks again.
PEEK = 512


class _View:
    """A read-only file over a memoryview of the mmapped segment: nothing is copied.

    Whoosh's BufferFile wraps each file of a segment in ``BytesIO(memoryview)``, which copies
    it: opening one searcher of Reuters copied all 75 MB of terms, postings and stored fields
    (~40 ms, and 75 MB of RSS per searcher) before the first search read a few KB of them.
    """

    __slots__ = ("_buf", "_pos", "closed")

    def __init__(self, buf: memoryview) -> None:
        self._buf = buf
        self._pos = 0
        self.closed = False

    def read(self, size: int | None = -1) -> bytes:
        pos = self._pos
        # A slice past the end is cut short, as BytesIO.read is.
        data = bytes(self._buf[pos:] if size is None or size < 0 else self._buf[pos : pos + size])
        self._pos = pos + len(data)
        return data

    def peek(self, size: int = 1) -> bytes:
        """The next bytes, the position kept (the C unpickler reads ahead with it, instead of
        calling read() once per opcode)."""
        return bytes(self._buf[self._pos : self._pos + min(max(size, 1), PEEK)])

    def readline(self, size: int | None = -1) -> bytes:
        pos = self._pos
        end = len(self._buf) if size is None or size < 0 else min(pos + size, len(self._buf))
        for start in range(pos, end, PEEK):
            found = bytes(self._buf[start : min(start + PEEK, end)]).find(b"\n")
            if found >= 0:
                end = start + found + 1
                break
        return self.read(max(end - pos, 0))

    def seek(self, pos: int, whence: int = 0) -> int:
        if whence == 0 and pos < 0:
            raise ValueError(f"negative seek value {pos}")  # as BytesIO
        self._pos = max(0, (0, self._pos, len(self._buf))[whence] + pos)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        self.closed = True


class ViewFile(structfile.BufferFile):
    """Whoosh's BufferFile reading through a _View instead of a copy."""

    def __init__(self, buf: Any, name: str | None = None, onclose: Any = None) -> None:
        self._buf = buf
        self._name = name
        self.onclose = onclose
        self.is_real = False
        self.is_closed = False
        self.file = _View(buf)  # type: ignore[assignment]  # a BinaryIO as far as Whoosh reads


def share_segment_files() -> None:
    """Open the files of a segment as views of its mmap rather than copies (idempotent)."""
    # The name CompoundStorage.open_file makes a segment's files with.
    compound.BufferFile = ViewFile  # type: ignore[misc]


def builtin_md5() -> None:
    """Hash Whoosh's term tables with CPython's own md5: the same digests (idempotent).

    Whoosh takes md5 from hashlib, which is OpenSSL's: loading it cost a fresh query 2.4 ms,
    and it hashed a term key in 329 ns to _md5's 184. A Python without _md5 keeps hashlib's.
    """
    with contextlib.suppress(ImportError):
        filetables.md5 = importlib.import_module("_md5").md5
