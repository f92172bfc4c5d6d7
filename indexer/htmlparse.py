"""HTML to blocks with beautifulsoup4 (lxml): drop what is never article text, mark what is."""

from __future__ import annotations

import json
import re
from typing import Any

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

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
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_ARTICLE_SELECTORS = ('[itemprop="articleBody"]', "article", "main", '[role="main"]')
_XML_PROLOG = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)


def parse_html(html: str) -> Page:
    """Parse a page into blocks, metadata from <head>, and JSON-LD objects."""
    # lxml refuses a str that declares its own encoding; the text is already decoded.
    html = _XML_PROLOG.sub("", html, count=1)
    soup = BeautifulSoup(html, "lxml")
    page = Page(blocks=[])
    page.html_title = _norm(soup.title.get_text()) if soup.title else ""
    page.meta = _meta_tags(soup)
    page.jsonld = _jsonld(soup)
    for el in soup.find_all(["time"]):
        if el.get("datetime") and "time" not in page.meta:
            page.meta["time"] = str(el["datetime"])
    # Parents before children, and a dropped element's subtree is never visited: linear in the
    # page size even for pages nested thousands deep.
    stack: list[Tag] = [soup]
    while stack:
        el = stack.pop()
        reason = _drop_reason(el) if el is not soup else ""
        if reason:
            text = "" if el.name in _INVISIBLE else _norm(el.get_text(" "))
            if text:
                page.removed.append(Removed(text if len(text) <= 300 else text[:299] + "…", reason))
            el.decompose()
        else:
            stack.extend(c for c in reversed(el.contents) if isinstance(c, Tag))
    root = _article_root(soup)
    body = soup.body or soup
    if root is not None and root is not body:
        page.blocks = _blocks(body, root)
    else:
        page.blocks = _blocks(body, None)
    return page


def _meta_tags(soup: BeautifulSoup) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    for m in soup.find_all("meta"):
        key = (m.get("property") or m.get("name") or m.get("itemprop") or "").strip().lower()
        content = m.get("content")
        if not key or not content:
            continue
        meta.setdefault(key, []).append(_norm(str(content)))
    return meta


def _jsonld(soup: BeautifulSoup) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for s in soup.find_all("script", type=re.compile("ld\\+json", re.I)):
        try:
            data = json.loads(s.string or "")
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


def _drop_reason(el: Tag) -> str:
    if el.name in DROP_TAGS:
        return _TAG_REASONS.get(el.name, "page furniture")
    if _hidden(el):
        return "hidden element"
    m = _furniture(el)
    if m and _small(el):
        return _CLASS_REASONS.get(m.group(1).lower().rstrip("s"), "page furniture")
    return ""


def _hidden(el: Tag) -> bool:
    if el.attrs is None:
        return False
    return (
        el.has_attr("hidden")
        or str(el.get("aria-hidden", "")).lower() == "true"
        or bool(_HIDDEN_STYLE.search(str(el.get("style", ""))))
    )


def _furniture(el: Tag) -> re.Match[str] | None:
    if el.name in ("html", "body", "article", "main") or el.attrs is None:
        return None
    names = " ".join(el.get("class", []) or []) + " " + str(el.get("id", ""))
    return _FURNITURE.search(names)


def _small(el: Tag) -> bool:
    return len(el.get_text(" ", strip=True).split()) < 120


def _article_root(soup: BeautifulSoup) -> Tag | None:
    for sel in _ARTICLE_SELECTORS:
        cands = soup.select(sel)
        if cands:
            best = max(cands, key=lambda t: len(t.get_text(" ", strip=True)))
            if len(best.get_text(" ", strip=True).split()) >= 50:
                return best
    return None


def _blocks(body: Tag, root: Tag | None) -> list[Block]:
    """Walk the tree without recursion (pages nest thousands deep) and cut text at block tags."""
    blocks: list[Block] = []
    parts: list[str] = []
    state = {"links": 0, "in_link": 0, "in_root": 0 if root is not None else 1, "tag": "p"}

    def flush() -> None:
        text = _norm("".join(parts))
        if text:
            blocks.append(
                Block(
                    text,
                    state["tag"],
                    min(state["links"], len(text)),
                    in_article=bool(state["in_root"]),
                )
            )
        parts.clear()
        state["links"] = 0
        state["tag"] = "p"

    stack: list[tuple[object, str]] = [(body, "open")]
    while stack:
        node, action = stack.pop()
        if action == "close":
            tag = node
            if tag.name in BLOCK_TAGS:
                flush()
            if tag.name == "a":
                state["in_link"] -= 1
            if tag is root:
                state["in_root"] = 0
            continue
        if isinstance(node, Comment):
            continue
        if isinstance(node, NavigableString):
            s = str(node)
            parts.append(s)
            if state["in_link"]:
                state["links"] += len(s.strip())
            continue
        if not isinstance(node, Tag):
            continue
        if node.name in BLOCK_TAGS:
            flush()
            if node.name in HEADINGS or node.name in (
                "li",
                "blockquote",
                "figcaption",
                "pre",
                "td",
            ):
                state["tag"] = node.name
        if node.name == "a":
            state["in_link"] += 1
        if node is root:
            state["in_root"] = 1
        stack.append((node, "close"))
        stack.extend((child, "open") for child in reversed(node.contents))
    flush()
    return blocks
