"""The dataclasses of building an index: cleaned articles, run reports and index stats.

newsearch.models hands them out too; they live here so that a search, which makes none, does
not pay for making these seven classes (2.6 ms of a fresh `newsearch query`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Removed:
    """One stripped piece of a raw document and why it went."""

    text: str
    reason: str


@dataclass(frozen=True)
class Piece:
    """One block of a raw document, in order: kept (``reason`` empty) or stripped, and why."""

    text: str
    reason: str = ""


@dataclass(frozen=True)
class Article:
    """A cleaned article: the text to index and its metadata."""

    title: str
    body: str
    published: datetime | None = None
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    site: str = ""
    url: str = ""
    removed: tuple[Removed, ...] = ()
    modified: datetime | None = None


@dataclass(frozen=True)
class Failure:
    """A file (or a line in it) that could not be indexed, and why."""

    path: str
    reason: str


@dataclass(frozen=True)
class IndexReport:
    """What one add_files run did: counts per outcome, failures with reasons."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    failed: tuple[Failure, ...] = ()
    files: int = 0
    seconds: float = 0.0
    documents: int = 0
    interrupted: bool = False
    skipped: tuple[Failure, ...] = ()  # left out on purpose (a README, a non-feed .xml …), why

    @property
    def indexed(self) -> int:
        """Documents written in this run (added plus updated)."""
        return self.added + self.updated


@dataclass(frozen=True)
class IndexProgress:
    """How far an indexing run is, for a progress line: files, their bytes, articles written."""

    files_done: int
    files: int
    bytes_done: int  # of the files to read this run (unchanged ones are not counted)
    bytes: int
    articles: int


@dataclass(frozen=True)
class IndexStats:
    """What an index holds."""

    path: str
    documents: int
    files: int
    newest: datetime | None
    oldest: datetime | None
    sources: dict[str, int] = field(default_factory=dict)
    settings: dict[str, object] = field(default_factory=dict)
