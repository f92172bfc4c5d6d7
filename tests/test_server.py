"""The HTTP server: the API in-process (App.handle), then over real sockets and as a process."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest

from newsearch import NewsearchError, NewsIndex, QueryError, render
from newsearch.indexer.raw import own_id
from newsearch.server import Request, make_app

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "newscorpus" / "articles.jsonl"
SEED = ROOT / "seeds"
TOKEN = "s3cret-token"
SEED_TITLE = "US has no proof of Russia’s interference"


@pytest.fixture(scope="module")
def ix(tmp_path_factory: pytest.TempPathFactory) -> NewsIndex:
    index = NewsIndex.create(tmp_path_factory.mktemp("srv") / "ix")
    report = index.add_files([SEED, CORPUS])
    assert report.added == 47 and not report.failed
    return index


@pytest.fixture(scope="module")
def app(ix: NewsIndex) -> Any:
    return make_app(ix)


def call(app: Any, target: str, method: str = "GET", body: bytes = b"", **headers: str) -> Any:
    resp = app.handle(Request.make(method, target, headers, body))
    resp.json_body = (
        json.loads(resp.body) if resp.content_type.startswith("application/json") else None
    )
    return resp


def as_json(data: Any) -> Any:
    return json.loads(json.dumps(data, ensure_ascii=False, default=str))


def test_search_is_the_query_json_object_with_the_seed_first(app: Any, ix: NewsIndex) -> None:
    resp = call(app, "/api/search?q=Mueller+inquiry&limit=5")
    assert resp.status == 200
    assert resp.json_body == as_json(render.results_dict(ix.search("Mueller inquiry", limit=5)))
    first = resp.json_body["hits"][0]
    assert first["title"].startswith(SEED_TITLE)
    marked = {f["text"][a:b] for f in first["fragments"] for a, b in f["highlights"]}
    assert {"Mueller", "inquiry"} <= marked
    assert call(app, "/api/v1/search?q=Mueller+inquiry&limit=5").json_body == resp.json_body


@pytest.mark.parametrize(
    "query, kwargs",
    [
        (
            "sort=newest&since=2023-06&until=2024",
            {"sort": "newest", "since": "2023-06", "until": "2024"},
        ),
        ("source=Reuters&facets=1", {"source": "Reuters", "facets": True}),
        ("tag=courts&author=Peter+Haldane", {"tag": "courts", "author": "Peter Haldane"}),
        (
            "all=1&explain=true&page=2&limit=3",
            {"collapse": False, "explain": True, "page": 2, "limit": 3},
        ),
        (
            "snippets=0&suggest=off&date_clauses=no",
            {"snippets": False, "suggest": False, "date_clauses": False},
        ),
        ("asof=2024-06-28", {"asof": "2024-06-28"}),
    ],
)
def test_every_search_option_reaches_the_library(
    app: Any, ix: NewsIndex, query: str, kwargs: dict[str, Any]
) -> None:
    resp = call(app, f"/api/search?q=port+inquiry&{query}")
    assert resp.status == 200, resp.json_body
    assert resp.json_body == as_json(render.results_dict(ix.search("port inquiry", **kwargs)))


def test_filters_and_options_show_in_the_answer(app: Any) -> None:
    newest = call(app, "/api/search?q=port&sort=newest&all=1&limit=20").json_body
    dates = [h["published"][:10] for h in newest["hits"] if h["published"]]
    assert dates == sorted(dates, reverse=True) and len(dates) > 5
    reuters = call(app, "/api/search?q=port&source=Reuters&facets=1").json_body
    assert reuters["hits"] and {h["source"] for h in reuters["hits"]} == {"Reuters"}
    assert set(reuters["facets"]) == {"source", "year", "tag"}
    explained = call(app, "/api/search?q=port&explain=1&limit=1").json_body["hits"][0]
    assert explained["explanation"][0]["term"] == "port"


@pytest.mark.parametrize(
    "query, message",
    [
        ("limit=0", "limit must be between 1 and 100, not 0"),
        ("limit=101", "limit must be between 1 and 100, not 101"),
        ("limit=ten", "limit must be a whole number, not 'ten'"),
        ("page=0", "page must be between 1 and 1000, not 0"),
        ("page=1000&limit=100", "page 1000 of 100 hits starts past hit 10,000"),
        ("facets=maybe", "facets must be true or false, not 'maybe'"),
        ("sort=best", "sort must be one of relevance, newest, oldest, not 'best'"),
        ("query=x", "unknown parameter 'query'"),
        ("source=a&source=b", "source is given 2 times"),
        ("source=" + "x" * 201, "source is 201 characters long, more than 200"),
    ],
)
def test_bad_parameters_are_400_with_a_hint(app: Any, query: str, message: str) -> None:
    resp = call(app, f"/api/search?q=port&{query}")
    assert resp.status == 400
    assert resp.json_body["error"] == message and resp.json_body["hint"]


def test_library_errors_keep_the_cli_message_and_hint(app: Any, ix: NewsIndex) -> None:
    for kwargs in ({"since": "garbage"}, {"since": "2018", "until": "2017"}, {"until": "2017-13"}):
        with pytest.raises(QueryError) as caught:
            ix.search("port", **kwargs)
        resp = call(app, "/api/search?" + urlencode({"q": "port", **kwargs}))
        assert resp.status == 400
        assert resp.json_body == {"error": str(caught.value), "hint": caught.value.hint}
    missing = call(app, "/api/search")
    assert missing.status == 400 and missing.json_body["error"] == "missing parameter 'q'"


def test_articles_similar_stats_and_unknown_ids(app: Any, ix: NewsIndex) -> None:
    assert call(app, "/api/articles/nc-07").json_body == as_json(render.asdict(ix.get("nc-07")))
    similar = call(app, "/api/similar/nc-03?limit=3").json_body
    assert similar == as_json(render.results_dict(ix.similar("nc-03", limit=3)))
    stats = call(app, "/api/stats").json_body
    assert stats["documents"] == 47 and stats == as_json(render.asdict(ix.stats()))
    for path in ("/api/articles/nope", "/api/similar/nope", "/api/v1/articles/nope"):
        resp = call(app, path)
        assert resp.status == 404 and "nope" in resp.json_body["error"] and resp.json_body["hint"]


def test_unknown_paths_and_methods(app: Any) -> None:
    assert call(app, "/api/nothing").status == 404
    resp = call(app, "/api/search?q=x", method="POST")
    assert resp.status == 405 and resp.headers["Allow"] == "GET"
    assert call(app, "/static/../app.py").status == 404
    assert call(app, "/api/stats", method="HEAD").status == 200


def test_no_index_or_a_broken_one_is_503_and_the_page_still_loads(tmp_path: Path) -> None:
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "notes.txt").write_text("not an index")
    for folder in (tmp_path / "none", tmp_path / "junk"):
        with pytest.raises(NewsearchError) as caught:
            NewsIndex.open(folder)
        served = make_app(folder)
        resp = call(served, "/api/search?q=x")
        assert resp.status == 503
        assert resp.json_body == {"error": str(caught.value), "hint": caught.value.hint}
        assert call(served, "/api/health").json_body["index"] is False
        assert call(served, "/").status == 200


def test_a_bug_is_a_generic_500_with_the_traceback_logged(
    ix: NewsIndex, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom in the engine")

    monkeypatch.setattr(ix, "search", broken)
    with caplog.at_level(logging.ERROR, logger="newsearch.server"):
        resp = call(make_app(ix), "/api/search?q=x")
    assert resp.status == 500 and resp.json_body["error"] == "internal server error"
    assert "boom" not in resp.body.decode()
    assert "boom in the engine" in caplog.text and "Traceback" in caplog.text


def test_timeline_counts_every_match_per_month(app: Any, ix: NewsIndex) -> None:
    data = call(app, "/api/search?q=inquiry&timeline=1").json_body
    t = data["timeline"]
    assert t["total"] == data["total"] == t["counted"] and not t["truncated"]
    assert sum(t["months"].values()) == t["counted"] - t["undated"]
    assert t["months"]["2024-06"] == ix.search("inquiry", since="2024-06", until="2024-06").total
    assert "timeline" not in call(app, "/api/search?q=inquiry").json_body


def test_copies_of_a_story_are_the_hits_it_folded(app: Any) -> None:
    shown = call(app, "/api/search?q=port+chief+resigns").json_body["hits"]
    story = next(h for h in shown if h["similar"])
    copies = call(app, f"/api/search?q=port+chief+resigns&copies_of={story['id']}").json_body
    assert copies["total"] == story["similar"] == 3
    assert {h["record_id"] for h in copies["hits"]} | {own_id(story["id"])} == {
        "nc-16",
        "nc-17",
        "nc-18",
        "nc-34",
    }
    assert call(app, "/api/search?q=port&copies_of=nope").status == 404


def test_security_headers_and_no_cors(app: Any) -> None:
    api = call(app, "/api/stats", Origin="https://evil.example")
    assert "Access-Control-Allow-Origin" not in api.headers
    assert api.headers["X-Content-Type-Options"] == "nosniff"
    page = call(app, "/")
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert b'<script type="module" src="/static/app.js">' in page.body


def test_loopback_server_refuses_foreign_host_names(ix: NewsIndex) -> None:
    guarded = make_app(ix, allowed_hosts=frozenset({"127.0.0.1", "localhost"}))
    assert call(guarded, "/api/stats", Host="127.0.0.1:8080").status == 200
    assert call(guarded, "/api/stats", Host="localhost").status == 200
    rebound = call(guarded, "/api/stats", Host="evil.example:8080")
    assert rebound.status == 400 and "evil.example" in rebound.json_body["error"]


# --- writes -------------------------------------------------------------------------------------


@pytest.fixture
def writable(tmp_path: Path) -> Any:
    return make_app(tmp_path / "fresh", write_token=TOKEN)


def post(app: Any, body: bytes, token: str | None = TOKEN) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return call(app, "/api/index", method="POST", body=body, **headers)


RECORDS = [
    {
        "id": "https://example.com/a/1",
        "title": "Harbour crane collapses",
        "text": "A crane at the harbour collapsed on Monday, port officials said. " * 4,
    },
    {
        "id": "up-2",
        "title": "Ferry strike ends",
        "text": "The ferry strike ended after talks between the union and the operator. " * 4,
    },
]


def test_writes_need_the_token(app: Any, writable: Any) -> None:
    lines = b"\n".join(json.dumps(r).encode() for r in RECORDS)
    assert post(app, lines).status == 403  # a server started without a token is read-only
    assert call(app, "/api/articles/nc-01", method="DELETE").status == 403
    missing = post(writable, lines, token=None)
    assert missing.status == 401 and missing.headers["WWW-Authenticate"].startswith("Bearer")
    assert post(writable, lines, token="wrong").json_body["error"] == "wrong write token"


def test_upload_creates_the_index_and_a_repeat_updates(writable: Any) -> None:
    lines = b"\n".join(json.dumps(r).encode() for r in RECORDS)
    first = post(writable, lines)
    assert first.status == 200 and first.json_body["added"] == 2
    assert call(writable, "/api/search?q=crane").json_body["hits"][0]["id"] == RECORDS[0]["id"]
    got = call(writable, "/api/articles/" + quote(RECORDS[0]["id"], safe=""))
    assert got.json_body["title"] == "Harbour crane collapses"
    assert call(writable, "/api/articles/" + RECORDS[0]["id"]).status == 200  # raw slashes too
    again = post(writable, json.dumps(RECORDS).encode())  # the same records as a JSON array
    assert again.status == 200 and again.json_body["documents"] == 2
    no_ids = json.dumps(
        [{"title": "Dock fire", "text": "Fire broke out at the dock. " * 5}]
    ).encode()
    post(writable, no_ids)
    assert post(writable, no_ids).json_body["documents"] == 3  # a content id: no duplicate


def test_upload_errors_are_400(writable: Any) -> None:
    bad = post(writable, b'{"id": "a", "text": "x"}\n{not json')
    assert bad.status == 400 and bad.json_body["error"].startswith("line 2: invalid JSON")
    assert post(writable, b"").json_body["error"] == "the body is empty"
    assert post(writable, b"[1, 2]").json_body["error"] == "record 1 is not a JSON object"
    assert post(writable, b'{"paths": [], "x": 1}').json_body["error"] == "unknown key(s) x"
    nothing = post(writable, b'[{"id": "e", "title": "no text"}]')
    assert nothing.status == 400
    failed = nothing.json_body["report"]["failed"]
    assert failed[0]["path"].endswith(":1") and "no text" in failed[0]["reason"]
    assert "newsearch-upload" not in failed[0]["path"]  # never a spool file the caller never saw


def test_post_paths_on_the_server(writable: Any, fixtures: Path) -> None:
    resp = post(writable, json.dumps({"paths": [str(fixtures / "wire.txt")]}).encode())
    assert resp.status == 200 and resp.json_body["added"] == 1
    gone = post(writable, json.dumps({"paths": [str(fixtures / "missing.txt")]}).encode())
    assert gone.status == 400 and gone.json_body["report"]["failed"]


def test_delete_is_501_until_the_library_has_it(
    writable: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    post(writable, json.dumps(RECORDS).encode())
    monkeypatch.delattr(NewsIndex, "delete", raising=False)
    resp = call(writable, "/api/articles/up-2", method="DELETE", Authorization=f"Bearer {TOKEN}")
    assert resp.status == 501 and "NewsIndex.delete" in resp.json_body["hint"]


@pytest.mark.skipif(
    not hasattr(NewsIndex, "delete"), reason="NewsIndex.delete is not in this version"
)
def test_delete_removes_one_article(writable: Any) -> None:
    post(writable, json.dumps(RECORDS).encode())
    resp = call(writable, "/api/articles/up-2", method="DELETE", Authorization=f"Bearer {TOKEN}")
    assert resp.status == 200 and call(writable, "/api/articles/up-2").status == 404
    assert call(writable, "/api/stats").json_body["documents"] == 1
