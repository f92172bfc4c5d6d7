"""Restrict and order results: a publication date range, names to match, the sort order."""

from __future__ import annotations

import calendar
import re
from dataclasses import replace
from datetime import UTC, date, datetime, time

from newsearch.engine import NAME_FIELDS, SORTS, Bool, Every, Filters, Node, Phrase, Term, leaves
from newsearch.errors import QueryError
from newsearch.indexer.terms import name_terms

_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")


def parse_when(value: str | date | datetime | None, end: bool = False) -> datetime | None:
    """A date bound ("2017", "2017-09", "2017-09-23", ISO); ``end`` takes its last moment."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        when = value
    elif isinstance(value, date):
        when = datetime.combine(value, time.max if end else time.min)
    elif not isinstance(value, str):
        raise QueryError(
            f"not a date: {value!r}", hint="Give a date, or text: YYYY, YYYY-MM, YYYY-MM-DD."
        )
    else:
        m = _PARTIAL.match(value.strip())
        if m:
            year, month, day = int(m[1]), int(m[2] or 0), int(m[3] or 0)
            try:
                if not end:
                    return datetime(year, month or 1, day or 1)
                month = month or 12
                day = day or calendar.monthrange(year, month)[1]
                return datetime.combine(date(year, month, day), time.max)
            except ValueError as exc:
                raise QueryError(f"not a date: {value!r} ({exc})") from exc
        try:
            when = datetime.fromisoformat(value.strip())
        except ValueError as exc:
            raise QueryError(
                f"not a date: {value!r}", hint="Use YYYY, YYYY-MM, YYYY-MM-DD or an ISO time."
            ) from exc
    # The index keeps UTC without a zone (see indexer.prepare).
    try:
        return when.astimezone(UTC).replace(tzinfo=None) if when.tzinfo else when
    except OverflowError as exc:  # 9999-12-31T23:00-05:00 is past the last representable UTC
        raise QueryError(f"not a date newsearch can compare: {value!r}") from exc


def filters(
    since: datetime | None = None,
    until: datetime | None = None,
    source: str | None = None,
    tag: str | None = None,
    author: str | None = None,
) -> Filters:
    """What an article must also be: published in [since, until], from source, tag, author."""
    if since and until and since > until:
        raise QueryError(f"the date range is empty: {since:%Y-%m-%d} is after {until:%Y-%m-%d}")
    names: dict[str, tuple[str, ...]] = {}
    # Names match by their words, in order and case aside: --source bbc finds "BBC News".
    for name, value in (("source", source), ("tag", tag), ("author", author)):
        if value is not None and not isinstance(value, str):
            raise QueryError(f"{name} is a name, not {type(value).__name__}")
        if value:
            terms = tuple(name_terms(value))
            if not terms:
                raise QueryError(f"nothing to match in {value!r}")
            names[name] = terms
    return Filters(since=since, until=until, **names)


def check_sort(sort: str) -> str:
    """The sort order, checked: relevance, newest or oldest."""
    if sort not in SORTS:
        raise QueryError(f"unknown sort {sort!r}", hint="Use one of: " + ", ".join(SORTS) + ".")
    return sort


def lift(node: Node) -> tuple[Node, bool]:
    """A parsed query with its name clauses (site:, source:, tag:, author:) made filters.

    As in Google or Kibana, ``site:MSNBC obama`` means MSNBC articles about Obama: a clause
    on a name field at the top of the query is required and scores nothing, and the words
    are then required as if typed alone (any of them, more of them ranking higher). Clauses
    on one field are alternatives (``site:a site:b``, ``site:a OR site:b``: either source),
    clauses on different fields must all hold; ``-site:x`` excludes as before. Returns the
    query and whether it still holds anything to rank by (False: filters only).
    """
    if _is_filter(node):
        return _unscored(node), False
    if not isinstance(node, Bool) or node.boost != 1.0:
        return node, not isinstance(node, Every)
    names = [c for c in node.should if _is_filter(c)]
    if not names and not any(_is_filter(c) for c in node.must):
        return node, any(not isinstance(c, Every) for c in (*node.must, *node.should))
    words = tuple(c for c in node.should if not _is_filter(c))
    musts = tuple(c for c in node.must if not _is_filter(c))
    by_field: dict[frozenset[str], list[Node]] = {}
    for c in names:
        by_field.setdefault(_fields_of(c), []).append(c)
    alternatives = [g[0] if len(g) == 1 else Bool(should=tuple(g)) for g in by_field.values()]
    required = [_unscored(c) for c in (*(c for c in node.must if _is_filter(c)), *alternatives)]
    scored: list[Node] = [c for c in musts if not isinstance(c, Every)]
    if words and not scored:
        # The words were optional only because the sign or the filter made a "must".
        scored.append(words[0] if len(words) == 1 else Bool(should=words, coord=node.coord))
        words = ()
    query = Bool(
        must=(*scored, *required),
        should=words,
        must_not=node.must_not,
        coord=node.coord if len(words) > 1 else None,
    )
    return query, bool(scored or words)


def _is_filter(node: Node) -> bool:
    """True for a clause on name fields only (site:x, tag:(a OR b), author:"A B")."""
    if isinstance(node, Bool) and (node.must_not or not (node.must or node.should)):
        return False
    found = list(leaves(node))
    return bool(found) and all(
        isinstance(n, Term | Phrase) and n.field in NAME_FIELDS for n in found
    )


def _fields_of(node: Node) -> frozenset[str]:
    return frozenset(n.field for n in leaves(node) if isinstance(n, Term | Phrase))


def _unscored(node: Node) -> Node:
    """The clause as a pure filter: it must match, and adds nothing to the score."""
    if isinstance(node, Term | Phrase | Bool):
        return replace(node, boost=0.0)
    return node  # _is_filter admits only terms and phrases, and Bools of them
