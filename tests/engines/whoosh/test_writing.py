"""A commit writes its batch as a segment of its own, then merges in a second commit."""

from __future__ import annotations

import pytest
from whoosh import index

from newsearch import NewsIndex
from newsearch.engines.whoosh import mergepolicy, writing
from newsearch.engines.whoosh.schema import build_schema
from tests.engines.whoosh.test_bulkwrite import _docs
from tests.engines.whoosh.test_mergepolicy import _index


def _commit_batches(ix, batches: list[int]) -> None:
    for seed, n in enumerate(batches):
        w = writing.WhooshWriter(ix, 0, "here")
        for doc in _docs(seed, n):
            w.add(doc, replace=False)
        w.commit()


def test_the_batch_is_committed_before_the_merge_starts(tmp_path, monkeypatch):
    ix = index.create_in(str(tmp_path), build_schema())
    seen = []  # (documents committed, documents held by the merging writer) at each merge
    real = mergepolicy.capped_merge

    def watched(w, segments):
        seen.append((ix.doc_count_all(), w.docnum, len(segments)))
        return real(w, segments)

    monkeypatch.setattr(writing, "capped_merge", watched)
    _commit_batches(ix, [3] * 7)
    assert seen  # MERGE_SMALL merges five segments of three
    assert all(held == 0 for _, held, _ in seen)  # the merging writer holds no batch
    first = seen[0]
    assert first[0] == 3 * first[2]  # every batch so far, each its own segment, committed
    assert ix.doc_count_all() == 21
    assert len(ix._segments()) < 7  # merged


def test_no_merge_means_no_second_commit(tmp_path):
    ix = index.create_in(str(tmp_path), build_schema())
    _commit_batches(ix, [3, 3])
    assert index.open_dir(str(tmp_path)).latest_generation() == 2  # one TOC per batch


def test_a_merge_interrupted_keeps_the_batch(tmp_path, monkeypatch):
    ix = index.create_in(str(tmp_path), build_schema())
    _commit_batches(ix, [3] * 4)

    def interrupted(w, segments):
        raise KeyboardInterrupt

    monkeypatch.setattr(writing, "capped_merge", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _commit_batches(ix, [3])  # the fifth segment: MERGE_SMALL would merge
    assert index.open_dir(str(tmp_path)).doc_count_all() == 15
    assert len(ix._segments()) == 5


def test_a_merge_finding_the_index_locked_is_left_to_the_next_commit(tmp_path):
    ix = _index(tmp_path / "ix", [3] * 6)  # six segments, unmerged
    group = mergepolicy.merge_group(ix.storage, ix._segments())
    assert group  # there is a merge to do
    lock = ix.lock("WRITELOCK")
    assert lock.acquire()
    try:
        writing.merge_segments(ix)  # another writer holds the index: no error, no merge
    finally:
        lock.release()
    assert len(ix._segments()) == 6
    writing.merge_segments(ix)
    assert len(ix._segments()) == 6 - len(group) + 1
    assert ix.doc_count_all() == 18


def test_newsearch_index_merges_through_the_capped_policy(tmp_path, monkeypatch):
    merged = []
    real = mergepolicy.capped_merge
    monkeypatch.setattr(writing, "capped_merge", lambda w, s: merged.append(len(s)) or real(w, s))
    src = tmp_path / "a.jsonl"
    src.write_text(
        "".join(
            f'{{"id": "a{i}", "title": "Oil {i}", "text": "Prices rose {i}."}}\n' for i in range(12)
        )
    )
    NewsIndex.create(tmp_path / "ix").add_files([src], commit_every=2)
    assert merged  # six commits of two articles: the fifth segment starts a merge
    assert len(NewsIndex.open(tmp_path / "ix").search("oil").hits) == 10
