"""The extraction side of indexing: read and clean files in worker processes, for the writer.

Plain files are one task each. JSON Lines files are streamed a chunk of lines at a time, so a
dump of any size takes bounded memory and its chunks spread over the workers.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import sys
import zlib
from collections import deque
from collections.abc import Generator, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace

from newsearch.engine import FileMark, IndexedDoc
from newsearch.errors import NewsearchError, SourceError
from newsearch.indexer import dedup
from newsearch.indexer.extract import extract
from newsearch.indexer.raw import own_id
from newsearch.indexer.sitename import fallback_site
from newsearch.indexer.sources import (
    RawDoc,
    SourceFile,
    file_digest,
    file_id,
    line_chunks,
    load,
    record_lines,
    streams,
)
from newsearch.indexer.terms import analyze
from newsearch.models import Article, Failure

PARALLEL_MIN_FILES = 64  # below this a worker pool costs more than it saves
PARALLEL_MIN_BYTES = 4 * 2**20  # …unless one streamed file alone is this big
# No news article is this long; such a file is a dump or a log, and would stall the writer.
MAX_ARTICLE_CHARS = 8 * 2**20
IN_FLIGHT = 4  # tasks queued per worker: enough to keep them busy, few enough to bound memory
WORKER_NICE = 10  # below the writer process (worker_init)
BATCH = 16  # small files sent to a worker together


@dataclass(frozen=True)
class Task:
    """A file to clean, or one chunk of numbered lines of a JSON Lines file."""

    src: SourceFile
    digest: str  # the indexed content hash (whole files) or this content's hash (chunks)
    lines: tuple[tuple[int, bytes], ...] | None = None
    first: bool = True
    last: bool = True
    upto: int = 0  # bytes of the file on disk read through this task (0: not known)


@dataclass
class Prepared:
    """A task's result: cleaned articles as engine-neutral documents, and what failed."""

    src: SourceFile
    digest: str = ""
    docs: list[IndexedDoc] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    unchanged: bool = False
    first: bool = True
    last: bool = True
    upto: int = 0  # as Task.upto: what the progress line's ETA is counted in


def indexed_doc(raw: RawDoc, art: Article) -> IndexedDoc:
    """The engine-neutral document for one cleaned article."""
    # Fingerprinted here, in the worker: the writer only compares them (indexer.clusters).
    # The removed pieces stay behind: nothing downstream reads them, and they would double
    # what crosses the process boundary.
    site = art.site or fallback_site(raw.path, art.url, raw.id != file_id(raw.path))
    art = replace(art, removed=(), site=site)
    return IndexedDoc(
        raw.id,
        raw.path,
        art,
        fingerprint=dedup.fingerprint(art.body),
        digest=content_digest(art),
        terms=(analyze(art.title), analyze(art.body)),
    )


def content_digest(art: Article) -> str:
    """A hash of everything stored of a cleaned article: equal when a re-read changed nothing."""
    parts = (art.title, art.body, art.published, art.authors, art.tags, art.site, art.url)
    return hashlib.blake2b(repr(parts).encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def prepare(task: Task) -> Prepared:
    """Read and clean one task (runs in a worker process); unchanged content is skipped early."""
    src = task.src
    out = Prepared(src, task.digest, first=task.first, last=task.last, upto=task.upto)
    if task.lines is not None:
        raws, out.failures = record_lines(src.path, task.lines)
    else:
        try:
            out.digest = file_digest(src.path)
        except OSError as exc:
            out.failures.append(Failure(src.path, f"cannot read: {exc.strerror or exc}"))
            return out
        if task.digest and task.digest == out.digest:
            out.unchanged = True
            return out
        try:
            raws, out.failures = load(src)
        except SourceError as exc:
            out.failures.append(Failure(src.path, str(exc).removeprefix(src.path + ": ")))
            return out
    for raw in raws:
        _clean(raw, out)
    if out.docs and task.last:
        # Only the file's last article says "this file is indexed": a run stopped inside a big
        # file leaves it unmarked, so the next run redoes it (ids make that replace, not add).
        out.docs[-1] = replace(out.docs[-1], mark=FileMark(src.signature, out.digest))
    return out


def _clean(raw: RawDoc, out: Prepared) -> None:
    where = raw.path if raw.id == file_id(raw.path) else f"{raw.path} [{own_id(raw.id)}]"
    if len(raw.content) > MAX_ARTICLE_CHARS:
        size = len(raw.content) / 2**20
        out.failures.append(Failure(where, f"{size:.0f} MB of text is not one article"))
        return
    try:
        art = extract(raw.content, kind=raw.kind, meta=raw.meta)
    except NewsearchError as exc:
        out.failures.append(Failure(where, str(exc)))
        return
    except RecursionError:
        # Input nested past what the cleaning stages handle: that record fails, the run goes on.
        out.failures.append(Failure(where, "nested too deeply to clean"))
        return
    if not art.body.strip() and not art.title.strip():
        out.failures.append(Failure(where, "no article text left after cleaning"))
        return
    out.docs.append(indexed_doc(raw, art))


def tasks(todo: list[tuple[SourceFile, str]]) -> Iterator[Task | Prepared]:
    """The work for these files; a streamed file's own trouble comes back as a Prepared."""
    for src, known in todo:
        if not streams(src):
            yield Task(src, known)
            continue
        try:
            digest = file_digest(src.path)
        except OSError as exc:
            reason = f"cannot read: {exc.strerror or exc}"
            yield Prepared(src, failures=[Failure(src.path, reason)])
            continue
        if known and known == digest:
            yield Prepared(src, digest, unchanged=True)
            continue
        yield from _chunks(src, digest)


def _chunks(src: SourceFile, digest: str) -> Iterator[Task | Prepared]:
    from newsearch.indexer.sources import JSON_SUFFIXES, base_suffix, record_chunks

    previous, first, upto, read = None, True, 0, 0
    # JSON Lines are read here line by line; archives by their own reader (numbered records).
    lines = base_suffix(src.path) in JSON_SUFFIXES
    reader = line_chunks if lines else record_chunks
    scale = disk_per_byte(src) if lines else 0.0  # an archive's records are not its bytes
    try:
        for chunk in reader(src.path):
            if previous is not None:
                yield Task(src, digest, tuple(previous), first=first, last=False, upto=upto)
                first = False
            read += sum(len(line) for _, line in chunk)
            previous, upto = chunk, min(int(read * scale), src.size)
    except (OSError, EOFError, zlib.error, SourceError) as exc:
        # A truncated .gz or archive: what was read is indexed; the rest is reported.
        reason = getattr(exc, "strerror", None) or str(exc).removeprefix(src.path + ": ")
        if previous is not None:
            yield Task(src, digest, tuple(previous), first=first, last=False, upto=upto)
            first = False
            reason = f"cannot read all of it: {reason}"
        yield Prepared(src, failures=[Failure(src.path, reason)], first=first)
        return
    if previous is None:
        yield Prepared(src, failures=[Failure(src.path, "empty file")])
    else:
        yield Task(src, digest, tuple(previous), first=first, last=True)


def disk_per_byte(src: SourceFile) -> float:
    """Bytes on disk per byte read: 1 for a plain file; a .gz's from its trailer (0: unknown)."""
    if not src.path.lower().endswith(".gz"):
        return 1.0
    try:
        with open(src.path, "rb") as fh:
            fh.seek(-4, os.SEEK_END)
            inflated = int.from_bytes(fh.read(4), "little")  # ISIZE: the size mod 2**32
    except OSError:
        return 0.0
    # Smaller than the file: past 4 GB (wrapped) or many members; the ETA waits for the end.
    return src.size / inflated if inflated >= src.size else 0.0


def worker_init(lock_fd: int, parent: int) -> None:
    """Set up an extraction worker: it dies with its parent and holds none of its locks."""
    # Ctrl-C is the parent's to handle: it cancels the open batch and keeps what is committed.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The writer is the slower stage (Reuters: 29.8 s of CPU, the workers 27.5 together):
    # sharing 2 cores three ways slowed it. With the workers below its priority it runs
    # whenever it has work, and they take what is left (35.9 -> 32.2 s, /tmp/ixp/timeline.py).
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICE)
    if lock_fd >= 0:
        # A forked copy of the run lock would keep the index locked after the parent is killed.
        os.close(lock_fd)
    if sys.platform.startswith("linux"):
        import ctypes

        # Without this, workers of a SIGKILLed run live on as orphans, blocked on their queue.
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(0)  # the parent died before the line above could take effect


def run(
    todo: list[tuple[SourceFile, str]], workers: int, lock_fd: int = -1
) -> Generator[Prepared, None, None]:
    """Prepared results in file order, from worker processes when the work is big enough."""
    big = sum(src.size for src, _ in todo if streams(src)) >= PARALLEL_MIN_BYTES
    if workers <= 1 or (len(todo) < PARALLEL_MIN_FILES and not big):
        for item in tasks(todo):
            yield prepare(item) if isinstance(item, Task) else item
        return
    pool = ProcessPoolExecutor(
        max_workers=workers, initializer=worker_init, initargs=(lock_fd, os.getpid())
    )
    try:
        yield from _in_order(pool, tasks(todo), workers * IN_FLIGHT)
    finally:
        # On Ctrl-C or an error, queued work is dropped instead of being finished first.
        pool.shutdown(wait=False, cancel_futures=True)


def prepare_batch(batch: list[Task]) -> list[Prepared]:
    """Several small tasks in one round trip to a worker."""
    return [prepare(task) for task in batch]


def _in_order(
    pool: ProcessPoolExecutor, items: Iterable[Task | Prepared], window: int
) -> Iterator[Prepared]:
    queue: deque[Future[list[Prepared]] | list[Prepared]] = deque()
    batch: list[Task] = []

    def flush() -> None:
        if batch:
            queue.append(pool.submit(prepare_batch, batch.copy()))
            batch.clear()

    for item in items:
        if isinstance(item, Prepared):
            flush()
            queue.append([item])
        elif item.lines is None:
            # Whole small files go BATCH at a time: one pickle round trip each costs more than
            # cleaning a short article.
            batch.append(item)
            if len(batch) >= BATCH:
                flush()
        else:
            flush()
            queue.append(pool.submit(prepare_batch, [item]))
        while len(queue) >= window:
            yield from _result(queue.popleft())
    flush()
    while queue:
        yield from _result(queue.popleft())


def _result(item: Future[list[Prepared]] | list[Prepared]) -> list[Prepared]:
    return item.result() if isinstance(item, Future) else item
