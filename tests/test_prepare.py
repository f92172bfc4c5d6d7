import gzip
import json

from newsearch import NewsIndex
from newsearch.indexer import prepare, sources


def dump(path, n, start=0):
    rows = [
        json.dumps(
            {"id": f"r{i}", "title": f"Story {i}", "text": f"Body of story {i} about ports."}
        )
        for i in range(start, start + n)
    ]
    data = ("\n".join(rows) + "\n").encode()
    path.write_bytes(gzip.compress(data) if path.suffix == ".gz" else data)
    return path


def test_big_jsonl_is_streamed_in_chunks_over_workers(tmp_path, monkeypatch):
    big = dump(tmp_path / "dump.jsonl", 2000)
    monkeypatch.setattr(prepare, "PARALLEL_MIN_BYTES", 1)
    chunks = []
    real = sources.line_chunks
    monkeypatch.setattr(
        prepare, "line_chunks", lambda p: (chunks.append(c) or c for c in real(p, size=100))
    )
    par = NewsIndex.create(tmp_path / "par")
    report = par.add_files([big], workers=2)
    assert len(chunks) == 20  # read 100 lines at a time, never whole
    seq = NewsIndex.create(tmp_path / "seq")
    seq.add_files([big], workers=1)
    assert report.added == 2000 and par.stats().documents == 2000
    ids = {h.id for h in par.search("ports", limit=3000, snippets=False)}
    assert ids == {h.id for h in seq.search("ports", limit=3000, snippets=False)}
    assert par.add_files([big]).unchanged == 2000  # marked indexed once, by its last article


def test_truncated_gzip_jsonl_keeps_what_was_read_and_reports_the_rest(tmp_path):
    whole = dump(tmp_path / "full.jsonl.gz", 3000).read_bytes()
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(whole[: len(whole) // 2])
    ix = NewsIndex.create(tmp_path / "ix")
    report = ix.add_files([cut])
    assert 0 < report.added < 3000
    assert [f.path for f in report.failed] == [str(cut.resolve())]
    assert "cannot read all of it" in report.failed[0].reason


def test_task_for_unchanged_content_skips_work(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("Headline\n\nBody.")
    st = p.stat()
    src = sources.SourceFile(str(p.resolve()), st.st_size, st.st_mtime_ns)
    first = prepare.prepare(prepare.Task(src, ""))
    again = prepare.prepare(prepare.Task(src, first.digest))
    assert first.docs and again.unchanged and not again.docs
