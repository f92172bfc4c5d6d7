"""newsearch: full-text search for news archives.

The public API: ``NewsIndex`` to build and search an index, ``extract`` to clean one raw
document, and the plain dataclasses both hand out.
"""

from __future__ import annotations

__version__ = "0.1.0"

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
