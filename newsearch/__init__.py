"""newsearch: full-text search for news archives.

The public API: ``NewsIndex`` to build and search an index, ``extract`` to clean one raw
document, and the plain dataclasses both hand out. Each is imported when first asked for, so
``import newsearch.cli`` (the command line) loads none of the engine it may not need.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from newsearch.api import NewsIndex, clean_file
    from newsearch.errors import (
        AmbiguousIdError,
        DocumentNotFoundError,
        IndexExistsError,
        IndexIncompatibleError,
        IndexLockedError,
        IndexNotFoundError,
        NewsearchError,
        QueryError,
        SourceError,
    )
    from newsearch.indexer.extract import extract
    from newsearch.models import (
        Article,
        Contribution,
        Failure,
        Hit,
        IndexProgress,
        IndexReport,
        IndexStats,
        Piece,
        Removed,
        SearchOptions,
        SearchResults,
        StoredArticle,
    )

_ERRORS: tuple[str, ...] = ("AmbiguousIdError", "DocumentNotFoundError", "IndexExistsError")
_ERRORS += ("IndexIncompatibleError", "IndexLockedError", "IndexNotFoundError")
_ERRORS += ("NewsearchError", "QueryError", "SourceError")
_MODELS: tuple[str, ...] = ("Article", "Contribution", "Failure", "Hit", "IndexProgress")
_MODELS += ("IndexReport", "IndexStats", "Piece", "Removed", "SearchOptions", "SearchResults")
_MODELS += ("StoredArticle",)
# name -> the module it comes from
_FROM = {
    **{"NewsIndex": "newsearch.api", "clean_file": "newsearch.api"},
    **{"extract": "newsearch.indexer.extract"},
    **dict.fromkeys(_ERRORS, "newsearch.errors"),
    **dict.fromkeys(_MODELS, "newsearch.models"),
}

__all__ = [
    "Article",
    "Contribution",
    "AmbiguousIdError",
    "DocumentNotFoundError",
    "Failure",
    "Hit",
    "IndexExistsError",
    "IndexIncompatibleError",
    "IndexLockedError",
    "IndexNotFoundError",
    "IndexProgress",
    "IndexReport",
    "IndexStats",
    "NewsIndex",
    "NewsearchError",
    "Piece",
    "QueryError",
    "Removed",
    "SearchOptions",
    "SearchResults",
    "SourceError",
    "StoredArticle",
    "__version__",
    "clean_file",
    "extract",
]


def __getattr__(name: str) -> Any:
    if name not in _FROM:
        raise AttributeError(f"module 'newsearch' has no attribute {name!r}")
    value = getattr(import_module(_FROM[name]), name)
    globals()[name] = value  # asked for once
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
