"""WARC and ARC web archives (also .gz): their HTML responses as raw documents, streamed.

The main process reads the archive once, in order, and keeps only HTML responses: each travels
to a worker as one numbered item (a JSON header line, then the payload bytes), a chunk of them
at a time, like the lines of a JSON Lines dump. Workers decode and clean them. Every other
record is counted and reported once per file.
"""

from __future__ import annotations

import contextlib
import io
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from newsearch.errors import SourceError
from newsearch.indexer.raw import SKIPPED, RawDoc, Unreadable, base_suffix, file_id, scoped_id
from newsearch.indexer.records import CHUNK_BYTES, MAX_RECORD_BYTES, size_text
from newsearch.indexer.textio import decode, html_charset, looks_binary, open_stream
from newsearch.models import Failure

RECORDS_PER_CHUNK = 50  # pages run ~100 KB of HTML: about 5 MB a chunk
_HTML_TYPES = ("text/html", "application/xhtml+xml")


def record_chunks(
    path: str,
    size: int | None = None,
    *,
    max_record: int | None = None,
    max_bytes: int | None = None,
) -> Iterator[list[tuple[int, bytes]]]:
    """An archive's HTML responses as chunks of numbered items (record number, item bytes).

    A payload over ``max_record`` bytes (default MAX_RECORD_BYTES) comes as an Unreadable
    placeholder, never held whole; the other records' counts come last, as one placeholder
    numbered 0. A truncated or damaged archive yields what was read, then raises SourceError.
    """
    from warcio.archiveiterator import ARCIterator, WARCIterator

    size = RECORDS_PER_CHUNK if size is None else size
    cap = MAX_RECORD_BYTES if max_record is None else max_record
    full = CHUNK_BYTES if max_bytes is None else max_bytes
    skipped: Counter[str] = Counter()
    chunk: list[tuple[int, bytes]] = []
    held = n = 0
    # gzip.GzipFile reads a whole-file gzip as well as one gzip member per record (warcio alone
    # refuses the first: "non-chunked gzip file detected").
    with open_stream(path) as fh:
        # Each format by its own name: with ARC allowed, any line of five words is a record.
        arc = base_suffix(path) == ".arc"
        reader = ARCIterator if arc else WARCIterator
        records = iter(reader(_Strict(fh), arc2warc=arc))
        try:
            while (record := _next(records, n + 1)) is not None:
                n += 1
                item = _item(path, n, record, skipped, cap)
                if item is not None:
                    chunk.append((n, item))
                    held += len(item)
                if len(chunk) >= size or held >= full:
                    yield chunk
                    chunk, held = [], 0
        except (SourceError, OSError, EOFError) as exc:  # a .gz cut short: EOFError
            error: Exception | None = exc
        else:
            error = None
    if skipped:
        kinds = ", ".join(f"{count} {kind}" for kind, count in skipped.most_common())
        total = sum(skipped.values())
        summary = f"{SKIPPED}{total} record(s) that are not HTML pages ({kinds})"
        chunk.append((0, Unreadable.because(summary)))
    if chunk:
        yield chunk
    if error is not None:
        raise SourceError(f"{path}: {error}") from error


class _Strict:
    """A stream whose end cut short is an OSError: warcio takes EOFError (what gzip raises for
    a truncated file) for the archive's normal end, and would report nothing."""

    def __init__(self, fh: Any) -> None:
        self.fh = fh

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes, a truncated .gz raising OSError once what it held is read."""
        try:
            # read1: one read underneath, so the pages before the cut still come out (a full
            # read() of a block that runs into the cut loses what it had inflated).
            data: bytes = self.fh.read1(size)
        except EOFError as exc:
            raise OSError("the .gz file ends early") from exc
        return data

    def tell(self) -> int:
        """Where the stream is (warcio tracks record offsets with it)."""
        return int(self.fh.tell())


def _next(records: Iterator[Any], n: int) -> Any:
    """The next record, None at the end; SourceError when the archive is damaged at record n."""
    # warcio writes its warnings (a record not followed by a blank line) straight to stderr,
    # over the progress line; the record is read all the same.
    with contextlib.redirect_stderr(io.StringIO()):
        try:
            return next(records, None)
        except (OSError, EOFError) as exc:
            raise SourceError(f"record {n} is cut short ({exc})") from exc
        except Exception as exc:
            # warcio 1.8 raises ArchiveLoadFailed for what is no archive, and AttributeError or
            # ValueError for a record cut inside its headers: damage in the file, not a bug here.
            detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0].strip()
            raise SourceError(f"record {n} is damaged or cut short ({detail})") from exc


def _item(path: str, n: int, record: Any, skipped: Counter[str], cap: int) -> bytes | None:
    """One record as the bytes a worker reads, or None when it is no HTML page (counted)."""
    if record.rec_type != "response":
        skipped[f"{record.rec_type}"] += 1
        return None
    http = record.http_headers
    if http is None:  # dns:, whois: … targets
        skipped["non-HTTP response"] += 1
        return None
    status = http.get_statuscode() or ""
    if not status.startswith("2"):
        skipped[f"HTTP {status or '(no status)'}"] += 1
        return None
    ctype = (http.get_header("Content-Type") or "").lower()
    if ctype and not ctype.startswith(_HTML_TYPES):
        skipped[ctype.split(";")[0].strip()] += 1
        return None
    try:
        payload = record.content_stream().read(cap + 1)
        size = len(payload) + _drain(record.raw_stream)
    except (OSError, EOFError) as exc:  # the archive itself ends: a .gz cut short
        raise SourceError(f"record {n} is cut short ({exc})") from exc
    except Exception as exc:  # the page's own Content-Encoding is broken (zlib.error, brotli …)
        return Unreadable.because(f"cannot decode the page ({type(exc).__name__}: {exc})")
    if getattr(record.raw_stream, "limit", 0) > 0:  # fewer bytes than its Content-Length
        raise SourceError(f"record {n} is cut short")
    if len(payload) > cap:
        return Unreadable.because(f"page of {size_text(size)} is over the {size_text(cap)} limit")
    if not ctype and payload.lstrip()[:1] != b"<":
        skipped["untyped non-HTML response"] += 1
        return None
    headers = record.rec_headers
    rid = (headers.get_header("WARC-Record-ID") or "").strip("<> ")
    # ARC records have no id (warcio invents a random one); a WARC's is scoped to its file, so
    # a WARC copied to a second path makes two articles, not one that moves between them.
    arc = base_suffix(path) == ".arc" or not rid
    rid = f"{file_id(path)}:{n}" if arc else scoped_id(path, rid)
    head = {
        "id": rid,
        "url": headers.get_header("WARC-Target-URI") or "",
        "crawled": headers.get_header("WARC-Date") or http.get_header("Date") or "",
        "charset": _charset(ctype),
    }
    return json.dumps(head).encode("utf-8") + b"\n" + payload


def _drain(stream: Any) -> int:
    """Read the rest of a record a block at a time; how many bytes that was."""
    total = 0
    while block := stream.read(1 << 16):
        total += len(block)
    return total


def _charset(ctype: str) -> str:
    for part in ctype.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip() == "charset":
            return value.strip().strip("\"'")
    return ""


def record_docs(
    path: str, items: Iterable[tuple[int, str | bytes]]
) -> tuple[list[RawDoc], list[Failure]]:
    """Numbered archive items (from record_chunks) to raw HTML documents."""
    docs: list[RawDoc] = []
    failures: list[Failure] = []
    for n, item in items:
        where = f"{path}:{n}" if n else path
        if isinstance(item, Unreadable):
            failures.append(Failure(where, item.reason))
            continue
        data = item.encode("utf-8") if isinstance(item, str) else item
        line, _, payload = data.partition(b"\n")
        head = json.loads(line)
        if not payload.strip():
            failures.append(Failure(where, "empty page"))
            continue
        if looks_binary(payload):
            failures.append(Failure(where, "binary data, not HTML"))
            continue
        text = decode(payload, head["charset"] or html_charset(payload))
        meta = {"url": head["url"], "crawled": head["crawled"]}
        docs.append(RawDoc(head["id"], path, "html", text, meta))
    return docs, failures
