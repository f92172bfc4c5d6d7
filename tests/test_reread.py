"""What a run remembers of the files it reads: the ids seen (compactly), the failure log."""

import json

from newsearch import NewsIndex
from newsearch.engine import IndexedDoc
from newsearch.indexer.raw import file_id, scoped_id
from newsearch.indexer.reread import FilesRead, SeenIds
from newsearch.models import Article


def test_an_id_seen_is_never_taken_for_new_across_every_stage():
    seen = SeenIds()
    ids = [f"{i}@0123456789abcdef" for i in range(SeenIds.FIRST * 6)]  # three stages
    for key in ids:
        seen.add(key)
    assert len(seen._stages) == 3
    assert all(seen.add(key) for key in ids)  # no false "new": a repeat always replaces


def test_a_new_id_is_rarely_taken_for_seen_and_the_filter_stays_small():
    seen = SeenIds()
    for i in range(215_770):  # Reuters x10
        seen.add(f"{i}.0@0123456789abcdef")
    false_seen = sum(seen.add(f"other-{i}") for i in range(50_000))
    assert false_seen < 0.02 * 50_000  # ~0.7% expected; each costs one lookup, not an error
    assert sum(len(bits) for bits, _, _ in seen._stages) < 2**20  # a set of them held 23 MB


class _Engine:
    """An engine whose committed articles of each file are given."""

    def __init__(self, committed):
        self.committed = committed

    def file_articles(self, source):
        return dict(self.committed.get(source, {}))


def _doc(path, own, digest="d"):
    return IndexedDoc(scoped_id(path, own), path, Article(title="t", body="b"), digest=digest)


def test_a_first_read_keeps_no_exact_ids_and_still_finds_a_repeat():
    files = FilesRead(_Engine({}))
    path = "/data/dump.jsonl"
    assert files.change(_doc(path, "1"), False) == ("added", True)
    assert files.change(_doc(path, "2"), False) == ("added", True)
    assert files.change(_doc(path, "1"), False) == ("added", False)  # replaces its first copy
    assert files.done(path) == (set(), set())  # nothing was committed: nothing to retire


def test_a_reread_keeps_the_ids_read_exactly_for_retiring_the_rest():
    path = "/data/dump.jsonl"
    old = {scoped_id(path, "1"): "d", scoped_id(path, "2"): "d", scoped_id(path, "3"): "d"}
    files = FilesRead(_Engine({path: old}))
    assert files.change(_doc(path, "1"), True) == ("unchanged", False)
    assert files.change(_doc(path, "2", "new"), True) == ("updated", False)
    assert files.change(_doc(path, "4"), True) == ("added", True)
    before, read = files.done(path)
    assert before == set(old)
    assert read == {scoped_id(path, k) for k in ("1", "2", "4")}


def test_a_dump_longer_than_the_first_stage_with_repeats_is_indexed_once_each(tmp_path):
    p = tmp_path / "dump.jsonl"
    n = SeenIds.FIRST + 500
    rows = [{"id": str(i % n), "title": f"v{i}", "text": f"Harbour {i}."} for i in range(n + 300)]
    p.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    ix = NewsIndex.create(tmp_path / "ix")
    ix.add_files([p], commit_every=4000)  # the repeats come four batches after their first
    assert ix.stats().documents == n
    assert ix.get(scoped_id(str(p.resolve()), "7")).title == f"v{n + 7}"  # the last copy
    assert file_id(str(p.resolve())) in scoped_id(str(p.resolve()), "7")
