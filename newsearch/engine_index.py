"""The engine seam's types for indexing and bookkeeping: documents in, files and counts out.

newsearch.engine hands them out too; they live here so that a search, which makes none, does
not pay for making them (1.3 ms of a fresh `newsearch query`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsearch.index_models import Article


@dataclass(frozen=True)
class FileMark:
    """What the index knows of an indexed file: its signature, content digest, articles."""

    signature: str
    digest: str
    documents: int = 0


@dataclass(frozen=True)
class IndexedDoc:
    """The engine-neutral document: what every engine stores for one article."""

    id: str
    source: str  # the file (or stream) it came from, so a changed file's articles are replaced
    article: Article
    fingerprint: bytes | None = None  # MinHash (indexer.dedup), for near-duplicate stories
    story: str = ""  # set by the writer (indexer.clusters)
    mark: FileMark | None = None  # on a file's last article: the file is wholly indexed
    # The cleaned article's content hash: when a changed dump is re-read, its records that did
    # not change are told apart (counted unchanged, not rewritten) from those that did.
    digest: str = ""
    # Title and body as indexer.terms.analyze turns them into terms, when the extraction worker
    # has done it: analysis moved off the single writer process, the indexing bottleneck
    # (Reuters, 21,578 articles: ~3 of its 20 CPU seconds). None: the engine analyses them.
    terms: tuple[list[str], list[str]] | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class EngineStats:
    """Counts an engine keeps."""

    documents: int
    files: int
    sources: dict[str, int]
    oldest: datetime | None
    newest: datetime | None
