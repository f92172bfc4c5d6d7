"""The shapes every input format produces: files found, raw documents, and records left unread."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

SKIPPED = "skipped: "  # a Failure reason that starts so is a file left out on purpose, not an error


@dataclass(frozen=True)
class SourceFile:
    """A file found on disk, with what tells whether it changed."""

    path: str
    size: int
    mtime_ns: int

    @property
    def signature(self) -> str:
        """Size and modification time: cheap evidence that the file is unchanged."""
        return f"{self.size}:{self.mtime_ns}"


@dataclass(frozen=True)
class RawDoc:
    """One document before cleaning: its text or HTML and the metadata its source carried."""

    id: str
    path: str
    kind: str
    content: str
    meta: dict[str, object] = field(default_factory=dict)


class Unreadable(bytes):
    """A record in a chunk that the reader could not take; its bytes are the reason (UTF-8).

    Chunks travel to workers as numbered bytes; this keeps a record's failure at its place.
    """

    @classmethod
    def because(cls, reason: str) -> Unreadable:
        """The placeholder for one record, saying why it was not read."""
        return cls(reason.encode("utf-8"))

    @property
    def reason(self) -> str:
        """Why the record was not read."""
        return self.decode("utf-8")


def file_id(path: str) -> str:
    """A stable id for a file-backed document: the same file always gets the same id."""
    return hashlib.sha1(path.encode("utf-8", "surrogatepass")).hexdigest()[:16]


# A record's own id scoped by its file: "<own id>@<file_id>". Dumps number their records from 1
# (Reuters and AG News both do), so an unscoped "1" from one dump replaced the other's.
_SCOPED = re.compile(r"(.*)@([0-9a-f]{16})\Z", re.DOTALL)


def scoped_id(path: str, own: str) -> str:
    """The id of a record with its own id ``own`` in the file at ``path``."""
    return f"{own}@{file_id(path)}"


def own_id(doc_id: str) -> str:
    """The record's own id inside a scoped id (``scoped_id``); any other id as it is."""
    m = _SCOPED.match(doc_id)
    return m.group(1) if m else doc_id


def base_suffix(path: str) -> str:
    """The suffix that says what the file holds, looking through a trailing .gz."""
    p = Path(path.lower())
    if p.suffix == ".gz":
        p = p.with_suffix("")
    return p.suffix


def shown(path: str) -> str:
    """A path as it can be printed: bytes that are not UTF-8 written as \\xNN escapes."""
    try:
        data = path.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate the OS never makes, from a caller's str
        return path.encode("utf-8", "backslashreplace").decode("utf-8")
    return data.decode("utf-8", "backslashreplace")


def is_utf8(path: str) -> bool:
    """True when a path (decoded by the OS with surrogateescape) is valid UTF-8 throughout."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
