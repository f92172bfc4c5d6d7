"""Segment files read as views of the mmap: the same bytes, results and stored fields as
Whoosh's copies, and no copy made."""

from __future__ import annotations

import hashlib
import io
import pickle
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.filedb import compound, filetables, structfile

from newsearch import NewsIndex
from newsearch.engines.whoosh import engine, reading
from newsearch.models import SearchOptions

VOCABULARY = (
    "oil price bank rate cut coffee wheat export trade deficit minister talks strike union "
    "steel output growth profit shares market dollar gold mine crop rain harvest port tanker"
)
WORDS = VOCABULARY.split()
QUERIES = [*WORDS[:12], "oil price", "gold mine crop", '"steel output"', "wheet~1", "pri*"]

OPS = st.lists(
    st.one_of(
        st.tuples(st.just("read"), st.integers(-1, 40)),
        st.tuples(st.just("peek"), st.integers(0, 2000)),
        st.tuples(st.just("readline"), st.integers(-1, 40)),
        st.tuples(st.just("seek"), st.integers(0, 300), st.integers(0, 2)),
        st.tuples(st.just("pickle")),
    ),
    max_size=30,
)


def _pickles(data: bytes) -> bytes:
    rng = random.Random(len(data))
    objs = [(rng.random(), "x\n" * rng.randint(0, 300), data[:5]) for _ in range(4)]
    return b"".join(pickle.dumps(o, protocol=rng.choice([0, 2, 5])) for o in objs) + data


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=300).map(_pickles), ops=OPS)
def test_a_view_reads_as_bytesio_does(data, ops):
    ours, theirs = reading._View(memoryview(data)), io.BytesIO(data)
    for op, *args in ops:
        if op == "peek":
            # BytesIO has no peek: what it shows must be what read() then returns.
            ahead = ours.peek(*args)
            assert data[theirs.tell() :].startswith(ahead) and ours.tell() == theirs.tell()
            continue
        if op == "seek" and args[1] == 0 or op == "seek" and ours.tell() + args[0] < 0:
            args[0] = abs(args[0])
        if op == "seek" and args[1]:
            args[0] = -args[0] if args[1] == 2 else args[0] - 150
        outcome = []
        for f in (ours, theirs):
            try:
                outcome.append(pickle.load(f) if op == "pickle" else getattr(f, op)(*args))
                outcome.append(f.tell())
            except Exception as exc:  # noqa: BLE001 - the same failure is what is compared
                # Where a failed load leaves the file is not kept to (Whoosh raises on).
                outcome.append((type(exc), None))
                f.seek(0)
        assert outcome[: len(outcome) // 2] == outcome[len(outcome) // 2 :], (op, args)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> NewsIndex:
    """300 articles in three segments."""
    rng = random.Random(7)
    ix = NewsIndex.create(tmp_path_factory.mktemp("views") / "ix")
    recs = [
        {
            "id": f"a{i}",
            "title": " ".join(rng.sample(WORDS, 3)),
            "text": " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 200))),
            "date": f"2021-05-{1 + i % 28:02d}",
        }
        for i in range(300)
    ]
    for part in (recs[:100], recs[100:200], recs[200:]):
        ix.add_articles(part)
    return ix


def _answers(ix: NewsIndex) -> list:
    out = []
    for q in QUERIES:
        res = ix.search(q, SearchOptions(limit=20, facets=True))
        out.append((res.total, res.facets, [(h.id, h.score, h.snippet) for h in res.hits]))
    return out + [ix.get("a17"), ix.stats()]


def test_views_answer_as_whooshs_copies_and_copy_nothing(corpus, monkeypatch):
    copies: list[int] = []

    class Spy(io.BytesIO):
        def __init__(self, initial: bytes = b"") -> None:
            copies.append(len(initial))
            super().__init__(initial)

    monkeypatch.setattr(structfile, "BytesIO", Spy)
    viewed = _answers(NewsIndex.open(corpus.location))
    assert compound.BufferFile is reading.ViewFile and copies == []
    monkeypatch.setattr(compound, "BufferFile", structfile.BufferFile)
    monkeypatch.setattr(engine, "share_segment_files", lambda: None)
    copied = _answers(NewsIndex.open(corpus.location))
    assert copies, "Whoosh's own BufferFile copies each file it opens"
    assert viewed == copied


@given(st.binary(max_size=300))
def test_the_builtin_md5_hashes_term_keys_as_hashlibs(key):
    reading.builtin_md5()
    assert filetables.md5 is not hashlib.md5
    assert filetables.md5_hash(key) == int(hashlib.md5(key).hexdigest(), 16) & 0xFFFFFFFF


def test_an_index_hashed_with_one_md5_answers_read_with_the_other(corpus, monkeypatch):
    builtin = _answers(NewsIndex.open(corpus.location))  # written and read with _md5
    monkeypatch.setattr(filetables, "md5", hashlib.md5)
    monkeypatch.setattr(engine, "builtin_md5", lambda: None)
    assert _answers(NewsIndex.open(corpus.location)) == builtin
