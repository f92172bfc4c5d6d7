"""The engine seam: what newsearch asks of a search engine, in newsearch's own types.

Nothing here imports an engine. query/ turns a query string into the nodes below and a
SearchRequest; an engine (newsearch/engines/<name>/) answers it with a Page. The protocol is
feature-level (filters, sort, collapse, facets in one request), so a cluster can do them on
the server. A second engine implements ``Engine`` and ``EngineWriter`` and passes the contract
suite (tests/contract/).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

from newsearch.models import StoredArticle

# Made when first asked for (newsearch.engine_index): a search makes none of them.
INDEXING = ("EngineStats", "FileMark", "IndexedDoc")
if TYPE_CHECKING:
    from newsearch.engine_index import EngineStats as EngineStats
    from newsearch.engine_index import FileMark as FileMark
    from newsearch.engine_index import IndexedDoc as IndexedDoc
else:

    def __getattr__(name: str) -> Any:
        if name in INDEXING:
            from newsearch import engine_index

            return getattr(engine_index, name)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

# ---------------------------------------------------------------- query nodes


@dataclass(frozen=True)
class Term:
    """One index term in one field (already analysed: a stem for title/body)."""

    field: str
    text: str
    boost: float = 1.0


@dataclass(frozen=True)
class Phrase:
    """Index terms in order; ``slop`` other words may stand between them."""

    field: str
    terms: tuple[str, ...]
    slop: int = 0
    boost: float = 1.0


@dataclass(frozen=True)
class Prefix:
    """Every term of the field that starts with ``text``."""

    field: str
    text: str
    boost: float = 1.0


@dataclass(frozen=True)
class Wildcard:
    """Terms matching a pattern of ``*`` (any run) and ``?`` (one character)."""

    field: str
    pattern: str
    boost: float = 1.0


@dataclass(frozen=True)
class Fuzzy:
    """Terms within ``maxdist`` edits of ``text`` (the word folded, not stemmed)."""

    field: str
    text: str
    maxdist: int = 1
    prefix: int = 0
    boost: float = 1.0


@dataclass(frozen=True)
class Every:
    """Every article."""


@dataclass(frozen=True)
class Nothing:
    """No article (a query of stop words only)."""


@dataclass(frozen=True)
class DateRange:
    """Published within [start, end], inclusive; UTC without a zone; None is open."""

    start: datetime | None
    end: datetime | None


@dataclass(frozen=True)
class Bool:
    """All of ``must``, none of ``must_not``; ``should`` adds score, and is required (any one
    of it) when there is no ``must``. ``coord`` (0-1) ranks articles matching more of the
    ``should`` clauses higher (Whoosh's "scale", Lucene's coordination factor)."""

    must: tuple[Node, ...] = ()
    should: tuple[Node, ...] = ()
    must_not: tuple[Node, ...] = ()
    boost: float = 1.0
    coord: float | None = None


Node: TypeAlias = Term | Phrase | Prefix | Wildcard | Fuzzy | Every | Nothing | DateRange | Bool
# Field names of the query language; fielded nodes carry one of these.
TEXT_FIELDS = ("title", "body")
NAME_FIELDS = ("source", "authors", "tags")
# Title and body as one field of term frequencies, what a plain word is matched and scored on
# (one BM25 over one length, as Lucene and bm25s score). Not in the query language: a word with
# no field goes here, `title:` and `body:` and phrases go to their own fields. Against BM25F
# summed over title and body (issue 14, nDCG@10 / MAP): CISI .387/.226 → .415/.233 (p .046),
# CACM .485/.327 → .521/.353 (p .027), Cranfield .374/.310 → .378/.317; no titles: TIME and MED
# the same.
COMBINED = "text"
# A title counts twice in it: once CISI .412, CACM .509, Cranfield .371; three times .411,
# .520, .383 (nDCG@10); twice is best or within .002 on all three collections with titles.
TITLE_REPEAT = 2


def combined_terms(title: list[str], body: list[str]) -> list[str]:
    """The terms of the combined field: the title's TITLE_REPEAT times, then the body's."""
    return title * TITLE_REPEAT + body


def leaves(node: Node) -> Iterator[Node]:
    """Every leaf of a query tree, negated ones included."""
    if isinstance(node, Bool):
        for child in (*node.must, *node.should, *node.must_not):
            yield from leaves(child)
    else:
        yield node


def describe(node: Node) -> str:
    """A query tree as text, for `--json`'s "parsed" and for people debugging a query."""
    if isinstance(node, Term):
        # A word on the combined field is what a bare word means in the query language.
        field = "" if node.field == COMBINED else node.field + ":"
        return f"{field}{node.text}" + _boost(node.boost)
    if isinstance(node, Phrase):
        slop = f"~{node.slop}" if node.slop else ""
        return f'{node.field}:"{" ".join(node.terms)}"{slop}' + _boost(node.boost)
    if isinstance(node, Prefix):
        return f"{node.field}:{node.text}*" + _boost(node.boost)
    if isinstance(node, Wildcard):
        return f"{node.field}:{node.pattern}" + _boost(node.boost)
    if isinstance(node, Fuzzy):
        return f"{node.field}:{node.text}~{node.maxdist}" + _boost(node.boost)
    if isinstance(node, Every):
        return "*"
    if isinstance(node, Nothing):
        return "<nothing>"
    if isinstance(node, DateRange):
        return f"published:[{_day(node.start)} TO {_day(node.end)}]"
    parts = []
    if node.must:
        parts.append(" AND ".join(describe(c) for c in node.must))
    if node.should:
        ors = " OR ".join(describe(c) for c in node.should)
        parts.append(f"({ors})" if node.must else ors)
    text = " ANDMAYBE ".join(parts) if len(parts) > 1 else (parts[0] if parts else "*")
    if node.must_not:
        text += " ANDNOT (" + " OR ".join(describe(c) for c in node.must_not) + ")"
    return f"({text})" + _boost(node.boost)


def _boost(boost: float) -> str:
    return f"^{boost:g}" if boost != 1.0 else ""


def _day(when: datetime | None) -> str:
    return when.isoformat() if when else ""


# ---------------------------------------------------------------- requests and answers

SORTS = ("relevance", "newest", "oldest")


@dataclass(frozen=True)
class Filters:
    """What every hit must also be: published in range, from a source, with a tag, by an author.

    Names are given as their terms (indexer.terms.name_terms) and match as a phrase, so
    ``--source bbc`` finds "BBC News".
    """

    since: datetime | None = None
    until: datetime | None = None
    source: tuple[str, ...] = ()
    tag: tuple[str, ...] = ()
    author: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.since or self.until or self.source or self.tag or self.author)


@dataclass(frozen=True)
class SearchRequest:
    """One page of a search, as the planner (query.plan) hands it to an engine."""

    query: Node
    filters: Filters = Filters()
    sort: str = "relevance"  # one of SORTS; undated articles go last under newest/oldest
    offset: int = 0
    limit: int = 10
    first: Node | None = None  # articles matching this rank above the rest (all words first)
    collapse: bool = True  # one hit per story; Match.copies counts the others
    facets: bool = False


@dataclass(frozen=True)
class Match:
    """One hit as an engine found it."""

    article: StoredArticle
    score: float
    story: str = ""  # the key shared by near-duplicate copies (indexer.clusters)
    copies: int = 0  # other copies of the story among the filtered matches, when collapsing


@dataclass(frozen=True)
class Page:
    """The matches of one page, how many matched in all, and facet counts when asked."""

    matches: tuple[Match, ...]
    total: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class TermScore:
    """A matched (field, term) of one hit: its frequency there and its share of the score."""

    field: str
    term: str
    frequency: float
    score: float


# ---------------------------------------------------------------- the protocol


class EngineWriter(Protocol):
    """One writing session: add and delete, then commit (or cancel) as one batch."""

    def add(self, doc: IndexedDoc, replace: bool = True) -> None:
        """Add a document: one added before in this session with the same id is replaced,
        and with ``replace`` a committed one too."""

    def delete(self, doc_id: str) -> int:
        """Delete the document with this id; how many were deleted."""

    def delete_source(self, source: str, keep: frozenset[str] = frozenset()) -> int:
        """Delete the documents of one source file but those with ids in ``keep``; how many."""

    def commit(self) -> None:
        """Make the batch visible and durable."""

    def cancel(self) -> None:
        """Drop the batch."""


class Engine(Protocol):
    """A search engine behind NewsIndex. Safe to search from many threads."""

    location: str

    def search(self, request: SearchRequest) -> Page:
        """One page of ranked (or date-sorted) matches for a request."""

    def more_like(
        self, doc_id: str, limit: int, collapse: bool
    ) -> tuple[tuple[Match, ...], int, tuple[str, ...]]:
        """Articles sharing this one's distinctive terms (its copies left out), the number that
        matched, and the terms."""

    def expand(self, query: Node) -> set[tuple[str, str]]:
        """Every (field, term) the query can match, wildcards and fuzzy words expanded."""

    def explain(self, query: Node, doc_id: str) -> tuple[TermScore, ...]:
        """The share of each matched (field, term) in one article's score."""

    def get(self, doc_id: str) -> StoredArticle | None:
        """One stored article, or None."""

    def articles(self) -> Iterator[StoredArticle]:
        """Every stored article."""

    def stats(self) -> EngineStats:
        """Counts, sources (most articles first) and the date range."""

    def count(self) -> int:
        """How many articles the index holds."""

    def settings(self) -> dict[str, object]:
        """What built the index (format, analysis settings), as its manifest says."""

    def newest(self) -> datetime | None:
        """The newest publication date (what "last week" counts back from)."""

    def doc_frequencies(self, field: str, terms: Collection[str]) -> dict[str, int]:
        """How many articles hold each term in the field, asked in one go (one round trip)."""

    def terms_with_prefix(self, field: str, prefix: str) -> Iterator[str]:
        """The field's terms that start with ``prefix``, in order."""

    def sample_texts(self, field: str, term: str, limit: int) -> Iterator[str]:
        """The body text of up to ``limit`` articles holding the term (how it is written)."""

    def file_articles(self, source: str) -> dict[str, str]:
        """id → content digest of the committed articles of one source file."""

    def catalog(self) -> dict[str, FileMark]:
        """source path → what is indexed of it."""

    def stories(self) -> Iterator[tuple[str, str, bytes | None]]:
        """(id, story, fingerprint) of every article, to rebuild the near-duplicate store."""

    def generation(self) -> int:
        """A number that changes with every commit."""

    def lock(self, wait: float) -> AbstractContextManager[int]:
        """Hold the index's run lock for a whole indexing run (IndexLockedError after wait)."""

    def writer(self, wait: float) -> EngineWriter:
        """A writing session (IndexLockedError when another holds the engine after wait)."""

    def state_file(self, name: str) -> str:
        """A local file path for one of this index's caches (the near-duplicate store)."""

    def close(self) -> None:
        """Release files and connections."""
