"""NewsIndex: the one object an embedding app needs (build, update, search, inspect)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsearch import engines
from newsearch.engine import Engine
from newsearch.errors import AmbiguousIdError, DocumentNotFoundError, NewsearchError, QueryError
from newsearch.models import SearchOptions, SearchResults, StoredArticle

if TYPE_CHECKING:  # made when an index is built or inspected (a search makes none of them)
    from newsearch.engine_index import IndexedDoc
    from newsearch.index_models import (
        Article,
        Failure,
        IndexProgress,
        IndexReport,
        IndexStats,
        Piece,
    )

PathLike = str | os.PathLike[str]
Progress = Callable[["IndexProgress"], None]  # called as a run goes: files, bytes, articles
# A record's own id looked up without its file is a prefix query: OpenSearch refuses one of
# 5,000 characters (HTTP 400), and no one types an id of more than 1,024 bytes.
MAX_OWN_ID = 1024
TOP_SOURCES = 20  # sources listed by stats(): the rest are a long tail of one-off sites


class NewsIndex:
    """A newsearch index. Safe to search from many threads; one writer at a time."""

    def __init__(self, engine: Engine) -> None:
        """Use NewsIndex.create() or NewsIndex.open() rather than this."""
        self._engine = engine
        self.location = engine.location  # a folder, or a cluster URL
        self.path = Path(engine.location)

    @classmethod
    def create(cls, path: PathLike, overwrite: bool = False) -> NewsIndex:
        """Make a new, empty index at ``path``; an existing one is replaced only if overwrite."""
        return cls(engines.create_engine(path, overwrite))

    @classmethod
    def open(cls, path: PathLike) -> NewsIndex:
        """Open an existing index; IndexNotFoundError when there is none."""
        return cls(engines.open_engine(path))

    @classmethod
    def open_or_create(cls, path: PathLike) -> NewsIndex:
        """Open the index at ``path``, creating an empty one if there is none."""
        return cls.open(path) if engines.exists(path) else cls.create(path)

    @classmethod
    def rebuild(
        cls,
        path: PathLike,
        sources: Iterable[PathLike],
        *,
        wait: float = 10.0,
        workers: int | None = None,
        progress: Progress | None = None,
        commit_every: int | None = None,
    ) -> tuple[NewsIndex, IndexReport]:
        """Build a fresh index of ``sources`` and swap it in for the one at ``path`` when done.

        A failed or interrupted rebuild leaves the old index exactly as it was (a Ctrl-C
        raises IndexingInterrupted with ``rebuilding`` set).
        """
        from newsearch.indexer import writer

        todo = _paths(sources)

        def build(engine: Engine) -> IndexReport:
            try:
                return writer.add_files(
                    engine,
                    todo,
                    wait=wait,
                    workers=workers,
                    progress=progress,
                    batch_docs=commit_every or writer.BATCH_DOCS,
                )
            except writer.IndexingInterrupted as exc:
                exc.rebuilding = True
                raise

        report = engines.rebuild(path, wait, build)
        return cls.open(path), report

    def add_files(
        self,
        paths: PathLike | Iterable[PathLike],
        *,
        wait: float = 10.0,
        workers: int | None = None,
        progress: Progress | None = None,
        commit_every: int | None = None,
        prune: bool = False,
        check_content: bool = False,
        follow_links: bool = False,
    ) -> IndexReport:
        """Index files and folders incrementally; unreadable files are reported, not fatal.

        A file is unchanged when its size and modification time are; ``check_content`` also
        compares content hashes (reads every file). A symlink leading out of a folder given is
        reported, not followed, unless ``follow_links``. Work is committed every ``commit_every``
        articles, so an interrupted run keeps it; a Ctrl-C raises IndexingInterrupted (a
        KeyboardInterrupt) whose ``report`` says how far.
        """
        from newsearch.indexer import writer

        return writer.add_files(
            self._engine,
            _paths(paths),
            wait=wait,
            workers=workers,
            progress=progress,
            batch_docs=commit_every or writer.BATCH_DOCS,
            prune=prune,
            check_content=check_content,
            follow_links=follow_links,
        )

    def add_articles(
        self, items: Iterable[Article | Mapping[str, object]], *, source: str = "api"
    ) -> IndexReport:
        """Index articles made in memory: Article objects, or crawler-style records (dicts).

        A record's own ``id`` is kept; an Article (or a record without one) gets an id from
        its URL, else its text, so adding it again updates it.
        """
        from newsearch.index_models import IndexReport
        from newsearch.indexer import writer

        failures: list[Failure] = []
        docs = _documents(items, source, failures)
        added, updated = writer.add_docs(self._engine, docs)
        return IndexReport(
            added=added, updated=updated, failed=tuple(failures), documents=self._engine.count()
        )

    def delete(self, doc_id: str) -> None:
        """Delete one article (DocumentNotFoundError if there is none with that id)."""
        from newsearch.indexer import writer

        writer.delete_ids(self._engine, [self._resolve(doc_id)])

    def search(
        self, query: str, options: SearchOptions | None = None, /, **changes: Any
    ) -> SearchResults:
        """Ranked hits for a query string, with highlighted snippets (and score breakdowns).

        Options are SearchOptions' fields, given as keywords (``limit=5, sort="newest"``) or as
        one SearchOptions: ``sort`` is "relevance", "newest" or "oldest"; ``since``/``until``
        bound the published date (inclusive; "2017", "2017-09" and "2017-09-23" work), as do
        date clauses in the text ("date:2017-09", "last week", measured from ``asof``, by
        default the newest article); ``source``, ``tag`` and ``author`` keep matching articles
        only. Copies of one story show once (``Hit.similar`` counts the others) unless
        ``collapse`` is False; ``facets`` adds counts per source, year and tag.
        """
        from newsearch.query import search

        opts = replace(options or SearchOptions(), **changes)
        return search.run(self._engine, query, opts)

    def similar(
        self, doc_id: str, limit: int = 10, collapse: bool = True, snippets: bool = True
    ) -> SearchResults:
        """Articles most like the one with this id (more like this); its own copies left out."""
        from newsearch.query import search

        SearchOptions(limit=limit)  # the same checks as a search's
        return search.similar(self._engine, self._resolve(doc_id), limit, collapse, snippets)

    def get(self, doc_id: str) -> StoredArticle:
        """One stored article by id (a file path is accepted for file-backed articles)."""
        found = self._engine.get(self._resolve(doc_id))
        if found is None:  # deleted since it was resolved
            raise DocumentNotFoundError(f"no article with id {doc_id!r} in {self.location}")
        return found

    def articles(self) -> Iterator[StoredArticle]:
        """Every stored article, in index order."""
        return self._engine.articles()

    def stats(self) -> IndexStats:
        """How many articles and files the index holds, their date range and sources."""
        from newsearch.index_models import IndexStats

        s = self._engine.stats()
        return IndexStats(
            path=self.location,
            documents=s.documents,
            files=s.files,
            newest=s.newest,
            oldest=s.oldest,
            sources=dict(list(s.sources.items())[:TOP_SOURCES]),
            settings=self._engine.settings(),
        )

    def _resolve(self, doc_id: str) -> str:
        """The id of the article meant: itself, or the id of the file at that path."""
        from newsearch.indexer.sources import file_id

        if not isinstance(doc_id, str):
            raise QueryError(f"an id is a string, not {type(doc_id).__name__}")
        try:
            doc_id.encode("utf-8")
        except UnicodeEncodeError:
            raise DocumentNotFoundError(f"no article with id {doc_id!r}") from None
        if self._engine.get(doc_id) is not None:
            return doc_id
        try:
            path = Path(doc_id)
            if path.is_file():
                by_path = file_id(str(path.resolve()))
                if self._engine.get(by_path) is not None:
                    return by_path
        except (OSError, ValueError):
            pass  # too long or not a path at all: only an id
        return self._resolve_own(doc_id)

    def _resolve_own(self, own: str) -> str:
        """The full id of the one record whose own id (without its file) is ``own``."""
        from newsearch.indexer.raw import own_id

        if not own or len(own.encode("utf-8")) > MAX_OWN_ID:
            raise DocumentNotFoundError(f"no article with id {own[:80]!r} in {self.location}")
        found: dict[str, str] = {}  # a lexicon may list deleted articles' ids: get() says
        for full in self._engine.terms_with_prefix("id", own + "@"):
            if own_id(full) == own and (art := self._engine.get(full)) is not None:
                found[full] = Path(art.path).name
        if len(found) == 1:
            return next(iter(found))
        if not found:
            raise DocumentNotFoundError(f"no article with id {own!r} in {self.location}")
        named = [f"{full} ({name})" for full, name in list(found.items())[:5]]
        more = f" and {len(found) - 5} more" if len(found) > 5 else ""
        raise AmbiguousIdError(
            f"{len(found)} files hold a record with id {own!r}: {', '.join(named)}{more}"
        )

    def close(self) -> None:
        """Close the searchers this index opened and release its files."""
        self._engine.close()

    def __enter__(self) -> NewsIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"NewsIndex({self.location!r})"


def clean_file(path: PathLike) -> tuple[Article, tuple[Piece, ...]]:
    """The article extracted from one raw file (a dump's first record), and every block of the
    file in order, kept or stripped with the reason."""
    from newsearch.index_models import Piece
    from newsearch.indexer.extract import extract_blocks
    from newsearch.indexer.sources import load_path

    raw = load_path(path)
    article, blocks = extract_blocks(raw.content, kind=raw.kind, meta=raw.meta)
    return article, tuple(Piece(b.text, b.reason) for b in blocks)


def _paths(paths: PathLike | Iterable[PathLike]) -> list[PathLike]:
    if isinstance(paths, str | os.PathLike):
        return [paths]
    return list(paths)


def _documents(
    items: Iterable[Article | Mapping[str, object]], source: str, failures: list[Failure]
) -> Iterator[IndexedDoc]:
    """Articles and records from memory as documents; a record that fails is reported."""
    from newsearch.engine_index import IndexedDoc
    from newsearch.index_models import Article, Failure
    from newsearch.indexer import dedup
    from newsearch.indexer.extract import extract
    from newsearch.indexer.raw import own_id
    from newsearch.indexer.sources import record_doc

    where = f"<{source}>"
    for n, item in enumerate(items, 1):
        if isinstance(item, Article):
            doc_id, art = _content_id(item), replace(item, removed=())
        elif isinstance(item, Mapping):
            try:
                raw = record_doc(where, n, dict(item))
                art = replace(extract(raw.content, kind=raw.kind, meta=raw.meta), removed=())
            except NewsearchError as exc:
                failures.append(Failure(f"{where}:{n}", str(exc)))
                continue
            has_id = item.get("id", item.get("_id")) not in (None, "")
            # The caller's own id as it is: files scope theirs, an app owns its id space.
            doc_id = own_id(raw.id) if has_id else _content_id(art)
        else:
            raise TypeError(f"add_articles takes Articles or dicts, not {type(item).__name__}")
        yield IndexedDoc(doc_id, where, art, fingerprint=dedup.fingerprint(art.body))


def _content_id(art: Article) -> str:
    """An id for an article from memory: from its URL, else its text (so re-adding updates)."""
    key = art.url or f"{art.title}\n{art.body}"
    return hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]
