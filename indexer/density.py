"""Find the main text of a flattened page: the densest contiguous region of prose lines.

A page flattened to text keeps its menus, link lists and footers as short lines around the story.
Each line is judged on its own (length, stop words, sentence shape, link share, list bullets) and
then in context: the story is the run of lines with the most prose in it, so a short line inside
that run (a sub-heading, a one-line paragraph, a quote) stays while the same line far from it goes.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from newsearch.indexer.extract import Block

# Common English function words: prose is full of them, menus and headlines are not.
STOP_WORDS = frozenset(
    re.findall(
        r"\w+",
        """
        a about above after again against all am an and any are as at be because been before being
        below between both but by can could did do does doing down during each few for from further
        had has have having he her here hers him his how i if in into is it its just me more most my
        no nor not now of off on once only or other our out over own same she should so some such
        than that the their them then there these they this those through to too under until up very
        was we were what when where which while who whom why will with would you your said says also
        new one two may might must us
        """,
    )
)
_WORD = re.compile(r"\w+")
_BULLET = re.compile(r"^\s*(?:[*+•·▪►o-]|\d{1,2}[.)])\s+")
_TERMINAL = re.compile(r"[.!?…:;。！？][\"'”’)\]」』]*\s*$")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_CJK_END = re.compile(r"[。！？]")
GOOD, NEAR, SHORT, BAD = "good", "near", "short", "bad"


@dataclass
class LineInfo:
    """What a line looks like on its own."""

    words: int
    stop: float
    terminal: bool
    bullet: bool
    link: float
    kind: str = SHORT


def page_stop_words(blocks: list[Block]) -> frozenset[str]:
    """English stop words, or for a page in another language its own most frequent words."""
    tokens: list[str] = []
    for b in blocks:
        words = _WORD.findall(b.text.lower())
        if len(words) >= 10:  # prose-sized lines say what language the page is in
            tokens.extend(t for t in words if not t.isdigit())
    if not tokens or sum(t in STOP_WORDS for t in tokens) >= 0.25 * len(tokens):
        return STOP_WORDS
    # Function words are the most frequent words of any language: take the page's own.
    common = Counter(t for t in tokens if len(t) <= 5).most_common(40)
    return frozenset(t for t, _ in common)


def describe(block: Block, stop_words: frozenset[str] = STOP_WORDS) -> LineInfo:
    """Measure one line: words, stop-word share, sentence end, bullet, link share."""
    text = block.text
    tokens = _WORD.findall(text.lower())
    n = len(tokens)
    stop = sum(map(stop_words.__contains__, tokens)) / n if n else 0.0
    cjk = 0 if text.isascii() else len(_CJK.findall(text))  # most lines: no second regex pass
    if cjk * 3 > len(text):
        # Chinese and Japanese write no spaces: about two characters make a word, and a
        # sentence's full stop stands in for the stop words the other tests count.
        n, stop = max(n, cjk // 2), (0.3 if _CJK_END.search(text) else stop)
    info = LineInfo(
        words=n,
        stop=stop,
        terminal=bool(_TERMINAL.search(text)),
        bullet=bool(_BULLET.match(text)),
        link=block.link_density,
    )
    info.kind = _kind(info)
    return info


def _kind(x: LineInfo) -> str:
    if x.words == 0 or x.link > 0.5:
        return BAD
    if x.link > 0.25 and x.words < 25:
        return BAD
    if x.bullet and (x.words < 12 or not x.terminal):
        return BAD
    if x.words >= 12 and x.stop >= 0.25 and (x.terminal or x.words >= 25):
        return GOOD
    if x.words >= 8 and x.stop >= 0.2 and x.terminal:
        return NEAR
    return SHORT


def _score(x: LineInfo, alone: bool = True) -> float:
    if x.kind == GOOD:
        # A lone prose line between headlines is a teaser; a run of them is a story.
        if alone:
            # A long lone line (a footer's contact details, a teaser's summary) is worth no more
            # than a shorter one: capped at 100 words, one such line outscored a two-paragraph
            # story. Capped at ALONE_WORDS, scrapinghub dev F1 rose 0.903 -> 0.907 (inscriptis)
            # and 0.891 -> 0.895 (html2text).
            return min(x.words, ALONE_WORDS) - 20
        return min(x.words, 100) - 10
    if x.kind == NEAR:
        return x.words * 0.5
    if x.kind == BAD:
        return -4.0 - x.words * 0.3
    return -1.5


# Lines the pattern rules already dropped still tell where the story ends: a related-links or
# share header is a fence the region should not cross, and the comments start after the story.
_FENCES = {
    "comments prompt": -30.0,
    "related links": -10.0,
    "newsletter promo": -10.0,
    "share prompt": -8.0,
    "copyright": -10.0,
    "cookie notice": -8.0,
    "navigation": -8.0,
    "tags": -8.0,
}
MIN_CLUTTER = 5  # label lines (3 words or fewer, no sentence end) that make a text a web page
OTHER_INDENT = 0.5  # prose indented unlike the story's counts this much
ALONE_WORDS = 50  # what a lone prose line's words count up to
# Share of the region's prose at one indent for that indent to be the story's (scrapinghub dev,
# inscriptis: 0.907 -> 0.910; 0.5 changed nothing, 0.7 gave 0.908).
MAIN_INDENT = 0.6
# Words of prose above a comments header for the text after it to be comments: a "Comment" link
# in the masthead had the whole story counted at AFTER_COMMENTS (scrapinghub dev 0.901 -> 0.903).
STORY_SO_FAR = 50
AFTER_COMMENTS = 0.3  # prose after a comments header counts this much: readers, not the story


def prose_region(scores: list[float]) -> tuple[int, int]:
    """The [start, end) run of lines with the highest summed score (Kadane's maximum subarray)."""
    best, best_span = 0.0, (0, 0)
    run, start = 0.0, 0
    for i, score in enumerate(scores):
        if run < 0:
            run, start = 0.0, i
        run += score
        if run >= best and run > 0:  # on a tie the longer run wins: keep the story whole
            best, best_span = run, (start, i + 1)
    return best_span


def _sentence(x: LineInfo | None) -> bool:
    return x is not None and x.kind != BAD and x.terminal and x.stop >= 0.15


def _extend(
    blocks: list[Block], infos: list[LineInfo | None], start: int, end: int
) -> tuple[int, int]:
    """Grow the region over the sentences right next to it: a short closing line is story too.

    Lines the pattern rules dropped (a share prompt between two paragraphs) are stepped over,
    a comments header is not.
    """

    def hop(i: int, step: int) -> int:
        while 0 <= i < len(infos) and infos[i] is None and blocks[i].reason != "comments prompt":
            i += step
        return i

    while (j := hop(end, 1)) < len(infos) and _sentence(infos[j]):
        end = j + 1
    while (j := hop(start - 1, -1)) >= 0 and _sentence(x := infos[j]) and x and x.words >= 8:
        start = j
    return start, end


def region(blocks: list[Block]) -> tuple[list[LineInfo | None], tuple[int, int]]:
    """Each block's measure (None when already dropped) and the [start, end) prose region."""
    live = [b for b in blocks if not b.reason]
    if not live:
        return [None] * len(blocks), (0, 0)
    stop_words = page_stop_words(live)
    infos = [describe(b, stop_words) if not b.reason else None for b in blocks]
    scores: list[float] = []
    weight = 1.0
    live_infos = [x for x in infos if x is not None]
    prose = {id(x): x.kind in (GOOD, NEAR) for x in live_infos}
    alone: dict[int, bool] = {}
    for k, info in enumerate(live_infos):
        before = k > 0 and prose[id(live_infos[k - 1])]
        after = k + 1 < len(live_infos) and prose[id(live_infos[k + 1])]
        alone[id(info)] = not (before or after)
    told = 0  # words of prose so far: a "Comments" link in the masthead starts no thread
    for block, x in zip(blocks, infos, strict=True):
        if x is None:
            scores.append(_FENCES.get(block.reason, 0.0))
            if block.reason == "comments prompt" and told >= STORY_SO_FAR:
                weight = AFTER_COMMENTS
        else:
            s = _score(x, alone[id(x)])
            scores.append(s * weight if s > 0 else s)
            told += x.words if x.kind == GOOD else 0
    start, end = prose_region(scores)
    if end == 0:
        return infos, (0, 0)
    if any(b.indent for b in blocks):
        # Second pass: lines indented unlike the region's prose sit in another box of the page.
        depth: Counter[int] = Counter()
        for block, x in zip(blocks[start:end], infos[start:end], strict=True):
            if x is not None and x.kind == GOOD:
                depth[block.indent] += x.words
        main, held = depth.most_common(1)[0] if depth else (0, 0)
        # Prose spread over several indents (a flattened table layout) names no box to prefer.
        if depth and held >= MAIN_INDENT * sum(depth.values()):
            scores = [
                s * OTHER_INDENT if s > 0 and x is not None and blocks[i].indent != main else s
                for i, (s, x) in enumerate(zip(scores, infos, strict=True))
            ]
            start, end = prose_region(scores)
            if end == 0:
                return infos, (0, 0)
    return infos, _extend(blocks, infos, start, end)


def mark_lines(blocks: list[Block]) -> int | None:
    """Drop, with a reason, every kept line outside the prose region; return where it starts."""
    infos, (start, end) = region(blocks)
    # Menus and labels: a page's furniture. List items and award lists in a story are longer.
    labels = sum(1 for x in infos if x is not None and x.words <= 3 and not x.terminal)
    if labels < MIN_CLUTTER:
        return None  # an article on its own (wire copy, a pasted story): every line stays
    if end == 0:
        return None  # no prose anywhere: nothing to anchor on, leave the page as it is
    for i, (block, x) in enumerate(zip(blocks, infos, strict=True)):
        if x is None:
            continue
        if i < start or i >= end:
            block.reason = "outside the main text"
        elif x.kind == BAD:
            block.reason = "link list" if x.link > 0.25 or x.bullet else "navigation"
    return start
