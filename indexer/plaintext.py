"""Plain text to blocks: one block per line, except hard-wrapped prose, which is re-joined.

Newswire copy is wrapped at a fixed width and marks a new paragraph by indenting its first line;
a page flattened to text has one paragraph per line, indented by how deep it sat in the page.
Column-aligned rows of figures inside wrapped copy (a wire story's price list) are tagged ``tr`` so
the boilerplate stage drops them as a table; on a flattened page a table is left to the region
finder, since there it is often the story itself (results, schedules).
"""

from __future__ import annotations

import re

from newsearch.indexer.extract import Block, _norm

_TERMINAL = (".", "!", "?", ":", '"', "”", "'", "’")
_COLUMN_GAP = re.compile(r"\S(?: {3,}|\t)(?=\S)")
_FIGURE = re.compile(r"^(?:[-+(]?[\d.,/:%]+[)%]?|-+|n\.?a\.?|nil|x|[ivx]+)$", re.I)
_PROSE_WORDS = frozenset(
    ("the", "a", "an", "of", "to", "in", "and", "or", "for", "on", "at", "by", "with", "is", "was")
    + ("were", "said", "from")
)


def split_text(text: str) -> list[Block]:
    """Split plain text into blocks: blank lines part them; wrapped lines are re-joined."""
    blocks: list[Block] = []
    text = text.replace("\r\n", "\n").replace("\r", "\n").expandtabs(8)
    for chunk in re.split(r"\n\s*\n", text):
        lines = [ln.rstrip() for ln in chunk.split("\n") if ln.strip()]
        if lines:
            blocks.extend(_chunk_blocks(lines))
    return [b for b in blocks if b.text]


def _chunk_blocks(lines: list[str]) -> list[Block]:
    if len(lines) == 1:  # most chunks of a flattened page: one line between blank lines
        return [Block(_norm(lines[0]), indent=_indent(lines[0]))]
    width = wrap_width(lines)
    # Copy that indents its paragraphs' first lines marks every paragraph that way.
    by_indent = bool(width) and any(_indent(ln) > _indent(lines[0]) + 1 for ln in lines[1:])
    out: list[Block] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            out.append(Block(_norm(" ".join(para)), indent=_indent(para[0])))
            para.clear()

    for i, ln in enumerate(lines):
        last = i == len(lines) - 1 and len(ln.split()) <= 2  # a sign-off: "Reuter", "ENDS"
        joins = (
            bool(para)
            and not last
            and (
                _continues(para[-1], ln, width, i == 1, by_indent)
                if width
                else _runs_on(para[-1], ln)
            )
        )
        if joins:
            para.append(ln)  # the line above ran to the wrap width: same paragraph
            continue
        flush()
        if width and not last and table_row(ln):
            out.append(Block(_norm(ln), tag="tr", indent=_indent(ln)))
        else:
            para.append(ln)
    flush()
    return out


def wrap_width(lines: list[str]) -> int:
    """The column a chunk of lines was hard-wrapped at, or 0 when it was not wrapped."""
    if sum(40 <= len(ln.strip()) <= 100 for ln in lines) < 2:
        return 0  # cheap rejection: most chunks of a flattened page are single short lines
    stripped = [ln.strip() for ln in lines if not table_row(ln)]
    if len(stripped) < 2:
        return 0
    width = max(len(ln) for ln in stripped[:-1])
    if not 40 <= width <= 100:
        return 0
    # Wrapped prose fills each line until the next word would not fit, except where a sentence
    # ends a paragraph; a stack of headlines or menu items does not. The first line may be
    # short: a dateline cut from it ("SALVADOR, Feb 26 -").
    full = [
        len(ln) + 1 + len(nxt.split()[0]) > width - 10
        for ln, nxt in zip(stripped[1:-1], stripped[2:], strict=False)
        if not ln.endswith(_TERMINAL)
    ]
    if not full:
        first = stripped[0]
        return width if len(first) >= width - 12 and not first.endswith(_TERMINAL) else 0
    return width if sum(full) >= 0.6 * len(full) else 0


def _continues(prev: str, line: str, width: int, first: bool, by_indent: bool) -> bool:
    if re.match(r"\s{2,}\S", line) and _indent(line) > _indent(prev):
        return False  # newswire marks a new paragraph by indenting its first line
    if by_indent:
        return True
    p, word = prev.strip(), line.split()[0]
    if first and not p.endswith(_TERMINAL):
        return True  # the first line is short when a dateline was cut from its start
    if p.endswith(_TERMINAL):
        return len(p) >= width - 15 and not word[0].isupper()
    # A sentence running on: the line above was full, or this one starts mid-sentence.
    return len(p) + 1 + len(word) > width - 15 or word[0].islower() or word[0].isdigit()


def _runs_on(prev: str, line: str) -> bool:
    """A long line stopping mid-sentence and a next one starting in lower case: one sentence."""
    p, word = prev.strip(), line.split()[0]
    return len(p) >= 30 and not p.endswith(_TERMINAL) and (word[0].islower() or word[0].isdigit())


def table_row(line: str) -> bool:
    """Whether a line is a row of a table: aligned columns or mostly figures, not a sentence."""
    tokens = line.split()
    if len(tokens) < 2:
        return False
    prose = sum(t.lower() in _PROSE_WORDS for t in tokens)
    if prose >= 2 or (line.rstrip().endswith(".") and len(tokens) >= 6 and prose):
        return False
    if len(_COLUMN_GAP.findall(line.strip())) >= 2:
        return True
    figures = sum(bool(_FIGURE.match(t)) for t in tokens)
    return figures >= 2 and figures >= 0.5 * len(tokens)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())
