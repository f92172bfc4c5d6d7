"""Find the files to index and turn each into raw documents: decoded text plus file metadata.

Which files are read is decided here; each format has its own module: textio (bytes to text),
records (JSON, JSON Lines), warc (WARC and ARC archives), feeds (RSS and Atom).
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from newsearch.errors import SourceError
from newsearch.indexer.raw import (
    SKIPPED,
    RawDoc,
    SourceFile,
    Unreadable,
    base_suffix,
    file_id,
    is_utf8,
    shown,
)
from newsearch.indexer.records import json_docs, line_chunks, record_doc
from newsearch.indexer.records import record_lines as json_lines
from newsearch.indexer.textio import (
    MAX_BYTES,
    decode,
    html_charset,
    looks_binary,
    not_regular,
    open_regular,
    read_bytes,
)
from newsearch.models import Failure

__all__ = [
    "MAX_BYTES",
    "SKIPPED",
    "RawDoc",
    "SourceFile",
    "Unreadable",
    "base_suffix",
    "decode",
    "file_digest",
    "file_id",
    "find_files",
    "is_skipped",
    "line_chunks",
    "load",
    "load_path",
    "looks_binary",
    "read_bytes",
    "record_chunks",
    "record_doc",
    "record_lines",
    "streams",
]

TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSON_SUFFIXES = {".json", ".jsonl", ".ndjson"}
ARCHIVE_SUFFIXES = {".warc", ".arc"}
FEED_SUFFIXES = {".rss", ".atom", ".xml"}  # .xml only when its root is a feed
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES | ARCHIVE_SUFFIXES | FEED_SUFFIXES
STREAM_SUFFIXES = {".jsonl", ".ndjson"} | ARCHIVE_SUFFIXES

INDEX_MARKER = "newsearch.json"  # the manifest every newsearch index folder holds
OUTSIDE = "symlink to outside the folder, not followed"
NOT_ARTICLE = SKIPPED + "a README/LICENSE-like file, not an article (name it to index it)"
# What a corpus ships beside its articles. Matched on the whole name before its suffixes, with
# at most one short tag ("LICENSE-MIT.txt", "readme_first.txt"): a story called
# "changes-to-the-tax-code.txt" stays. NEWS is left out: in a news archive it is news.
_NOT_ARTICLE = re.compile(
    r"(?:readme|licen[cs]e|copying|copyright|changelog|changes|authors|contributors|"
    r"contributing|notice|code_of_conduct|manifest)(?:[-_. ][a-z0-9]{1,12})?",
    re.I,
)


def is_skipped(failure: Failure) -> bool:
    """True for a file left out on purpose (a README, a non-feed .xml …), not one that failed."""
    return failure.reason.startswith(SKIPPED)


def find_files(
    paths: Iterable[str | os.PathLike[str]], *, follow_links: bool = False
) -> tuple[list[SourceFile], list[Failure]]:
    """Walk files and folders (recursively, in a stable order) and stat each supported file.

    A symlink met inside a folder that leads out of it is reported and not followed, unless
    ``follow_links``; a path named here is followed wherever it leads (the user asked for it).
    """
    found: dict[str, SourceFile] = {}
    failures: list[Failure] = []
    for given in paths:
        p = Path(given).expanduser()
        try:
            mode = p.stat().st_mode
        except FileNotFoundError:
            reason = "symlink to a missing file" if p.is_symlink() else "no such file or folder"
            failures.append(Failure(shown(str(given)), reason))
            continue
        except (OSError, ValueError) as exc:
            failures.append(Failure(shown(str(given)), _cannot(exc)))
            continue
        if stat.S_ISDIR(mode):
            for c in _walk(p, failures, follow_links):
                _add(c, found, failures)
        elif base_suffix(p.name) in SUFFIXES:
            _add(p, found, failures)
        else:
            reason = f"unsupported file type {p.suffix or '(none)'}"
            failures.append(Failure(shown(str(given)), reason))
    return [found[k] for k in sorted(found)], failures


def _cannot(exc: Exception) -> str:
    return f"cannot read: {getattr(exc, 'strerror', None) or exc}"


def _add(path: Path, found: dict[str, SourceFile], failures: list[Failure]) -> None:
    try:
        st = path.stat()
    except FileNotFoundError:
        failures.append(Failure(shown(str(path)), "symlink to a missing file"))
        return
    except OSError as exc:
        failures.append(Failure(shown(str(path)), _cannot(exc)))
        return
    reason = not_regular(st.st_mode)
    if reason:  # a FIFO would block the run forever, /dev/zero never ends
        failures.append(Failure(shown(str(path)), reason))
        return
    resolved = str(path.resolve())
    if not is_utf8(resolved):
        # The index stores paths as UTF-8 text; such a name could be neither stored nor shown.
        failures.append(Failure(shown(resolved), "file name is not valid UTF-8; rename it"))
        return
    found[resolved] = SourceFile(resolved, st.st_size, st.st_mtime_ns)


def _walk(root: Path, failures: list[Failure], follow_links: bool) -> list[Path]:
    def onerror(exc: OSError) -> None:
        where = shown(str(exc.filename or root))
        failures.append(Failure(where, f"cannot list folder: {exc.strerror}"))

    top = os.path.realpath(root)
    walked = {top}  # folders reached already: links may lead back up (a loop) or across
    out: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=onerror, followlinks=follow_links):
        if INDEX_MARKER in filenames:
            dirnames[:] = []  # an index folder inside the tree: its files are not news
            continue
        keep = []
        # Hidden folders hold VCS data and editor state, never articles.
        for d in sorted(d for d in dirnames if not d.startswith(".")):
            full = os.path.join(dirpath, d)
            real = os.path.realpath(full)
            if not follow_links and os.path.islink(full):
                if not _inside(real, top):
                    failures.append(Failure(shown(full), OUTSIDE))
                continue  # a link to a folder inside is walked where the folder is
            if real not in walked:
                walked.add(real)
                keep.append(d)
        dirnames[:] = keep
        for name in sorted(filenames):
            if name.startswith(".") or base_suffix(name) not in SUFFIXES:
                continue
            full = os.path.join(dirpath, name)
            leaves = os.path.islink(full) and not _inside(os.path.realpath(full), top)
            if leaves and not follow_links:
                failures.append(Failure(shown(full), OUTSIDE))
            elif _NOT_ARTICLE.fullmatch(_stem(name)):
                failures.append(Failure(shown(full), NOT_ARTICLE))
            else:
                out.append(Path(full))
    return out


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _stem(name: str) -> str:
    if name.lower().endswith(".gz"):
        name = name[:-3]
    return os.path.splitext(name)[0]


def load(src: SourceFile) -> tuple[list[RawDoc], list[Failure]]:
    """Read one file into raw documents; a broken record is a failure, not a lost file."""
    suffix = base_suffix(src.path)
    if suffix in ARCHIVE_SUFFIXES:
        docs: list[RawDoc] = []
        failures: list[Failure] = []
        for chunk in record_chunks(src.path):
            got, failed = record_lines(src.path, chunk)
            docs.extend(got)
            failures.extend(failed)
        return docs, failures
    data = read_bytes(src.path)
    if not data.strip():
        raise SourceError(f"{src.path}: empty file")
    if looks_binary(data):
        raise SourceError(f"{src.path}: binary data, not text")
    if suffix in FEED_SUFFIXES:
        from newsearch.indexer.feeds import feed_docs

        return feed_docs(src.path, data)
    if suffix in JSON_SUFFIXES:
        return json_docs(src.path, decode(data))
    if suffix in HTML_SUFFIXES:
        return [RawDoc(file_id(src.path), src.path, "html", decode(data, html_charset(data)))], []
    return [RawDoc(file_id(src.path), src.path, "text", decode(data))], []


def streams(src: SourceFile) -> bool:
    """True for JSON Lines and web archives, read a chunk of records at a time, never whole."""
    return base_suffix(src.path) in STREAM_SUFFIXES


def record_chunks(path: str) -> Iterator[list[tuple[int, bytes]]]:
    """A streamed file as chunks of numbered raw records (JSON lines, or WARC records)."""
    if base_suffix(path) in ARCHIVE_SUFFIXES:
        from newsearch.indexer.warc import record_chunks as archive_chunks

        return archive_chunks(path)
    return line_chunks(path)


def record_lines(
    path: str, lines: Iterable[tuple[int, str | bytes]]
) -> tuple[list[RawDoc], list[Failure]]:
    """Numbered raw records of a streamed file to raw documents; a broken one is a failure."""
    if base_suffix(path) in ARCHIVE_SUFFIXES:
        from newsearch.indexer.warc import record_docs

        return record_docs(path, lines)
    return json_lines(path, lines)


def file_digest(path: str) -> str:
    """A content hash of a file, read in blocks (OSError for anything but a regular file)."""
    h = hashlib.blake2b(digest_size=16)
    with open_regular(path) as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def load_path(path: str | os.PathLike[str]) -> RawDoc:
    """The first raw document of one file (for `newsearch clean`)."""
    p = Path(path)
    try:
        st = p.stat()
    except (OSError, ValueError) as exc:
        raise SourceError(f"{p}: no such file") from exc
    if reason := not_regular(st.st_mode):
        raise SourceError(f"{p}: {reason}")
    src = SourceFile(str(p.resolve()), st.st_size, st.st_mtime_ns)
    failures: list[Failure] = []
    if streams(src):
        for chunk in record_chunks(src.path):
            docs, failed = record_lines(src.path, chunk)
            failures.extend(failed)
            if docs:
                return docs[0]
    else:
        docs, failures = load(src)
        if docs:
            return docs[0]
    reason = failures[0].reason if failures else "no documents in it"
    raise SourceError(f"{p}: {reason}")
