"""Incremental, batched, parallel writing of files into a Whoosh index; returns an IndexReport."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from whoosh.index import LockError

from newsearch.errors import IndexLockedError, NewsearchError, SourceError
from newsearch.indexer.extract import extract
from newsearch.indexer.sources import RawDoc, SourceFile, find_files, load
from newsearch.models import Article, Failure, IndexReport

Progress = Callable[[int, int], None]
BATCH_DOCS = 5000  # commit this often: an interrupted run keeps every finished batch
PARALLEL_MIN_FILES = 64  # below this a worker pool costs more than it saves


@dataclass
class Prepared:
    """One file after reading and cleaning, ready for the writer."""

    src: SourceFile
    digest: str = ""
    docs: list[dict[str, Any]] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    unchanged: bool = False


def article_fields(raw: RawDoc, art: Article) -> dict[str, Any]:
    """The Whoosh fields for one cleaned article."""
    published = art.published
    fields: dict[str, Any] = {
        "id": raw.id,
        "path": raw.path,
        "title": art.title,
        "body": art.body,
        "authors": ",".join(a.replace(",", " ") for a in art.authors),
        "tags": ",".join(t.replace(",", " ") for t in art.tags),
        "source": art.site.replace(",", " "),
        "site": art.site,
        "url": art.url,
    }
    if published is not None:
        fields["published_text"] = published.isoformat()
        if published.tzinfo is not None:
            # Range queries and sorting compare instants, so store UTC without a zone.
            published = published.astimezone(UTC).replace(tzinfo=None)
        fields["published"] = published
    return fields


def prepare(src: SourceFile, known_digest: str = "") -> Prepared:
    """Read and clean one file (runs in a worker process); unchanged content is skipped early."""
    out = Prepared(src)
    try:
        with open(src.path, "rb") as fh:
            out.digest = hashlib.blake2b(fh.read(), digest_size=16).hexdigest()
    except OSError as exc:
        out.failures.append(Failure(src.path, f"cannot read: {exc.strerror or exc}"))
        return out
    if known_digest and known_digest == out.digest:
        out.unchanged = True
        return out
    try:
        raws, out.failures = load(src)
    except SourceError as exc:
        out.failures.append(Failure(src.path, str(exc).removeprefix(src.path + ": ")))
        return out
    for raw in raws:
        where = raw.path if raw.id.startswith(raw.path) else f"{raw.path} [{raw.id}]"
        try:
            art = extract(raw.content, kind=raw.kind, meta=raw.meta)
        except NewsearchError as exc:
            out.failures.append(Failure(where, str(exc)))
            continue
        if not art.body.strip() and not art.title.strip():
            out.failures.append(Failure(where, "no article text left after cleaning"))
            continue
        fields = article_fields(raw, art)
        fields["filekey"] = f"{src.path}\t{src.signature}\t{out.digest}"
        out.docs.append(fields)
    return out


def indexed_files(reader: Any) -> dict[str, tuple[str, str, int]]:
    """path → (signature, digest, documents) for every file the index holds."""
    out: dict[str, tuple[str, str, int]] = {}
    for key in reader.lexicon("filekey"):
        path, sig, digest = key.decode("utf-8").split("\t")
        out[path] = (sig, digest, reader.doc_frequency("path", path))
    return out


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


def _prepared(todo: list[tuple[SourceFile, str]], workers: int) -> Iterator[Prepared]:
    if workers <= 1 or len(todo) < PARALLEL_MIN_FILES:
        for src, digest in todo:
            yield prepare(src, digest)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        srcs = [s for s, _ in todo]
        digests = [d for _, d in todo]
        yield from pool.map(prepare, srcs, digests, chunksize=8)


def add_files(
    ix: Any,
    paths: Iterable[str | os.PathLike[str]],
    *,
    wait: float = 10.0,
    workers: int | None = None,
    progress: Progress | None = None,
    batch_docs: int = BATCH_DOCS,
) -> IndexReport:
    """Index files and folders incrementally; a broken file is reported and the rest indexed."""
    started = time.perf_counter()
    files, failures = find_files(paths)
    with ix.reader() as reader:
        known = indexed_files(reader)
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    todo: list[tuple[SourceFile, str]] = []
    for src in files:
        seen = known.get(src.path)
        if seen and seen[0] == src.signature:
            counts["unchanged"] += seen[2]
        else:
            todo.append((src, seen[1] if seen else ""))
    if progress:
        progress(len(files) - len(todo), len(files))
    workers = workers if workers is not None else min(4, os.cpu_count() or 1)
    writer = None
    pending = 0
    done = len(files) - len(todo)
    try:
        for prep in _prepared(todo, workers):
            done += 1
            failures.extend(prep.failures)
            seen = known.get(prep.src.path)
            if prep.unchanged and seen:
                counts["unchanged"] += seen[2]
            elif prep.docs or seen:
                writer = writer or open_writer(ix, wait)
                if seen:
                    writer.delete_by_term("path", prep.src.path)
                for doc in prep.docs:
                    # A record id seen in another file replaces that document: ids stay unique.
                    writer.update_document(**doc)
                counts["updated" if seen else "added"] += len(prep.docs)
                pending += len(prep.docs) + 1
            if writer is not None and pending >= batch_docs:
                writer.commit()
                writer, pending = None, 0
            if progress:
                progress(done, len(files))
        if writer is not None:
            writer.commit()
            writer = None
    finally:
        if writer is not None:
            writer.cancel()
    with ix.reader() as reader:
        total = reader.doc_count()
    return IndexReport(
        added=counts["added"],
        updated=counts["updated"],
        unchanged=counts["unchanged"],
        failed=tuple(failures),
        files=len(files),
        seconds=time.perf_counter() - started,
        documents=total,
    )


def now_iso() -> str:
    """The current UTC time, for the manifest."""
    return datetime.now(UTC).isoformat(timespec="seconds")
