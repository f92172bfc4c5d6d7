"""Title, published date, authors, tags and site: from meta tags, JSON-LD, records and lines."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from newsearch.indexer.pubdates import date_line, dateline, parse_date, plausible, url_date
from newsearch.indexer.textio import leaves
from newsearch.models import Removed

__all__ = ["Found", "byline", "date_line", "dateline", "from_markup", "from_record", "parse_date"]

_BYLINE = re.compile(
    r"^\s*(?i:by|written by|reporting by)\s+([A-Z][\w.'’-]+(?:[ ,]+(?:and\s+)?"
    r"[A-Z][\w.'’-]+){0,6})\s*(?:[|•–—]\s*.{0,40}|\s-\s.{0,40})?$"  # "| Reuters", "- Staff"
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
    crawled: datetime | None = None  # when the page was fetched: no date of it is later

    def removed(self, blocks: list[Any]) -> list[Removed]:
        """Every dropped block and stripped piece, in document order, with its reason."""
        out = [Removed(b.text, b.reason) for b in blocks if b.reason]
        return self.extra_removed + out


def settle_dates(found: Found) -> None:
    """The last word on dates: none after the crawl; with no published date stated, the URL's,
    else the crawl's own."""
    found.published = plausible(found.published, found.crawled)
    found.modified = plausible(found.modified, found.crawled)
    if found.published is None:
        found.published = url_date(found.url, found.crawled) or found.crawled


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
        found.published = parse_date(meta["date"], found.crawled)
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
        found.published = found.published or parse_date(obj.get("datePublished"), found.crawled)
        found.modified = found.modified or parse_date(obj.get("dateModified"), found.crawled)
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
            found.published = parse_date(meta[key][0], found.crawled)
    for key in MODIFIED_META:
        if found.modified is None and meta.get(key):
            found.modified = parse_date(meta[key][0], found.crawled)
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
    while isinstance(value, dict | list):  # {"publisher": {"name": …}}, [{"name": …}], …
        if isinstance(value, dict):
            value = value.get("name") or value.get("@id") or ""
        else:
            value = value[0] if value else ""
    return "" if value is None else str(value).strip()


def _names(value: object) -> list[str]:
    out: list[str] = []
    for leaf in leaves(value):
        s = _clean_space(leaf)
        if not s or s.startswith("http"):
            continue
        s = re.sub(r"^by\s+", "", s, flags=re.I)
        out.extend(n.strip() for n in re.split(r"\s*(?:,|;|\band\b)\s*", s) if n.strip())
    return out


def _tags(value: object) -> list[str]:
    return [t.strip() for leaf in leaves(value) for t in re.split(r"[,;|]", leaf) if t.strip()]


def _clean_space(s: str) -> str:
    return " ".join(s.split())
