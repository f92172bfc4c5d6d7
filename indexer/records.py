"""JSON and JSON Lines records to raw documents, read the way crawlers name their fields."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator

from newsearch.errors import SourceError
from newsearch.indexer.raw import RawDoc, Unreadable, file_id, scoped_id
from newsearch.indexer.textio import decode, leaves, looks_binary, open_stream
from newsearch.models import Failure

# Field names crawlers already write, in order of preference.
TITLE_KEYS = ("title", "headline")
TEXT_KEYS = ("text", "body", "content", "maintext", "article", "description")
HTML_KEYS = ("html", "raw_html")
DATE_KEYS = ("date", "published", "date_publish", "published_at", "pubdate", "datetime")
CRAWL_KEYS = ("date_download", "crawled", "crawled_at", "fetched_at", "date_crawled")
AUTHOR_KEYS = ("authors", "author", "byline")
SITE_KEYS = ("source", "sitename", "site", "source_domain", "hostname", "publisher")

# One record (a JSON line, a WARC payload) larger than this is refused unread: 4 × the longest
# article prepare accepts (8 M characters), so no record that could hold one is lost, while a
# 1 GB line no longer costs 2.85 GB of memory to find that out.
MAX_RECORD_BYTES = 32 * 2**20
# A chunk goes to a worker once it holds this much, however few lines: memory stays bounded by
# (workers × tasks in flight) chunks.
CHUNK_BYTES = 16 * 2**20
_SURROGATE = re.compile("[\ud800-\udfff]")  # JSON "\ud800" escapes: no UTF-8 can hold them


def json_docs(path: str, text: str) -> tuple[list[RawDoc], list[Failure]]:
    """A .json file (one array of records, or JSON Lines) to raw documents."""
    stripped = text.lstrip()
    if not stripped.startswith("["):
        return record_lines(path, enumerate(text.splitlines(), 1))
    try:
        records = json.loads(stripped)
    except RecursionError as exc:
        raise SourceError(f"{path}: JSON nested too deeply") from exc
    except json.JSONDecodeError as exc:
        raise SourceError(f"{path}: invalid JSON ({exc.msg} at line {exc.lineno})") from exc
    except ValueError as exc:  # an integer of more than 4300 digits
        raise SourceError(f"{path}: invalid JSON ({exc})") from exc
    failures: list[Failure] = []
    return _record_docs(path, list(enumerate(records, 1)), failures), failures


def record_lines(
    path: str, lines: Iterable[tuple[int, str | bytes]]
) -> tuple[list[RawDoc], list[Failure]]:
    """Numbered JSON Lines to raw documents; a broken line is a failure, not a lost file."""
    records: list[tuple[int, object]] = []
    failures: list[Failure] = []
    for lineno, line in lines:
        where = f"{path}:{lineno}" if lineno else path
        if isinstance(line, Unreadable):
            failures.append(Failure(where, line.reason))
            continue
        if isinstance(line, bytes):
            line = decode(line)
        if not line.strip():
            continue
        try:
            records.append((lineno, json.loads(line)))
        except json.JSONDecodeError as exc:
            failures.append(Failure(where, f"invalid JSON: {exc.msg}"))
        except RecursionError:
            failures.append(Failure(where, "invalid JSON: nested too deeply"))
        except ValueError as exc:  # an integer of more than 4300 digits
            failures.append(Failure(where, f"invalid JSON: {exc}"))
    return _record_docs(path, records, failures), failures


def _record_docs(
    path: str, records: list[tuple[int, object]], failures: list[Failure]
) -> list[RawDoc]:
    docs = []
    for lineno, rec in records:
        try:
            docs.append(record_doc(path, lineno, rec))
        except SourceError as exc:
            failures.append(Failure(f"{path}:{lineno}", str(exc)))
    return docs


def line_chunks(
    path: str, size: int = 500, *, max_line: int | None = None, max_bytes: int | None = None
) -> Iterator[list[tuple[int, bytes]]]:
    """A JSON Lines file (inflated on the fly if .gz) as chunks of numbered lines.

    No line longer than ``max_line`` (default MAX_RECORD_BYTES) is ever held: it comes as an
    Unreadable placeholder and the file is read on from the next newline.
    """
    cap = MAX_RECORD_BYTES if max_line is None else max_line
    full = CHUNK_BYTES if max_bytes is None else max_bytes
    with open_stream(path) as fh:
        if looks_binary(fh.peek(8192)[:8192]):  # type: ignore[attr-defined]
            raise SourceError(f"{path}: binary data, not text")
        chunk: list[tuple[int, bytes]] = []
        held = lineno = 0
        while line := fh.readline(cap + 1):
            lineno += 1
            if len(line) > cap and not line.endswith(b"\n"):
                size = len(line) + _skip_line(fh)
                reason = f"line of {size_text(size)} is over the {size_text(cap)} limit"
                chunk.append((lineno, Unreadable.because(reason)))
            else:
                chunk.append((lineno, line))
                held += len(line)
            if len(chunk) >= size or held >= full:
                yield chunk
                chunk, held = [], 0
        if chunk:
            yield chunk


def size_text(n: int) -> str:
    """A byte count for a person: "1,024.0 MB", or "5,000 bytes" below a megabyte."""
    return f"{n / 2**20:,.1f} MB" if n >= 2**20 else f"{n:,} bytes"


def _skip_line(fh: object) -> int:
    """Read past the rest of a line a block at a time; how many bytes that was."""
    skipped = 0
    while block := fh.readline(1 << 20):  # type: ignore[attr-defined]
        skipped += len(block)
        if block.endswith(b"\n"):
            break
    return skipped


def _first(rec: dict[str, object], keys: tuple[str, ...]) -> object:
    for k in keys:
        v = rec.get(k)
        if v not in (None, "", [], {}):
            return v
    return None


def record_doc(path: str, lineno: int, rec: object) -> RawDoc:
    """One JSON record to a raw document, reading the field names crawlers use."""
    if not isinstance(rec, dict):
        raise SourceError("record is not a JSON object")
    text = _first(rec, TEXT_KEYS)
    kind = "text"
    if text is None and (html := _first(rec, HTML_KEYS)) is not None:
        text, kind = html, "html"
    body = as_text(text)
    if not body.strip():
        raise SourceError("record has no text (looked for " + ", ".join(TEXT_KEYS) + ")")
    meta: dict[str, object] = {"title": as_text(_first(rec, TITLE_KEYS))}
    for name, keys in (
        ("date", DATE_KEYS),
        ("crawled", CRAWL_KEYS),
        ("authors", AUTHOR_KEYS),
        ("site", SITE_KEYS),
        ("url", ("url", "link")),
        ("tags", ("tags", "keywords", "topics")),
    ):
        value = _first(rec, keys)
        if value is None:
            continue
        # Only strings and flat lists of them go on: a value nested 900 deep is no crash later.
        if isinstance(value, str):
            meta[name] = _scrub(value)
        elif name in ("authors", "tags"):
            meta[name] = _leaves(value)
        elif leaves := _leaves(value):
            meta[name] = leaves[0]
    return RawDoc(_record_id(path, lineno, rec), path, kind, body, meta)


def _record_id(path: str, lineno: int, rec: dict[str, object]) -> str:
    rid = rec.get("id", rec.get("_id"))
    if isinstance(rid, dict) and len(rid) == 1:
        rid = next(iter(rid.values()))  # {"$oid": "…"}: a MongoDB export
    if isinstance(rid, str | int | float) and not isinstance(rid, bool) and rid != "":
        return scoped_id(path, _scrub(str(rid)))
    return f"{file_id(path)}:{lineno}"


def as_text(value: object) -> str:
    """A record's value as text: lists joined as paragraphs, objects by their name or text."""
    return "\n\n".join(_leaves(value))


def _leaves(value: object) -> list[str]:
    """The strings in a record's value, an object by its name or its text."""
    return [_scrub(s) for s in leaves(value, ("name", "text"))]


def _scrub(text: str) -> str:
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text
