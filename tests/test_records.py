"""JSON and JSON Lines records: bounded reading, and one bad record never costs the run."""

import gzip
import json

from newsearch import NewsIndex
from newsearch.indexer import records
from newsearch.indexer.raw import own_id
from newsearch.indexer.sources import Unreadable, line_chunks, record_lines
from newsearch.models import Failure


def record(rid, text="A fine record about the harbour strike and what the workers said.", **kw):
    return json.dumps({"id": rid, "title": f"Story {rid}", "text": text, **kw})


def test_an_over_long_line_is_one_failure_and_is_never_held(tmp_path):
    p = tmp_path / "d.jsonl"
    p.write_text("\n".join([record("a"), record("big", "x" * 5000), record("b")]) + "\n")
    items = [item for chunk in line_chunks(str(p), max_line=1000) for item in chunk]
    assert [n for n, _ in items] == [1, 2, 3]
    placeholder = items[1][1]
    assert isinstance(placeholder, Unreadable) and len(placeholder) < 100  # not the 5 KB line
    docs, failures = record_lines(str(p), items)
    assert [own_id(d.id) for d in docs] == ["a", "b"]
    assert failures == [Failure(f"{p}:2", "line of 5,048 bytes is over the 1,000 bytes limit")]


def test_an_over_long_line_in_a_gzip_dump_fails_alone_when_indexing(tmp_path, monkeypatch):
    monkeypatch.setattr(records, "MAX_RECORD_BYTES", 1000)
    p = tmp_path / "d.jsonl.gz"
    lines = [record("a"), record("big", "y" * 100_000), record("b")]
    p.write_bytes(gzip.compress(("\n".join(lines)).encode()))  # the last line has no newline
    report = NewsIndex.create(tmp_path / "ix").add_files([p])
    assert report.added == 2
    assert [(f.path, f.reason.split(" is ")[1]) for f in report.failed] == [
        (f"{p.resolve()}:2", "over the 1,000 bytes limit")
    ]


def test_chunks_are_cut_by_bytes_as_well_as_by_lines(tmp_path):
    p = tmp_path / "d.jsonl"
    p.write_text("\n".join(record(str(i)) for i in range(10)) + "\n")
    sizes = [len(c) for c in line_chunks(str(p), size=500, max_bytes=300)]
    assert sum(sizes) == 10 and max(sizes) <= 3


def test_one_bad_record_never_aborts_the_run(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("Good headline\n\nThe good story is about the harbour.")
    lines = [
        "[" * 100_000 + "]" * 100_000,  # RecursionError in json.loads
        record("ok"),
        json.dumps({"id": "deep-text", "text": [[["x"]]]})
        .replace("[[[", "[" * 900)
        .replace("]]]", "]" * 900),
        json.dumps({"id": "deep-tags", "text": "Tags nested deep, text fine.", "tags": [[[]]]})
        .replace("[[[", "[" * 900)
        .replace("]]]", "]" * 900),
        record("future", date="9999-12-31T23:00:00-05:00"),  # OverflowError converting to UTC
        record("zero", date="0001-01-01T00:00:00+05:00"),
        '{"id": "sur\\ud800", "title": "Lone \\ud800 surrogate", "text": "Text \\udfff here."}',
        '{"id": "big-int", "text": "An integer too long to read.", "n": ' + "9" * 5000 + "}",
    ]
    (folder / "dump.jsonl").write_text("\n".join(lines) + "\n")
    (folder / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    ix = NewsIndex.create(tmp_path / "ix")
    report = ix.add_files([folder])
    failed = {f.path.rsplit("/", 1)[1]: f.reason for f in report.failed}
    assert failed == {
        "deep.json": "JSON nested too deeply",
        "dump.jsonl:1": "invalid JSON: nested too deeply",
        "dump.jsonl:8": "invalid JSON: Exceeds the limit (4300 digits) for integer string "
        "conversion: value has 5000 digits; use sys.set_int_max_str_digits() to increase the limit",
    }
    # Every other record is indexed: a value that cannot be true is dropped, not the article.
    assert report.added == 7  # good.txt and six records
    assert ix.get("future").published is None and ix.get("zero").published is None
    assert ix.get("deep-text").body == "x"
    assert ix.get("sur\ufffd").title == "Lone \ufffd surrogate"


def test_a_record_too_deep_for_the_cleaner_fails_alone(tmp_path, monkeypatch):
    from newsearch.indexer import prepare

    real = prepare.extract

    def extract(content, kind, meta):
        if meta.get("title") == "Story deep":
            raise RecursionError("maximum recursion depth exceeded")
        return real(content, kind=kind, meta=meta)

    monkeypatch.setattr(prepare, "extract", extract)
    p = tmp_path / "d.jsonl"
    p.write_text("\n".join([record("a"), record("deep"), record("b")]) + "\n")
    report = NewsIndex.create(tmp_path / "ix").add_files([p])
    assert report.added == 2
    assert [(f.path.rsplit(" ", 1)[1], f.reason) for f in report.failed] == [
        ("[deep]", "nested too deeply to clean")
    ]
