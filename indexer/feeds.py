"""RSS and Atom feeds saved as files: every item (entry) an article, the channel its site.

Read with lxml, already a dependency, rather than feedparser: saved feeds are XML, and the few
fields wanted here (content, link, dates, authors, categories) sit in three well-known layouts
(RSS 2.0, RSS 1.0/RDF, Atom). The parser never fetches anything and expands no entities.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from newsearch.errors import SourceError
from newsearch.indexer.raw import SKIPPED, RawDoc, file_id, scoped_id
from newsearch.models import Failure

ATOM = "{http://www.w3.org/2005/Atom}"
RSS1 = "{http://purl.org/rss/1.0/}"
DC = "{http://purl.org/dc/elements/1.1/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"

# No DTD, no entities, no network: a feed file is data, never instructions to fetch or expand.
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, recover=True, remove_comments=True
)
_EMAIL_NAME = re.compile(r"^\s*\S+@\S+\s*\((.+)\)\s*$")  # RSS <author>: "jane@x.org (Jane Doe)"

TITLE = ("title", ATOM + "title", RSS1 + "title", DC + "title")
LINK = ("link", ATOM + "link", RSS1 + "link")
ID = ("guid", ATOM + "id", DC + "identifier")
DATE = ("pubDate", ATOM + "published", DC + "date", ATOM + "updated", "date", "published")
AUTHOR = ("author", DC + "creator", ATOM + "author", "creator")
TAG = ("category", ATOM + "category", DC + "subject")
HTML_BODY = (CONTENT + "encoded",)
SUMMARY = ("description", ATOM + "summary", RSS1 + "description", "summary")


def is_feed(root: Any) -> bool:
    """True for the root element of an RSS (0.9x, 1.0, 2.0) or Atom feed."""
    return isinstance(root.tag, str) and etree.QName(root).localname in ("rss", "RDF", "feed")


def feed_docs(path: str, data: bytes) -> tuple[list[RawDoc], list[Failure]]:
    """A feed file's items as raw documents; XML that is no feed is skipped with a reason."""
    try:
        root = etree.fromstring(data, _PARSER)  # bytes: the XML declaration names the encoding
    except etree.XMLSyntaxError as exc:
        raise SourceError(f"{path}: not valid XML ({exc})") from exc
    if root is None:
        raise SourceError(f"{path}: not valid XML")
    if not is_feed(root):
        name = etree.QName(root).localname if isinstance(root.tag, str) else "?"
        if path.lower().removesuffix(".gz").endswith(".xml"):
            return [], [Failure(path, f"{SKIPPED}XML that is not an RSS or Atom feed (<{name}>)")]
        raise SourceError(f"{path}: not an RSS or Atom feed (its root is <{name}>)")
    channel = _channel(root)
    site = _text(_first(channel, TITLE)) if channel is not None else ""
    docs: list[RawDoc] = []
    failures: list[Failure] = []
    for n, item in enumerate(_items(root, channel), 1):
        doc = _item_doc(path, n, item, site)
        if doc is None:
            failures.append(Failure(f"{path}:{n}", "feed item has no text or title"))
        else:
            docs.append(doc)
    if not docs and not failures:
        failures.append(Failure(path, "feed has no items"))
    return docs, failures


def _channel(root: Any) -> Any:
    if etree.QName(root).localname == "feed":
        return root
    return next((c for c in root if _local(c) == "channel"), None)


def _items(root: Any, channel: Any) -> list[Any]:
    if etree.QName(root).localname == "feed":
        return [c for c in root if c.tag == ATOM + "entry" or c.tag == "entry"]
    # RSS 2.0 puts items in the channel; RSS 1.0 beside it, under the root.
    holders = [h for h in (channel, root) if h is not None]
    return [c for h in holders for c in h if _local(c) == "item"]


def _item_doc(path: str, n: int, item: Any, site: str) -> RawDoc | None:
    title = _text(_first(item, TITLE))
    content, kind = _content(item)
    if not content.strip() and not title:
        return None
    meta: dict[str, object] = {
        "title": title,
        "url": _link(item),
        "authors": [a for a in (_author(el) for el in _all(item, AUTHOR)) if a],
        "tags": [t for t in (_tag(el) for el in _all(item, TAG)) if t],
        "site": site,
    }
    date = _text(_first(item, DATE))
    if date:
        meta["date"] = date
    return RawDoc(_item_id(path, n, item, str(meta["url"])), path, kind, content, meta)


def _content(item: Any) -> tuple[str, str]:
    """The item's fullest text and whether it is HTML: content:encoded, Atom content, summary."""
    el = _first(item, HTML_BODY)
    if el is not None and _inner(el).strip():
        return _inner(el), "html"
    atom = _first(item, (ATOM + "content", "content"))
    if atom is not None and _inner(atom).strip():
        kind = (atom.get("type") or "text").lower()  # Atom's default is plain text
        return _inner(atom), "html" if "html" in kind else "text"
    summary = _first(item, SUMMARY)
    if summary is not None and _inner(summary).strip():
        kind = (summary.get("type") or "html").lower()  # RSS descriptions hold escaped HTML
        return _inner(summary), "text" if kind == "text" else "html"
    return "", "html"


def _link(item: Any) -> str:
    for el in _all(item, LINK):
        href = el.get("href")
        if href is not None and (el.get("rel") or "alternate") == "alternate":
            return href.strip()  # Atom: <link rel="alternate" href="…"/>
        if href is None and _text(el):
            return _text(el)
    guid = _first(item, ("guid",))
    if guid is not None and (guid.get("isPermaLink") or "true") == "true":
        return _text(guid) if _text(guid).startswith("http") else ""
    return ""


def _item_id(path: str, n: int, item: Any, url: str) -> str:
    """The item's own id (guid, Atom id, else its link) scoped to this file, else its place.

    Even a URI guid is scoped: the same feed saved on two days holds the same items, and one id
    in two files would move between them on every run instead of settling.
    """
    own = _text(_first(item, ID)) or item.get(RDF + "about") or url
    return scoped_id(path, own) if own else f"{file_id(path)}:{n}"


def _author(el: Any) -> str:
    name = el.find(ATOM + "name") if el.tag == ATOM + "author" else None
    text = _text(name if name is not None else el)
    m = _EMAIL_NAME.match(text)
    if m:
        return m.group(1).strip()
    return "" if "@" in text and " " not in text else text  # a bare address names nobody


def _tag(el: Any) -> str:
    return (el.get("term") or el.get("label") or _text(el)).strip()


def _first(parent: Any, tags: tuple[str, ...]) -> Any:
    for tag in tags:
        el = parent.find(tag)
        if el is not None:
            return el
    return None


def _all(parent: Any, tags: tuple[str, ...]) -> list[Any]:
    return [el for el in parent if el.tag in tags]


def _local(el: Any) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _inner(el: Any) -> str:
    """An element's content as text: escaped HTML comes out as HTML; markup left unescaped (Atom
    xhtml, careless feeds) is serialised back."""
    inner = "".join(etree.tostring(c, method="html", encoding="unicode") for c in el)
    return (el.text or "") + inner


def _text(el: Any) -> str:
    return " ".join((el.text or "").split()) if el is not None else ""
