"""The plain frozen dataclasses newsearch hands out: nothing from Whoosh leaks through them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Removed:
    """One stripped piece of a raw document and why it went."""

    text: str
    reason: str


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
class Contribution:
    """One matched word of a hit: the stem it matched, where, and its share of the score."""

    word: str
    term: str
    field: str
    frequency: float
    score: float


@dataclass(frozen=True)
class Hit:
    """One ranked search result."""

    rank: int
    id: str
    title: str
    score: float
    snippet: str
    published: datetime | None
    source: str
    url: str = ""
    explanation: tuple[Contribution, ...] = ()


@dataclass(frozen=True)
class SearchResults:
    """A page of ranked hits and how many matched in all."""

    query: str
    total: int
    hits: tuple[Hit, ...]
    parsed: str = ""

    def __iter__(self):  # noqa: D105 - iterating results means iterating hits
        return iter(self.hits)

    def __len__(self) -> int:
        return len(self.hits)


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

    @property
    def indexed(self) -> int:
        """Documents written in this run (added plus updated)."""
        return self.added + self.updated


@dataclass(frozen=True)
class StoredArticle:
    """An article as the index holds it, for `show`."""

    id: str
    title: str
    body: str
    published: datetime | None
    authors: tuple[str, ...]
    tags: tuple[str, ...]
    site: str
    url: str
    path: str


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
