"""A term's postings written as the W3 codec's blocks, 128 at a time, from posting lists.

What Whoosh's add_posting, _write_block, finish_postings and finish_term write for each
posting, written here a block at a time by slicing the list (bulkwrite.py collects the lists;
merging.py reads a merged segment's). The bytes are Whoosh's
(tests/engines/whoosh/test_bulkwrite.py compares every file of the segment).
"""

from __future__ import annotations

import itertools
import zlib
from array import array
from collections.abc import Iterable, Iterator
from operator import itemgetter, sub
from pickle import dumps
from typing import Any

from whoosh.codec.whoosh3 import COMPRESSION_MIN_SIZE, WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.system import pack_int, pack_ushort
from whoosh.util.numeric import length_to_byte

from newsearch.engines.whoosh.merging import Posting


def write_terms(fw: Any, schema: Any, terms: Iterator[tuple[Any, Iterable[Posting]]]) -> None:
    """Write terms in order through Whoosh's field writer, each posting list a block at a time.

    A term's parts come in docnum order (pooled and held postings, then each merged segment's,
    which are lazy), but for a boosted document's pooled postings, sorted here.
    """
    field = None
    for (name, tbytes), group in itertools.groupby(terms, key=itemgetter(0)):
        parts = [ps for _, ps in group]
        postings: Iterator[Posting] = iter(parts[0])
        if len(parts) > 1:  # the term in several streams (pooled, held, merged segments)
            # Merged segments' lazy parts follow the lists in docnum order (see _late).
            held = [p for p in parts if isinstance(p, list) and p]
            if any(a[-1][0] > b[0][0] for a, b in itertools.pairwise(held)):
                postings = iter(sorted(itertools.chain(*parts), key=itemgetter(0)))
            else:
                postings = itertools.chain(*parts)
        first = list(itertools.islice(postings, 1))
        if not first:
            continue  # every posting of a merged term was deleted: Whoosh writes no term
        if name != field:
            if field is not None:
                fw.finish_field()
            fw.start_field(name, schema[name])
            field = name
        pw = fw._postwriter
        if pw._byteids or pw._inlinelimit > 1:  # not the W3 codec's postings: one at a time
            fw.start_term(tbytes)
            for docnum, weight, vbytes, length in itertools.chain(first, postings):
                fw.add(docnum, weight, vbytes, length)
            fw.finish_term()
        else:
            _write_postings(fw, pw, tbytes, first, postings)
    if field is not None:
        fw.finish_field()


def _write_postings(
    fw: Any, pw: Any, tbytes: bytes, first: list[Posting], rest: Iterator[Posting]
) -> None:
    """One term's postings (the first ones, then the rest) as the W3 codec's blocks, and its
    term info: what add_posting, _write_block, finish_postings and finish_term write, one
    block at a time, not one posting."""
    postfile, limit, level = pw._postfile, pw._blocklimit, pw._compression
    fixed = fw._fieldobj.format.fixed_value_size()
    info = W3TermInfo()
    start = postfile.tell()
    postfile.write(WHOOSH3_HEADER_MAGIC)
    blocks = _chunks(itertools.chain(first, rest), limit)
    block = next(blocks, None)
    while block is not None:
        following = next(blocks, None)  # the last block's size is written negative
        ids, weights, values, lengths = zip(*block, strict=True)
        kept = array("f", weights)  # the block holds float32 weights, and sums those
        scored = [n for n in lengths if n]
        minlen = min(scored) if scored else None
        maxlen = max(scored) if scored else 0
        maxweight = max(0, *weights)
        info._weight += sum(kept)
        info._df += len(ids)
        info._minlength = minlen if info._minlength is None else min(info._minlength, minlen)
        info._maxlength = max(info._maxlength, maxlen)
        info._maxweight = max(info._maxweight, maxweight)
        if info._minid is None:
            info._minid = ids[0]
        info._maxid = ids[-1]
        if kept.count(1.0) == len(kept):
            mini_weights: Any = None
        elif kept.count(kept[0]) == len(kept):
            mini_weights = kept[0]
        else:
            mini_weights = tuple(kept)
        present = [v for v in values if v]
        if fixed is None or fixed < 0:
            mini_values: Any = tuple(present)
        else:
            mini_values = b"".join(present) if fixed else None
        data = dumps(((ids[0], *map(sub, ids[1:], ids[:-1])), mini_weights, mini_values), 2)
        comp = level if len(data) >= COMPRESSION_MIN_SIZE else 0
        if comp:
            data = zlib.compress(data, comp)
        head = (len(ids), ids[-1], maxweight, comp, length_to_byte(minlen), length_to_byte(maxlen))
        head_bytes = dumps(head, 2)
        size = len(head_bytes) + len(data)
        postfile.write(pack_int(size if following is not None else -size))
        postfile.write(head_bytes)
        postfile.write(data)
        block = following
    info.set_extent(start, postfile.tell() - start)
    fw._tindex.add(pack_ushort(fw._fieldid) + tbytes, info.to_bytes())


def _chunks(postings: Iterator[Posting], size: int) -> Iterator[list[Posting]]:
    while chunk := list(itertools.islice(postings, size)):
        yield chunk
