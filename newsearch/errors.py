"""The errors a user of newsearch can cause, each with a message a person can act on."""

from __future__ import annotations


class NewsearchError(Exception):
    """Base of every error newsearch raises on purpose; ``hint`` says what to do about it."""

    hint: str = ""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        if hint is not None:
            self.hint = hint


class IndexNotFoundError(NewsearchError):
    """No index at the given path."""

    hint = "Build one first with `newsearch index` (or NewsIndex.create)."


class IndexExistsError(NewsearchError):
    """An index is already at the path given to create()."""

    hint = "Open it instead, or replace it: `newsearch index --rebuild` (create(overwrite=True))."


class IndexIncompatibleError(NewsearchError):
    """The index was written by another version or is damaged."""

    hint = "Rebuild it from its sources: `newsearch index --rebuild` (NewsIndex.rebuild)."


class IndexLockedError(NewsearchError):
    """Another writer holds the index and did not let go in time."""

    hint = "Wait for the other indexing run to finish, or wait longer (--wait; wait=)."


class SourceError(NewsearchError):
    """A file or record could not be read or decoded."""

    hint = (
        "Check that the path exists and is a readable .txt, .html, .json, .jsonl, .warc, .arc, "
        ".rss, .atom or .xml file (each also .gz)."
    )


class QueryError(NewsearchError):
    """A query could not be answered."""

    hint = "Try plain words, or quote the text you mean literally."


class DocumentNotFoundError(NewsearchError):
    """No article with the given id is in the index."""

    hint = (
        "Use an id from the search results; a record's own id works alone where one file "
        "holds it, and a file's path names the article made from it."
    )


class AmbiguousIdError(DocumentNotFoundError):
    """A record's own id was given without its file, and several files hold one with it."""

    hint = "Give the full id (the record's id, @, and its file's key), as search results show it."
