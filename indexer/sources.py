"""Find the files to index and turn each into raw documents: decoded text plus file metadata."""

from __future__ import annotations

import codecs
import gzip
import hashlib
import json
import os
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from newsearch.errors import SourceError
from newsearch.models import Failure

TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSON_SUFFIXES = {".json", ".jsonl", ".ndjson"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES
STREAM_SUFFIXES = {".jsonl", ".ndjson"}

INDEX_MARKER = "newsearch.json"  # the manifest every newsearch index folder holds

# A .gz that inflates past this is refused rather than allowed to exhaust memory.
MAX_BYTES = 256 * 1024 * 1024

# Field names crawlers already write, in order of preference.
TITLE_KEYS = ("title", "headline")
TEXT_KEYS = ("text", "body", "content", "maintext", "article", "description")
HTML_KEYS = ("html", "raw_html")
DATE_KEYS = ("date", "published", "date_publish", "published_at", "pubdate", "datetime")
AUTHOR_KEYS = ("authors", "author", "byline")
SITE_KEYS = ("source", "sitename", "site", "source_domain", "hostname", "publisher")


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


def file_id(path: str) -> str:
    """A stable id for a file-backed document: the same file always gets the same id."""
    return hashlib.sha1(path.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def base_suffix(path: str) -> str:
    """The suffix that says what the file holds, looking through a trailing .gz."""
    p = Path(path.lower())
    if p.suffix == ".gz":
        p = p.with_suffix("")
    return p.suffix


def find_files(paths: Iterable[str | os.PathLike[str]]) -> tuple[list[SourceFile], list[Failure]]:
    """Walk files and folders (recursively, in a stable order) and stat each supported file."""
    found: dict[str, SourceFile] = {}
    failures: list[Failure] = []
    for given in paths:
        p = Path(given).expanduser()
        if not p.exists():
            failures.append(Failure(str(given), "no such file or folder"))
            continue
        if p.is_dir():
            candidates = _walk(p, failures)
        elif base_suffix(p.name) in SUFFIXES:
            candidates = [p]
        else:
            failures.append(Failure(str(given), f"unsupported file type {p.suffix or '(none)'}"))
            continue
        for c in candidates:
            try:
                st = c.stat()
            except OSError as exc:
                failures.append(Failure(str(c), f"cannot read: {exc.strerror or exc}"))
                continue
            resolved = str(c.resolve())
            found[resolved] = SourceFile(resolved, st.st_size, st.st_mtime_ns)
    return [found[k] for k in sorted(found)], failures


def _walk(root: Path, failures: list[Failure]) -> list[Path]:
    def onerror(exc: OSError) -> None:
        failures.append(Failure(str(exc.filename or root), f"cannot list folder: {exc.strerror}"))

    out: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=onerror):
        if INDEX_MARKER in filenames:
            dirnames[:] = []  # an index folder inside the tree: its files are not news
            continue
        # Hidden folders hold VCS data and editor state, never articles.
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith(".") and base_suffix(name) in SUFFIXES:
                out.append(Path(dirpath) / name)
    return out


def read_bytes(path: str) -> bytes:
    """Read a file, inflating .gz, refusing what would exceed MAX_BYTES."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise SourceError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if len(data) > MAX_BYTES:
        raise SourceError(f"{path}: larger than {MAX_BYTES // 2**20} MB")
    if path.lower().endswith(".gz"):
        data = _gunzip(path, data)
    return data


def _gunzip(path: str, data: bytes) -> bytes:
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = d.decompress(data, MAX_BYTES + 1)
    except zlib.error as exc:
        raise SourceError(f"{path}: not a valid gzip file ({exc})") from exc
    if len(out) > MAX_BYTES:
        raise SourceError(f"{path}: inflates to more than {MAX_BYTES // 2**20} MB")
    if not d.eof:
        raise SourceError(f"{path}: gzip data is truncated")
    return out


def decode(data: bytes) -> str:
    """Bytes to text: a BOM, else UTF-8, else UTF-16 by its zero bytes, else cp1252."""
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return _clean(data.decode(codec, errors="replace"))
    try:
        return _clean(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    sample = data[:4096]
    if len(sample) >= 4 and sample.count(0) > len(sample) // 4:
        # ASCII-range text in UTF-16 has a zero in every other byte; which side tells the order.
        codec = "utf-16-le" if sample[1::2].count(0) > sample[0::2].count(0) else "utf-16-be"
        return _clean(data.decode(codec, errors="replace"))
    # cp1252 is a superset of Latin-1's printable range and what mislabelled Western pages use.
    return _clean(data.decode("cp1252", errors="replace"))


def _clean(text: str) -> str:
    if "\x00" in text:
        text = text.replace("\x00", "")
    return text


_CONTROL_BYTES = bytes([*range(0, 9), *range(14, 32)])


def looks_binary(data: bytes) -> bool:
    """True when the bytes are not text in any encoding decode() would try."""
    sample = data[:8192]
    if not sample or sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    zeros = sample.count(0)
    if zeros > len(sample) // 4:
        return False  # UTF-16 without a BOM, handled by decode()
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls > len(sample) // 10


def load(src: SourceFile) -> tuple[list[RawDoc], list[Failure]]:
    """Read one file into raw documents; a broken JSON line is a failure, not a lost file."""
    data = read_bytes(src.path)
    if not data.strip():
        raise SourceError(f"{src.path}: empty file")
    if looks_binary(data):
        raise SourceError(f"{src.path}: binary data, not text")
    text = decode(data)
    suffix = base_suffix(src.path)
    if suffix in JSON_SUFFIXES:
        return _load_records(src.path, text)
    kind = "html" if suffix in HTML_SUFFIXES else "text"
    return [RawDoc(file_id(src.path), src.path, kind, text)], []


def _load_records(path: str, text: str) -> tuple[list[RawDoc], list[Failure]]:
    records: list[tuple[int, object]] = []
    failures: list[Failure] = []
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            records = list(enumerate(json.loads(stripped), 1))
        except json.JSONDecodeError as exc:
            raise SourceError(f"{path}: invalid JSON ({exc.msg} at line {exc.lineno})") from exc
    else:
        return record_lines(path, enumerate(text.splitlines(), 1))
    return _record_docs(path, records, failures)


def record_lines(
    path: str, lines: Iterable[tuple[int, str | bytes]]
) -> tuple[list[RawDoc], list[Failure]]:
    """Numbered JSON Lines to raw documents; a broken line is a failure, not a lost file."""
    records: list[tuple[int, object]] = []
    failures: list[Failure] = []
    for lineno, line in lines:
        if isinstance(line, bytes):
            line = decode(line)
        if not line.strip():
            continue
        try:
            records.append((lineno, json.loads(line)))
        except json.JSONDecodeError as exc:
            failures.append(Failure(f"{path}:{lineno}", f"invalid JSON: {exc.msg}"))
    return _record_docs(path, records, failures)


def _record_docs(
    path: str, records: list[tuple[int, object]], failures: list[Failure]
) -> tuple[list[RawDoc], list[Failure]]:
    docs = []
    for lineno, rec in records:
        try:
            docs.append(record_doc(path, lineno, rec))
        except SourceError as exc:
            failures.append(Failure(f"{path}:{lineno}", str(exc)))
    return docs, failures


def streams(src: SourceFile) -> bool:
    """True for JSON Lines files, which are read a chunk of lines at a time, never whole."""
    return base_suffix(src.path) in STREAM_SUFFIXES


def line_chunks(path: str, size: int = 500) -> Iterator[list[tuple[int, bytes]]]:
    """A JSON Lines file (inflated on the fly if .gz) as chunks of numbered lines."""
    opener = gzip.open if path.lower().endswith(".gz") else open
    with opener(path, "rb") as fh:
        chunk: list[tuple[int, bytes]] = []
        for lineno, line in enumerate(fh, 1):
            chunk.append((lineno, line))
            if len(chunk) >= size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk


def file_digest(path: str) -> str:
    """A content hash of a file, read in blocks."""
    h = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


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
    title = _first(rec, TITLE_KEYS)
    if text is None or not _as_text(text).strip():
        raise SourceError("record has no text (looked for " + ", ".join(TEXT_KEYS) + ")")
    rid = rec.get("id", rec.get("_id"))
    doc_id = str(rid) if rid not in (None, "") else f"{file_id(path)}:{lineno}"
    meta: dict[str, object] = {"title": _as_text(title)}
    for name, keys in (
        ("date", DATE_KEYS),
        ("authors", AUTHOR_KEYS),
        ("site", SITE_KEYS),
        ("url", ("url", "link")),
        ("tags", ("tags", "keywords", "topics")),
    ):
        value = _first(rec, keys)
        if value is not None:
            meta[name] = value
    return RawDoc(doc_id, path, kind, _as_text(text), meta)


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n\n".join(_as_text(v) for v in value)
    if isinstance(value, dict):
        return _as_text(value.get("name") or value.get("text"))
    return str(value)


def load_path(path: str | os.PathLike[str]) -> RawDoc:
    """The first raw document of one file (for `newsearch clean`)."""
    p = Path(path)
    if not p.is_file():
        raise SourceError(f"{p}: no such file")
    st = p.stat()
    docs, failures = load(SourceFile(str(p.resolve()), st.st_size, st.st_mtime_ns))
    if not docs:
        reason = failures[0].reason if failures else "no documents in it"
        raise SourceError(f"{p}: {reason}")
    return docs[0]
