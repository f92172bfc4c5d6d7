"""Highlighted fragments of an article, in its own words (Whoosh re-analyses the stored text)."""

from __future__ import annotations

from typing import Any

from whoosh import highlight

MARK_START = "**"
MARK_END = "**"
MAX_CHARS = 220


class MarkFormatter(highlight.Formatter):
    """Wrap each matched word in ``**`` and join fragments with an ellipsis."""

    between = " … "

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        """One matched word, marked."""
        return MARK_START + highlight.get_text(text, token, replace) + MARK_END


def configure(results: Any) -> None:
    """Set how a Whoosh result set builds snippets: two sentences holding the matches."""
    results.fragmenter = highlight.SentenceFragmenter(maxchars=MAX_CHARS)
    results.formatter = MarkFormatter()


def snippet(hit: Any, body: str) -> str:
    """The best fragments of the body for this hit, or its opening when nothing matched there."""
    text = hit.highlights("body", text=body, top=2) if body else ""
    if not text:
        text = lead(body)
    return " ".join(text.split())


def lead(body: str, chars: int = MAX_CHARS) -> str:
    """The first ``chars`` characters of the body, cut at a word boundary."""
    body = " ".join(body.split())
    if len(body) <= chars:
        return body
    return body[:chars].rsplit(" ", 1)[0] + " …"
