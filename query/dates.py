"""Date restrictions typed inside the query text, pulled out as a published-date range.

Field clauses (case-insensitive, no space after the colon, as in Whoosh's own syntax):

* ``date:2017``, ``date:2017-09``, ``date:2017-09-23`` (or an ISO time): that whole period.
* ``date:[A to B]``: from the start of A to the end of B; either end may be left out
  (``date:[2017-01 to]``). ``{..}`` brackets are read the same (inclusive), not as Whoosh's
  exclusive ends, because nobody types them meaning "excluding".
* ``since:A`` from the start of A; ``until:A`` to the end of A.
* ``after:A`` strictly after the end of A; ``before:A`` strictly before the start of A
  (``before:2017`` ends at 2016-12-31 23:59:59.999999).

Relative phrases, measured from ``asof`` (the caller passes the newest article's date;
``None`` means ``datetime.now()``, local time). Whatever the time of day of ``asof``, every
window ends at the end of its day, and counts whole days:

* ``today`` / ``yesterday``: that calendar day.
* ``this week|month|year``: the calendar period so far (weeks start on Monday).
* ``last|past N days|weeks|months|years`` (N a number or one..twelve), and ``last|past
  week|month|year`` (N = 1): a rolling window of N units ending with asof's day, so
  "past 3 days" is asof's day and the two before it, and "last month" on 2017-09-23 is
  2017-08-24..2017-09-23 (not August: news readers mean "recently"; type date:2017-08
  for the calendar month). "last" and "past" mean the same.
* An optional "in|over|during|within" and "the" before last/past are part of the clause.
* The same as one field clause: ``date:today``, ``date:last-week``, ``date:past-3-days``,
  ``date:this-month`` (hyphens for spaces); always a filter, wherever it stands.

A relative phrase typed among words is a date only where it stands apart from them (see
SHORT): the whole query ("last week"); set off by punctuation at the start or the end ("oil
prices, last week", "oil (past 3 days)", "Today: oil prices"); or a last/past/this phrase
ending a query of at most SHORT words ("Kowalczyk last week"). Anywhere else ("shares fell
today", a pasted paragraph's "last year") it is searched as words, and ``offered`` holds the
date: clause it could be, which query.suggest offers as "Did you mean".

Several clauses intersect; boolean operators around them are not read (``date:2017 OR
date:2018`` matches nothing and is an error). Nothing inside double quotes is a clause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from newsearch.errors import QueryError
from newsearch.query.filters import parse_when

HINT = (
    "Use date:YYYY, date:YYYY-MM, date:YYYY-MM-DD, date:[YYYY-MM to YYYY-MM], "
    "since:/until:/after:/before: with one of those, or date:past-2-weeks, date:today."
)
_NUMBERS = ["one", "two", "three", "four", "five", "six"]
_NUMBERS += ["seven", "eight", "nine", "ten", "eleven", "twelve"]
_NUM = r"\d{1,4}|" + "|".join(_NUMBERS)
_END = r"(?![\w'’-])(?!\s+of\b)"  # a whole phrase: not "weekend", "year's" or "week of ..."
_RELATIVE = (
    r"(?P<day>today|yesterday)|this\s+(?P<this>week|month|year)"
    r"|(?P<lead>(?:(?:in|over|during|within)\s+)?(?:the\s+)?)(?P<last>last|past)\s+"
    rf"(?:(?P<n>{_NUM})\s+(?P<units>day|week|month|year)s?|(?P<unit>week|month|year))"
)
_CLAUSE = re.compile(
    r"(?P<quote>[\"“”][^\"“”]*[\"“”]?)"  # a phrase search: skipped whole
    r"|(?<![\w:'’-])(?P<neg>-|(?-i:NOT)\s+)?(?P<field>date|since|until|after|before):"
    r"(?P<value>[\[{][^\]}]*[\]}]|[^\s(),]+)"
    rf"|(?<![\w:'’-])(?:{_RELATIVE}){_END}",
    re.IGNORECASE,
)
# date:last-week, date:past-3-days, date:today: a relative phrase written as one clause.
_RELATIVE_VALUE = re.compile(_RELATIVE.replace(r"\s+", "[-_ ]+"), re.IGNORECASE)
# A relative phrase typed among words is a filter only where it cannot be part of the text
# (issue 15: a pasted paragraph's "last year" filtered it to a year; "shares fell today" lost
# every article not of that day). It is one when it is the whole query; when punctuation sets
# it apart at the start or the end ("oil, last week", "(past 3 days)", "Today: oil"); or when
# a last/past/this phrase ends a query of at most SHORT words ("Kowalczyk last week").
# Otherwise it is searched as words and offered as a date: clause (query.suggest).
SHORT = 4
_APART_BEFORE = re.compile(r"(?:^|[,;:(\[–—]|\s-)\s*$")
_APART_AFTER = re.compile(r"^\s*(?:[,;:)\]–—]|-\s)")
_TRAILING = re.compile(r"^\s*[.!?)\]]*\s*$")
_WORD = re.compile(r"\w+")
_RANGE = re.compile(r"\s*(\S*?)\s*\bto\b\s*(\S*)\s*", re.IGNORECASE)
_TICK = timedelta(microseconds=1)
Bounds = tuple[datetime | None, datetime | None]


@dataclass(frozen=True)
class DateClauses:
    """A query's date clauses, taken out, and the published-date range they allow."""

    text: str  # the query with the date clauses removed (whitespace tidied)
    since: datetime | None  # inclusive lower bound (naive, like parse_when returns)
    until: datetime | None  # inclusive upper bound (end of the named period)
    found: tuple[str, ...]  # the clauses as typed, e.g. ("date:2017-09", "last week")
    relative: bool  # True when any clause was relative (needs asof)
    # Relative phrases left among the words (see SHORT), each with the clause it could be.
    offered: tuple[tuple[str, str], ...] = ()


def extract(text: str, asof: datetime | None = None) -> DateClauses:
    """Take the date clauses out of a query; raise QueryError for a bad or empty range."""
    pieces: list[str] = []
    found: list[str] = []
    offered: list[tuple[str, str]] = []
    bounds: list[Bounds] = []
    today: date | None = None
    last = 0
    clauses = [m for m in _CLAUSE.finditer(text) if not m["quote"]]
    for m in clauses:
        relative = not m["field"] or _RELATIVE_VALUE.fullmatch(m["value"]) is not None
        if not m["field"] and not _apart(text, m, clauses):
            offered.append((m[0].strip(), as_clause(m)))
            continue
        pieces.append(text[last : m.start()])
        last = m.end()
        found.append(m[0].strip())
        try:
            if relative:
                # Only a relative clause needs "now"; parse_when makes an aware asof naive UTC.
                today = today or (parse_when(asof) or datetime.now()).date()
            if m["field"]:
                bounds.append(_field_bounds(m, today))
            elif today is not None:
                bounds.append(_relative_bounds(m, today))
        except OverflowError as exc:  # after:9999, before:0001-01-01, yesterday of year 1
            raise QueryError(
                f"{m[0].strip()!r} is past the dates newsearch knows", hint=HINT
            ) from exc
    if not found:
        return DateClauses(text, None, None, (), False, tuple(offered))
    since = max((lo for lo, _ in bounds if lo), default=None)
    until = min((hi for _, hi in bounds if hi), default=None)
    if since and until and since > until:
        what = found[0] if len(found) == 1 else " and ".join(found)
        raise QueryError(f"no date satisfies {what}", hint="Widen or drop a date clause.")
    return DateClauses(
        _tidy(" ".join([*pieces, text[last:]])),
        since,
        until,
        tuple(found),
        today is not None,
        tuple(offered),
    )


def _apart(text: str, m: re.Match[str], clauses: list[re.Match[str]]) -> bool:
    """Whether a relative phrase stands apart from the words (see SHORT), so means a date."""
    before, after = text[: m.start()], text[m.end() :]
    if not _WORD.search(_outside(text, clauses)):
        return True  # nothing but dates: "last week", "date:2017 past month"
    if _TRAILING.match(after):
        if before.strip() and _APART_BEFORE.search(before):
            return True  # "oil prices, last week", "oil (past 3 days)"
        words = _WORD.findall(_outside(before, [c for c in clauses if c.end() <= m.start()]))
        return not m["day"] and len(words) <= SHORT  # "Kowalczyk last week"
    return not before.strip() and _APART_AFTER.match(after) is not None  # "Today: oil"


def _outside(text: str, clauses: list[re.Match[str]]) -> str:
    """The text with the given clause matches cut out."""
    out, pos = [], 0
    for c in clauses:
        out.append(text[pos : c.start()])
        pos = c.end()
    return "".join(out) + text[pos:]


def as_clause(m: re.Match[str]) -> str:
    """A relative phrase as one date: clause ("in the past two weeks" → date:past-2-weeks)."""
    if m["day"]:
        return f"date:{m['day'].lower()}"
    if m["this"]:
        return f"date:this-{m['this'].lower()}"
    unit = (m["units"] or m["unit"]).lower()
    if not m["n"]:
        return f"date:{m['last'].lower()}-{unit}"
    word = m["n"].lower()
    n = int(word) if word.isdigit() else _NUMBERS.index(word) + 1
    return f"date:{m['last'].lower()}-{n}-{unit}{'s' if n != 1 else ''}"


def _field_bounds(m: re.Match[str], today: date | None) -> Bounds:
    """The range one field clause (date:, since:, until:, after:, before:) allows."""
    name, value = m["field"].lower(), m["value"].strip('"“”')
    if m["neg"]:
        raise QueryError(f"{m[0].strip()!r}: a date clause cannot be negated", hint=HINT)
    relative = _RELATIVE_VALUE.fullmatch(value)
    if relative is not None and today is not None:
        if name != "date":
            raise QueryError(f"bad date clause {m[0].strip()!r}: use date:{value}", hint=HINT)
        return _relative_bounds(relative, today)
    try:
        if value.startswith(("[", "{")):
            ends = _RANGE.fullmatch(value[1:-1])
            if name != "date" or not ends or not (ends[1] or ends[2]):
                raise QueryError("a range is date:[A to B], with A or B or both")
            return parse_when(ends[1]), parse_when(ends[2], end=True)
        if not value:
            raise QueryError("no date given")
        start, stop = parse_when(value), parse_when(value, end=True)
    except QueryError as exc:
        raise QueryError(f"bad date clause {m[0].strip()!r}: {exc}", hint=HINT) from exc
    # Each field keeps one side of the period; after/before step just past it (exclusive).
    return {
        "date": (start, stop),
        "since": (start, None),
        "until": (None, stop),
        "after": (stop and stop + _TICK, None),
        "before": (None, start and start - _TICK),
    }[name]


def _relative_bounds(m: re.Match[str], today: date) -> Bounds:
    """The whole days a relative phrase covers, ending with (the end of) today."""
    end = datetime.combine(today, time.max)
    if m["day"]:
        day = today if m["day"].lower() == "today" else today - timedelta(days=1)
        return datetime.combine(day, time.min), datetime.combine(day, time.max)
    if m["this"]:
        unit = m["this"].lower()
        first = {
            "week": today - timedelta(days=today.weekday()),
            "month": today.replace(day=1),
            "year": today.replace(month=1, day=1),
        }[unit]
        return datetime.combine(first, time.min), end
    word = (m["n"] or "1").lower()
    n = int(word) if word.isdigit() else _NUMBERS.index(word) + 1
    unit = (m["units"] or m["unit"]).lower()
    if n == 0:
        raise QueryError(f"{m[0].strip()!r} covers no days", hint=HINT)
    from dateutil.relativedelta import relativedelta  # only "past N units" (~0.4 ms)

    try:
        # N units back, then a day on: "past 1 day" is today alone, "past week" seven days.
        start = today - relativedelta(**{unit + "s": n}) + timedelta(days=1)
    except (ValueError, OverflowError) as exc:
        raise QueryError(f"{m[0].strip()!r} goes back too far", hint=HINT) from exc
    return datetime.combine(start, time.min), end


def _tidy(text: str) -> str:
    """Collapse the gaps a removed clause leaves, and operators it leaves with nothing to join."""
    text = re.sub(r"\s+", " ", re.sub(r"\(\s*\)", " ", text)).strip()
    # The comma or colon that set a phrase apart ("oil, last week", "Today: oil") goes with it.
    text = re.sub(r"^[,;:–—]+\s*|\s*[,;:–—-]+$", "", text)
    # "a AND date:2017 AND b" -> "a AND b": Whoosh reads a doubled AND as OR.
    text = re.sub(r"\b(AND|OR)(?:\s+(?:AND|OR)\b)+", r"\1", text)
    return re.sub(r"^(?:(?:AND|OR)\s+)+|(?:\s+(?:AND|OR))+$|^(?:AND|OR)$", "", text).strip()
