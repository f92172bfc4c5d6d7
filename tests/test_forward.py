"""`newsearch query` handed to a running `newsearch serve`: the same output, or a local search."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from newsearch import NewsIndex, forward, render
from newsearch.cli import QUERY_DEFAULTS
from newsearch.models import SearchOptions, SearchResults
from newsearch.server import Request, make_app
from newsearch.server.httpd import start


def test_results_survive_the_trip_through_the_api_json(seeded: NewsIndex) -> None:
    for text, opts in [
        ("Mueller inquiry", {"explain": True, "facets": True}),
        ("Mueller date:2017", {}),
    ]:
        results = seeded.search(text, **opts)
        assert results.hits
        wire = json.loads(json.dumps(render.results_dict(results)))
        back = forward.results_from_dict(wire)
        assert replace(back, facets={}) == replace(results, facets={})
        assert render.results_dict(back) == wire


CLI_OPTIONS = [
    {},
    {"limit": 3, "page": 2, "sort": "newest", "collapse": False, "facets": True},
    {"explain": True, "date_clauses": False, "since": "2017", "until": "2017-12"},
    {"source": "seeds", "tag": "politics", "author": "Smith", "asof": "2018-01-01"},
]


@pytest.mark.parametrize("given", CLI_OPTIONS)
def test_the_api_reads_the_parameters_as_the_same_search_options(
    given: dict[str, Any], seeded: NewsIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[dict[str, Any]] = []

    def search(query: str, **changes: Any) -> SearchResults:
        seen.append({"q": query, **changes})
        return SearchResults(query=query, total=0, hits=())

    monkeypatch.setattr(seeded, "search", search)
    options = {**QUERY_DEFAULTS, **given}
    params = forward.search_params("Mueller", options)
    assert params is not None
    resp = make_app(seeded).handle(Request.make("GET", "/api/search?" + urlencode(params), {}))
    assert resp.status == 200, resp.body
    (call,) = seen
    assert call.pop("q") == "Mueller"
    cli = {k: v for k, v in options.items() if k != "expand"}
    assert SearchOptions(**call) == SearchOptions(**cli)


def test_expand_is_not_handed_over() -> None:
    assert forward.search_params("x", {**QUERY_DEFAULTS, "expand": True}) is None


@pytest.fixture
def run_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "run"
    folder.mkdir(mode=0o700)
    monkeypatch.setenv("NEWSEARCH_RUN_DIR", str(folder))
    return folder


def test_an_answer_counts_only_from_the_server_the_record_names(seeded, run_dir) -> None:
    app = make_app(seeded)
    server = start(app)
    try:
        host, port = server.server_address[:2]
        params = forward.search_params("Mueller", QUERY_DEFAULTS)
        assert params is not None
        key = forward.publish(seeded.location, host, port)
        assert forward.server_for(seeded.location) == (host, port, key)
        assert forward.ask(host, port, key, params) is None  # the server does not know the key
        app.instance_key = key
        data = forward.ask(host, port, key, params)
        assert data == render.results_dict(seeded.search("Mueller"))
        assert forward.ask(host, port, "0" * 32, params) is None  # another server's key
        bad = forward.search_params("Mueller", {**QUERY_DEFAULTS, "limit": 1000})
        assert bad is not None and forward.ask(host, port, key, bad) is None  # a 400
        assert forward.query(str(seeded.location), "Mueller", QUERY_DEFAULTS) == data
        off = {**os.environ, "NEWSEARCH_NO_SERVER": "1"}
        assert forward.query(str(seeded.location), "Mueller", QUERY_DEFAULTS, off) is None
        forward.withdraw(seeded.location, "another server's key")
        assert forward.server_for(seeded.location) is not None
        forward.withdraw(seeded.location, key)
        assert forward.server_for(seeded.location) is None
    finally:
        server.stop()
    assert forward.ask(host, port, key, params) is None  # nobody listens there now


def _record(run_dir: Path, where: Path, changes: dict[str, Any]) -> str:
    key = forward.publish(where, "127.0.0.1", 9)
    (path,) = run_dir.glob("*.json")
    path.write_text(json.dumps({**json.loads(path.read_text()), **changes}))
    return key


def test_records_that_do_not_name_a_live_server_of_this_newsearch_are_ignored(
    tmp_path, run_dir
) -> None:
    index = tmp_path / "ix"
    key = _record(run_dir, index, {})
    assert forward.server_for(index) == ("127.0.0.1", 9, key)
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    for changes in [
        {"pid": gone.pid},
        {"pid": True},
        {"index": str(tmp_path / "other")},
        {"version": "0.0.1"},
        {"package": str(tmp_path)},
        {"port": "9"},
    ]:
        _record(run_dir, index, changes)
        assert forward.server_for(index) is None, changes
    next(run_dir.glob("*.json")).write_text("[1, 2")
    assert forward.server_for(index) is None
    _record(run_dir, index, {})
    run_dir.chmod(0o777)  # others could have written it
    assert forward.server_for(index) is None
    run_dir.chmod(0o700)
    assert forward.server_for(index) is not None


def _cli(index: Path, args: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    p = subprocess.run(
        [sys.executable, "-m", "newsearch", "-i", str(index), *args],
        capture_output=True,
        text=True,
        env=env,
    )
    return p.returncode, p.stdout, p.stderr


QUERIES = [
    ["query", "Mueller inquiry"],
    ["query", "--json", "--explain", "--facets", "Mueller"],
    ["query", "-n", "2", "--page", "2", "--all", "--sort", "newest", "president"],
    ["query", "--limit=3", "Mueller"],  # read by typer, which forwards too
    ["query", "Muellr inquiry"],  # did you mean
    ["query", "title:(Mueller"],  # read as words: the same notice
]


def test_a_running_server_answers_the_command_line_exactly_as_a_local_search(
    seeded, run_dir
) -> None:
    env = {**os.environ, "NEWSEARCH_RUN_DIR": str(run_dir)}
    log = run_dir.parent / "serve.log"
    with log.open("w") as err:
        server = subprocess.Popen(
            [sys.executable, "-m", "newsearch", "-i", str(seeded.location), "serve", "--port", "0"],
            stderr=err,
            env=env,
        )
    try:
        deadline = time.monotonic() + 60
        while not list(run_dir.glob("*.json")):
            assert server.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
        for args in QUERIES:
            before = log.read_text().count("GET /api/search")
            served = _cli(seeded.location, args, env)
            assert log.read_text().count("GET /api/search") == before + 1, args
            local = _cli(seeded.location, args, {**env, "NEWSEARCH_NO_SERVER": "1"})
            assert served == local and served[0] == 0, args
        for args in [["query", "--expand", "Mueller"], ["query", "--limit", "500", "Mueller"]]:
            served = _cli(seeded.location, args, env)
            local = _cli(seeded.location, args, {**env, "NEWSEARCH_NO_SERVER": "1"})
            assert served == local and served[0] == 0, args
    finally:
        server.terminate()
        assert server.wait(60) == 0
    assert not list(run_dir.glob("*.json"))  # withdrawn on the way out
    assert _cli(seeded.location, QUERIES[0], env)[0] == 0
