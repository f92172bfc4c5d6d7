import os
import shutil
import time

import pytest

from newsearch import IndexLockedError, NewsIndex
from newsearch.indexer import writer


def test_second_run_indexes_nothing(index, seed, fixtures):
    first = index.add_files([seed, fixtures])
    again = index.add_files([seed, fixtures])
    assert first.added >= 6 and first.unchanged == 0
    assert again.added == again.updated == 0
    assert again.unchanged == first.added
    assert index.stats().documents == first.documents


def test_changed_file_is_updated_never_duplicated(index, tmp_path):
    p = tmp_path / "story.txt"
    p.write_text("Old headline\n\nThe bridge was closed for repairs on Monday.")
    index.add_files([tmp_path])
    p.write_text("New headline\n\nThe bridge reopened to traffic on Sunday morning.")
    os.utime(p, ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))
    report = index.add_files([tmp_path])
    assert (report.added, report.updated) == (0, 1)
    assert index.stats().documents == 1
    assert index.search("reopened").hits[0].title == "New headline"
    assert index.search("repairs").total == 0


def test_touched_but_unchanged_file_is_not_rewritten(index, tmp_path):
    p = tmp_path / "story.txt"
    p.write_text("Headline\n\nSome story text that stays the same.")
    index.add_files([tmp_path])
    os.utime(p, ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))
    report = index.add_files([tmp_path])
    assert (report.added, report.updated, report.unchanged) == (0, 0, 1)


def test_broken_files_are_reported_and_the_rest_indexed(index, tmp_path, seed):
    shutil.copy(seed, tmp_path / "good.txt")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 20)
    (tmp_path / "bad.txt.gz").write_bytes(b"not gzip at all")
    report = index.add_files([tmp_path, tmp_path / "missing.txt"])
    assert report.added == 1
    reasons = {os.path.basename(f.path): f.reason for f in report.failed}
    assert reasons.keys() == {"empty.txt", "binary.txt", "bad.txt.gz", "missing.txt"}
    assert "empty" in reasons["empty.txt"] and "binary" in reasons["binary.txt"]
    assert "gzip" in reasons["bad.txt.gz"] and "no such" in reasons["missing.txt"]


def test_jsonl_record_ids_are_the_hit_ids(index, fixtures):
    report = index.add_files([fixtures / "records.jsonl"])
    assert report.added == 3 and len(report.failed) == 2
    hit = index.search("dock workers strike").hits[0]
    assert hit.id == "r-1" and hit.title == "Port strike enters second week"
    assert hit.published.isoformat() == "2020-02-10T09:00:00"
    assert hit.source == "portnews.example"


def test_parallel_workers_give_the_same_index(tmp_path, seed, monkeypatch):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(80):
        (folder / f"{i:03}.txt").write_text(
            f"Story number {i}\n\nParagraph about topic{i} and bridges."
        )
    monkeypatch.setattr(writer, "PARALLEL_MIN_FILES", 10)
    par = NewsIndex.create(tmp_path / "par")
    seq = NewsIndex.create(tmp_path / "seq")
    r1 = par.add_files([folder], workers=2)
    r2 = seq.add_files([folder], workers=1)
    assert r1.added == r2.added == 80
    assert par.search("topic42").hits[0].title == "Story number 42"
    assert [h.id for h in par.search("bridges", limit=80)] == [
        h.id for h in seq.search("bridges", limit=80)
    ]


def test_batches_are_committed_as_they_go(index, tmp_path, monkeypatch):
    for i in range(12):
        (tmp_path / f"{i}.txt").write_text(f"Title {i}\n\nBody text {i}.")
    commits = []
    real = writer.open_writer

    def counting(ix, wait):
        w = real(ix, wait)
        orig = w.commit
        w.commit = lambda *a, **k: (commits.append(1), orig(*a, **k))
        return w

    monkeypatch.setattr(writer, "open_writer", counting)
    writer.add_files(index._ix, [tmp_path], workers=1, batch_docs=5)
    assert len(commits) >= 3
    assert index.stats().documents == 12


def test_second_writer_waits_then_gets_a_clear_error(index, seed):
    held = index._ix.writer()
    try:
        t0 = time.monotonic()
        with pytest.raises(IndexLockedError, match="another indexing run"):
            index.add_files([seed], wait=0.5)
        assert time.monotonic() - t0 >= 0.5
    finally:
        held.cancel()
    assert index.add_files([seed]).added == 1


def test_prune_removes_articles_of_deleted_files_only_under_the_given_paths(index, tmp_path, seed):
    folder = tmp_path / "news"
    folder.mkdir()
    for name in ["a", "b", "c"]:
        (folder / f"{name}.txt").write_text(f"Headline {name}\n\nStory text {name}.")
    index.add_files([folder, seed])
    (folder / "b.txt").unlink()
    kept = index.add_files([folder])
    assert kept.removed == 0 and index.stats().documents == 4  # without --prune nothing goes
    report = index.add_files([folder], prune=True)
    assert report.removed == 1 and report.documents == 3
    assert index.search("Lavrov").total == 1  # the seed, outside the given folder, stays
