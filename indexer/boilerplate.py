"""Keep the article's blocks, drop boilerplate, and remember each drop with its reason."""

from __future__ import annotations

import re
from collections import Counter

from newsearch.indexer import density, inside
from newsearch.indexer.extract import HEADINGS, Block
from newsearch.indexer.metadata import Found, byline, date_line, dateline

# (reason, pattern) — matched against short blocks only, so a story paragraph that happens to
# mention a newsletter or cookies is never dropped.
RULES: list[tuple[str, re.Pattern[str]]] = [
    (reason, re.compile(pattern, re.I))
    for reason, pattern in [
        (
            "app promo",
            r"\bdownload (?:the|our)\b.{0,60}\bapps?\b|\bavailable on (?:android|ios|"
            r"the app store|google play)|\bget the (?:\w+ )?app\b",
        ),
        (
            "newsletter promo",
            r"\bsign up (?:for|to)\b.{0,60}\bnewsletter|^subscribe\b|\bsubscribe (?:now|today)\b|"
            r"\bsubscribe to (?:our|the)\b.{0,40}\b(?:newsletter|podcast|channel|updates)|"
            r"^newsletters?\b",
        ),
        (
            "share prompt",
            r"^(?:share|tweet|e-?mail|print|whatsapp|facebook|twitter|linkedin|"
            r"pinterest|reddit|copy link)(?:\s*(?:[|/•,·]|\s)\s*(?:share|tweet|e-?mail|"
            r"print|whatsapp|facebook|twitter|linkedin|pinterest|reddit|copy link))*"
            r"\s*:?$|^share (?:this|on)\b|\bshare this (?:article|story|post|page)\b|"
            r"\bfollow us on\b|\blike us on\b",
        ),
        ("tags", r"^(?:related )?(?:tags|topics|keywords)\s*:"),
        (
            "related links",
            r"^(?:related(?: articles| stories| news| content| links| coverage)?|"
            r"also read|read more|read also|see also|more from|more on this|"
            r"recommended(?: for you)?|you may also like|trending(?: now)?|"
            r"most (?:read|popular|viewed)|top stories|latest news)\b\s*:?|"
            r"^more (?:in|from|on|about) [^.!?]{1,50}$|^more(?: [\w&-]+){1,2}$",
        ),
        (
            "cookie notice",
            r"\bcookies?\b.{0,80}\b(?:use|accept|policy|consent|settings)\b|"
            r"\b(?:use|uses|accept)\b.{0,40}\bcookies\b",
        ),
        ("copyright", r"^\s*(?:©|\(c\)\s|copyright\b)|\ball rights reserved\b"),
        (
            "advertisement",
            r"^(?:advertisement|advert|sponsored(?: content)?|ad|paid content|"
            r"story continues below(?: advertisement)?)\s*:?$",
        ),
        (
            "image credit",
            r"^\(?(?:photo|image|picture|file photo|photograph)(?: credits?)?\s*:|"
            r"^(?:photo|image)?\s*\(?(?:getty images|afp|ap photo|reuters)\)?$|"
            r"\((?:photo|image|picture)(?: credits?)?\s*:[^)]{1,60}\)$|"  # "... (Image: GETTY)"
            r"^(?:image|photo|picture|slide) \d+ of \d+$",
        ),
        (
            "comments prompt",
            r"^(?:\d+\s+)?(?:reader\s+|user\s+)?comments?\b[^.!?]{0,25}$|"
            r"^(?:add|leave|post|write|view|show|load|read|see)\b.{0,20}\bcomments?\b|"
            r"^(?:leave a reply|comments are closed|join the (?:conversation|discussion))|"
            r"^\d+ (?:responses|replies|reactions|thoughts) (?:to|on)\b",
        ),
        (
            "navigation",
            r"^(?:home|menu|skip to (?:main )?content|back to top|next article|"
            r"previous article|search|sign in|log in|register)$",
        ),
        ("placeholder text", r"^(?:blah[\s,.]*){2,}$"),
    ]
]
_ANY_RULE = re.compile("|".join(f"(?:{pat.pattern})" for _, pat in RULES), re.I)
_SIGN_OFF = re.compile(r"^(?:reuters?|\(?(?:ap|afp|reuters)\)?|ends|-\s*ends\s*-|###|-30-)$", re.I)
_MARKERS = re.compile(r"^[\s#*+>•·|_-]+")
_NON_WORD = re.compile(r"\W+")
_DIGIT = re.compile(r"\d")
TITLE = "headline (kept as title)"
SHORT = 30  # words; pattern rules only judge blocks at most this long
CAPTION_WORDS = 15


def classify(blocks: list[Block], found: Found, title_known: bool, html: bool) -> None:
    """Set ``reason`` on every block that is not article text, filling ``found`` on the way."""
    if not blocks:
        return
    _title(blocks, found, title_known, html)
    in_tags = False
    for i, block in enumerate(blocks):
        if block.reason:
            continue
        if found.published is None and i < 8:
            # "NEW YORK, March 3, 2019 (Reuters) -": the text stays, its date is the story's.
            found.published = dateline(block.text)
        if block.tag == "tr" and not html:
            block.reason = "table"  # figures in columns: nothing a reader searches for
            continue
        text = block.text
        words = block.words
        if in_tags and words <= 4 and not text.endswith((".", "!", "?", "”", '"')):
            found.tags.append(text.rstrip(",;"))
            block.reason = "tag"
            continue
        in_tags = False
        if words <= SHORT:
            bare = _MARKERS.sub("", text)  # "### Related stories", "* Share this" match too
            reason = ""
            if _ANY_RULE.search(bare):  # one pass first: most lines match no rule at all
                reason = next((r for r, pat in RULES if pat.search(bare)), "")
            if reason:
                block.reason = reason
                if reason == "tags":
                    in_tags = True
                    _inline_tags(text, found)
                continue
        # A date line holds a day's number; most lines hold no digit, and reading one as a date
        # (dateutil) took a quarter of the time on flattened pages.
        when = date_line(text) if _DIGIT.search(text) else None
        if when is not None:
            found.published = found.published or when
            block.reason = "date line"
            continue
        names = byline(text) if words <= 12 else []
        if names:
            found.authors.extend(names)
            block.reason = "byline"
            continue
    keys = {id(b): _key(b.text) for b in blocks}  # both passes below compare the same keys
    # A list item said twice in a page's markup is a list the story gives twice (two products'
    # features); the story element judges it with everything else (scrapinghub dev F1 0.9748 ->
    # 0.9755). A line said twice is a caption or a label.
    _repeats([b for b in blocks if not (html and b.tag == "li")], keys, long_too=html)
    _sign_off(blocks)
    if html:
        inside.mark_blocks(blocks)
    else:
        start = density.mark_lines(blocks)
        if start is not None and not title_known:
            _region_title(blocks, found, start)
        # A story printed twice (teaser and full text) keeps the copy inside the prose region.
        _repeats([b for b in blocks if not b.reason], keys)


def _title(blocks: list[Block], found: Found, title_known: bool, html: bool) -> None:
    if title_known:
        key = _key(found.title)
        for block in blocks[:8]:
            # The headline printed again above the story: the title already holds it.
            if not block.reason and _key(block.text) == key:
                block.reason = TITLE
                return
        return
    for i, block in enumerate(blocks[:3]):
        if block.reason or date_line(block.text) is not None:
            continue
        # In HTML only a heading can be the headline; a lone paragraph is the story itself.
        if html and block.tag not in HEADINGS:
            return
        if (
            block.words <= 25
            and any(not b.reason for b in blocks[i + 1 :])
            and not any(p.search(block.text) for _, p in RULES)
        ):
            found.title = block.text
            block.reason = TITLE
        return


def _region_title(blocks: list[Block], found: Found, start: int) -> None:
    """On a flattened page the headline is the short line just above the story, not line one."""
    for block in reversed(blocks[max(0, start - 6) : start]):
        if block.reason in ("byline", "date line", "image credit", "repeated caption"):
            continue
        headline = 3 <= block.words <= 25 and not block.text.endswith((".", "!", "?"))
        if block.reason == "outside the main text" and headline:
            for old in blocks:
                if old.reason == TITLE:
                    old.reason = "outside the main text"
            found.title = block.text
            block.reason = TITLE
        return


def _inline_tags(text: str, found: Found) -> None:
    rest = text.split(":", 1)[1] if ":" in text else ""
    found.tags.extend(t.strip() for t in re.split(r"[,;|]", rest) if t.strip())


def _key(text: str) -> str:
    return _NON_WORD.sub(" ", text).strip().lower()


def _repeats(blocks: list[Block], keys: dict[int, str], long_too: bool = True) -> None:
    counts = Counter(keys[id(b)] for b in blocks if b.text)
    seen: set[str] = set()
    for block in blocks:
        key = keys[id(block)]
        if counts[key] < 2 or not key:
            continue
        if block.words <= CAPTION_WORDS and not block.text.endswith((".", "!", "?")):
            # A short line printed more than once is a caption or a label, never story text.
            block.reason = block.reason or "repeated caption"
        elif key in seen and long_too:
            block.reason = block.reason or "repeated text"
        seen.add(key)


def _sign_off(blocks: list[Block]) -> None:
    for block in reversed(blocks):
        if block.reason:
            continue
        if _SIGN_OFF.match(block.text.strip()):
            block.reason = "sign-off"
        return
