"""The Whoosh engine's writer alone: articles prepared once, then written in batches of 5,000.

Usage: python benchmarks/write_only.py [FILE] [--runs 2]

FILE (default: Reuters as JSON Lines in ../shared/data/corpora) is read and cleaned once by the
extraction workers, as `add_files` does; then each writer indexes the same IndexedDocs into a
fresh folder and its CPU seconds are printed: newsearch's bulk writer (the engine's own, what
indexing uses) and Whoosh's SegmentWriter given the same fields. The writer process is the
serial stage of indexing, so this is the part of it that parallel extraction cannot hide.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from newsearch.engines.whoosh import bulkwrite, schema
from newsearch.indexer.prepare import run
from newsearch.indexer.sources import find_files

BATCH = 5000  # indexer.writer.BATCH_DOCS


def prepared(path: Path) -> list:
    """The IndexedDocs add_files would hand the writer (title and body analysed)."""
    files, _ = find_files([path])
    return [doc for prep in run([(f, "") for f in files], workers=2) for doc in prep.docs]


def write(docs: list, writer: type, folder: str) -> float:
    """CPU seconds to write ``docs`` with ``writer`` into a new Whoosh index in ``folder``."""
    from whoosh import index

    ix = index.create_in(folder, schema.build_schema())
    started = time.process_time()
    for at in range(0, len(docs), BATCH):
        w = writer(ix, limitmb=128)
        for doc in docs[at : at + BATCH]:
            w.add_document(**schema.to_fields(doc))
        w.commit()
    return time.process_time() - started


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    default = Path(__file__).resolve().parents[2] / "shared/data/corpora/reuters21578/docs.jsonl"
    ap.add_argument("file", nargs="?", type=Path, default=default)
    ap.add_argument("--runs", type=int, default=2)
    a = ap.parse_args(argv)
    if not a.file.exists():
        print(f"no {a.file}", file=sys.stderr)
        return 1
    docs = prepared(a.file)
    from whoosh.writing import SegmentWriter

    writers = (
        ("whoosh SegmentWriter", SegmentWriter),
        ("bulk writer", bulkwrite.BulkSegmentWriter),
    )
    for name, writer in writers:
        secs = []
        for _ in range(a.runs):
            with tempfile.TemporaryDirectory() as tmp:
                secs.append(write(docs, writer, tmp))
        runs = ", ".join(f"{s:.2f}" for s in secs)
        print(
            f"{name}: {len(docs):,} articles, median CPU {statistics.median(secs):.2f} s ({runs})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
