"""Re-indexing keeps what it cannot replace: failed re-reads, interrupted updates, odd names."""

import gzip
import json
import os
import time

import pytest

from newsearch import NewsIndex
from newsearch.indexer import writer


def dump(path, records, opener=open):
    with opener(path, "wt", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r) + "\n")


def recs(n, word="harbour", start=0):
    return [
        {"id": f"r{i}", "title": f"Story {i}", "text": f"Story {i} is about the {word} today."}
        for i in range(start, start + n)
    ]


def touch_later(path):
    later = time.time_ns() + 10**9
    os.utime(path, ns=(later, later))


def test_a_file_momentarily_empty_keeps_its_articles(tmp_path, location):
    ix = NewsIndex.create(location())
    p = tmp_path / "wire.jsonl"
    dump(p, recs(5))
    ix.add_files([p])
    p.write_text("")
    touch_later(p)
    report = ix.add_files([p])
    # Before: 5 → 1 documents, and the report said removed: 0.
    assert report.failed and ix.stats().documents == 5
    assert ix.search("harbour").total == 5


def test_a_half_written_gz_keeps_the_articles_it_did_not_reach(tmp_path, location):
    ix = NewsIndex.create(location())
    p = tmp_path / "wire.jsonl.gz"
    dump(p, recs(1200), opener=gzip.open)
    ix.add_files([p])
    dump(p, recs(1200, word="ferry"), opener=gzip.open)
    data = p.read_bytes()
    p.write_bytes(data[: len(data) // 2])  # cut off mid-write
    touch_later(p)
    report = ix.add_files([p])
    assert report.failed
    assert ix.stats().documents == 1200  # what was read is updated, the rest kept as it was
    assert ix.search("harbour").total + ix.search("ferry").total == 1200


def test_an_interrupted_update_of_a_dump_keeps_the_old_articles_not_yet_replaced(
    tmp_path, location, monkeypatch
):
    ix = NewsIndex.create(location())
    p = tmp_path / "dump.jsonl"
    dump(p, recs(3000))
    ix.add_files([p], commit_every=500)
    dump(p, recs(3000, word="ferry"))
    touch_later(p)
    real = writer.Batch.commit
    calls = []

    def stop_after_first(self):
        if calls:
            raise KeyboardInterrupt
        calls.append(1)
        real(self)

    monkeypatch.setattr(writer.Batch, "commit", stop_after_first)
    with pytest.raises(writer.IndexingInterrupted):
        ix.add_files([p], commit_every=500)
    monkeypatch.setattr(writer.Batch, "commit", real)
    # Before: the first batch deleted all 3,000 and only 500 were back.
    assert ix.stats().documents == 3000
    assert ix.search("ferry").total == 500 and ix.search("harbour").total == 2500
    ix.add_files([p], commit_every=500)
    assert ix.search("ferry").total == 3000 and ix.stats().documents == 3000


def test_records_gone_from_a_dump_are_removed_at_its_end(tmp_path, location):
    ix = NewsIndex.create(location())
    p = tmp_path / "dump.jsonl"
    dump(p, recs(10))
    ix.add_files([p])
    dump(p, recs(6))
    touch_later(p)
    ix.add_files([p])
    assert ix.stats().documents == 6
    assert {a.record_id for a in ix.articles()} == {f"r{i}" for i in range(6)}


def test_a_tab_in_a_file_name_does_not_break_later_runs(tmp_path, location):
    ix = NewsIndex.create(location())
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "odd\tname.txt").write_text("Harbour news\n\nThe harbour reopened.")
    ix.add_files([folder])
    # Before: ValueError (too many values to unpack) on every later run.
    again = ix.add_files([folder])
    assert (again.unchanged, again.added) == (1, 0)


def test_one_id_repeated_in_a_dump_is_one_article_the_last_version(tmp_path, location):
    ix = NewsIndex.create(location())
    p = tmp_path / "dump.jsonl"
    rows = [
        {"id": "same", "title": f"Version {i}", "text": f"Harbour report number {i}."}
        for i in range(2000)
    ]
    dump(p, rows)
    ix.add_files([p], commit_every=700)
    # Before: a fresh run kept all 2,000 and `show` returned the oldest.
    assert ix.stats().documents == 1
    assert ix.get("same").title == "Version 1999"
    touch_later(p)
    ix.add_files([p], commit_every=700)
    assert ix.stats().documents == 1


def test_check_content_finds_an_edit_that_kept_size_and_time(tmp_path, location):
    ix = NewsIndex.create(location())
    p = tmp_path / "a.txt"
    p.write_text("Harbour news\n\nThe harbour reopened.")
    ix.add_files([tmp_path])
    st = p.stat()
    p.write_text("Harbour news\n\nThe ferries reopened.")  # same length
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))  # cp -p, rsync -t
    assert ix.add_files([tmp_path]).unchanged == 1  # size and time are all a plain run looks at
    report = ix.add_files([tmp_path], check_content=True)
    assert report.updated == 1 and ix.search("ferries").total == 1


def test_records_repeated_in_one_call_are_one_article_the_last_version(location):
    # Each article is written into the open session as it comes (indexer.writer.Batch), so the
    # engine's session, not a dict held to the commit, makes the later copy replace the first.
    ix = NewsIndex.create(location())
    rows = [
        {"id": "same", "title": "Harbour opens", "text": "The zeppelin harbour opened today."},
        {"id": "other", "title": "Ferry news", "text": "The ferry harbour closed today."},
        {"id": "same", "title": "Harbour shuts", "text": "The walrus harbour shut today."},
    ]
    report = ix.add_articles(rows)
    assert (report.added, report.updated, report.documents) == (2, 1, 2)
    assert ix.get("same").title == "Harbour shuts"
    assert ix.search("walrus").total == 1
    assert ix.search("zeppelin").total == 0  # the first copy's words went with it
    assert sorted(h.id for h in ix.search("harbour", collapse=False)) == ["other", "same"]
    assert ix.search("harbour").total == 2


def test_a_session_replaces_its_own_earlier_add_whatever_replace_says(location):
    from newsearch.indexer.prepare import indexed_doc
    from newsearch.indexer.sources import RawDoc
    from newsearch.models import Article

    ix = NewsIndex.create(location())
    engine = ix._engine

    def doc(word):
        art = Article(title=f"{word} news", body=f"The {word} story.")
        return indexed_doc(RawDoc("one", "/feeds/a.jsonl", "text", ""), art)

    session = engine.writer(1)
    session.add(doc("zeppelin"), replace=False)  # no committed article has the id
    session.add(doc("walrus"), replace=False)
    session.commit()
    assert engine.count() == 1
    assert ix.get("one").title == "walrus news"
    assert ix.search("zeppelin").total == 0
