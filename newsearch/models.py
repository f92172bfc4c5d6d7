"""The plain frozen dataclasses newsearch hands out: nothing from Whoosh leaks through them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from newsearch.errors import QueryError
from newsearch.indexer.raw import own_id


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
class Contribution:
    """One matched word of a hit: the stem it matched, where, and its share of the score."""

    word: str
    term: str
    # "title", "body", or "title+body" for a plain word, whose frequency counts the title twice.
    field: str
    frequency: float
    score: float


@dataclass(frozen=True)
class Fragment:
    """A piece of an article's text shown for a hit, and where the matched words are in it."""

    text: str  # exactly body[start:start + len(text)]
    start: int
    highlights: tuple[tuple[int, int], ...] = ()  # (start, end) within text


class _RecordId:
    """``record_id`` for a result that has an ``id``."""

    id: str

    @property
    def record_id(self) -> str:
        """The id the record carried in its dump (``id`` without its file's key)."""
        return own_id(self.id)


@dataclass(frozen=True)
class Hit(_RecordId):
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
    fragments: tuple[Fragment, ...] = ()
    similar: int = 0  # other copies of this story (near-duplicates) shown once, under this hit
    tags: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    story: str = ""  # the key every copy of this story shares (search with collapse=False)


@dataclass(frozen=True)
class SearchResults:
    """A page of ranked hits and how many matched in all."""

    query: str
    total: int
    hits: tuple[Hit, ...]
    parsed: str = ""
    strict: bool = True  # False when the text could not be parsed as syntax and was read as words
    suggestion: str | None = None  # "Did you mean" for a query that looks misspelled
    corrections: dict[str, str] = field(default_factory=dict)  # typed word -> suggested word
    since: datetime | None = None  # the date range applied, from options and the query text
    until: datetime | None = None
    dates: tuple[str, ...] = ()  # date clauses found in the query text ("last week", "date:2017")
    facets: dict[str, dict[str, int]] = field(default_factory=dict)  # source/year/tag -> counts
    collapsed: int = 0  # near-duplicate copies folded into the hits shown
    notice: str | None = None  # why nothing was searched for ("the", "🎉"), when nothing was

    def __iter__(self) -> Iterator[Hit]:  # noqa: D105 - iterating results means iterating hits
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
    skipped: tuple[Failure, ...] = ()  # left out on purpose (a README, a non-feed .xml …), why

    @property
    def indexed(self) -> int:
        """Documents written in this run (added plus updated)."""
        return self.added + self.updated


@dataclass(frozen=True)
class StoredArticle(_RecordId):
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


@dataclass(frozen=True)
class SearchOptions:
    """What a search asks for besides its text: NewsIndex.search takes these as keywords."""

    limit: int = 10  # hits per page
    page: int = 1
    explain: bool = False  # per hit: which words matched where, for how much
    snippets: bool = True
    sort: str = "relevance"  # or "newest", "oldest" (undated articles last)
    since: str | date | None = None  # "2017", "2017-09", "2017-09-23", an ISO time or a date
    until: str | date | None = None  # inclusive: "2017" runs to its last moment
    source: str | None = None  # only articles whose source, tag or author holds these words
    tag: str | None = None
    author: str | None = None
    asof: str | date | None = None  # "today" for "last week" (default: the newest article)
    collapse: bool = True  # copies of one story shown once (Hit.similar counts the rest)
    facets: bool = False  # counts per source, year and tag
    suggest: bool = True  # "Did you mean" for words that look misspelled
    date_clauses: bool = True  # read "last week", "date:2017" in the text as dates
    expand: bool = False  # add the top articles' commonest words (query.expand): a 2nd search

    def __post_init__(self) -> None:
        for name in ("limit", "page"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise QueryError(
                    f"{name} must be a whole number of at least 1, not {value!r}",
                    hint=f"Pass {name}=1 or more.",
                )
