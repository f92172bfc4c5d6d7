"""The server over real sockets and as a process: keep-alive, wire errors, shutdown."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from typing import Any

import pytest
from test_server import SEED_TITLE, ix  # noqa: F401 - the index test_server.py builds, shared

from newsearch import NewsIndex
from newsearch.server import make_app
from newsearch.server.httpd import start


@pytest.fixture
def served(ix: NewsIndex) -> Any:
    server = start(make_app(ix))
    yield server
    server.stop()


def connect(server: Any) -> http.client.HTTPConnection:
    host, port = server.server_address[:2]
    return http.client.HTTPConnection(host, port, timeout=20)


def raw(server: Any, data: bytes) -> bytes:
    with socket.create_connection(server.server_address[:2], timeout=20) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_keep_alive_head_and_json_errors_on_the_wire(served: Any) -> None:
    conn = connect(served)
    conn.request("GET", "/api/search?q=Mueller+inquiry")
    first = conn.getresponse()
    assert first.status == 200 and json.loads(first.read())["hits"][0]["title"].startswith(
        SEED_TITLE
    )
    sock = conn.sock
    conn.request("HEAD", "/api/stats")
    head = conn.getresponse()
    assert head.status == 200 and head.read() == b"" and int(head.getheader("Content-Length")) > 0
    assert conn.sock is sock  # the same connection served both
    too_big = raw(
        served,
        b"POST /api/index HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\nExpect: 100-continue\r\n\r\n",
    )
    assert (
        too_big.startswith(b"HTTP/1.1 413")
        and b'"hint"' in too_big
        and b"100 Continue" not in too_big
    )
    with socket.create_connection(served.server_address[:2], timeout=20) as sock:
        body = b'{"paths": ["x"]}'
        head = f"POST /api/index HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n"
        sock.sendall(head.encode() + b"Expect: 100-continue\r\n\r\n")
        assert sock.recv(1024).startswith(b"HTTP/1.1 100 Continue")  # sent at once, not held
        sock.sendall(body)
        assert sock.recv(65536).startswith(b"HTTP/1.1 403")  # read-only: the body was read
    chunked = raw(
        served,
        b"POST /api/index HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    )
    assert chunked.startswith(b"HTTP/1.1 411")
    garbage = raw(served, b"NOT A REQUEST\r\n\r\n")
    assert (
        garbage.startswith(b"HTTP/1.1 400") and json.loads(garbage.split(b"\r\n\r\n", 1)[1])["hint"]
    )


def test_stop_finishes_requests_in_flight_and_closes_idle_ones(
    ix: NewsIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    real, entered = ix.search, threading.Event()

    def slow(*args: Any, **kwargs: Any) -> Any:
        entered.set()
        time.sleep(0.5)
        return real(*args, **kwargs)

    monkeypatch.setattr(ix, "search", slow)
    server = start(make_app(ix))
    idle = connect(server)
    idle.request("GET", "/api/health")
    assert idle.getresponse().read()
    answer: dict[str, Any] = {}

    def client() -> None:
        conn = connect(server)
        conn.request("GET", "/api/search?q=port")
        resp = conn.getresponse()
        answer.update(status=resp.status, connection=resp.getheader("Connection"), body=resp.read())

    requester = threading.Thread(target=client)
    requester.start()
    assert entered.wait(20)
    stopper = threading.Thread(target=server.stop)
    stopper.start()
    requester.join(20)
    stopper.join(20)
    assert not stopper.is_alive() and answer["status"] == 200 and answer["connection"] == "close"
    assert json.loads(answer["body"])["hits"]
    assert idle.sock.recv(1) == b""  # the idle keep-alive connection was closed, not waited for
    with pytest.raises(OSError):
        socket.create_connection(server.server_address[:2], timeout=5)


def kept_alive(
    server: Any, n: int
) -> tuple[list[http.client.HTTPConnection], http.client.HTTPConnection]:
    """``n`` keep-alive connections that have had an answer each, and one more that asked."""
    idle = [connect(server) for _ in range(n)]
    for conn in idle:
        conn.request("GET", "/api/health")
        assert conn.getresponse().read()
    third = connect(server)
    third.request("GET", "/api/stats")
    return idle, third


def test_a_full_pool_frees_an_idle_connection(ix: NewsIndex) -> None:
    server = start(make_app(ix), workers=2)
    try:
        idle, third = kept_alive(server, 2)
        assert third.getresponse().status == 200
        closed, _, _ = select.select([conn.sock for conn in idle], [], [], 20)
        assert closed and all(sock.recv(1) == b"" for sock in closed)  # one made room
    finally:
        server.stop()


def test_an_answer_makes_room_when_the_accept_found_every_connection_busy(
    ix: NewsIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The race the test above lost under load: both handlers had written their answers but not
    # yet been marked idle when the third connection came, so none was closed for it.
    server = start(make_app(ix), workers=2)
    try:
        monkeypatch.setattr(server, "close_idle", lambda limit=None: 0)
        idle, third = kept_alive(server, 2)
        deadline = time.monotonic() + 10
        while server._active < 3 and time.monotonic() < deadline:
            time.sleep(0.01)  # the third is accepted and waits (unless a handler already made room)
        for conn in idle:  # each answer, while a connection waits, closes its own connection
            with contextlib.suppress(OSError, http.client.HTTPException):
                conn.request("GET", "/api/health")
                conn.getresponse().read()
        assert third.getresponse().status == 200  # served, not left for the 30 s idle timeout
    finally:
        monkeypatch.undo()
        server.stop()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_python_m_server_serves_and_stops_on_a_signal(ix: NewsIndex, sig: signal.Signals) -> None:
    env = {**os.environ, "NEWSEARCH_WRITE_TOKEN": ""}
    cmd = [sys.executable, "-m", "newsearch.server", "--index", str(ix.path), "--port", "0"]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = proc.stderr.readline()
        assert "serving" in line and "read-only" in line, line
        base = line.split(" at ", 1)[1].split("/ ", 1)[0]
        host, port = base.removeprefix("http://").rsplit(":", 1)
        conn = http.client.HTTPConnection(host, int(port), timeout=20)
        conn.request("GET", "/api/stats")
        assert json.loads(conn.getresponse().read())["documents"] == 47
        conn.request("GET", "/api/stats", headers={"Host": "rebound.example"})
        assert conn.getresponse().status == 400  # on loopback, only loopback names are served
        conn.close()
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == 0, err
    assert '"GET /api/stats HTTP/1.1" 200' in err and "stopped" in err


def test_a_taken_port_is_one_error_line_not_a_traceback(served: Any, ix: NewsIndex) -> None:
    port = served.server_address[1]
    cmd = [sys.executable, "-m", "newsearch.server", "--index", str(ix.path), "--port", str(port)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert f"Error: cannot listen on 127.0.0.1:{port}" in proc.stderr and "Hint:" in proc.stderr
    assert "Traceback" not in proc.stderr
