"""The plain frozen dataclasses newsearch hands out: nothing from Whoosh leaks through them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from newsearch.errors import QueryError

# Made when first asked for (newsearch.index_models): a search makes none of them.
INDEXING = ("Article", "Failure", "IndexProgress", "IndexReport", "IndexStats", "Piece", "Removed")
if TYPE_CHECKING:
    from newsearch.index_models import Article as Article
    from newsearch.index_models import Failure as Failure
    from newsearch.index_models import IndexProgress as IndexProgress
    from newsearch.index_models import IndexReport as IndexReport
    from newsearch.index_models import IndexStats as IndexStats
    from newsearch.index_models import Piece as Piece
    from newsearch.index_models import Removed as Removed
else:

    def __getattr__(name: str) -> Any:
        if name in INDEXING:
            from newsearch import index_models

            return getattr(index_models, name)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
        # Here: indexer.raw (its dataclasses) costs a query that never asks ~1 ms.
        from newsearch.indexer.raw import own_id

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
