"""HTML to blocks: drop what is never article text, mark what is, cut the rest into blocks.

Parsing uses lxml directly: measured on the ScrapingHub pages, beautifulsoup4's tree building alone
runs at ~50 pages/s against ~700 for lxml, so bs4 (with its lxml builder) is kept only for the pages
libxml2 refuses (nesting deeper than its hard limit).
"""

from __future__ import annotations

import json
import re
from typing import Any

from lxml import etree

from newsearch.indexer.extract import BLOCK_TAGS, DROP_TAGS, HEADINGS, Block, Page, _norm
from newsearch.models import Removed

# Class/id words that mark page furniture; only applied to small elements so a wrapper named
# e.g. "has-sidebar" around the whole story is never dropped.
_FURNITURE = re.compile(
    r"(?:^|[\s_-])(share|sharing|social|related|newsletter|promo|advert\w*|ads?|cookie\w*|"
    r"comments?|breadcrumbs?|sidebar|menu|navbar|subscribe|popup|modal|tags?|byline)(?:$|[\s_-])",
    re.I,
)
_INVISIBLE = frozenset(
    ["script", "style", "noscript", "template", "svg", "canvas", "head", "object", "embed"]
)
_TAG_REASONS = {
    "nav": "navigation",
    "header": "page header",
    "footer": "page footer",
    "aside": "sidebar",
    "form": "form",
    "menu": "navigation",
    "dialog": "pop-up",
    "iframe": "embedded frame",
    "button": "button",
    "select": "form",
    "textarea": "form",
    "input": "form",
}
_CLASS_REASONS = {
    "share": "share prompt",
    "sharing": "share prompt",
    "social": "share prompt",
    "related": "related links",
    "newsletter": "newsletter promo",
    "subscribe": "newsletter promo",
    "promo": "promo",
    "ad": "advertisement",
    "advert": "advertisement",
    "advertisement": "advertisement",
    "advertising": "advertisement",
    "cookie": "cookie notice",
    "comment": "comments",
    "breadcrumb": "navigation",
    "menu": "navigation",
    "navbar": "navigation",
    "sidebar": "sidebar",
    "popup": "pop-up",
    "modal": "pop-up",
    "tag": "tags",
    "byline": "byline",
}
# Wrappers that some sites put around the whole page (ASP.NET forms, a <header> holding the
# story): dropped only when they hold little text.
_BIG_OK = frozenset(["form", "header", "footer", "aside"])
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_XML_PROLOG = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_KEEP_TAG = frozenset([*HEADINGS, "li", "blockquote", "figcaption", "pre", "td", "th", "dd"])
# Plain etree elements: lxml.html's element classes cost a Python lookup per node visited.
_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True)


def parse_html(html: str) -> Page:
    """Parse a page into blocks, metadata from <head>, and JSON-LD objects."""
    # lxml refuses a str that declares its own encoding; the text is already decoded.
    html = _XML_PROLOG.sub("", html, count=1)
    root = _tree(html)
    page = Page(blocks=[])
    if root is None:
        return page
    title = root.find(".//title")
    page.html_title = _norm(_text(title)) if title is not None else ""
    page.meta = _meta_tags(root)
    page.jsonld = _jsonld(root)
    for el in root.iter("time"):
        if el.get("datetime") and "time" not in page.meta:
            page.meta["time"] = str(el.get("datetime"))
    _prune(root, page.removed)
    body = root.find("body")
    page.blocks = _blocks(body if body is not None else root)
    return page


def _tree(html: str) -> Any:
    if not html.strip():
        return None
    try:
        root = etree.fromstring(html, _PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None
    if root is None:
        return None
    if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in _PARSER.error_log):
        return _soup_tree(html)  # libxml2 cut the tree short: nesting beyond its hard limit
    return root


def _soup_tree(html: str) -> Any:
    """Build an lxml tree from beautifulsoup4's parse, iteratively (pages nest thousands deep)."""
    from bs4 import BeautifulSoup, NavigableString, Tag

    soup = BeautifulSoup(html, "lxml")
    root = etree.Element("html")
    stack: list[tuple[Any, Any]] = [(soup, root)]
    while stack:
        node, target = stack.pop()
        last = None
        for child in node.children:
            if isinstance(child, Tag):
                try:
                    last = etree.SubElement(target, child.name)
                except ValueError:
                    last = etree.SubElement(target, "span")  # a tag name lxml refuses
                for key, value in child.attrs.items():
                    v = " ".join(value) if isinstance(value, list) else str(value)
                    try:
                        last.set(key, v)
                    except ValueError:
                        continue  # attribute names lxml rejects carry nothing we read
                stack.append((child, last))
            elif type(child) is NavigableString:
                if last is None:
                    target.text = (target.text or "") + str(child)
                else:
                    last.tail = (last.tail or "") + str(child)
    html = root.find("html")
    return html if html is not None else root


def _meta_tags(root: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    for m in root.iter("meta"):
        key = (m.get("property") or m.get("name") or m.get("itemprop") or "").strip().lower()
        content = m.get("content")
        if not key or not content:
            continue
        meta.setdefault(key, []).append(_norm(str(content)))
    return meta


def _jsonld(root: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for s in root.iter("script"):
        if "ld+json" not in (s.get("type") or "").lower():
            continue
        try:
            data = json.loads(s.text or "")
        except (ValueError, TypeError):
            continue  # broken JSON-LD is common; the rest of the page still counts
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                found.append(item)
                if "@graph" in item:
                    stack.append(item["@graph"])
    return found


def _prune(root: Any, removed: list[Removed]) -> None:
    """Remove, with a reason, every element that is never article text (children never visited)."""
    stack = [root]
    while stack:
        el = stack.pop()
        for child in list(el):
            if not isinstance(child.tag, str):
                _drop(child)
                continue
            reason = _drop_reason(child)
            if not reason:
                stack.append(child)
                continue
            if child.tag not in _INVISIBLE:
                text = _norm(_text(child))
                if text:
                    removed.append(Removed(text if len(text) <= 300 else text[:299] + "…", reason))
            _drop(child)


def _drop(el: Any) -> None:
    """Remove an element but keep its tail: the text after it belongs to its parent."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _drop_reason(el: Any) -> str:
    tag = el.tag
    if tag in DROP_TAGS:
        if tag in _BIG_OK and _words(el) >= 150:
            return ""
        return _TAG_REASONS.get(tag, "page furniture")
    if _hidden(el):
        return "hidden element"
    if tag in ("html", "body", "article", "main"):
        return ""
    names = f"{el.get('class') or ''} {el.get('id') or ''}"
    m = _FURNITURE.search(names) if names.strip() else None
    if m and _words(el) < 120:
        return _CLASS_REASONS.get(m.group(1).lower().rstrip("s"), "page furniture")
    return ""


def _words(el: Any) -> int:
    return len(_text(el).split())


def _text(el: Any) -> str:
    return "".join(el.itertext())


def _hidden(el: Any) -> bool:
    style = el.get("style")
    return (
        el.get("hidden") is not None
        or (el.get("aria-hidden") or "").lower() == "true"
        or bool(style and _HIDDEN_STYLE.search(style))
    )


def _blocks(body: Any) -> list[Block]:
    """Walk the tree once (lxml's iterwalk, no recursion) and cut its text at block tags."""
    blocks: list[Block] = []
    parts: list[str] = []
    links = 0
    in_link = 0
    tag = "p"
    owners = [body]  # the block elements open around the current text

    def flush() -> None:
        nonlocal links, tag
        text = _norm("".join(parts))
        if text:
            blocks.append(Block(text, tag, min(links, len(text)), node=owners[-1]))
        parts.clear()
        links = 0
        tag = "p"

    for event, el in etree.iterwalk(body, events=("start", "end")):
        name = el.tag
        if event == "start":
            if name in BLOCK_TAGS:
                flush()
                owners.append(el)
                if name in _KEEP_TAG:
                    tag = name
            if name == "a":
                in_link += 1
            if el.text:
                parts.append(el.text)
                if in_link:
                    links += len(el.text.strip())
        else:
            if name in BLOCK_TAGS:
                flush()
                owners.pop()
            elif name == "a":
                in_link -= 1
            if el.tail and el is not body:
                parts.append(el.tail)
                if in_link:
                    links += len(el.tail.strip())
    flush()
    return blocks
