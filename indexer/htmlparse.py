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
from newsearch.indexer.htmltree import Words, text_of, tree
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
BIG_WORDS = 150  # a page-wide <form>/<header>/<aside> wrapper holds at least this much text
FURNITURE_WORDS = 120  # an element named like furniture holding more is not furniture
_XML_PROLOG = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_KEEP_TAG = frozenset([*HEADINGS, "li", "blockquote", "figcaption", "pre", "td", "th", "dd", "tr"])
GRID_ROWS = 3  # rows of two or more plain cells that make a table one of figures, not a layout
CELL = "grid-cell"  # what a data table's cells are renamed to: inline text, one block per row


def parse_html(html: str) -> Page:
    """Parse a page into blocks, metadata from <head>, and JSON-LD objects."""
    # lxml refuses a str that declares its own encoding; the text is already decoded.
    html = _XML_PROLOG.sub("", html, count=1)
    root = tree(html)
    page = Page(blocks=[])
    if root is None:
        return page
    title = root.find(".//title")
    page.html_title = _norm(text_of(title)) if title is not None else ""
    page.meta = _meta_tags(root)
    page.jsonld = _jsonld(root)
    for el in root.iter("time"):
        if el.get("datetime") and "time" not in page.meta:
            page.meta["time"] = str(el.get("datetime"))
    _prune(root, page.removed)
    _grid_rows(root)
    body = root.find("body")
    page.blocks = _blocks(body if body is not None else root)
    return page


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
        except (ValueError, TypeError, RecursionError):
            continue  # broken (or absurdly nested) JSON-LD is common; the page still counts
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
    words = Words(enough=BIG_WORDS)
    stack = [root]
    while stack:
        el = stack.pop()
        for child in list(el):
            if not isinstance(child.tag, str):
                _drop(child)
                continue
            reason = _drop_reason(child, words)
            if not reason:
                stack.append(child)
                continue
            if child.tag not in _INVISIBLE:
                text = _norm(text_of(child))
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


def _drop_reason(el: Any, words: dict[Any, int]) -> str:
    tag = el.tag
    if tag in DROP_TAGS:
        if tag in _BIG_OK and words[el] >= BIG_WORDS:
            return ""
        return _TAG_REASONS.get(tag, "page furniture")
    if _hidden(el):
        return "hidden element"
    if tag in ("html", "body", "article", "main"):
        return ""
    names = f"{el.get('class') or ''} {el.get('id') or ''}"
    m = _FURNITURE.search(names) if names.strip() else None
    if m and words[el] < FURNITURE_WORDS:
        return _CLASS_REASONS.get(m.group(1).lower().rstrip("s"), "page furniture")
    return ""


def _hidden(el: Any) -> bool:
    style = el.get("style")
    return (
        el.get("hidden") is not None
        or (el.get("aria-hidden") or "").lower() == "true"
        or bool(style and _HIDDEN_STYLE.search(style))
    )


def _grid_rows(root: Any) -> None:
    """Make each row of a data table one block, its cells inline.

    A results table or a price list is read a row at a time; cut into one block per cell, its
    repeated figures ("0", "1") look like repeated labels and are dropped, and the row's words lose
    their order. A layout table (cells holding paragraphs, boxes or other tables) keeps its cells.
    """
    for table in root.xpath("//table"):
        rows = table.xpath("tr | thead/tr | tbody/tr | tfoot/tr")
        if len(rows) < GRID_ROWS:
            continue
        plain = 0
        for tr in rows:
            cells = [c for c in tr if c.tag in ("td", "th")]
            if len(cells) >= 2 and not tr.xpath(_NESTED_BLOCKS):
                plain += 1
        if plain >= GRID_ROWS and plain * 2 >= len(rows):
            for tr in rows:
                if not tr.xpath(_NESTED_BLOCKS):
                    for cell in tr:
                        if cell.tag in ("td", "th"):
                            cell.tag = CELL


_NESTED_BLOCKS = "td/*[self::table or self::div or self::p or self::ul or self::ol] | th/table"


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
            elif name == CELL:
                parts.append(" ")
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
            elif name == CELL:
                parts.append(" ")
            if el.tail and el is not body:
                parts.append(el.tail)
                if in_link:
                    links += len(el.tail.strip())
    flush()
    return blocks
