import gzip
import json
import os
import random
from pathlib import Path

import pytest

from newsearch import NewsIndex
from newsearch.errors import SourceError
from newsearch.indexer.raw import own_id, scoped_id
from newsearch.indexer.sources import (
    MAX_BYTES,
    SourceFile,
    decode,
    file_digest,
    file_id,
    find_files,
    is_skipped,
    line_chunks,
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
    monkeypatch.setattr("newsearch.indexer.textio.MAX_BYTES", 1000)
    bomb = tmp_path / "bomb.txt.gz"
    bomb.write_bytes(gzip.compress(b"a" * 100_000))
    with pytest.raises(SourceError, match="inflates"):
        read_bytes(str(bomb))
    assert MAX_BYTES > 1000


def test_jsonl_records_map_crawler_field_names_and_report_bad_lines(fixtures):
    docs, failures = load(src(fixtures / "records.jsonl"))
    by_id = {own_id(d.id): d for d in docs}
    assert by_id["r-1"].id == scoped_id(str(fixtures / "records.jsonl"), "r-1")
    assert by_id["r-1"].meta["title"] == "Port strike enters second week"
    assert "Dock workers" in by_id["r-1"].content
    assert by_id["r-1"].meta["date"] == "2020-02-10 09:00:00"
    assert by_id["r-1"].meta["site"] == "portnews.example"
    assert by_id["r-2"].meta["tags"] == ["art", "crime"]
    # A record without an id gets a stable one from the file and line.
    no_id = [d for d in docs if own_id(d.id) not in ("r-1", "r-2")]
    assert len(no_id) == 1 and no_id[0].id.endswith(":5")
    reasons = {f.path.rsplit(":", 1)[1]: f.reason for f in failures}
    assert "no text" in reasons["3"] and "invalid JSON" in reasons["4"]


def test_json_array_file(tmp_path):
    p = tmp_path / "a.json"
    p.write_text('[{"id": 7, "title": "T", "text": "Some text."}]')
    docs, failures = load(src(p))
    assert [own_id(d.id) for d in docs] == ["7"] and not failures


def test_file_id_is_stable_and_distinct():
    assert file_id("/a/b.txt") == file_id("/a/b.txt") != file_id("/a/c.txt")


def test_load_path_reports_missing_file(tmp_path):
    with pytest.raises(SourceError, match="no such file"):
        load_path(tmp_path / "nope.txt")


def test_unreadable_file_is_reported(tmp_path, monkeypatch):
    p = tmp_path / "locked.txt"
    p.write_text("text")
    real_open = os.open

    def deny(path, *a, **k):
        if str(path) == str(p.resolve()):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *a, **k)

    # Root ignores chmod 0, so the denial is simulated where the file is opened.
    monkeypatch.setattr("os.open", deny)
    with pytest.raises(SourceError, match="cannot read: Permission denied"):
        load(src(p))


# --- what a folder walk takes, and what it refuses (issues 15 and 16) ---


def names(files, root):
    return [Path(f.path).relative_to(root.resolve()).as_posix() for f in files]


def test_symlink_out_of_the_folder_is_reported_not_followed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("not for the index")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("Headline\n\nBody.")
    (folder / "article2.txt").symlink_to("/etc/passwd")
    (folder / "secret.txt").symlink_to(outside / "secret.txt")
    (folder / "alias.txt").symlink_to(folder / "good.txt")  # inside: fine, found once
    (folder / "elsewhere").symlink_to(outside, target_is_directory=True)
    files, failures = find_files([folder])
    assert names(files, folder) == ["good.txt"]
    assert sorted((Path(f.path).name, f.reason) for f in failures) == [
        ("article2.txt", "symlink to outside the folder, not followed"),
        ("elsewhere", "symlink to outside the folder, not followed"),
        ("secret.txt", "symlink to outside the folder, not followed"),
    ]
    files, failures = find_files([folder], follow_links=True)
    assert sorted(Path(f.path).name for f in files) == ["good.txt", "passwd", "secret.txt"]
    assert not failures  # secret.txt reached twice (link and folder link): found once


def test_a_symlink_named_on_the_command_line_is_followed(tmp_path):
    target = tmp_path / "real.txt"
    target.write_text("Headline\n\nBody.")
    (tmp_path / "named.txt").symlink_to(target)
    files, failures = find_files([tmp_path / "named.txt"])
    assert [f.path for f in files] == [str(target.resolve())] and not failures


def test_a_folder_link_loop_is_walked_once(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.txt").write_text("Headline\n\nBody.")
    (tmp_path / "a" / "up").symlink_to(tmp_path, target_is_directory=True)
    files, failures = find_files([tmp_path], follow_links=True)
    assert names(files, tmp_path) == ["a/x.txt"] and not failures


@pytest.fixture
def specials(tmp_path):
    """A folder of things that are not regular files, beside one good article."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("Good headline\n\nThe good story is about the harbour.")
    os.mkfifo(folder / "x.txt")
    (folder / "zero.txt").symlink_to("/dev/zero")
    (folder / "rand.jsonl").symlink_to("/dev/urandom")
    return folder


def test_fifos_and_devices_are_refused_not_read(specials):
    files, failures = find_files([specials], follow_links=True)
    assert names(files, specials) == ["good.txt"]
    assert sorted((Path(f.path).name, f.reason) for f in failures) == [
        ("rand.jsonl", "not a regular file (a character device)"),
        ("x.txt", "not a regular file (a named pipe)"),
        ("zero.txt", "not a regular file (a character device)"),
    ]
    named = [specials / "x.txt", specials / "zero.txt", specials / "rand.jsonl"]
    files, failures = find_files(named)  # named on the command line: followed, still refused
    assert not files and all(f.reason.startswith("not a regular file") for f in failures)


def test_a_fifo_swapped_in_after_the_walk_is_refused_not_waited_on(specials):
    # find_files saw a regular file; by the time it is read it is a FIFO nobody writes to.
    fifo = str(specials / "x.txt")
    with pytest.raises(SourceError, match="named pipe"):
        load(SourceFile(fifo, 0, 0))
    with pytest.raises(OSError, match="named pipe"):
        file_digest(fifo)
    with pytest.raises(OSError, match="character device"):
        next(line_chunks(str(specials / "rand.jsonl")))
    with pytest.raises(SourceError, match="named pipe"):
        load_path(fifo)


def test_index_never_hangs_on_special_files(specials, tmp_path):
    ix = NewsIndex.create(tmp_path / "ix")
    report = ix.add_files([specials, specials / "zero.txt", specials / "rand.jsonl"])
    assert report.added == 1
    reasons = {Path(f.path).name: f.reason for f in report.failed}
    assert reasons["x.txt"] == "not a regular file (a named pipe)"
    assert reasons["zero.txt"].startswith(("not a regular file", "symlink to outside"))
    assert reasons["rand.jsonl"].startswith(("not a regular file", "symlink to outside"))


def test_a_file_name_that_is_not_utf8_fails_alone(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("Good headline\n\nThe good story is about the harbour.")
    bad = os.path.join(os.fsencode(folder), b"bad\xff.txt")
    with open(bad, "wb") as fh:
        fh.write(b"Headline\n\nA story under a Latin-1 file name.")
    files, failures = find_files([folder])
    assert names(files, folder) == ["good.txt"]
    assert [(Path(f.path).name, f.reason) for f in failures] == [
        ("bad\\xff.txt", "file name is not valid UTF-8; rename it")
    ]
    report = NewsIndex.create(tmp_path / "ix").add_files([folder])
    assert report.added == 1 and len(report.failed) == 1
    json.dumps([f.path for f in report.failed])  # printable: no lone surrogates left in it


@pytest.mark.parametrize(
    "name",
    [
        "README.TXT",
        "readme.md.txt",
        "LICENSE.txt",
        "licence.html",
        "CHANGELOG.json",
        "COPYING.txt.gz",
        "LICENSE-MIT.txt",
        "Authors.txt",
    ],
)
def test_corpus_readme_and_license_files_are_skipped_not_indexed(tmp_path, name):
    (tmp_path / "story.txt").write_text("Headline\n\nBody.")
    (tmp_path / "changes-to-the-tax-code.txt").write_text("Headline\n\nBody.")
    data = b"This corpus holds scraped news. Licensed CC-BY."
    (tmp_path / name).write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    files, failures = find_files([tmp_path])
    assert names(files, tmp_path) == ["changes-to-the-tax-code.txt", "story.txt"]
    assert [Path(f.path).name for f in failures] == [name]
    assert failures[0].reason.startswith("skipped: ") and is_skipped(failures[0])
    files, failures = find_files([tmp_path / name])  # named: indexed like any file
    assert len(files) == 1 and not failures


def test_binary_file_named_txt_is_refused_like_any_binary(tmp_path):
    (tmp_path / "x.txt").write_bytes(Path("/bin/ls").read_bytes())
    (tmp_path / "r.html").write_bytes(random.Random(7).randbytes(20_000))
    (tmp_path / "z.txt").write_bytes(gzip.compress(b"compressed, then renamed " * 500))
    for name in ("x.txt", "r.html", "z.txt"):
        with pytest.raises(SourceError, match="binary"):
            load(src(tmp_path / name))
    (tmp_path / "ls.jsonl").write_bytes(Path("/bin/ls").read_bytes())
    with pytest.raises(SourceError, match="binary"):
        next(line_chunks(str(tmp_path / "ls.jsonl")))
    # Text in UTF-16 without a BOM is not binary, whatever its zero bytes.
    assert not looks_binary("Headline\n\nA story in UTF-16.".encode("utf-16-be") * 50)


def test_a_page_that_is_not_utf8_is_read_in_the_charset_it_declares(tmp_path):
    text = "東京の港でストライキが続いている。"
    page = f'<html><head><meta charset="shift_jis"><title>港</title></head><body><p>{text}</p>'
    (tmp_path / "sjis.html").write_bytes(page.encode("shift_jis"))
    (tmp_path / "utf8.html").write_bytes(page.encode("utf-8"))  # mislabelled: UTF-8 wins
    for name in ("sjis.html", "utf8.html"):
        docs, _ = load(src(tmp_path / name))
        assert text in docs[0].content, name
    assert decode("Caf\xe9".encode("latin-1"), "iso-8859-1") == "Café"
    assert decode("\x93quoted\x94".encode("latin-1"), "us-ascii") == "“quoted”"  # as browsers do
