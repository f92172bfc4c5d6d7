"""The Whoosh engine: an index folder answering newsearch's SearchRequests."""

from __future__ import annotations

import os
import pickle
import struct
import threading
import zlib
from collections.abc import Collection, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from whoosh import index as windex
from whoosh.query import Every as WEvery

from newsearch.engine import EngineWriter, Match, Node, Page, SearchRequest, TermScore
from newsearch.engines.whoosh import ranking, safepickle, schema, searching, store
from newsearch.engines.whoosh.reading import Reading, builtin_md5, share_segment_files
from newsearch.errors import IndexIncompatibleError, IndexNotFoundError
from newsearch.models import StoredArticle

if TYPE_CHECKING:
    from newsearch.engine_index import EngineStats, FileMark

# What Whoosh raises when its files are truncated, overwritten or gone: damage, not a bug.
DAMAGE = (OSError, EOFError, struct.error, zlib.error, pickle.UnpicklingError, windex.IndexError)
IDLE_SEARCHERS = 8  # searchers kept open between searches; more threads open their own


class WhooshEngine:
    """An index folder (the default engine). Safe to search from many threads."""

    # Score with NumPy over the postings where the query allows (fastpath); False answers
    # every search with Whoosh's matchers (the tests compare the two).
    vectorised = True
    _searched = False  # by any engine of this process: the next search may load NumPy

    def __init__(self, folder: Path, name: str | None = None, lock_fd: int | None = None) -> None:
        """Open the folder's live index (or, rebuilding, the index ``name`` under a held lock)."""
        safepickle.install()
        share_segment_files()
        builtin_md5()
        self.folder = folder
        self.location = str(folder)
        self._held = lock_fd  # a rebuild holds the run lock for the index it builds
        self._guard = threading.Lock()
        self._idle: list[Reading] = []
        self._cache: Any = None  # vector.TermCache of the newest generation searched
        self._fixed = name is not None
        self._open(name or store.live_name(folder))

    def _open(self, name: str) -> None:
        with self._damage():
            self.name = name
            self._ix = windex.open_dir(self.location, indexname=name)
            self._manifest = self._manifest_id()
            self._settings = schema.read_manifest(self.folder) if not self._fixed else {}

    def _manifest_id(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.folder / schema.MANIFEST)
        except FileNotFoundError:
            return None
        return st.st_ino, st.st_mtime_ns

    @contextmanager
    def _damage(self) -> Iterator[None]:
        try:
            yield
        except safepickle.UnsafeIndexError as exc:
            raise IndexIncompatibleError(
                f"refusing to read the index at {self.location}: {exc}",
                hint="Only open indexes built by newsearch; rebuild this one from its sources.",
            ) from exc
        except windex.EmptyIndexError as exc:
            raise IndexNotFoundError(f"no index at {self.location} any more") from exc
        except DAMAGE as exc:
            raise IndexIncompatibleError(
                f"the index at {self.location} is damaged: {exc!r}"
            ) from exc

    @contextmanager
    def _reading(self) -> Iterator[Reading]:
        """A current searcher from the pool, given back after use (no per-thread searchers)."""
        if not self._fixed and self._manifest_id() != self._manifest:
            # Rebuilt or replaced since we opened it: answer from the new index.
            with self._guard:
                self._drop_idle()
            self._open(store.live_name(self.folder))
        with self._damage():
            generation = self._ix.latest_generation()
            reading = None
            with self._guard:
                while self._idle and reading is None:
                    r = self._idle.pop()
                    if r.generation == generation:
                        reading = r
                    else:
                        r.searcher.close()
            cache = partial(self._term_cache, self.name)  # the name now, not at first use
            reading = reading or Reading(self._ix, generation, cache)
            try:
                yield reading
            finally:
                with self._guard:
                    if len(self._idle) < IDLE_SEARCHERS:
                        self._idle.append(reading)
                        reading = None
                if reading is not None:
                    reading.searcher.close()

    def _term_cache(self, name: str, generation: int) -> Any:
        """The scored-postings cache of a generation (one at a time: the newest searched).

        Keyed by the Whoosh index's name too: a rebuild starts a new index at generation 1.
        """
        from newsearch.engines.whoosh import vector

        key = (name, generation)
        with self._guard:
            if self._cache is None or self._cache.generation != key:
                self._cache = vector.TermCache(key)
            return self._cache

    def _drop_idle(self) -> None:
        for r in self._idle:
            r.searcher.close()
        self._idle.clear()

    # ------------------------------------------------------------ searching

    def search(self, request: SearchRequest) -> Page:
        """One page of matches: the all-words tier first, copies folded, filters applied."""
        with self._reading() as r:
            only = searching.allowed(r.searcher, request.filters)
            if self.vectorised and request.sort == "relevance":
                from newsearch.engines.whoosh import fastpath

                first = not WhooshEngine._searched
                try:
                    page = searching.vector_search(r, request, only, first)
                    WhooshEngine._searched = True
                    return page
                except fastpath.Unsupported:
                    pass  # a phrase or a range: Whoosh's matchers answer it
            return searching.plain_search(r, request, only)

    def more_like(
        self, doc_id: str, limit: int, collapse: bool
    ) -> tuple[tuple[Match, ...], int, tuple[str, ...]]:
        """Articles sharing this one's distinctive terms, its own copies left out."""
        with self._reading() as r:
            docnum = self._docnum(r.searcher, doc_id)
            if docnum is None:
                return (), -1, ()
            found, total, terms = ranking.more_like(r.searcher, r.keys, docnum, limit)
            shown = ranking.collapse(r.keys, found, limit)[0] if collapse else found[:limit]
            matches = tuple(searching.match(r, h.docnum, h.score, None, collapse) for h in shown)
            return matches, total, tuple(terms)

    def expand(self, query: Node) -> set[tuple[str, str]]:
        """Every (field, term) the query can match, wildcards and fuzzy words expanded."""
        with self._reading() as r:
            return ranking.expanded(r.searcher, r.query(query))

    def explain(self, query: Node, doc_id: str) -> tuple[TermScore, ...]:
        """The share of each matched (field, term) in one article's score."""
        with self._reading() as r:
            docnum = self._docnum(r.searcher, doc_id)
            if docnum is None:
                return ()
            return ranking.explain(r.searcher, r.query(query), docnum)

    def _docnum(self, searcher: Any, doc_id: str) -> int | None:
        docnum = searcher.document_number(id=doc_id)
        return int(docnum) if docnum is not None else None

    # ------------------------------------------------------------ reading

    def get(self, doc_id: str) -> StoredArticle | None:
        """One stored article, or None."""
        with self._reading() as r:
            stored = r.searcher.document(id=doc_id)
            return schema.stored_article(stored) if stored else None

    def articles(self) -> Iterator[StoredArticle]:
        """Every stored article, in index order."""
        with self._reading() as r:
            for stored in r.searcher.all_stored_fields():
                yield schema.stored_article(stored)

    def count(self) -> int:
        """How many articles the index holds."""
        with self._reading() as r:
            return int(r.searcher.doc_count())

    def stats(self) -> EngineStats:
        """Counts, the sources by article count, and the date range."""
        from newsearch.engine_index import EngineStats  # here: a search makes none

        with self._reading() as r:
            reader = r.searcher.reader()
            sources = {
                _text(term): reader.doc_frequency("site", term) for term in reader.lexicon("site")
            }
            return EngineStats(
                documents=reader.doc_count(),
                files=len(self.catalog()),
                sources=dict(sorted(sources.items(), key=lambda kv: -kv[1])),
                oldest=self._dated(r.searcher, reverse=False),
                newest=self._dated(r.searcher, reverse=True),
            )

    def settings(self) -> dict[str, object]:
        """The manifest of the index."""
        return dict(self._settings)

    def newest(self) -> datetime | None:
        """The newest publication date."""
        with self._reading() as r:
            return self._dated(r.searcher, reverse=True)

    def _dated(self, searcher: Any, reverse: bool) -> datetime | None:
        # The year field marks the dated articles with a handful of terms.
        found = searcher.search(WEvery("year"), sortedby="published", reverse=reverse, limit=1)
        return schema.stored_article(found[0].fields()).published if len(found) else None

    def doc_frequencies(self, field: str, terms: Collection[str]) -> dict[str, int]:
        """How many articles hold each term in the field, asked in one go."""
        with self._reading() as r:
            reader = r.searcher.reader()
            return {t: int(reader.doc_frequency(field, t)) for t in terms}

    def terms_with_prefix(self, field: str, prefix: str) -> Iterator[str]:
        """The field's terms that start with ``prefix``, in order."""
        with self._reading() as r:
            terms = [_text(t) for t in r.searcher.reader().expand_prefix(field, prefix)]
        return iter(terms)

    def sample_texts(self, field: str, term: str, limit: int) -> Iterator[str]:
        """The body text of up to ``limit`` articles holding the term."""
        with self._reading() as r:
            if (field, term) not in r.searcher.reader():
                return
            postings = r.searcher.reader().postings(field, term)
            for _ in range(limit):
                if not postings.is_active():
                    break
                yield r.searcher.stored_fields(postings.id()).get("body") or ""
                postings.next()

    # ------------------------------------------------------------ bookkeeping and writing

    def file_articles(self, source: str) -> dict[str, str]:
        """id → content digest of the committed articles of one source file."""
        with self._reading() as r:
            searcher = r.searcher
            found = (searcher.stored_fields(n) for n in searcher.document_numbers(path=source))
            return {f["id"]: f.get("digest", "") for f in found}

    def catalog(self) -> dict[str, FileMark]:
        """source path → its signature, digest and live article count."""
        with self._reading() as r:
            reader = r.searcher.reader()
            out: dict[str, FileMark] = {}
            for key in reader.lexicon("filekey"):
                # The term list keeps the keys of replaced documents until segments merge.
                if reader.has_deletions() and not _live(reader, "filekey", key):
                    continue
                path, mark = schema.parse_filekey(_text(key))
                out[path] = replace(mark, documents=_live(reader, "path", path))
            return out

    def stories(self) -> Iterator[tuple[str, str, bytes | None]]:
        """(id, story, fingerprint) of every article."""
        with self._reading() as r:
            for stored in r.searcher.all_stored_fields():
                yield stored["id"], stored.get("dup", ""), stored.get("fp")

    def generation(self) -> int:
        """The Whoosh generation: one more with every commit."""
        with self._damage():
            return int(self._ix.latest_generation())

    def lock(self, wait: float) -> AbstractContextManager[int]:
        """The folder's run lock, held for a whole indexing run."""
        if self._held is not None:
            return nullcontext(self._held)
        return self._locked(wait)

    @contextmanager
    def _locked(self, wait: float) -> Iterator[int]:
        with store.run_lock(self.folder, wait) as fd:
            # Under the lock no rebuild is running: files of other indexes are a killed one's.
            store.remove_leftovers(self.folder, keep=self.name)
            yield fd

    def writer(self, wait: float) -> EngineWriter:
        """A writing session."""
        from newsearch.engines.whoosh import writing  # here: a query never writes (0.4 ms)

        writing.private_segment_names()
        with self._damage():
            return writing.WhooshWriter(self._ix, wait, self.location)

    def state_file(self, name: str) -> str:
        """A file beside the index for one of its caches (named after the live Whoosh index)."""
        return str(self.folder / f"{self.name}.{name}")

    def close(self) -> None:
        """Close the searchers and release the files."""
        with self._guard:
            self._drop_idle()
        self._ix.close()


def _live(reader: Any, field: str, term: Any) -> int:
    """Documents holding the term, not counting deleted ones (doc_frequency counts those)."""
    if not reader.has_deletions():
        return int(reader.doc_frequency(field, term))
    ids = reader.postings(field, term).all_ids()
    return sum(1 for docnum in ids if not reader.is_deleted(docnum))


def _text(term: bytes | str) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else term
