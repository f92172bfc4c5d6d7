"""Incremental, batched, parallel writing of files into any engine; returns an IndexReport.

What is indexed of each file is the engine's catalog (a mark on the file's last article, so it
commits with the articles). A changed file's articles are replaced one by one (same id), and its
articles that the new version no longer holds are deleted at its end, so readers never see a
file half gone, an interrupted update keeps the old articles not yet replaced, and a failed
re-read (a file momentarily empty, a half-written .gz) keeps the last good version.
"""

from __future__ import annotations

import errno
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from newsearch.engine import Engine, EngineWriter, IndexedDoc
from newsearch.errors import NewsearchError
from newsearch.indexer.clusters import Clusters
from newsearch.indexer.prepare import run as run_tasks
from newsearch.indexer.reread import FAILURE_LOG, FailureLog, FilesRead
from newsearch.indexer.sources import SourceFile, file_id, find_files, is_skipped
from newsearch.models import IndexProgress, IndexReport

Progress = Callable[[IndexProgress], None]
BATCH_DOCS = 5000  # commit this often: an interrupted run keeps every finished batch
_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EROFS)  # the disk, not newsearch


class IndexingInterrupted(KeyboardInterrupt):
    """Ctrl-C during indexing; ``report`` says what was committed before it."""

    rebuilding = False  # True when a rebuild was stopped: then the old index stays as it was

    def __init__(self, report: IndexReport) -> None:
        super().__init__("indexing interrupted")
        self.report = report


class Batch:
    """Documents written into an open session as they come, deletions collected, until the
    next commit makes them visible together."""

    def __init__(self, engine: Engine, clusters: Clusters, wait: float) -> None:
        """A batch for one engine and its near-duplicate store."""
        self.engine, self.clusters, self.wait = engine, clusters, wait
        self.session: EngineWriter | None = None
        self.added = 0
        self.stale: list[tuple[str, frozenset[str]]] = []
        self.ids: list[str] = []

    def __len__(self) -> int:
        return self.added + len(self.stale) + len(self.ids)

    def add(self, doc: IndexedDoc, fresh: bool = False) -> None:
        """Write a document into the batch's session; a later one with the same id (a repeated
        record) replaces it.

        Written now, not at the commit: the workers clean the next articles meanwhile. Held to
        the commit, the writer did all its adding there, with the workers idle once their
        queue was full: Reuters (21,578 articles) took 48.5 s, 8.8 s of it waiting for them,
        and 41.1 s written as they come (/tmp/ixp/timeline.py, scratch).
        ``fresh``: no committed article has this id, so the engine need not look for one to
        replace (Whoosh's update_document searches every segment for each document).
        """
        with self._cancelled_on_error():
            self._open().add(self.clusters.assign(doc), replace=not fresh)
        self.added += 1

    def commit(self) -> None:
        """Apply the deletions and commit the batch (nothing of it is kept if that fails)."""
        if not len(self):
            return
        with self._cancelled_on_error():
            writer = self._open()
            for source, keep in self.stale:
                writer.delete_source(source, keep)
            for doc_id in self.ids:
                writer.delete(doc_id)
                self.clusters.forget(doc_id)
            with deferred_interrupt():
                writer.commit()
                self.clusters.commit()
                self.session = None
        self.added, self.stale, self.ids = 0, [], []

    def _open(self) -> EngineWriter:
        """The batch's session, opened at its first write (waiting for the lock)."""
        if self.session is None:
            self.session = self.engine.writer(self.wait)
        return self.session

    def cancel(self) -> None:
        """Drop what the batch holds, written or not (a stopped or failed run)."""
        if self.session is not None:
            session, self.session = self.session, None
            session.cancel()
            self.clusters.rollback()
        self.added, self.stale, self.ids = 0, [], []

    @contextmanager
    def _cancelled_on_error(self) -> Iterator[None]:
        try:
            yield
        except BaseException as exc:
            self.cancel()
            if isinstance(exc, OSError) and exc.errno in _FULL:
                raise NewsearchError(
                    f"cannot write the index: {exc.strerror}",
                    hint="Free some space (or make the folder writable) and run again: "
                    "every batch committed before is kept.",
                ) from exc
            raise


def add_files(
    engine: Engine,
    paths: Iterable[str | os.PathLike[str]],
    *,
    wait: float = 10.0,
    workers: int | None = None,
    progress: Progress | None = None,
    batch_docs: int = BATCH_DOCS,
    prune: bool = False,
    check_content: bool = False,
    follow_links: bool = False,
) -> IndexReport:
    """Index files and folders incrementally; a broken file is reported and the rest indexed.

    A file whose size and modification time are as indexed is taken as unchanged; with
    ``check_content`` its content hash is compared too (an edit kept by `cp -p`, `rsync -t` or
    a coarse clock). Symlinks that lead out of a folder given are reported, not followed,
    unless ``follow_links``. With ``prune``, articles of files that were indexed from under these
    paths but are gone now are removed.
    """
    roots = [Path(p) for p in paths]
    settings = (wait, workers, batch_docs, check_content, follow_links)
    with engine.lock(wait) as lock_fd:
        clusters = Clusters(engine)
        try:
            report = _add_files(engine, clusters, roots, settings, progress, lock_fd)
            if prune:
                removed = prune_missing(engine, clusters, roots, wait)
                report = replace(report, removed=report.removed + removed, documents=engine.count())
            return report
        finally:
            clusters.close()


def prune_missing(engine: Engine, clusters: Clusters, roots: list[Path], wait: float) -> int:
    """Delete the articles of indexed files under ``roots`` that no longer exist."""
    bases = [str(r.resolve()) for r in roots if r.exists()]
    gone = [
        path
        for path in engine.catalog()
        if any(path == b or path.startswith(b.rstrip(os.sep) + os.sep) for b in bases)
        and not os.path.exists(path)
    ]
    if not gone:
        return 0
    before = engine.count()
    batch = Batch(engine, clusters, wait)
    batch.stale = [(path, frozenset()) for path in gone]
    batch.commit()
    return before - engine.count()


def delete_ids(engine: Engine, ids: Iterable[str], wait: float = 10.0) -> None:
    """Delete articles by id, keeping the near-duplicate store in step."""
    with engine.lock(wait):
        clusters = Clusters(engine)
        try:
            batch = Batch(engine, clusters, wait)
            batch.ids = list(ids)
            batch.commit()
        finally:
            clusters.close()


def add_docs(engine: Engine, docs: Iterable[IndexedDoc], wait: float = 10.0) -> tuple[int, int]:
    """Index documents made in memory; (added, updated)."""
    with engine.lock(wait):
        clusters = Clusters(engine)
        batch = Batch(engine, clusters, wait)
        try:
            added = updated = 0
            seen: set[str] = set()  # ids of this batch
            for doc in docs:
                if doc.id in seen or engine.get(doc.id) is not None:
                    updated += 1
                else:
                    added += 1
                seen.add(doc.id)
                batch.add(doc)
                if len(batch) >= BATCH_DOCS:
                    batch.commit()
                    seen.clear()  # committed now: engine.get finds them
            batch.commit()
            return added, updated
        finally:
            batch.cancel()  # nothing once committed
            clusters.close()


def _add_files(
    engine: Engine,
    clusters: Clusters,
    paths: list[Path],
    settings: tuple[float, int | None, int, bool, bool],
    progress: Progress | None,
    lock_fd: int,
) -> IndexReport:
    wait, workers, batch_docs, check_content, follow_links = settings
    started = time.perf_counter()
    files, failures = find_files(paths, follow_links=follow_links)
    known = engine.catalog()
    log = FailureLog(engine.state_file(FAILURE_LOG))
    counts = {"added": 0, "updated": 0, "unchanged": 0, "removed": 0}
    todo: list[tuple[SourceFile, str]] = []
    for src in files:
        seen = known.get(src.path)
        if seen and seen.signature == src.signature and not check_content:
            counts["unchanged"] += seen.documents
            failures.extend(log.earlier(src.path, src.signature))
        else:
            todo.append((src, seen.digest if seen else ""))
    total_bytes = sum(src.size for src, _ in todo)
    finished = partial = 0  # bytes of the files read to their end, and into the current one

    def tick() -> None:
        if progress:
            made = counts["added"] + counts["updated"]
            progress(IndexProgress(done, len(files), finished + partial, total_bytes, made))

    workers = workers if workers is not None else min(4, os.cpu_count() or 1)
    done = len(files) - len(todo)
    tick()
    committed = dict(counts)  # what an interruption leaves in the index
    batch = Batch(engine, clusters, wait)
    files_read = FilesRead(engine)
    broken: set[str] = set()  # files whose read failed as a whole this run

    def report(interrupted: bool = False) -> IndexReport:
        got = committed if interrupted else counts
        return IndexReport(
            added=got["added"],
            updated=got["updated"],
            unchanged=got["unchanged"],
            removed=got["removed"],
            failed=tuple(f for f in failures if not is_skipped(f)),
            skipped=tuple(f for f in failures if is_skipped(f)),
            files=len(files),
            seconds=time.perf_counter() - started,
            documents=engine.count(),
            interrupted=interrupted,
        )

    prepared = run_tasks(todo, workers, lock_fd)
    try:
        for prep in prepared:
            path = prep.src.path
            done += prep.last
            finished += prep.src.size if prep.last else 0
            partial = 0 if prep.last else prep.upto
            failures.extend(prep.failures)
            files_read.failures.setdefault(path, []).extend(prep.failures)
            broken.update(f.path for f in prep.failures if f.path == path)
            seen = known.get(path)
            if prep.unchanged and seen:
                counts["unchanged"] += seen.documents
                failures.extend(log.earlier(path, prep.src.signature))
                continue
            for doc in prep.docs:
                change, fresh = files_read.change(doc, seen is not None)
                counts[change] += 1
                if change == "unchanged" and doc.mark is None:
                    continue  # as committed: nothing to write (the mark must be, though)
                batch.add(doc, fresh)
                if len(batch) >= batch_docs:  # also inside one big JSON Lines file
                    batch.commit()
                    committed = dict(counts)
                    tick()
            if prep.last:
                before, read = files_read.done(path)
                if path not in broken:
                    log.record(path, prep.src.signature, files_read.failures.pop(path, []))
                counts["removed"] += _retire(batch, path, before, read, path in broken)
            tick()
        batch.commit()
        committed = dict(counts)
        log.save()
    except KeyboardInterrupt:
        raise IndexingInterrupted(report(interrupted=True)) from None
    except BrokenProcessPool as exc:
        raise NewsearchError(
            "an extraction worker died (killed, or out of memory)",
            hint="Run the same command again: every batch committed before is kept.",
        ) from exc
    finally:
        batch.cancel()  # a stopped or failed run's open session; nothing once committed
        prepared.close()
    return report()


def _retire(batch: Batch, path: str, before: set[str], read: set[str], broken: bool) -> int:
    """At a re-read file's end, queue deleting the articles it no longer holds; how many."""
    if broken or not read or not before:
        return 0  # keep the last good version until a good read replaces it
    if before == read == {file_id(path)}:
        return 0  # one article per file, replaced by id: nothing can be left over
    batch.stale.append((path, frozenset(read)))
    return len(before - read)


@contextmanager
def deferred_interrupt() -> Iterator[None]:
    """Hold a Ctrl-C until the block is done, so a commit and its bookkeeping go together."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signals are only delivered to the main thread anyway
        return
    if signal.getsignal(signal.SIGINT) in (signal.SIG_IGN, None):
        # Started ignoring it (`newsearch index &` in a script; SIGINT is then ignored), or
        # handled outside Python (None, which signal.signal cannot put back): left as it is.
        # Caught here, a SIGINT stopped an ignoring run only when it came during a commit.
        yield
        return
    caught: list[object] = []
    previous = signal.signal(signal.SIGINT, lambda *args: caught.append(args))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if caught:
            raise KeyboardInterrupt
