"""Bytes from disk to text: open only regular files, inflate .gz within a cap, sniff, decode."""

from __future__ import annotations

import codecs
import errno
import gzip
import os
import re
import stat
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

from newsearch.errors import SourceError

# A .gz that inflates past this is refused rather than allowed to exhaust memory.
MAX_BYTES = 256 * 1024 * 1024

_SPECIAL = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)


def not_regular(mode: int) -> str:
    """Why a file of this mode is not read ("not a regular file (a named pipe)"), or ""."""
    if stat.S_ISREG(mode):
        return ""
    kind = next((name for test, name in _SPECIAL if test(mode)), "a special file")
    return f"not a regular file ({kind})"


def open_regular(path: str) -> BinaryIO:
    """Open a file for reading, refusing (OSError) anything but a regular file.

    Opened non-blocking and checked on the open descriptor: a FIFO would block the run forever
    and /dev/zero never ends, and a check by name before opening could be raced.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        reason = not_regular(os.fstat(fd).st_mode)
        if reason:
            raise OSError(errno.EINVAL, reason, path)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


@contextmanager
def open_stream(path: str) -> Iterator[BinaryIO]:
    """A regular file as a binary stream, inflated on the fly when its name ends in .gz."""
    with open_regular(path) as raw:
        if path.lower().endswith(".gz"):
            with gzip.GzipFile(fileobj=raw, mode="rb") as inflated:
                yield inflated  # type: ignore[misc]  # GzipFile reads like any BinaryIO
        else:
            yield raw


def read_bytes(path: str) -> bytes:
    """Read a file, inflating .gz, refusing what would exceed MAX_BYTES."""
    try:
        with open_regular(path) as fh:
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


_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Browsers read these labels as windows-1252 (WHATWG Encoding), and so do the pages' authors.
_AS_CP1252 = frozenset(["ascii", "latin_1", "iso8859_1", "cp819"])


def decode(data: bytes, charset: str | None = None) -> str:
    """Bytes to text: a BOM, else UTF-8, else the declared charset, else UTF-16 by its zero bytes,
    else cp1252."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _drop_nul(data.decode(codec, errors="replace"))
    try:
        return _drop_nul(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass  # valid UTF-8 is UTF-8 whatever a page declares: mislabelled pages are common
    declared = _codec(charset)
    if declared:
        return _drop_nul(data.decode(declared, errors="replace"))
    sample = data[:4096]
    if len(sample) >= 4 and sample.count(0) > len(sample) // 4:
        # ASCII-range text in UTF-16 has a zero in every other byte; which side tells the order.
        codec = "utf-16-le" if sample[1::2].count(0) > sample[0::2].count(0) else "utf-16-be"
        return _drop_nul(data.decode(codec, errors="replace"))
    # cp1252 is a superset of Latin-1's printable range and what mislabelled Western pages use.
    return _drop_nul(data.decode("cp1252", errors="replace"))


def _codec(charset: str | None) -> str:
    if not charset:
        return ""
    try:
        name = codecs.lookup(charset.strip().strip("\"'")).name
    except (LookupError, ValueError):
        return ""
    return "cp1252" if name.replace("-", "_") in _AS_CP1252 else name


_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([\w.:-]{1,40})""", re.I)


def html_charset(data: bytes) -> str | None:
    """The charset a page declares in a <meta> tag within its first 4 KB, if any."""
    m = _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii") if m else None


def _drop_nul(text: str) -> str:
    if "\x00" in text:
        text = text.replace("\x00", "")
    return text


_CONTROL_BYTES = bytes([*range(0, 9), *range(14, 32)])
# File formats whose first bytes say so; compressed ones look like random bytes otherwise.
_MAGIC = (
    b"\x7fELF",
    b"%PDF-",
    b"PK\x03\x04",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"\x1f\x8b",
    b"\xfd7zXZ",
    b"7z\xbc\xaf",
    b"\xca\xfe\xba\xbe",
    b"\xcf\xfa\xed\xfe",
)


def looks_binary(data: bytes) -> bool:
    """True when the bytes are not text in any encoding decode() would try."""
    sample = data[:8192]
    if not sample or sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if sample.startswith(_MAGIC):
        return True
    zeros = sample.count(0)
    if zeros > len(sample) // 4:
        # UTF-16 without a BOM (handled by decode()) has its zeros on one side of each byte
        # pair; an executable (/bin/ls: 64% zeros, 2314 even and 2953 odd) has them on both.
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        return min(even, odd) * 10 > max(even, odd)
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    # Random or compressed bytes are 10.5% control bytes (27 of 256); no file of the shared
    # corpora has any. At 1 in 10, 5 of 200 random 8 KB samples passed for text; at 1 in 50, none.
    # The 4 spare let a short text keep a stray NUL or form feed.
    return controls > 4 + len(sample) // 50


def leaves(value: object, keys: tuple[str, ...] = ("name",)) -> list[str]:
    """The strings in a JSON value, in order, an object by its first present key, without
    recursion: JSON-LD nests 990 deep and a JSON record deeper."""
    out: list[str] = []
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, list):
            stack.extend(reversed(v))
        elif isinstance(v, dict):
            found = None
            for k in keys:  # the first key with a value, else the last key's (None, "", 0)
                found = v.get(k)
                if found:
                    break
            stack.append(found)
        elif v is not None:
            out.append(str(v))
    return out
