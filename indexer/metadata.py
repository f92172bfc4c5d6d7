"""Title, published date, authors, tags and site: from meta tags, JSON-LD, records and lines."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from newsearch.models import Removed

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
_BYLINE = re.compile(
    r"^\s*(?i:by|written by|reporting by)\s+([A-Z][\w.'’-]+(?:[ ,]+(?:and\s+)?"
    r"[A-Z][\w.'’-]+){0,6})\s*(?:[|•–—]\s*.{0,40}|\s-\s.{0,40})?$"  # "| Reuters", "- Staff"
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

DATE_META = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "date",
    "pubdate",
    "publishdate",
    "dc.date.issued",
    "dc.date",
    "sailthru.date",
    "parsely-pub-date",
    "time",
)
MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified", "dc.date.modified")
AUTHOR_META = ("author", "article:author", "dc.creator", "parsely-author", "sailthru.author")
TAG_META = ("article:tag", "news_keywords", "keywords", "parsely-tags")
SITE_META = ("og:site_name", "application-name", "twitter:site")
TITLE_META = ("og:title", "twitter:title", "headline", "title")


@dataclass
class Found:
    """What has been learnt about a document so far; earlier sources win."""

    title: str = ""
    published: datetime | None = None
    modified: datetime | None = None
    authors: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    site: str = ""
    url: str = ""
    article_body: str = ""
    extra_removed: list[Removed] = field(default_factory=list)

    def removed(self, blocks: list[Any]) -> list[Removed]:
        """Every dropped block and stripped piece, in document order, with its reason."""
        out = [Removed(b.text, b.reason) for b in blocks if b.reason]
        return self.extra_removed + out


def parse_date(value: object) -> datetime | None:
    """A date from ISO text or a human-written line; None when it cannot be read for sure."""
    if isinstance(value, datetime):
        return value
    if value is None:
        return None
    s = str(value).strip()
    if not s or len(s) > 80:
        return None
    try:
        return datetime.fromisoformat(s.replace("Z", "+00:00"))
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
    if dt is None or dt.year < 1800 or dt.year > 2200:
        return None
    return dt


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


def byline(text: str) -> list[str]:
    """Author names from a line like 'By Jane Doe and John Roe'."""
    m = _BYLINE.match(text)
    if not m:
        return []
    names = re.split(r"\s*(?:,|\band\b)\s*", m.group(1))
    return [n.strip() for n in names if n.strip()]


def from_record(meta: dict[str, object], found: Found) -> None:
    """Take what a JSON record states outright: it is better evidence than guessing."""
    if meta.get("title"):
        found.title = _clean_space(str(meta["title"]))
    if "date" in meta and found.published is None:
        found.published = parse_date(meta["date"])
    found.authors.extend(_names(meta.get("authors")))
    found.tags.extend(_tags(meta.get("tags")))
    if meta.get("site"):
        found.site = _as_str(meta["site"])
    if meta.get("url"):
        found.url = str(meta["url"])


def from_markup(page: Any, found: Found) -> None:
    """Read HTML meta tags and JSON-LD article objects."""
    meta: dict[str, list[str]] = page.meta
    for obj in page.jsonld:
        kind = obj.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
        if not any(
            isinstance(k, str) and ("Article" in k or k in ("BlogPosting", "Report")) for k in kinds
        ):
            continue
        found.title = found.title or _clean_space(_as_str(obj.get("headline")))
        found.published = found.published or parse_date(obj.get("datePublished"))
        found.modified = found.modified or parse_date(obj.get("dateModified"))
        found.authors.extend(_names(obj.get("author")))
        found.tags.extend(_tags(obj.get("keywords")))
        found.site = found.site or _as_str(obj.get("publisher"))
        found.article_body = found.article_body or _as_str(obj.get("articleBody"))
        found.url = found.url or _as_str(obj.get("url"))
    for key in TITLE_META:
        if not found.title and meta.get(key):
            found.title = meta[key][0]
    if not found.title and page.html_title:
        found.title = page.html_title
    for key in DATE_META:
        if found.published is None and meta.get(key):
            found.published = parse_date(meta[key][0])
    for key in MODIFIED_META:
        if found.modified is None and meta.get(key):
            found.modified = parse_date(meta[key][0])
    if not found.authors:
        for key in AUTHOR_META:
            # article:author is often a profile URL, which names nobody.
            found.authors.extend(v for v in meta.get(key, []) if not v.startswith("http"))
    if not found.tags:
        for key in TAG_META:
            for v in meta.get(key, []):
                found.tags.extend(_tags(v))
    for key in SITE_META:
        if not found.site and meta.get(key):
            found.site = meta[key][0].lstrip("@")
    if not found.url and meta.get("og:url"):
        found.url = meta["og:url"][0]
    found.title = _strip_site(found.title, found.site)


def _strip_site(title: str, site: str) -> str:
    # "Story headline | Site Name" → "Story headline"
    parts = re.split(r"\s+[|–—-]\s+", title)
    if (
        len(parts) > 1
        and ((site and parts[-1].strip().lower() == site.lower()) or len(parts[-1].split()) <= 3)
        and len(" ".join(parts[:-1]).split()) >= 3
    ):
        return " - ".join(parts[:-1]).strip()
    return title


def _as_str(value: object) -> str:
    if isinstance(value, dict):
        return _as_str(value.get("name") or value.get("@id") or "")
    if isinstance(value, list):
        return _as_str(value[0]) if value else ""
    return "" if value is None else str(value).strip()


def _names(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [n for v in value for n in _names(v)]
    if isinstance(value, dict):
        value = value.get("name") or ""
    s = _clean_space(str(value))
    if not s or s.startswith("http"):
        return []
    s = re.sub(r"^by\s+", "", s, flags=re.I)
    return [n.strip() for n in re.split(r"\s*(?:,|;|\band\b)\s*", s) if n.strip()]


def _tags(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [t for v in value for t in _tags(v)]
    return [t.strip() for t in re.split(r"[,;|]", str(value)) if t.strip()]


def _clean_space(s: str) -> str:
    return " ".join(s.split())
