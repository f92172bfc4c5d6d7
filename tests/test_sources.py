import gzip
from pathlib import Path

import pytest

from newsearch.errors import SourceError
from newsearch.indexer.sources import (
    MAX_BYTES,
    SourceFile,
    decode,
    file_id,
    find_files,
    load,
    load_path,
    looks_binary,
    read_bytes,
)


def src(p: Path) -> SourceFile:
    st = p.stat()
    return SourceFile(str(p.resolve()), st.st_size, st.st_mtime_ns)


def test_find_files_walks_folders_in_stable_order_and_skips_unsupported(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    for name in [
        "b/2.txt",
        "a.html",
        "b/1.jsonl",
        "c.txt.gz",
        "skip.pdf",
        ".git/x.txt",
        ".hidden.txt",
    ]:
        (tmp_path / name).write_bytes(b"x")
    files, failures = find_files([tmp_path, tmp_path / "missing"])
    names = [Path(f.path).relative_to(tmp_path.resolve()).as_posix() for f in files]
    assert names == ["a.html", "b/1.jsonl", "b/2.txt", "c.txt.gz"]
    assert [f.reason for f in failures] == ["no such file or folder"]


def test_same_file_named_twice_is_found_once(tmp_path):
    (tmp_path / "a.txt").write_text("x")
    files, _ = find_files([tmp_path, tmp_path / "a.txt"])
    assert len(files) == 1


def test_decode_handles_bom_utf8_utf16_and_latin1():
    assert decode("\ufeffhé".encode()) == "hé"
    assert decode("£5 café".encode("utf-16")) == "£5 café"
    assert decode("plain words here".encode("utf-16-le")) == "plain words here"
    # Latin-1 "£" must come out as "£", neither a crash nor U+FFFD.
    assert decode("£5 in Zürich".encode("latin-1")) == "£5 in Zürich"
    assert decode(b"a\x00b") == "ab"


def test_latin1_file_is_decoded(fixtures):
    docs, _ = load(src(fixtures / "latin1.txt"))
    assert "£5" in docs[0].content and "Zürich" in docs[0].content


def test_binary_and_empty_files_are_refused_with_a_reason(tmp_path):
    (tmp_path / "bin.txt").write_bytes(bytes(range(256)) * 40)
    (tmp_path / "empty.txt").write_bytes(b"  \n")
    with pytest.raises(SourceError, match="binary"):
        load(src(tmp_path / "bin.txt"))
    with pytest.raises(SourceError, match="empty"):
        load(src(tmp_path / "empty.txt"))
    assert looks_binary(b"normal text") is False
    assert looks_binary("utf-16 text".encode("utf-16-le")) is False


def test_gzip_is_inflated_and_truncated_gzip_is_an_error(tmp_path):
    good = tmp_path / "a.txt.gz"
    good.write_bytes(gzip.compress(b"Headline\n\nBody text of the story."))
    assert read_bytes(str(good)).startswith(b"Headline")
    bad = tmp_path / "b.txt.gz"
    bad.write_bytes(gzip.compress(b"x" * 10000)[:30])
    with pytest.raises(SourceError, match="truncated|gzip"):
        read_bytes(str(bad))


def test_gzip_bomb_hits_the_size_limit_not_memory(tmp_path, monkeypatch):
    monkeypatch.setattr("newsearch.indexer.sources.MAX_BYTES", 1000)
    bomb = tmp_path / "bomb.txt.gz"
    bomb.write_bytes(gzip.compress(b"a" * 100_000))
    with pytest.raises(SourceError, match="inflates"):
        read_bytes(str(bomb))
    assert MAX_BYTES > 1000


def test_jsonl_records_map_crawler_field_names_and_report_bad_lines(fixtures):
    docs, failures = load(src(fixtures / "records.jsonl"))
    by_id = {d.id: d for d in docs}
    assert by_id["r-1"].meta["title"] == "Port strike enters second week"
    assert "Dock workers" in by_id["r-1"].content
    assert by_id["r-1"].meta["date"] == "2020-02-10 09:00:00"
    assert by_id["r-1"].meta["site"] == "portnews.example"
    assert by_id["r-2"].meta["tags"] == ["art", "crime"]
    # A record without an id gets a stable one from the file and line.
    no_id = [d for d in docs if d.id not in ("r-1", "r-2")]
    assert len(no_id) == 1 and no_id[0].id.endswith(":5")
    reasons = {f.path.rsplit(":", 1)[1]: f.reason for f in failures}
    assert "no text" in reasons["3"] and "invalid JSON" in reasons["4"]


def test_json_array_file(tmp_path):
    p = tmp_path / "a.json"
    p.write_text('[{"id": 7, "title": "T", "text": "Some text."}]')
    docs, failures = load(src(p))
    assert [d.id for d in docs] == ["7"] and not failures


def test_file_id_is_stable_and_distinct():
    assert file_id("/a/b.txt") == file_id("/a/b.txt") != file_id("/a/c.txt")


def test_load_path_reports_missing_file(tmp_path):
    with pytest.raises(SourceError, match="no such file"):
        load_path(tmp_path / "nope.txt")


def test_unreadable_file_is_reported(tmp_path, monkeypatch):
    p = tmp_path / "locked.txt"
    p.write_text("text")
    real_open = open

    def deny(path, *a, **k):
        if str(path) == str(p.resolve()):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *a, **k)

    # Root ignores chmod 0, so the denial is simulated where the file is opened.
    monkeypatch.setattr("builtins.open", deny)
    with pytest.raises(SourceError, match="cannot read: Permission denied"):
        load(src(p))
