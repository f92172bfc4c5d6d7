"""The Whoosh folder: what opening reads (nothing runs from it), rebuilds, leftovers, locks."""

import json
import os
import subprocess
import sys
import threading
import time

import pytest

from newsearch import IndexIncompatibleError, IndexLockedError, NewsIndex
from newsearch.engines.whoosh import schema, store
from newsearch.engines.whoosh.reading import share_segment_files
from newsearch.indexer.terms import STOP_LIST


def payload_schema():
    """A real schema that pickles as a shell command."""
    from whoosh.fields import Schema

    class Evil(Schema):
        def __reduce__(self):
            return (os.system, ("touch PWNED",))

    evil = schema.build_schema()
    evil.__class__ = Evil
    return evil


def test_the_stop_list_is_whooshs_two_lists_less_four_news_words():
    from whoosh.analysis import STOP_WORDS
    from whoosh.lang import stopwords_for_language

    whoosh_lists = STOP_WORDS | stopwords_for_language("en")
    assert whoosh_lists - {"us", "may", "will", "who"} == STOP_LIST


def test_a_crafted_table_of_contents_is_refused_and_runs_nothing(tmp_path, seed):
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC

    target = tmp_path / "ix"
    NewsIndex.create(target).add_files([seed])
    storage = FileStorage(str(target))
    toc = TOC.read(storage, "MAIN")
    # The next generation's table of contents pickles a payload where the schema goes.
    TOC(payload_schema(), toc.segments, toc.generation + 1).write(storage, "MAIN")
    with pytest.raises(IndexIncompatibleError, match="not allowed"):
        NewsIndex.open(target).stats()
    result = subprocess.run(
        [sys.executable, "-m", "newsearch", "-i", str(target), "stats"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 1 and result.stderr.startswith("Error: refusing to read")
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "PWNED").exists()


def test_a_rebuild_holds_the_run_lock_so_a_concurrent_run_waits(tmp_path, seed, fixtures):
    target = tmp_path / "ix"
    NewsIndex.create(target).add_files([seed])
    started, release = threading.Event(), threading.Event()

    def slow_build(engine):
        started.set()
        release.wait(10)
        from newsearch.indexer import writer

        return writer.add_files(engine, [fixtures])

    from newsearch import engines

    t = threading.Thread(target=lambda: engines.rebuild(target, 5, slow_build))
    t.start()
    started.wait(5)
    try:
        # Before: the concurrent run reported "added: 99" and its articles were gone after the
        # swap (or it crashed inside Whoosh's commit).
        with pytest.raises(IndexLockedError):
            NewsIndex.open(target).add_files([seed], wait=0.3)
    finally:
        release.set()
        t.join()
    ix = NewsIndex.open(target)
    assert ix.search("Lavrov").total == 0  # the rebuilt index holds the fixtures only
    ix.add_files([seed])
    assert ix.search("Lavrov").total == 1


def test_rebuild_keeps_dotfiles_works_on_dot_and_on_a_folder_that_cannot_move(
    tmp_path, seed, fixtures, monkeypatch
):
    target = tmp_path / "ix"
    NewsIndex.create(target).add_files([seed])
    (target / ".gitkeep").write_text("")
    (target / ".git").mkdir()
    (target / ".git" / "HEAD").write_text("ref")
    # A mount point cannot be renamed: nothing may try to (it ended in EBUSY).
    real = os.rename

    def rename(src, dst, *args, **kwargs):
        if os.path.isdir(src):
            raise OSError(16, "Device or resource busy", str(src))
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "rename", rename)
    monkeypatch.chdir(target)
    ix, report = NewsIndex.rebuild(".", [fixtures])
    assert report.added >= 3 and ix.search("Lavrov").total == 0
    assert (target / ".gitkeep").exists() and (target / ".git" / "HEAD").read_text() == "ref"


def test_a_killed_rebuild_leaves_the_old_index_live_and_its_leftovers_are_cleaned(tmp_path, seed):
    target = tmp_path / "ix"
    NewsIndex.create(target).add_files([seed])
    corpus = tmp_path / "big.jsonl"
    corpus.write_text(
        "".join(
            json.dumps({"id": f"r{i}", "title": f"T{i}", "text": "word " * 50}) + "\n"
            for i in range(3000)
        )
    )

    def builds() -> set[str]:
        return {m[1] for p in target.iterdir() if (m := store._OURS.match(p.name))} - {"MAIN"}

    for _ in range(3):
        before = builds()
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "newsearch",
                "-i",
                str(target),
                "index",
                "--rebuild",
                str(corpus),
                "--commit-every",
                "50",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # Wait for this build's own files: the last build's leftovers are there from the start,
        # and a kill between their removal and the new index's first file left none (seen once).
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not builds() - before:
            time.sleep(0.02)
        assert builds() - before, "the rebuild wrote no file in 60 s"
        time.sleep(0.3)
        proc.kill()
        proc.wait()
        # The old index is what is live, whatever the moment of the kill.
        assert NewsIndex.open(target).search("Lavrov").total == 1
    assert builds()  # the killed builds left files behind ...
    NewsIndex.open(target).add_files([seed])
    names = {store._OURS.match(p.name)[1] for p in target.iterdir() if store._OURS.match(p.name)}
    assert names == {"MAIN"}  # ... which the next run deleted


def test_a_long_lived_index_sees_a_rebuild(tmp_path, seed, fixtures):
    target = tmp_path / "ix"
    reader = NewsIndex.create(target)
    reader.add_files([seed])
    assert reader.search("Lavrov").total == 1
    NewsIndex.rebuild(target, [fixtures])
    # Before: it kept answering from the old segments, and get() of its own hit failed.
    assert reader.search("Lavrov").total == 0
    hit = reader.search("harbour").hits[0]
    assert reader.get(hit.id).id == hit.id


def test_an_index_of_the_previous_format_is_refused_with_the_rebuild_hint(tmp_path, seed):
    target = tmp_path / "ix"
    NewsIndex.create(target).add_files([seed])
    manifest = json.loads((target / schema.MANIFEST).read_text())
    manifest["format"] = 4
    del manifest["index"]
    (target / schema.MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(IndexIncompatibleError, match="format 4") as err:
        NewsIndex.open(target)
    assert "--rebuild" in err.value.hint
    ix, _ = NewsIndex.rebuild(target, [seed])
    assert ix.search("Lavrov").total == 1


def test_an_app_that_seeds_random_can_still_commit_twice(tmp_path):
    import random

    from newsearch import Article

    ix = NewsIndex.create(tmp_path / "ix")
    random.seed(0)
    ix.add_articles([Article(title="One", body="The harbour reopened today.")])
    random.seed(0)  # Whoosh named the second segment like the first: AssertionError
    ix.add_articles([Article(title="Two", body="The ferry strike ended today.")])
    assert ix.stats().documents == 2


def test_opening_a_searcher_copies_no_segment_file(tmp_path):
    import tracemalloc

    from whoosh import index as windex

    ix = NewsIndex.create(tmp_path / "ix")
    words = [
        "harbour",
        "strike",
        "port",
        "ferry",
        "crude",
        "prices",
        "grain",
        "wheat",
        "election",
        "vote",
    ]
    ix.add_articles(
        {
            "id": str(i),
            "title": f"Report {i}",
            "text": " ".join(words[(i + k) % 10] for k in range(60)) + f" item{i} code{i * 7}",
        }
        for i in range(1500)
    )
    share_segment_files()
    wix = windex.open_dir(str(tmp_path / "ix"), indexname=store.live_name(tmp_path / "ix"))
    segment_bytes = sum(os.path.getsize(p) for p in (tmp_path / "ix").glob("*.seg"))
    tracemalloc.start()
    searcher = wix.searcher()
    allocated = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert searcher.doc_count() == 1500
    searcher.close()
    # Before: BytesIO copied each segment's postings and terms (most of the file) per searcher.
    assert allocated < segment_bytes / 4
