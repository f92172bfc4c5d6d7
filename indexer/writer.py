"""Incremental, batched, parallel writing of files into a Whoosh index; returns an IndexReport."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from whoosh.index import LockError

from newsearch.errors import IndexLockedError
from newsearch.indexer.clusters import Clusters
from newsearch.indexer.prepare import run as run_tasks
from newsearch.indexer.sources import SourceFile, find_files
from newsearch.models import IndexReport

Progress = Callable[[int, int, int], None]  # files done, files in all, articles written
BATCH_DOCS = 5000  # commit this often: an interrupted run keeps every finished batch
RUN_LOCK = "newsearch.lock"


def indexed_files(reader: Any) -> dict[str, tuple[str, str, int]]:
    """path → (signature, digest, documents) for every file the index holds."""
    out: dict[str, tuple[str, str, int]] = {}
    for key in reader.lexicon("filekey"):
        # The term list keeps the keys of deleted (replaced) documents until segments merge.
        if reader.has_deletions() and not live_docs(reader, "filekey", key):
            continue
        path, sig, digest = key.decode("utf-8").split("\t")
        out[path] = (sig, digest, live_docs(reader, "path", path))
    return out


def live_docs(reader: Any, field: str, term: str) -> int:
    """Documents holding the term, not counting deleted ones (doc_frequency counts those)."""
    if not reader.has_deletions():
        return reader.doc_frequency(field, term)
    ids = reader.postings(field, term).all_ids()
    return sum(1 for docnum in ids if not reader.is_deleted(docnum))


def open_writer(ix: Any, wait: float) -> Any:
    """A writer, waiting up to ``wait`` seconds for another writer to finish."""
    deadline = time.monotonic() + wait
    while True:
        try:
            return ix.writer(limitmb=128)
        except LockError:
            if time.monotonic() >= deadline:
                raise IndexLockedError(
                    f"another indexing run holds the index at {ix.storage.folder} "
                    f"(waited {wait:g} s)"
                ) from None
            time.sleep(0.2)


@contextmanager
def run_lock(folder: str, wait: float) -> Iterator[int]:
    """Hold the index's run lock for a whole indexing run, waiting up to ``wait`` seconds.

    Whoosh's own lock is let go at every batch commit; this one keeps a second run from
    slipping in between batches. flock is released by the kernel if the process dies.
    """
    import fcntl

    fd = os.open(os.path.join(folder, RUN_LOCK), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IndexLockedError(
                        f"another indexing run holds the index at {folder} (waited {wait:g} s)"
                    ) from None
                time.sleep(0.1)
        yield fd
    finally:
        os.close(fd)


class IndexingInterrupted(KeyboardInterrupt):
    """Ctrl-C during indexing; ``report`` says what was committed before it."""

    def __init__(self, report: IndexReport) -> None:
        super().__init__("indexing interrupted")
        self.report = report


def add_files(
    ix: Any,
    paths: Iterable[str | os.PathLike[str]],
    *,
    wait: float = 10.0,
    workers: int | None = None,
    progress: Progress | None = None,
    batch_docs: int = BATCH_DOCS,
    prune: bool = False,
) -> IndexReport:
    """Index files and folders incrementally; a broken file is reported and the rest indexed.

    With ``prune``, articles of files that were indexed from under these paths but are gone
    now are removed.
    """
    paths = [Path(p) for p in paths]
    with run_lock(ix.storage.folder, wait) as lock_fd:
        report = _add_files(ix, paths, wait, workers, progress, batch_docs, lock_fd)
        if prune:
            removed = prune_missing(ix, paths, wait)
            with ix.reader() as reader:
                report = replace(report, removed=removed, documents=reader.doc_count())
        return report


def prune_missing(ix: Any, roots: list[Path], wait: float) -> int:
    """Delete the articles of indexed files under ``roots`` that no longer exist."""
    bases = [str(r.resolve()) for r in roots if r.exists()]
    with ix.reader() as reader:
        known = indexed_files(reader)
    gone = [
        path
        for path in known
        if any(path == b or path.startswith(b.rstrip(os.sep) + os.sep) for b in bases)
        and not os.path.exists(path)
    ]
    if not gone:
        return 0
    writer = open_writer(ix, wait)
    try:
        removed = sum(int(writer.delete_by_term("path", path) or 0) for path in gone)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    return removed


def _add_files(
    ix: Any,
    paths: Iterable[str | os.PathLike[str]],
    wait: float,
    workers: int | None,
    progress: Progress | None,
    batch_docs: int,
    lock_fd: int,
) -> IndexReport:
    started = time.perf_counter()
    files, failures = find_files(paths)
    with ix.reader() as reader:
        known = indexed_files(reader)
        fresh = reader.doc_count_all() == 0
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    todo: list[tuple[SourceFile, str]] = []
    for src in files:
        seen = known.get(src.path)
        if seen and seen[0] == src.signature:
            counts["unchanged"] += seen[2]
        else:
            todo.append((src, seen[1] if seen else ""))
    if progress:
        progress(len(files) - len(todo), len(files), 0)
    workers = workers if workers is not None else min(4, os.cpu_count() or 1)
    writer = None
    pending = 0
    done = len(files) - len(todo)
    committed = dict(counts)  # what an interruption leaves in the index

    def report(interrupted: bool = False) -> IndexReport:
        with ix.reader() as reader:
            total = reader.doc_count()
        got = committed if interrupted else counts
        return IndexReport(
            added=got["added"],
            updated=got["updated"],
            unchanged=got["unchanged"],
            failed=tuple(failures),
            files=len(files),
            seconds=time.perf_counter() - started,
            documents=total,
            interrupted=interrupted,
        )

    clusters = Clusters(ix.storage.folder)
    prepared = run_tasks(todo, workers, lock_fd)
    try:
        for prep in prepared:
            done += prep.last
            failures.extend(prep.failures)
            seen = known.get(prep.src.path)
            if prep.unchanged and seen:
                counts["unchanged"] += seen[2]
            elif prep.docs or seen:
                writer = writer or open_writer(ix, wait)
                if seen and prep.first:
                    writer.delete_by_term("path", prep.src.path)
                outcome = "updated" if seen else "added"
                for doc in prep.docs:
                    writer = writer or open_writer(ix, wait)
                    clusters.assign(doc)
                    # A record id seen in another file replaces that document. Into an index that
                    # started empty only a record repeated in this run could be: the cheap add
                    # keeps both copies, and the clusters fold them into one story.
                    (writer.add_document if fresh else writer.update_document)(**doc)
                    counts[outcome] += 1
                    pending += 1
                    if pending >= batch_docs:  # also inside one big JSON Lines file
                        with deferred_interrupt():
                            writer.commit()
                            writer, pending = None, 0
                            committed = dict(counts)
                            clusters.commit()
                        if progress:
                            progress(done, len(files), counts["added"] + counts["updated"])
            if progress:
                progress(done, len(files), counts["added"] + counts["updated"])
        if writer is not None:
            with deferred_interrupt():
                writer.commit()
                writer = None
                committed = dict(counts)
                clusters.commit()
    except KeyboardInterrupt:
        _cancel(writer)
        writer = None
        raise IndexingInterrupted(report(interrupted=True)) from None
    finally:
        prepared.close()
        clusters.close()
        _cancel(writer)
    return report()


@contextmanager
def deferred_interrupt() -> Iterator[None]:
    """Hold a Ctrl-C until the block is done, so a commit and its bookkeeping go together."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signals are only delivered to the main thread anyway
        return
    caught: list[object] = []
    previous = signal.signal(signal.SIGINT, lambda *args: caught.append(args))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if caught:
            raise KeyboardInterrupt


def _cancel(writer: Any) -> None:
    # Ctrl-C can land just after a commit closed the writer: nothing is left to cancel then.
    if writer is not None and not writer.is_closed:
        writer.cancel()
