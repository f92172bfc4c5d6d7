"""The bulk segment writer writes the segment Whoosh's own writer writes: same files, byte for
byte, for new documents, for postings spilled to Whoosh's pool, and for merged segments."""

from __future__ import annotations

import random
import sys
from datetime import datetime
from pathlib import Path

import pytest
from whoosh import index
from whoosh.writing import SegmentWriter

from newsearch.engine import IndexedDoc
from newsearch.engines.whoosh import bulkwrite
from newsearch.engines.whoosh.schema import build_schema, to_fields
from newsearch.indexer.prepare import indexed_doc
from newsearch.indexer.raw import RawDoc
from newsearch.models import Article

VOCABULARY = (
    "oil price bank rate cut coffee wheat export trade deficit minister talks strike union "
    "steel output growth profit shares market dollar gold mine crop rain harvest port tanker "
    "the of and in said"
)
WORDS = VOCABULARY.split()


def _docs(seed: int, n: int, ids: int | None = None) -> list[IndexedDoc]:
    """n random articles; with ``ids``, under that seed's ids (replacing its articles)."""
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        # Bodies up to 700 words: positions past 255, terms in hundreds of documents (blocks
        # of 128 and a last short one), repeated words (frequencies > 1).
        body = " ".join(rng.choices(WORDS, k=rng.randint(0, 700)))
        title = " ".join(rng.choices(WORDS, k=rng.randint(0, 6)))
        art = Article(
            title=title,
            body=body,
            published=datetime(1987, 3, 1 + i % 28) if i % 3 else None,
            authors=("Mara Lindqvist",) if i % 4 == 0 else (),
            tags=("energy", "markets")[: i % 3],
            site="example.com" if i % 2 else "",
            url=f"https://example.com/{i}",
        )
        doc_id = f"d{seed if ids is None else ids}-{i}"
        docs.append(indexed_doc(RawDoc(doc_id, f"/feeds/{seed}.jsonl", "text", ""), art))
    return docs


def _segment_files(folder: Path) -> dict[str, bytes]:
    """The files of the index's one segment by extension (segment names are random)."""
    ix = index.open_dir(str(folder))
    (segment,) = ix._segments()
    files = {}
    storage = segment.open_compound_file(ix.storage) if segment.is_compound() else ix.storage
    for name in storage.list():
        if name.startswith(segment.segment_id()):
            with storage.open_file(name) as f:
                files[name.removeprefix(segment.segment_id())] = f.read()
    return files


def _build(folder: Path, batches: list[list[IndexedDoc]], writer: type, hold: int | None = None):
    folder.mkdir()
    ix = index.create_in(str(folder), build_schema())
    for batch in batches:
        w = writer(ix)
        if hold is not None:
            w._limit = hold
        for doc in batch:
            w.update_document(**to_fields(doc))  # a repeated id deletes the committed one
        w.commit(optimize=True)  # one segment: earlier batches are merged into the last one
    return _segment_files(folder)


SEGMENTS = {  # case: (batches as (seed, n[, ids]), postings held before a spill)
    "one-batch": ([(0, 300)], None),
    "spilled": ([(0, 300)], 500),
    "merged": ([(0, 120), (1, 90), (2, 150)], None),
    "merged-with-deletions": ([(0, 120), (0, 50), (2, 30)], None),
    "merged-all-deleted": ([(0, 120), (5, 120, 0), (3, 40)], None),
    "one-document": ([(0, 1)], None),
    "empty": ([(0, 0), (1, 5)], None),
}


@pytest.mark.parametrize(("sizes", "hold"), list(SEGMENTS.values()), ids=list(SEGMENTS))
def test_the_segment_is_the_one_whoosh_writes(tmp_path, sizes, hold):
    # (seed, n[, ids]): the same seed (or ids) gives the same ids, so a later batch replaces
    # earlier articles and the merge drops the deleted ones; "merged-all-deleted" replaces all
    # of the first batch from another file, so its path term has no live posting left.
    batches = [_docs(*size) for size in sizes]
    theirs = _build(tmp_path / "whoosh", batches, SegmentWriter)
    ours = _build(tmp_path / "bulk", batches, bulkwrite.BulkSegmentWriter, hold)
    assert ours.keys() == theirs.keys()
    for ext in theirs:
        assert ours[ext] == theirs[ext], ext
    assert any(len(v) > 1000 for v in ours.values())  # something was written


@pytest.mark.parametrize(("docs", "postings"), [(25, 2**40), (2**40, 8192)])
def test_a_merge_lets_go_of_the_pages_it_has_read(tmp_path, monkeypatch, docs, postings):
    from newsearch.engines.whoosh import merging

    released = []  # the function that let go: iter_docs (stored fields) or segment_postings
    real = merging.release
    monkeypatch.setattr(merging, "RELEASE_DOCS", docs)
    monkeypatch.setattr(merging, "RELEASE_BYTES", postings)
    monkeypatch.setattr(
        merging, "release", lambda r: (released.append(sys._getframe(1).f_code.co_name), real(r))
    )
    starts = []  # (segment, field) at each field's first term read in a merge

    def counted(reader, *args):
        for key, postings in merging.segment_postings(reader, *args):
            if not starts or starts[-1] != (reader, key[0]):
                starts.append((reader, key[0]))
            yield key, postings

    monkeypatch.setattr(bulkwrite, "segment_postings", counted)
    batches = [_docs(seed, n) for seed, n in [(0, 120), (1, 90), (2, 150)]]
    theirs = _build(tmp_path / "whoosh", batches, SegmentWriter)
    assert not released
    assert _build(tmp_path / "bulk", batches, bulkwrite.BulkSegmentWriter) == theirs
    by_postings = released.count("segment_postings") - len(starts)  # one at each field's start
    assert len(starts) > 10
    if docs == 25:  # stored documents: 120 merged (4 releases, 1 at the end), then 210 (8, 1)
        assert released.count("iter_docs") == 14
        assert by_postings == 0
    else:  # ~370 KB of postings read in the two merges (45 releases), and 2 at stored ends
        assert released.count("iter_docs") == 2
        assert by_postings > 30


def test_a_merge_lets_go_of_what_finding_each_fields_first_term_mapped(tmp_path, monkeypatch):
    # That is a search of the segment's term table. A merge reads all its segments at once:
    # at the first term of Reuters x10's 44 (benchmarks/merge_memory.py), RssFile 10 -> 38 MB.
    from newsearch.engines.whoosh import merging

    _build(tmp_path / "ix", [_docs(0, 60)], SegmentWriter)
    ix = index.open_dir(str(tmp_path / "ix"))
    fields: list[str] = []
    released = []  # how many fields had been read at each release
    monkeypatch.setattr(merging, "RELEASE_BYTES", 2**40)  # none for the bytes read
    monkeypatch.setattr(merging, "release", lambda r: released.append(len(fields)))
    with ix.reader() as reader:
        for (field, _), postings in merging.segment_postings(reader, 0, None, ix.schema):
            if field not in fields:
                fields.append(field)
            list(postings)
    assert len(fields) > 5
    assert released == list(range(len(fields)))  # before each field's first term is read


def test_documents_added_after_a_merge_are_written_in_their_order(tmp_path):
    from whoosh.reading import SegmentReader

    def build(folder: Path, writer: type) -> dict[str, bytes]:
        folder.mkdir()
        ix = index.create_in(str(folder), build_schema())
        w = writer(ix)
        for doc in _docs(0, 80):
            w.add_document(**to_fields(doc))
        w.commit()
        (segment,) = ix._segments()
        w = writer(ix)
        w.add_reader(SegmentReader(ix.storage, ix.schema, segment))  # numbered 0..79
        for doc in _docs(1, 60):  # 80..139: after the merged segment's documents
            w.add_document(**to_fields(doc))
        w.commit(mergetype=lambda writer, segments: [])  # the merged-in original is dropped
        return _segment_files(folder)

    assert build(tmp_path / "bulk", bulkwrite.BulkSegmentWriter) == build(
        tmp_path / "whoosh", SegmentWriter
    )


def test_replacing_looks_ids_up_without_mapping_the_segments(tmp_path):
    ix = index.create_in(str(tmp_path), build_schema())
    for seed in (0, 1):  # two committed segments
        w = bulkwrite.BulkSegmentWriter(ix)
        for doc in _docs(seed, 30):
            w.add_document(**to_fields(doc))
        w.commit(mergetype=lambda writer, segments: segments)  # kept apart, not merged
    w = bulkwrite.BulkSegmentWriter(ix)
    for doc in _docs(9, 5, ids=1):  # d1-0 .. d1-4 again: each replaces a committed one
        w.update_document(**to_fields(doc))
    leaves = [leaf for leaf, _ in w.searcher().reader().leaf_readers()]
    assert len(leaves) == 2
    # Read through the file: a mapped term table stayed mapped, ~100 KB a lookup per segment.
    # (A compound segment reads through OverlayStorage(its compound file, the folder).)
    assert all(leaf._storage.a._source is None for leaf in leaves)
    w.commit(mergetype=lambda writer, segments: segments)
    with ix.searcher() as s:
        assert s.doc_count() == 60
        assert [f["id"] for f in s.documents(id="d1-0")] == ["d1-0"]


def test_an_index_in_memory_replaces_through_its_own_storage():
    from whoosh.filedb.filestore import RamStorage

    ix = RamStorage().create_index(build_schema())
    for seed in (0, 0):  # the second batch replaces every article of the first
        w = bulkwrite.BulkSegmentWriter(ix)
        for doc in _docs(seed, 10):
            w.update_document(**to_fields(doc))
        w.commit(mergetype=lambda writer, segments: segments)
    with ix.searcher() as s:
        assert s.doc_count() == 10 and s.doc_count_all() == 20


def test_boosted_documents_take_whooshs_own_path(tmp_path):
    docs = _docs(7, 40)
    fields = [to_fields(d) for d in docs]
    for f in fields[::5]:
        f["_title_boost"] = 2.0
    out = {}
    for name, writer in (("whoosh", SegmentWriter), ("bulk", bulkwrite.BulkSegmentWriter)):
        (tmp_path / name).mkdir()
        ix = index.create_in(str(tmp_path / name), build_schema())
        w = writer(ix)
        for f in fields:
            w.add_document(**f)
        w.commit()
        out[name] = _segment_files(tmp_path / name)
    assert out["bulk"] == out["whoosh"]


def test_positions_are_encoded_as_whoosh_encodes_them():
    from whoosh.formats import Frequency, Positions

    terms = ["a", "b", "a", *["c"] * 300, "a", "d"]
    ours = {t: (n, v) for t, n, v in bulkwrite._positions(terms)}
    theirs = {w: (n, v) for w, n, _, v in Positions().word_values(terms, None)}
    assert ours == theirs
    ours = {t: (n, v) for t, n, v in bulkwrite._frequencies(terms)}
    theirs = {w: (n, v) for w, n, _, v in Frequency().word_values(terms, None)}
    assert ours == theirs
