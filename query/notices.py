"""Why a query found nothing when it held nothing to search for (issue 15, point 7)."""

from __future__ import annotations

from newsearch.indexer.terms import index_term, word_spans
from newsearch.models import SearchResults

# What engine.describe() writes for a query with no term left: stop words, emoji, a bare field.
NOTHING = "<nothing>"


def notice(res: SearchResults) -> str | None:
    """A sentence saying why there are no results, when the query had no word to look for."""
    if res.total or not res.parsed.endswith(NOTHING):
        return None
    if not res.query.strip():
        return "The query is empty: type the words to look for."
    words = [w for _, _, w in word_spans(res.query)]
    if not words:
        return (
            f"{res.query!r} holds no words to search for: emoji, symbols and punctuation "
            "are not indexed."
        )
    common = sorted({w.lower() for w in words if index_term(w) is None})
    shown = ", ".join(common[:8]) + (" …" if len(common) > 8 else "")
    return (
        f"{res.query!r} holds only words too common to be indexed ({shown}): add a word "
        "that says what the articles are about."
    )
