"""Restrict and order results: a publication date range, names to match, the sort order."""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, time

from newsearch.engine import SORTS, Filters
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
