"""HTML to an lxml tree (bs4 for what libxml2 refuses), and what is measured on it in one pass.

Linear in the page whatever its nesting: parts of lxml's API are not. SubElement, iter() and
itertext() cost grows with depth (a chain 100,000 deep: 35 s to build with SubElement, 6 s to
walk with iter() at 40,000), so the tree is built with TreeBuilder and read with XPath.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

DIRECT_COUNTS = 64  # see Words

# Plain etree elements: lxml.html's element classes cost a Python lookup per node visited.
_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True)
# An element's text as libxml2 joins it: "".join(el.itertext()) builds a proxy per element, which
# on a page nested 100,000 deep costs 390 ms a call against 12 ms for this.
_STRING = etree.XPath("string()", smart_strings=False)


def tree(html: str) -> Any:
    """The page's lxml tree, None for no markup; bs4 builds it where libxml2 cuts it short."""
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
    """Build an lxml tree from beautifulsoup4's parse, iteratively (pages nest thousands deep).

    Through lxml's TreeBuilder: SubElement's cost grows with the depth it inserts at (35 s to build
    a chain 100,000 deep, against 0.1 s).
    """
    from bs4 import BeautifulSoup, NavigableString, Tag

    soup = BeautifulSoup(html, "lxml")
    builder = etree.TreeBuilder()
    builder.start("html", {})
    names = ["html"]  # the tag each open element was started as
    stack = [iter(soup.children)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            builder.end(names.pop())
        elif isinstance(child, Tag):
            names.append(_start(builder, child))
            stack.append(iter(child.children))
        elif type(child) is NavigableString:
            builder.data(_NOT_XML.sub("", str(child)))
    root = builder.close()
    html = root.find("html")
    return html if html is not None else root


# Characters an lxml tree refuses (libxml2's own parser drops them; bs4 keeps them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _start(builder: Any, tag: Any) -> str:
    attrs = {}
    for key, value in tag.attrs.items():
        v = _NOT_XML.sub("", " ".join(value) if isinstance(value, list) else str(value))
        try:
            etree.Element("x", {key: v})
        except ValueError:
            continue  # attribute names lxml rejects carry nothing we read
        attrs[key] = v
    try:
        builder.start(tag.name, attrs)
        return str(tag.name)
    except ValueError:
        builder.start("span", attrs)  # a tag name lxml refuses
        return "span"


def word_counts(root: Any) -> dict[Any, int]:
    """Every element's word count, as ``len(text_of(el).split())`` gives it, in one bottom-up pass.

    Counting each element's own subtree again at every level is quadratic in nesting depth: a page
    of <aside> nested 4,000 deep took 3 s, 20,000 deep did not finish in 120 s.
    """
    counts: dict[Any, int] = {}
    open_spans: list[_Span] = [None]  # the text so far of each element open around this one
    for event, el in etree.iterwalk(root, events=("start", "end")):
        if event == "start":
            open_spans.append(_span(el.text) if isinstance(el.tag, str) else None)
            continue
        span = open_spans.pop()
        if isinstance(el.tag, str):
            counts[el] = span[0] if span else 0
            open_spans[-1] = _join(open_spans[-1], span)
        if el.tail and el is not root:  # a comment's text is not text; its tail is
            open_spans[-1] = _join(open_spans[-1], _span(el.tail))
    return counts


class Words(dict[Any, int]):
    """Word counts of the elements the pruning asks about, linear in the page whatever its depth.

    The first DIRECT_COUNTS are counted on the element's text, joined in C: real pages ask about
    14 (median; 45 at the 99th percentile of the gold sets), and a whole-tree pass in Python
    costs 8% more extraction time. Past that the page is nested (each level asks again about the
    text below it), so a subtree at a time is counted in one pass into this dict.
    """

    def __init__(self, enough: int) -> None:
        super().__init__()
        self.enough = enough
        self.direct = 0

    def __missing__(self, el: Any) -> int:
        if self.direct < DIRECT_COUNTS:
            self.direct += 1
            # Past ``enough`` the exact number is never needed, and splitting stops there.
            return len(text_of(el).split(maxsplit=self.enough))
        self.update(word_counts(el))
        return self[el]


_Span = tuple[int, bool, bool] | None  # words, starts mid-word, ends mid-word; None: no text


def _span(text: str | None) -> _Span:
    if not text:
        return None
    return len(text.split()), not text[0].isspace(), not text[-1].isspace()


def _join(a: _Span, b: _Span) -> _Span:
    if a is None or b is None:
        return a or b
    # Text ending mid-word followed by text starting mid-word is one word, not two.
    return a[0] + b[0] - (a[2] and b[1]), a[1], b[2]


def text_of(el: Any) -> str:
    """An element's text, all of its subtree's text joined (as itertext() would)."""
    return str(_STRING(el))
