"""WARC and ARC archives: HTML responses indexed, every other record counted, streamed in chunks."""

import gzip
import io

import pytest

from newsearch import NewsIndex
from newsearch.indexer import prepare, sources, warc
from newsearch.indexer.sources import SourceFile, find_files, is_skipped, load_path

warcio = pytest.importorskip("warcio")
from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

CRAWLED = "2019-11-20T06:00:00Z"


def page(i):
    return (
        f"<html><head><title>Harbour story {i} - Port News</title></head><body><article>"
        f"<p>Paragraph one of story {i}: the harbour strike went on, and the dock workers "
        "said they would stay out until the port authority met them.</p>"
        f"<p>A second paragraph of story {i} with more about what was said at the gates.</p>"
        "</article></body></html>"
    ).encode()


def response(w, url, payload, ctype="text/html; charset=utf-8", status="200 OK"):
    http = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
    return w.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(payload),
        http_headers=http,
        warc_headers_dict={"WARC-Date": CRAWLED},
    )


def archive(path, n=3, gz=True):
    """A crawl: n HTML pages, each with its request, plus an image, a 404 and a warcinfo."""
    ids = []
    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=gz)
        w.write_record(w.create_warcinfo_record(path.name, {"software": "test"}))
        for i in range(n):
            url = f"https://port.example/news/2019/11/{18 - i % 2}/story-{i}.html"
            rec = response(w, url, page(i))
            ids.append(rec.rec_headers.get_header("WARC-Record-ID").strip("<>"))
            w.write_record(rec)
            request = StatusAndHeaders("GET / HTTP/1.1", [], is_http_request=True)
            w.write_record(
                w.create_warc_record(url, "request", payload=io.BytesIO(b""), http_headers=request)
            )
        w.write_record(response(w, "https://port.example/a.png", b"\x89PNG..", "image/png"))
        w.write_record(response(w, "https://port.example/gone", page(99), status="404 Not Found"))
    return ids


def src(p):
    st = p.stat()
    return SourceFile(str(p.resolve()), st.st_size, st.st_mtime_ns)


@pytest.mark.parametrize("name", ["crawl.warc.gz", "crawl.warc"])
def test_html_responses_are_articles_and_the_rest_is_counted(tmp_path, name):
    p = tmp_path / name
    ids = archive(p, gz=name.endswith(".gz"))
    ix = NewsIndex.create(tmp_path / "ix")
    report = ix.add_files([tmp_path])
    assert report.added == 3
    assert not report.failed  # left out on purpose is not a failure
    assert [f.reason for f in report.skipped] == [
        "skipped: 6 record(s) that are not HTML pages (3 request, 1 warcinfo, 1 image/png, "
        "1 HTTP 404)"
    ]
    assert is_skipped(report.skipped[0])
    art = ix.get(ids[0])  # the WARC-Record-ID is the id: stable whenever the file is read again
    assert art.title == "Harbour story 0"
    assert art.url == "https://port.example/news/2019/11/18/story-0.html"
    # No date in the page: the URL's (never later than the crawl), else the crawl's own.
    assert art.published.date().isoformat() == "2019-11-18"
    assert ix.add_files([p]).unchanged == 3


def test_the_crawl_date_is_the_fallback_and_the_bound(tmp_path):
    p = tmp_path / "c.warc.gz"
    with open(p, "wb") as fh:
        w = WARCWriter(fh, gzip=True)
        w.write_record(response(w, "https://x.example/story", page(1)))  # no date anywhere
        w.write_record(response(w, "https://x.example/2019/12/25/later", page(2)))  # after crawl
    docs, failures = sources.load(src(p))
    assert not failures
    raws = {d.meta["url"]: d for d in docs}
    from newsearch import extract

    for url in raws:
        raw = raws[url]
        art = extract(raw.content, kind=raw.kind, meta=raw.meta)
        assert art.published.isoformat() == "2019-11-20T06:00:00+00:00", url


def test_archives_go_through_the_chunked_streaming_path(tmp_path, monkeypatch):
    p = tmp_path / "big.warc.gz"
    archive(p, n=30)
    monkeypatch.setattr(prepare, "PARALLEL_MIN_BYTES", 1)
    monkeypatch.setattr(warc, "RECORDS_PER_CHUNK", 7)
    tasks = [t for t in prepare.tasks([(src(p), "")]) if isinstance(t, prepare.Task)]
    assert len(tasks) > 1 and all(t.lines for t in tasks)  # numbered records, spread over tasks
    assert [t.last for t in tasks].count(True) == 1 and tasks[-1].last
    report = NewsIndex.create(tmp_path / "ix").add_files([p], workers=2)
    assert report.added == 30


def test_a_truncated_archive_keeps_what_was_read_and_fails_once(tmp_path):
    whole = tmp_path / "whole.warc"
    archive(whole, n=10, gz=False)
    data = whole.read_bytes()
    cut = tmp_path / "cut.warc"
    cut.write_bytes(data[: int(len(data) * 0.6)])
    report = NewsIndex.create(tmp_path / "ix").add_files([cut])
    assert 0 < report.added < 10
    failed = [f for f in report.failed if not is_skipped(f)]
    assert len(failed) == 1 and "cut short" in failed[0].reason
    gz = tmp_path / "cut.warc.gz"
    gz.write_bytes(gzip.compress(data)[: len(gzip.compress(data)) // 2])
    report = NewsIndex.create(tmp_path / "ix2").add_files([gz])
    assert 0 < report.added < 10
    assert len([f for f in report.failed if not is_skipped(f)]) == 1


def test_a_page_over_the_record_limit_fails_alone_unread(tmp_path):
    p = tmp_path / "c.warc.gz"
    with open(p, "wb") as fh:
        w = WARCWriter(fh, gzip=True)
        w.write_record(response(w, "https://x.example/2019/11/1/a", page(1)))
        w.write_record(response(w, "https://x.example/2019/11/1/b", page(2) + b"x" * 5000))
    items = [item for chunk in warc.record_chunks(str(p), max_record=2000) for item in chunk]
    docs, failures = sources.record_lines(str(p), items)
    assert len(docs) == 1
    assert [f.reason for f in failures] == ["page of 5,321 bytes is over the 2,000 bytes limit"]


def test_what_is_no_archive_is_one_failure(tmp_path):
    p = tmp_path / "fake.warc"
    p.write_text("Not an archive at all, only words on a line.\n" * 10)
    report = NewsIndex.create(tmp_path / "ix").add_files([p])
    assert report.added == 0 and len(report.failed) == 1
    assert "damaged" in report.failed[0].reason


def test_arc_files_are_read_with_stable_ids(tmp_path):
    def arc_record(header, body):
        return header.encode() + b" " + str(len(body)).encode() + b"\n" + body + b"\n"

    html = page(7)
    resp = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n" % len(html)
        + html
    )
    data = arc_record(
        "filedesc://x.arc 0.0.0.0 20191119100000 text/plain",
        b"1 0 Test\nURL IP-address Archive-date Content-type Archive-length\n",
    ) + arc_record("http://port.example/2019/11/18/a.html 1.2.3.4 20191119100000 text/html", resp)
    p = tmp_path / "old.arc.gz"
    p.write_bytes(gzip.compress(data))
    assert [f.path for f in find_files([tmp_path])[0]] == [str(p.resolve())]
    first = load_path(p)
    assert first.id == load_path(p).id  # warcio invents a random id for ARC: not used
    assert first.meta["url"] == "http://port.example/2019/11/18/a.html"
    assert NewsIndex.create(tmp_path / "ix").add_files([p]).added == 1


def test_the_charset_of_the_http_header_decodes_the_page(tmp_path):
    p = tmp_path / "c.warc.gz"
    story = "Забастовка в порту продолжается вторую неделю, заявили докеры. " * 3
    html = f"<html><body><article><p>{story}</p></article></body></html>".encode("koi8-r")
    with open(p, "wb") as fh:
        w = WARCWriter(fh, gzip=True)
        w.write_record(
            response(w, "https://x.example/2019/11/1/a", html, "text/html; charset=KOI8-R")
        )
    (raw,), _ = sources.load(src(p))
    assert story.strip() in raw.content
