"""Around and inside the story's element: what continues the story, and what sits in it but is not.

``container.story_elements`` names the element that holds most of the story's prose. It leaves
two kinds of loss. A story told as a list (its items vote for the list, not for the text around
it) or split over a row of one-paragraph boxes is cut short. And the element it names carries,
inside, pictures' captions and galleries, the cells of a layout table, comment threads and cards
of other posts styled as the post itself. This stage widens the element over the first and drops
the second, each block with its reason.
"""

from __future__ import annotations

import re
from typing import Any

from newsearch.indexer import container, density
from newsearch.indexer.density import LineInfo
from newsearch.indexer.extract import HEADINGS, Block
from newsearch.indexer.htmltree import text_of

_LISTS = frozenset(["ul", "ol", "dl", "table", "tbody"])
_FIGURES = frozenset(["figure", "figcaption"])
# Inside the story's element, a gallery's or a figure's text: on the dev split of the three gold
# sets, the blocks kept under these names held 660 shingles not in the gold against 34 in it, and
# under <figure> 493 against 29. (Names with "caption" alone are not used: cleanportaleval's gold
# keeps such captions, and dropping them cost its dev F1 0.013.)
_GALLERY = re.compile(r"gallery|slideshow|carousel|lightbox", re.I)
# A readers' thread inside the post's element: pruning drops a small one by its class; one past
# FURNITURE_WORDS stays unless it is dropped here.
_COMMENTS = re.compile(
    r"(?:^|[\s_-])(?:comments?|commentlist|comment-list|respond|replies|disqus\w*)(?=$|[\s_-])",
    re.I,
)
_URL = re.compile(r"^(?:https?://|www\.)\S+$")  # a link written out in the story is read as text
NAMED_SHARE = 0.5  # share of the story element's text in the box that is the story's own
CARDS = 3  # copies of the story's own component inside it that make a list of other posts
MAX_CARDS = 64  # past this many, the "component" is a layout grid's class on every box
# Levels below the story element searched for the story's own box: each level reads its subtree,
# so a page nested 20,000 deep would cost quadratic time; a story's box sits a few levels down.
SPINE = 8
BOX_BLOCKS = 3  # blocks in one paragraph box of a story split over boxes (a quote, an aside)
KIN_PREFIX = 5  # letters a box's class shares with the story element's to be part of it
SHORT_BOX = 40  # words: a box this small between the story's boxes is a line of the story
BRIDGED = 2  # short boxes in a row that may sit between two of the story's boxes


def mark_blocks(blocks: list[Block]) -> None:
    """Drop, with a reason, every kept block outside the story's element or unfit inside it."""
    stop_words = density.page_stop_words([b for b in blocks if not b.reason])
    infos = [density.describe(b, stop_words) if not b.reason else None for b in blocks]
    roots = container.story_elements(blocks, infos)
    if not roots:
        return
    roots = _widen(roots, blocks, infos)
    opening = _opening(roots, blocks, infos)
    verdict: dict[Any, str] = {}
    for root in roots:
        verdict[root] = ""
        size = len(text_of(root))
        cards = _cards(root, size)
        # XPath lists a subtree in C; iter() makes a proxy per step, quadratic in depth (lxml 6).
        for el in root.xpath("descendant::*"):
            why = verdict.get(el.getparent(), "")
            if not why and el not in opening:
                why = "teaser" if el in cards else _named(el)
            verdict[el] = why
    for block, x in zip(blocks, infos, strict=True):
        if x is None:
            continue
        within = verdict.get(block.node)
        if within is None:
            block.reason = "outside the article"
        elif within:
            block.reason = within
        elif container.link_list(x) and not written_url(block.text):
            block.reason = "link list"
        elif block.tag in ("td", "th") and x.kind not in (density.GOOD, density.NEAR):
            # A data table's rows are blocks of their own (htmlparse); a cell is a layout's box,
            # and a label in one is a menu entry: 774 shingles out of the gold, 28 in it.
            block.reason = "table"
        elif block.tag == "figcaption":
            block.reason = "caption"


def written_url(text: str) -> bool:
    """Whether a block is a link written out (``http://...``), which the story's reader reads."""
    return bool(_URL.match(text))


def _opening(roots: list[Any], blocks: list[Block], infos: list[LineInfo | None]) -> set[Any]:
    """The elements around the story's first paragraph, which no name makes furniture.

    That paragraph is the first prose under no figure, gallery or thread; when every one is (the
    story's own wrapper is named "has-gallery"), the first prose of all.
    """
    inside = {el for root in roots for el in root.xpath("descendant-or-self::*")}
    first: list[Any] | None = None
    for block, x in zip(blocks, infos, strict=True):
        if x is None or x.kind != density.GOOD or block.node not in inside:
            continue
        # Walked up in Python: libxml2 sorts an ancestor axis, quadratic on a page nested deep.
        chain, el = [], block.node
        while el is not None and el in inside:
            chain.append(el)
            el = el.getparent()
        if not any(_named(e) for e in chain):
            return set(chain)
        first = first if first is not None else chain
    return set(first or ())


def _named(el: Any) -> str:
    """Why an element inside the story is not story by its tag or its class and id, or ''."""
    if el.tag in _FIGURES:
        return "caption"
    names = f"{el.get('class') or ''} {el.get('id') or ''}"
    if not names.strip():
        return ""
    if _GALLERY.search(names):
        return "caption"
    if _COMMENTS.search(names):
        return "comments"
    return ""


def _cards(root: Any, size: int) -> set[Any]:
    """Boxes inside the story that are the same component as the story's own box (its tag, its
    first class name): other posts' cards styled as the post. One or two are parts of it.

    The story's box is the root or a descendant holding most of its text (the root may be a
    wrapper around it, ``<body>`` even, when nothing else on the page has text).
    """
    el: Any = root
    for _ in range(SPINE):
        cards = _same_component(el)
        if cards:
            return cards
        el = next((c for c in el if len(text_of(c)) > NAMED_SHARE * size), None)
        if el is None:
            break
    return set()


def _same_component(box: Any) -> set[Any]:
    first = (box.get("class") or "").split()[:1]
    if not first or box.tag not in ("article", "section", "div", "li"):
        return set()
    card = f"{box.tag}[contains(concat(' ', normalize-space(@class), ' '), $c)]"
    same = box.xpath(f"descendant::{card}", c=f" {first[0]} ")
    if not CARDS <= len(same) <= MAX_CARDS:
        return set()
    inner = box.xpath(f"descendant::{card}/descendant::{card}", c=f" {first[0]} ")
    tops = set(same) - set(inner)
    return tops if len(tops) >= CARDS else set()


def _widen(roots: list[Any], blocks: list[Block], infos: list[LineInfo | None]) -> list[Any]:
    """A list or a table is part of a story, not all of it; a row of its one-paragraph boxes is."""
    out: list[Any] = []
    for root in roots:
        parent = root.getparent()
        if root.tag in _LISTS and parent is not None and parent.tag not in _LISTS:
            root = parent
        if root not in out:
            out.append(root)
    if len(out) == 1:
        out.extend(_sibling_run(out[0], blocks, infos))
    return out


def _sibling_run(root: Any, blocks: list[Block], infos: list[LineInfo | None]) -> list[Any]:
    """The siblings right before and after the story element that read as more of the story."""
    parent = root.getparent()
    if parent is None:
        return []
    # Each element under the parent to the index of the child it sits in, listed in C by XPath.
    child_of = {el: i for i, c in enumerate(parent) for el in c.xpath("descendant-or-self::*")}
    groups: dict[int, list[int]] = {}  # index of parent's child -> its blocks
    for k, block in enumerate(blocks):
        i = child_of.get(block.node)
        if i is not None:
            groups.setdefault(i, []).append(k)
    me = child_of[root]
    joined: list[Any] = []
    for step in (-1, 1):
        pending: list[Any] = []
        i = me + step
        while 0 <= i < len(parent):
            sib = parent[i]
            kind = _box_kind(sib, root, groups.get(i, []), blocks, infos)
            if kind == "prose":
                joined.extend(pending)
                joined.append(sib)
                pending = []
            elif kind == "short" and len(pending) < BRIDGED:
                pending.append(sib)
            elif kind != "empty":
                break
            i += step
    return joined


def _kin(el: Any, root: Any) -> bool:
    """Whether a box's class names it as another part of the story element (``body__para`` next
    to ``body__more``): the same stem, not the same class (container joins those already)."""
    a, b = (el.get("class") or "").split(), (root.get("class") or "").split()
    if not a or not b or a == b:
        return False
    n = 0
    for x, y in zip(a[0], b[0], strict=False):
        if x != y:
            break
        n += 1
    return n >= KIN_PREFIX


def _box_kind(
    el: Any, root: Any, members: list[int], blocks: list[Block], infos: list[LineInfo | None]
) -> str:
    """One sibling box as the sibling run sees it: empty, prose, short, or other (the run ends)."""
    live = [k for k in members if infos[k] is not None]
    if not live:
        return "empty"
    if _named(el) or not _kin(el, root) or container.class_weight(el) < 1.0:
        return "other"
    if len(live) > BOX_BLOCKS or any(blocks[k].tag in HEADINGS for k in live):
        return "other"  # a card (headline and teaser) or a section of its own, not a paragraph
    lines = [x for k in live if (x := infos[k]) is not None]
    words = sum(x.words for x in lines)
    if sum(x.words * x.link for x in lines) > 0.3 * words:
        return "other"
    prose = sum(x.words for x in lines if x.kind in (density.GOOD, density.NEAR))
    if prose >= 0.7 * words:
        return "prose"
    return "short" if words <= SHORT_BOX else "other"
