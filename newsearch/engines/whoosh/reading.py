"""One open Whoosh searcher and what is cached with it: queries, keys, score arrays."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

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
