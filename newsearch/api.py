"""NewsIndex: the one object an embedding app needs (build, update, search, inspect)."""

from __future__ import annotations

import os
import pickle
import shutil
import struct
import tempfile
import threading
import zlib
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

from newsearch.errors import (
    DocumentNotFoundError,
    IndexExistsError,
    IndexIncompatibleError,
    IndexNotFoundError,
    NewsearchError,
    QueryError,
)
from newsearch.models import IndexReport, IndexStats, SearchResults, StoredArticle

PathLike = str | os.PathLike[str]
# What Whoosh raises when its files are truncated or overwritten.
DAMAGE = (OSError, EOFError, struct.error, zlib.error, pickle.UnpicklingError, KeyError, IndexError)


class NewsIndex:
    """A newsearch index on disk. Safe to search from several threads; one writer at a time."""

    def __init__(self, path: Path, ix: Any, settings: dict[str, Any]) -> None:
        """Use NewsIndex.create() or NewsIndex.open() rather than this."""
        self.path = path
        self._ix = ix
        self.settings = settings
        # One searcher per thread, refreshed when a writer commits: opening a searcher re-reads
        # the table of contents and unpickles the schema, too slow to do for every query.
        self._local = threading.local()
        self._searchers: list[Any] = []
        self._lock = threading.Lock()

    @classmethod
    def create(cls, path: PathLike, overwrite: bool = False) -> NewsIndex:
        """Make a new, empty index at ``path``; an existing one is replaced only if overwrite."""
        from whoosh import index as windex

        from newsearch.indexer import schema

        p = Path(path)
        if p.exists() and not p.is_dir():
            raise NewsearchError(
                f"{p} is a file, not an index folder", hint="Choose another --index path."
            )
        if p.is_dir() and _visible(p):
            if not (p / schema.MANIFEST).exists() and not windex.exists_in(
                str(p), schema.INDEX_NAME
            ):
                raise NewsearchError(
                    f"{p} holds files that are not a newsearch index; refusing to overwrite them",
                    hint="Choose an empty folder or a new path for the index.",
                )
            if not overwrite:
                raise IndexExistsError(f"an index already exists at {p}")
            for child in _visible(p):
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        p.mkdir(parents=True, exist_ok=True)
        ix = windex.create_in(str(p), schema.build_schema(), indexname=schema.INDEX_NAME)
        schema.write_manifest(p)
        return cls(p, ix, schema.read_manifest(p))

    @classmethod
    def open(cls, path: PathLike) -> NewsIndex:
        """Open an existing index; IndexNotFoundError when there is none."""
        from whoosh import index as windex

        from newsearch.indexer import schema

        p = Path(path)
        if p.exists() and not p.is_dir():
            raise IndexNotFoundError(
                f"{p} is a file, not an index folder", hint="Pass the index folder with --index."
            )
        if not p.is_dir() or not _visible(p):
            raise IndexNotFoundError(f"no index at {p}")
        settings = schema.read_manifest(p)
        try:
            ix = windex.open_dir(str(p), indexname=schema.INDEX_NAME)
        except Exception as exc:  # noqa: BLE001 - Whoosh raises many kinds on damaged files
            raise IndexIncompatibleError(f"the index at {p} cannot be read: {exc}") from exc
        return cls(p, ix, settings)

    @classmethod
    def open_or_create(cls, path: PathLike) -> NewsIndex:
        """Open the index at ``path``, creating an empty one if the folder holds none."""
        p = Path(path)
        if p.is_dir() and _visible(p):
            return cls.open(p)
        return cls.create(p)

    @classmethod
    def rebuild(
        cls,
        path: PathLike,
        sources: Iterable[PathLike],
        **options: Any,
    ) -> tuple[NewsIndex, IndexReport]:
        """Build a fresh index beside ``path`` and swap it in only when it is complete.

        A failed or interrupted rebuild leaves the old index exactly as it was.
        """
        target = Path(path)
        if target.exists() and not target.is_dir():
            raise NewsearchError(
                f"{target} is a file, not an index folder", hint="Choose another --index path."
            )
        if target.is_dir() and _visible(target) and not _is_index(target):
            # Refuse to replace a folder that is not an index; an index of an older format is
            # exactly what a rebuild is for.
            raise NewsearchError(
                f"{target} holds files that are not a newsearch index; refusing to replace them",
                hint="Choose an empty folder or a new path for the index.",
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.rebuild-", dir=target.parent))
        try:
            fresh = cls.create(tmp)
            report = fresh.add_files(sources, **options)
            fresh.close()
            if target.exists():
                for dot in target.glob(".*"):  # keep e.g. the .gitkeep of the bundled index/
                    shutil.move(str(dot), tmp / dot.name)
                old = target.with_name(f".{target.name}.old-{os.getpid()}")
                target.rename(old)
                tmp.rename(target)
                shutil.rmtree(old, ignore_errors=True)
            else:
                tmp.rename(target)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return cls.open(target), report

    def add_files(
        self,
        paths: Iterable[PathLike],
        *,
        wait: float = 10.0,
        workers: int | None = None,
        progress: Callable[[int, int, int], None] | None = None,
        commit_every: int | None = None,
        prune: bool = False,
    ) -> IndexReport:
        """Index files and folders incrementally; unreadable files are reported, not fatal.

        Work is committed every ``commit_every`` articles, so an interrupted run keeps it; a
        Ctrl-C raises IndexingInterrupted (a KeyboardInterrupt) whose ``report`` says how far.
        """
        from newsearch.indexer import writer

        if isinstance(paths, str | os.PathLike):
            paths = [paths]
        return writer.add_files(
            self._ix,
            paths,
            wait=wait,
            workers=workers,
            progress=progress,
            batch_docs=commit_every or writer.BATCH_DOCS,
            prune=prune,
        )

    def search(
        self,
        query: str,
        limit: int = 10,
        page: int = 1,
        explain: bool = False,
        snippets: bool = True,
        sort: str = "relevance",
        since: str | date | None = None,
        until: str | date | None = None,
        source: str | None = None,
        tag: str | None = None,
        author: str | None = None,
        asof: str | date | None = None,
        collapse: bool = True,
        facets: bool = False,
        suggest: bool = True,
        date_clauses: bool = True,
    ) -> SearchResults:
        """Ranked hits for a query string, with highlighted snippets (and score breakdowns).

        ``sort`` is "relevance", "newest" or "oldest"; ``since``/``until`` bound the published
        date (inclusive; "2017", "2017-09" and "2017-09-23" work), as do date clauses in the
        text ("date:2017-09", "last week", measured from ``asof``, by default the newest
        article); ``source``, ``tag`` and ``author`` keep matching articles only. Copies of one
        story show once (``Hit.similar`` counts the others) unless ``collapse`` is False;
        ``facets`` adds counts per source, year and tag; ``suggest`` may offer a spelling fix;
        ``date_clauses`` False searches "last week" and "date:2017" as words.
        """
        from newsearch.query import search

        opts = search.Options(
            limit=limit,
            page=page,
            explain=explain,
            snippets=snippets,
            sort=sort,
            since=since,
            until=until,
            source=source,
            tag=tag,
            author=author,
            asof=asof,
            collapse=collapse,
            facets=facets,
            suggest=suggest,
            date_clauses=date_clauses,
        )
        return self._answer(query, lambda searcher: search.run(searcher, query, opts))

    def similar(
        self, doc_id: str, limit: int = 10, collapse: bool = True, snippets: bool = True
    ) -> SearchResults:
        """Articles most like the one with this id (more like this); its own copies left out."""
        from newsearch.query import search

        return self._answer(
            doc_id,
            lambda searcher: search.similar(
                searcher, self._docnum(searcher, doc_id), doc_id, limit, collapse, snippets
            ),
        )

    def _answer(self, query: Any, answer: Callable[[Any], SearchResults]) -> SearchResults:
        if not isinstance(query, str):
            raise QueryError(f"a query is a string, not {type(query).__name__}")
        try:
            return answer(self._searcher())
        except NewsearchError:
            raise
        except (ValueError, TypeError) as exc:
            raise QueryError(f"cannot answer {query!r}: {exc}") from exc
        except DAMAGE as exc:
            raise IndexIncompatibleError(f"the index at {self.path} is damaged: {exc!r}") from exc

    def _docnum(self, searcher: Any, doc_id: str) -> int:
        from newsearch.indexer.sources import file_id

        docnum = searcher.document_number(id=doc_id)
        if docnum is None and Path(doc_id).exists():
            docnum = searcher.document_number(id=file_id(str(Path(doc_id).resolve())))
        if docnum is None:
            raise DocumentNotFoundError(f"no article with id {doc_id!r} in {self.path}")
        return docnum

    def _searcher(self) -> Any:
        from newsearch.query import search

        old = getattr(self._local, "searcher", None)
        if old is not None and old.up_to_date():
            return old
        # A new searcher rather than old.refresh(): Whoosh's reader reuse fails (TypeError) on
        # some segment changes made by a concurrent writer.
        current = self._ix.searcher(weighting=search.weighting())
        with self._lock:
            if old is not None:
                self._searchers.remove(old)
                old.close()
            self._searchers.append(current)
        self._local.searcher = current
        return current

    def get(self, doc_id: str) -> StoredArticle:
        """One stored article by id (a file path is accepted for file-backed articles)."""
        from newsearch.indexer.sources import file_id
        from newsearch.query.search import published, split_list

        with self._ix.searcher() as searcher:
            stored = searcher.document(id=doc_id)
            if stored is None and Path(doc_id).exists():
                stored = searcher.document(id=file_id(str(Path(doc_id).resolve())))
        if stored is None:
            raise DocumentNotFoundError(f"no article with id {doc_id!r} in {self.path}")
        return StoredArticle(
            id=stored["id"],
            title=stored.get("title", ""),
            body=stored.get("body", ""),
            published=published(stored),
            authors=split_list(stored.get("authors", "")),
            tags=split_list(stored.get("tags", "")),
            site=stored.get("source", ""),
            url=stored.get("url", ""),
            path=stored.get("path", ""),
        )

    def stats(self) -> IndexStats:
        """How many articles and files the index holds, their date range and sources."""
        from newsearch.query.search import newest as newest_date

        with self._ix.searcher() as searcher:
            reader = searcher.reader()
            files = sum(1 for _ in reader.lexicon("path"))
            sources = {
                _text(term): reader.doc_frequency("site", term) for term in reader.lexicon("site")
            }
            oldest = newest_date(searcher, reverse=False)
            newest = newest_date(searcher)
            return IndexStats(
                path=str(self.path),
                documents=reader.doc_count(),
                files=files,
                newest=newest,
                oldest=oldest,
                sources=dict(sorted(sources.items(), key=lambda kv: -kv[1])[:20]),
                settings=self.settings,
            )

    def close(self) -> None:
        """Close the searchers this index opened and release its files."""
        with self._lock:
            for searcher in self._searchers:
                searcher.close()
            self._searchers.clear()
        self._local = threading.local()
        self._ix.close()

    def __enter__(self) -> NewsIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"NewsIndex({str(self.path)!r})"


def _is_index(p: Path) -> bool:
    from whoosh import index as windex

    from newsearch.indexer import schema

    return (p / schema.MANIFEST).exists() or windex.exists_in(str(p), schema.INDEX_NAME)


def _visible(p: Path) -> list[Path]:
    # Dotfiles (a .gitkeep in the bundled index/ folder) are not an index and are left alone.
    return [c for c in p.iterdir() if not c.name.startswith(".")]


def _text(term: bytes | str) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else term
