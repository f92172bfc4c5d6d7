"""Dates: read from ISO text and human-written lines, from URLs, and checked for being possible."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_HAS_DATE = re.compile(
    rf"\b(?:{_MONTHS})\b\.?|\b\d{{4}}-\d{{1,2}}-\d{{1,2}}|\b\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}}\b",
    re.I,
)
_DATE_LABEL = re.compile(
    r"^\s*(?:(?:first|last)\s+)?(?:published|updated|posted|modified|date|dated)"
    r"(?:\s+(?:on|at))?\s*[:\-–]?\s*",
    re.I,
)
# Zone names with one meaning: kept as an offset. Others (IST is India, Ireland or Israel; ET
# and CST are ambiguous too) are dropped, keeping the wall time: never a wrong offset.
_ZONES = {
    "UTC": 0, "GMT": 0, "Z": 0, "EST": -5, "EDT": -4, "CDT": -5, "MST": -7, "MDT": -6,
    "PST": -8, "PDT": -7, "BST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3, "JST": 9,
}  # fmt: skip
_TZ_WORDS = re.compile(r"\b(?:IST|ET|CT|PT|CST|AEST|AEDT|HKT|SGT|WIB)\b")
# An upper-case place, maybe a region, then the date: "NORWALK, Conn., March 4 -".
_DATELINE = re.compile(
    rf"^\s*[A-Z][A-Z .'’-]{{1,40}}(?:,\s*[A-Z][A-Za-z.]{{1,15}})?,?\s+"
    rf"((?i:{_MONTHS})\.?\s+\d{{1,2}}(?:,?\s+\d{{4}})?)\s*(?:\([^)]{{1,30}}\)\s*)?[-–—]"
)

# Digitised newspapers reach back to the 1700s, but what a page states before 1800 is a
# placeholder ("0001-01-01T00:00:00Z", which sorted first in every date sort) or a typo.
EARLIEST = datetime(1800, 1, 1)
URL_EARLIEST = datetime(1991, 1, 1)  # no URL is older than the web; "/19870312/" is an id
# A day past the crawl (or now): a date without a zone may be wall time up to 14 hours ahead
# of UTC (Kiribati), and a paper dates its next morning's edition the evening before.
SLACK = timedelta(days=1)
# "No date" written as a date: the Unix epoch and the SQL Server / Excel zero, at midnight UTC.
PLACEHOLDERS = frozenset([datetime(1970, 1, 1), datetime(1900, 1, 1)])
# After the day: the end, a slash, a dot or the separator again. "/2013/12/12-years-a-slave"
# is December 2013 and a slug, not the 12th.
_URL_YMD = re.compile(
    r"(?:^|[/_-])(?P<y>(?:19|20)\d\d)(?P<sep>[/_-])(?P<m>0?[1-9]|1[0-2])(?P=sep)"
    r"(?P<d>0?[1-9]|[12]\d|3[01])(?=$|[/.]|(?P=sep))"
)
_URL_COMPACT = re.compile(
    r"/(?P<y>(?:19|20)\d\d)(?P<m>0[1-9]|1[0-2])(?P<d>0[1-9]|[12]\d|3[01])(?=$|[/_.-])"
)


def parse_date(value: object, latest: datetime | None = None) -> datetime | None:
    """A date from ISO text or a human-written line; None when it cannot be read for sure or
    cannot be true (see plausible)."""
    if isinstance(value, datetime):
        return plausible(value, latest)
    if value is None:
        return None
    s = str(value).strip()
    if not s or len(s) > 80:
        return None
    try:
        return plausible(datetime.fromisoformat(s.replace("Z", "+00:00")), latest)
    except ValueError:
        pass
    s = _DATE_LABEL.sub("", s)
    if not _HAS_DATE.search(s) and not re.fullmatch(r"\d{4}-\d{2}(-\d{2})?.*", s):
        return None
    if not re.search(r"(?<!\d)\d{1,2}(?!\d)", s):
        return None  # "December 1986": no day, and day 1 would be a guess
    # Indian/US zone abbreviations are ambiguous to dateutil; dropping them keeps the wall time.
    s = _TZ_WORDS.sub("", s)
    import warnings

    from dateutil import parser

    # A sentinel default exposes a missing year instead of silently using today's.
    sentinel = datetime(1, 1, 1)
    dt = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # an unknown zone name: dateutil keeps the wall time
        for text in (s, s.replace(",", " ")):
            try:
                dt = parser.parse(text, default=sentinel, fuzzy=False, tzinfos=_tzinfos)
                break
            except (ValueError, OverflowError, TypeError, LookupError):
                continue
    return plausible(dt, latest)


def plausible(dt: datetime | None, latest: datetime | None = None) -> datetime | None:
    """The date when an article can bear it: from EARLIEST to a day past ``latest`` (the crawl,
    else now), no placeholder, and an instant UTC can hold (9999-12-31T23:00-05:00 is not)."""
    if dt is None:
        return None
    utc = _utc(dt)
    if utc is None or utc < EARLIEST or utc in PLACEHOLDERS:
        return None
    bound = _utc(latest) if latest is not None else None
    if bound is None:
        bound = datetime.now(UTC).replace(tzinfo=None)
    return dt if utc <= bound + SLACK else None


def _utc(dt: datetime) -> datetime | None:
    """The instant as naive UTC (a naive wall time as it is); None when out of datetime's range."""
    try:
        offset = dt.utcoffset()
        return dt.replace(tzinfo=None) - offset if offset else dt.replace(tzinfo=None)
    except (OverflowError, ValueError):
        return None


def url_date(url: str, latest: datetime | None = None) -> datetime | None:
    """The day a URL's path states (/2019/11/19/, /2019-11-19-slug, /20191119/), if plausible."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    for pattern in (_URL_YMD, _URL_COMPACT):
        for m in pattern.finditer(path):
            try:
                day = datetime(int(m["y"]), int(m["m"]), int(m["d"]))
            except ValueError:
                continue  # 2019/02/30
            if day >= URL_EARLIEST and plausible(day, latest):
                return day
    return None


def _tzinfos(name: str | None, offset: int | None) -> Any:
    from dateutil import tz

    if offset is not None or not name:
        return offset
    hours = _ZONES.get(name.upper())
    return None if hours is None else tz.tzoffset(name.upper(), hours * 3600)


def dateline(text: str) -> datetime | None:
    """The date a wire dateline states ("NEW YORK, March 3, 2019 (Reuters) -"), if it has a year."""
    m = _DATELINE.match(text)
    if not m or not re.search(r"\d{4}", m.group(1)):
        return None  # "SALVADOR, Feb 26 -": no year, and a guessed one would be wrong
    return parse_date(m.group(1))


def date_line(text: str) -> datetime | None:
    """The date a short line states when the line is nothing but a (labelled) date."""
    if len(text) > 70 or len(text.split()) > 10:
        return None
    return parse_date(text)
