"""Raw text or HTML to blocks, and blocks to an Article (boilerplate and metadata in between)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from newsearch.errors import SourceError
from newsearch.models import Article, Removed

BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "section",
        "article",
        "main",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "blockquote",
        "pre",
        "table",
        "tr",
        "td",
        "th",
        "figure",
        "figcaption",
        "header",
        "footer",
        "nav",
        "aside",
        "address",
        "hr",
        "br",
        "form",
        "fieldset",
        "details",
        "summary",
    ]
)
# Elements whose text is never article text.
DROP_TAGS = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "iframe",
        "svg",
        "canvas",
        "button",
        "select",
        "option",
        "input",
        "textarea",
        "nav",
        "header",
        "footer",
        "aside",
        "form",
        "menu",
        "dialog",
        "object",
        "embed",
        "head",
    ]
)
HEADINGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])
_WS = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")


@dataclass
class Block:
    """A paragraph-sized piece of a page, with what the boilerplate stage judges it by."""

    text: str
    tag: str = "p"
    link_chars: int = 0
    reason: str = ""  # why it was dropped; empty when kept
    node: Any = field(default=None, repr=False, compare=False)  # the HTML element it came from
    indent: int = 0  # leading spaces of a plain-text line: flattened pages indent by nesting

    @property
    def words(self) -> int:
        """How many words the block has."""
        return len(self.text.split())

    @property
    def link_density(self) -> float:
        """Share of the block's characters inside links."""
        return self.link_chars / max(1, len(self.text))


@dataclass
class Page:
    """Blocks of one document plus what its markup says about it."""

    blocks: list[Block]
    meta: dict[str, Any] = field(default_factory=dict)
    jsonld: list[dict[str, Any]] = field(default_factory=list)
    html_title: str = ""
    removed: list[Removed] = field(default_factory=list)  # elements dropped before blocking


def text_blocks(text: str) -> list[Block]:
    """Split plain text into blocks: blank lines part them; hard-wrapped lines are re-joined."""
    from newsearch.indexer.plaintext import split_text

    return split_text(text)


def _norm(s: str) -> str:
    return _WS.sub(" ", s).strip()


def html_page(html: str) -> Page:
    """Parse HTML with beautifulsoup4 (lxml) into blocks and head metadata."""
    from newsearch.indexer.htmlparse import parse_html

    try:
        return parse_html(html)
    except RecursionError as exc:
        raise SourceError("HTML nested too deeply to parse") from exc


def sniff_kind(raw: str) -> str:
    """Guess whether a raw document is HTML or plain text."""
    head = raw[:2048].lstrip().lower()
    if head.startswith(("<!doctype html", "<html", "<?xml")) or re.search(
        r"<(html|head|body|p|div|article)[\s>]", head
    ):
        return "html"
    return "text"


def extract(raw: str | bytes, kind: str = "auto", meta: dict[str, object] | None = None) -> Article:
    """Clean one raw document (text or HTML) into an Article with its metadata."""
    return extract_blocks(raw, kind, meta)[0]


def extract_blocks(
    raw: str | bytes, kind: str = "auto", meta: dict[str, object] | None = None
) -> tuple[Article, list[Block]]:
    """Like extract(), plus every block in document order with why it was dropped, if it was."""
    from newsearch.indexer import boilerplate, metadata
    from newsearch.indexer.sources import decode

    if isinstance(raw, bytes):
        raw = decode(raw)
    if kind == "auto":
        kind = sniff_kind(raw)
    if kind not in ("text", "html"):
        raise ValueError(f"kind must be 'auto', 'text' or 'html', not {kind!r}")
    meta = meta or {}
    page = html_page(raw) if kind == "html" else Page(text_blocks(raw))
    # The crawl date (a WARC record's) bounds every date found: no page states a later one.
    crawled = metadata.parse_date(meta.get("crawled"))
    found = metadata.Found(extra_removed=list(page.removed), crawled=crawled)
    metadata.from_markup(page, found)
    metadata.from_record(meta, found)
    # A JSON record states its title (perhaps as none): its first line is never taken for one.
    has_title = bool(found.title) or "title" in meta
    boilerplate.classify(page.blocks, found, title_known=has_title, html=kind == "html")
    if not found.authors:
        # A byline element the HTML pass dropped still names the authors.
        for r in found.extra_removed:
            if r.reason == "byline" and len(r.text.split()) <= 12:
                found.authors.extend(metadata.byline(r.text))
    metadata.settle_dates(found)
    kept = [b.text for b in page.blocks if not b.reason]
    body = "\n\n".join(kept)
    if not body.strip() and found.article_body:
        body = found.article_body  # JSON-LD articleBody when the markup held no readable text
    title = found.title
    article = Article(
        title=title,
        body=body,
        published=found.published,
        modified=found.modified,
        authors=tuple(dict.fromkeys(found.authors)),
        tags=tuple(dict.fromkeys(found.tags)),
        site=found.site,
        url=found.url,
        removed=tuple(found.removed(page.blocks)),
    )
    return article, page.blocks
