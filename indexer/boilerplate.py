"""Keep the article's blocks, drop boilerplate, and remember each drop with its reason."""

from __future__ import annotations

import re
from collections import Counter

from newsearch.indexer.extract import HEADINGS, Block
from newsearch.indexer.metadata import Found, byline, date_line

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
            r"\bsign up (?:for|to)\b.{0,60}\bnewsletter|\bsubscribe (?:to|now|for|"
            r"today)\b|^newsletters?\b",
        ),
        (
            "share prompt",
            r"^(?:share|tweet|e-?mail|print|whatsapp|facebook|twitter|linkedin|"
            r"pinterest|reddit|copy link)(?:\s*(?:[|/•,·]|\s)\s*(?:share|tweet|e-?mail|"
            r"print|whatsapp|facebook|twitter|linkedin|pinterest|reddit|copy link))*"
            r"\s*:?$|\bshare (?:this|on)\b|\bfollow us on\b|\blike us on\b",
        ),
        ("tags", r"^(?:related )?(?:tags|topics|keywords)\s*:"),
        (
            "related links",
            r"^(?:related(?: articles| stories| news| content| links| coverage)?|"
            r"also read|read more|read also|see also|more from|more on this|"
            r"recommended(?: for you)?|you may also like|trending(?: now)?|"
            r"most (?:read|popular|viewed)|top stories|latest news)\b\s*:?",
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
            r"^(?:photo|image|picture|file photo|photograph)(?: credit)?\s*:|"
            r"^(?:photo|image)?\s*\(?(?:getty images|afp|ap photo|reuters)\)?$",
        ),
        (
            "comments prompt",
            r"^(?:comments?|leave a comment|post a comment|\d+ comments?|"
            r"join the conversation)\s*:?$",
        ),
        (
            "navigation",
            r"^(?:home|menu|skip to (?:main )?content|back to top|next article|"
            r"previous article|search|sign in|log in|register)$",
        ),
        ("placeholder text", r"^(?:blah[\s,.]*){2,}$"),
    ]
]
_SIGN_OFF = re.compile(r"^(?:reuters?|\(?(?:ap|afp|reuters)\)?|ends|-\s*ends\s*-|###|-30-)$", re.I)
SHORT = 30  # words; pattern rules only judge blocks at most this long
CAPTION_WORDS = 15


def classify(blocks: list[Block], found: Found, title_known: bool, html: bool) -> None:
    """Set ``reason`` on every block that is not article text, filling ``found`` on the way."""
    if not blocks:
        return
    _title(blocks, found, title_known, html)
    in_tags = False
    for block in blocks:
        if block.reason:
            continue
        if not block.in_article:
            block.reason = "outside the article"
            continue
        text = block.text
        words = block.words
        if in_tags and words <= 4 and not text.endswith((".", "!", "?", "”", '"')):
            found.tags.append(text.rstrip(",;"))
            block.reason = "tag"
            continue
        in_tags = False
        if words <= SHORT:
            reason = next((r for r, pat in RULES if pat.search(text)), "")
            if reason:
                block.reason = reason
                if reason == "tags":
                    in_tags = True
                    _inline_tags(text, found)
                continue
        when = date_line(text)
        if when is not None:
            found.published = found.published or when
            block.reason = "date line"
            continue
        names = byline(text) if words <= 12 else []
        if names:
            found.authors.extend(names)
            block.reason = "byline"
            continue
        if html and block.link_density > 0.5 and words < 40:
            block.reason = "link list"
    _repeats(blocks)
    _sign_off(blocks)


def _title(blocks: list[Block], found: Found, title_known: bool, html: bool) -> None:
    if title_known:
        key = _key(found.title)
        for block in blocks[:8]:
            # The headline printed again above the story: the title already holds it.
            if not block.reason and _key(block.text) == key:
                block.reason = "headline (kept as title)"
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
            block.reason = "headline (kept as title)"
        return


def _inline_tags(text: str, found: Found) -> None:
    rest = text.split(":", 1)[1] if ":" in text else ""
    found.tags.extend(t.strip() for t in re.split(r"[,;|]", rest) if t.strip())


def _key(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().lower()


def _repeats(blocks: list[Block]) -> None:
    counts = Counter(_key(b.text) for b in blocks if b.text)
    seen: set[str] = set()
    for block in blocks:
        key = _key(block.text)
        if counts[key] < 2 or not key:
            continue
        if block.words <= CAPTION_WORDS and not block.text.endswith((".", "!", "?")):
            # A short line printed more than once is a caption or a label, never story text.
            block.reason = block.reason or "repeated caption"
        elif key in seen:
            block.reason = block.reason or "repeated text"
        seen.add(key)


def _sign_off(blocks: list[Block]) -> None:
    for block in reversed(blocks):
        if block.reason:
            continue
        if _SIGN_OFF.match(block.text.strip()):
            block.reason = "sign-off"
        return
