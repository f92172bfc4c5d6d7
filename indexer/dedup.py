"""Near-duplicate articles (one wire story re-published by several outlets) by MinHash.

One-permutation MinHash over word shingles: every shingle is hashed once, its low bits pick one of
BINS bins and each bin keeps the smallest of the remaining bits. Two fingerprints agree in a bin
with probability about the Jaccard similarity of the two shingle sets. Banding (BANDS bands of
BINS // BANDS rows) turns a fingerprint into lookup keys (kept in indexer.clusters' SQLite file),
so candidates are found by exact key lookup and then confirmed with ``is_duplicate``.
"""

from __future__ import annotations

import re
import struct
import sys
from array import array
from hashlib import blake2s

BINS = 64
BANDS = 16
ROWS = BINS // BANDS
# Measured on the BBC corpus (2,225 articles): re-published versions of one story have a 3-word
# shingle Jaccard of 0.60-1.0, different stories on one topic at most 0.44 (follow-ups reusing
# background paragraphs). Longer shingles separate them no better and cost recall on edited copies,
# as each changed word breaks SHINGLE shingles (5% of words changed: 0.75 with 3, 0.69 with 4);
# 2-word shingles raise the different-story pairs towards the gap (0.49).
SHINGLE = 3
# Not 0.8: a copy with 5% of its words changed scores about 0.75, one with a paragraph dropped as
# well about 0.6, and BBC re-writes of one story 0.60-0.78. Not lower either: with 16 bands of 4
# rows, a pair of Jaccard J shares a band key with probability 1 - (1 - J**4)**16, 0.89 at 0.6 but
# 0.64 at 0.5, so a lower threshold would accept pairs that the band lookup mostly never proposes.
THRESHOLD = 0.6
# Fewer shingles fill only a handful of bins, and the estimate from those is mostly noise.
MIN_SHINGLES = 8
# Marks a bin no shingle fell in. Bin values are 31-bit, so a real minimum can never equal it.
EMPTY = 0xFFFFFFFF

_WORD = re.compile(r"\w+")
_PACK = struct.Struct(f"<{BINS}I")  # fixed byte order: fingerprints are kept beside the index
_BAND = struct.Struct(f"<{ROWS}I")
# blake2s() with no keyword is about twice as fast as blake2s(digest_size=8) (argument parsing);
# the first 8 of its 32 digest bytes are as good a 64-bit hash as any.
_STRIDE = blake2s().digest_size // 8


def fingerprint(text: str) -> bytes | None:
    """The MinHash of the text's word shingles, or None if the text is too short to compare."""
    # Digits stay: dropping them changed nothing measurable on BBC, and they are what tells apart
    # templated reports (a market close, a match result) from one day and the next.
    words = _WORD.findall(text.lower())
    if len(words) - SHINGLE + 1 < MIN_SHINGLES:
        return None
    # One encode for the whole text instead of one per shingle; \w never matches a space.
    data = " ".join(words).encode().split(b" ")
    # The later slices are shorter: zip stops at the last full shingle, as it should.
    shingles = map(b" ".join, zip(*(data[i:] for i in range(SHINGLE)), strict=False))
    # map() of C functions: no Python frame per shingle, which is where the time would go.
    hashes = array("Q", b"".join(map(blake2s.digest, map(blake2s, shingles))))[::_STRIDE]
    if sys.byteorder == "big":  # the digest bytes are read little-endian on every machine
        hashes.byteswap()
    mins = [EMPTY] * BINS
    for h in hashes:
        b = h % BINS
        v = h >> 33  # bits apart from the bin's, and 31 of them so that EMPTY stays free
        if v < mins[b]:
            mins[b] = v
    return _PACK.pack(*mins)


def band_keys(fp: bytes) -> list[str]:
    """One lookup key per band with no empty bin: "07:" and the hex hash of the band's rows."""
    keys = []
    size = _BAND.size
    for band in range(BANDS):
        rows = fp[band * size : (band + 1) * size]
        # Short texts leave bins empty; two such texts must not meet on their empty bins. So a
        # 20-word text gets no key, a 50-word one about 1 and a 100-word one about 6 of the 16.
        if EMPTY in _BAND.unpack(rows):
            continue
        keys.append(f"{band:02d}:{blake2s(rows, digest_size=4).hexdigest()}")
    return keys


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity: equal bins over the bins filled in both (0.0 if none)."""
    both = same = 0
    for x, y in zip(_PACK.unpack(a), _PACK.unpack(b), strict=True):
        if x != EMPTY and y != EMPTY:
            both += 1
            same += x == y
    return same / both if both else 0.0


def is_duplicate(a: bytes, b: bytes) -> bool:
    """Whether two fingerprints are near-duplicates (estimated Jaccard at least THRESHOLD)."""
    return similarity(a, b) >= THRESHOLD
