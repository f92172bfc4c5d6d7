import json
import os
import shutil
import signal
import time

import pytest

from newsearch import IndexLockedError, IndexProgress, NewsearchError, NewsIndex
from newsearch.engines.whoosh.writing import WhooshWriter
from newsearch.indexer import prepare, writer


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
    assert hit.record_id == "r-1" and hit.title == "Port strike enters second week"
    assert hit.published.isoformat() == "2020-02-10T09:00:00"
    assert hit.source == "portnews.example"


def test_parallel_workers_give_the_same_index(tmp_path, seed, monkeypatch):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(80):
        (folder / f"{i:03}.txt").write_text(
            f"Story number {i}\n\nParagraph about topic{i} and bridges."
        )
    monkeypatch.setattr(prepare, "PARALLEL_MIN_FILES", 10)
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
    real = WhooshWriter.commit
    monkeypatch.setattr(WhooshWriter, "commit", lambda w: (commits.append(1), real(w)))
    writer.add_files(index._engine, [tmp_path], workers=1, batch_docs=5)
    assert len(commits) >= 3
    assert index.stats().documents == 12


def test_second_writer_waits_then_gets_a_clear_error(index, seed):
    held = index._engine.writer(0)
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


def test_big_jsonl_is_committed_in_batches_and_a_stopped_run_resumes(index, tmp_path, monkeypatch):
    import json

    p = tmp_path / "dump.jsonl"
    p.write_text(
        "\n".join(
            json.dumps({"id": f"n{i}", "title": f"T{i}", "text": f"Body {i}."}) for i in range(30)
        )
    )
    real = WhooshWriter.add
    added = []

    def stopping(w, doc, replace=True):
        if len(added) == 25:  # Ctrl-C halfway through the third batch
            raise KeyboardInterrupt
        added.append(1)
        real(w, doc, replace)

    monkeypatch.setattr(WhooshWriter, "add", stopping)
    with pytest.raises(writer.IndexingInterrupted) as stopped:
        index.add_files([p], commit_every=10)
    assert stopped.value.report.added == 20 and stopped.value.report.interrupted
    assert index.stats().documents == 20
    monkeypatch.setattr(WhooshWriter, "add", real)
    report = index.add_files([p], commit_every=10)
    # The unfinished file is read again; what the stopped run committed is counted as it is
    # (before: "30 added", as if the index had held none of it).
    assert (report.added, report.updated, report.unchanged) == (10, 0, 20)
    assert index.stats().documents == 30  # ids replaced, nothing doubled
    assert index.add_files([p]).unchanged == 30


def test_progress_line_shows_docs_per_second_and_eta(monkeypatch, capsys):
    import io

    from newsearch import render

    class Tty(io.StringIO):
        def isatty(self):
            return True

    fake = Tty()
    monkeypatch.setattr("sys.stderr", fake)
    monkeypatch.setattr(render.time, "perf_counter", iter([0.0, 1.0, 2.0, 3.0]).__next__)
    with render.progress("Indexing") as tick:
        tick(IndexProgress(0, 10, 0, 10 * 2**20, 0))
        tick(IndexProgress(5, 10, 5 * 2**20, 10 * 2**20, 50))
    out = fake.getvalue()
    assert "5/10 files (5.0 MB of 10.0 MB), 50 articles, 25 docs/s, ETA 2 s" in out


def test_without_a_terminal_progress_is_a_plain_line_a_minute(monkeypatch):
    import io

    from newsearch import render

    log = io.StringIO()  # not a terminal: a log file, a pipe
    monkeypatch.setattr("sys.stderr", log)
    clock = iter([0.0, 1.0, 59.0, 61.0, 100.0, 122.0, 130.0])
    monkeypatch.setattr(render.time, "perf_counter", clock.__next__)
    with render.progress("Indexing") as tick:
        for done in range(6):
            tick(IndexProgress(done, 10, done * 2**20, 10 * 2**20, done * 10))
    lines = log.getvalue().split("\n")
    assert lines == [
        "Indexing: 2/10 files (2.0 MB of 10.0 MB), 20 articles, 0 docs/s, ETA 244 s",
        "Indexing: 4/10 files (4.0 MB of 10.0 MB), 40 articles, 0 docs/s, ETA 183 s",
        "",
    ]


def test_the_eta_counts_bytes_of_a_big_dump_not_files(tmp_path):
    # Before: 2,227 of 2,480 files done said "ETA 3 s" while one 21,578-record dump had 55 s
    # to go. Now a dump's chunks move the bytes done as they are read.

    big = tmp_path / "big.jsonl"
    big.write_text("".join(json.dumps({"id": i, "text": "x " * 40}) + "\n" for i in range(4000)))
    (tmp_path / "small.txt").write_text("Small\n\nA small story.")
    seen = []
    ix = NewsIndex.create(tmp_path / "ix")
    ix.add_files([tmp_path], progress=seen.append, commit_every=500)
    total = big.stat().st_size + (tmp_path / "small.txt").stat().st_size
    assert all(p.bytes == total and p.files == 2 for p in seen)
    inside = {p.bytes_done for p in seen if p.files_done < 2 and 0 < p.bytes_done < total}
    assert len(inside) >= 3  # the big file's progress shows before it is done
    assert seen[-1].bytes_done == total and seen[-1].articles == 4001


def test_a_changed_file_is_unchanged_on_the_next_run(index, tmp_path):
    p = tmp_path / "story.txt"
    p.write_text("Headline\n\nA short story.")
    index.add_files([tmp_path])
    # 25 bytes, then over 100: "100:…" sorts before "25:…" in the term list, which once made
    # the old, deleted key win and the file look changed on every run.
    p.write_text("Headline\n\nA much longer story than before. " + "It goes on and on. " * 5)
    os.utime(p, ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))
    assert index.add_files([tmp_path]).updated == 1
    again = index.add_files([tmp_path])
    assert (again.updated, again.unchanged) == (0, 1)


def test_a_batch_bigger_than_the_writers_pool_spills_and_is_read_back(tmp_path, monkeypatch):
    # The pool's runs on disk are read back through the safe unpickler: an empty posting value
    # (b"") was refused, so any batch over WRITER_MB failed its commit.
    from newsearch.engines.whoosh import writing

    monkeypatch.setattr(writing, "WRITER_MB", 1)
    dump = tmp_path / "wire.jsonl"
    words = [
        "harbour",
        "ferry",
        "strike",
        "budget",
        "council",
        "river",
        "bridge",
        "school",
        "hospital",
        "court",
    ]
    dump.write_text(
        "".join(
            json.dumps({"id": i, "text": " ".join(f"{w}{i % 97}" for w in words) * 20}) + "\n"
            for i in range(3000)
        )
    )
    ix = NewsIndex.create(tmp_path / "ix")
    report = ix.add_files([dump], commit_every=3000)
    assert report.added == 3000 and ix.search("harbour5").total == ix.search("ferry5").total > 0


def test_a_ctrl_c_during_a_commit_waits_for_its_end():
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)  # as a terminal has it
    done = False
    try:
        with pytest.raises(KeyboardInterrupt), writer.deferred_interrupt():
            os.kill(os.getpid(), signal.SIGINT)
            done = True  # reached: the interrupt is held until the block ends
        assert done
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        signal.signal(signal.SIGINT, previous)


def test_an_ignored_sigint_stays_ignored_during_a_commit():
    # `newsearch index &` in a script ignores SIGINT; caught during commits, one stopped the run
    # only when it came during a commit.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with writer.deferred_interrupt():
            os.kill(os.getpid(), signal.SIGINT)
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    except KeyboardInterrupt:  # uncaught, it would end the whole pytest session
        pytest.fail("an ignored SIGINT was raised at the commit's end")
    finally:
        signal.signal(signal.SIGINT, previous)


def test_articles_are_written_as_they_come_not_held_to_the_commit(index, tmp_path, monkeypatch):
    # Held to the commit, the writer did all its adding there while the workers sat idle.
    for i in range(12):
        (tmp_path / f"{i}.txt").write_text(f"Title {i}\n\nBody text {i}.")
    events = []
    real_add, real_commit, real_run = WhooshWriter.add, WhooshWriter.commit, writer.run_tasks

    def reading(*args):
        for prep in real_run(*args):
            events.append("read")
            yield prep

    monkeypatch.setattr(writer, "run_tasks", reading)
    monkeypatch.setattr(
        WhooshWriter,
        "add",
        lambda w, d, replace=True: (events.append("add"), real_add(w, d, replace)),
    )
    monkeypatch.setattr(WhooshWriter, "commit", lambda w: (events.append("commit"), real_commit(w)))
    writer.add_files(index._engine, [tmp_path], workers=1, batch_docs=5)
    assert events[:4] == ["read", "add", "read", "add"]
    assert events.count("add") == 12 and events.count("commit") == 3
    assert index.stats().documents == 12


def test_a_failed_add_drops_the_open_batch_and_lets_go_of_the_index(index, tmp_path, monkeypatch):
    for i in range(8):
        (tmp_path / f"{i}.txt").write_text(f"Title {i}\n\nBody text {i}.")
    real = WhooshWriter.add
    added = []

    def failing(w, doc, replace=True):
        if len(added) == 7:
            raise OSError(28, "No space left on device")
        added.append(1)
        real(w, doc, replace)

    monkeypatch.setattr(WhooshWriter, "add", failing)
    with pytest.raises(NewsearchError, match="cannot write the index"):
        writer.add_files(index._engine, [tmp_path], workers=1, batch_docs=5)
    assert index.stats().documents == 5  # the first batch; the second's two went with it
    monkeypatch.setattr(WhooshWriter, "add", real)
    assert index.add_files([tmp_path], wait=0).added == 3  # the lock was let go


def test_extraction_workers_run_below_the_writers_priority():
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(
        1, initializer=prepare.worker_init, initargs=(-1, os.getpid())
    ) as pool:
        niceness = pool.submit(os.nice, 0).result()
    assert niceness >= os.nice(0) + prepare.WORKER_NICE or niceness == 19


def test_articles_added_in_memory_count_repeats_across_batches_as_updates(index, monkeypatch):
    monkeypatch.setattr(writer, "BATCH_DOCS", 2)
    rows = [
        {"id": i, "title": f"Title {i} {n}", "text": f"Harbour story {i}, version {n}."}
        for n, i in enumerate(["a", "b", "a", "c", "a"])
    ]
    report = index.add_articles(rows)
    assert (report.added, report.updated, report.documents) == (3, 2, 3)
    assert index.get("a").title == "Title a 4"
