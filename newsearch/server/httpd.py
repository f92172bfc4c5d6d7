"""The HTTP layer of `newsearch serve`: the standard library's server, with a fixed thread pool.

A fixed pool rather than a thread per connection (ThreadingHTTPServer): NewsIndex keeps one
searcher per thread (opening one costs ~25 ms on Reuters-21578), so a bounded set of long-lived
threads reuses them instead of opening, and keeping, one per connection.
"""

from __future__ import annotations

import contextlib
import logging
import select
import socket
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

from newsearch import __version__
from newsearch.server.app import MAX_BODY, App, Request, Response, error

access = logging.getLogger("newsearch.server.access")
log = logging.getLogger("newsearch.server")

# Whoosh search is CPU-bound under the GIL: past ~4 threads on 2 cores throughput stays flat
# (benchmarks/server_load.py); 16 lets slow clients and idle keep-alive connections wait
# without holding up the rest.
WORKERS = 16
# Seconds a keep-alive connection may sit idle, or a client take to send its request.
IDLE_TIMEOUT = 30


class Handler(BaseHTTPRequestHandler):
    """Turns one connection's requests into App.handle calls (keep-alive, HTTP/1.1)."""

    protocol_version = "HTTP/1.1"
    timeout = IDLE_TIMEOUT
    # Status line, headers and body leave in one write: written piecemeal (the base class's
    # default), Nagle's algorithm and the client's delayed ACK held every keep-alive answer
    # ~40 ms (measured: 21 answers/s from one client, 48 ms each, instead of ~1 ms).
    wbufsize = 1 << 16
    disable_nagle_algorithm = True
    server: Server

    def version_string(self) -> str:
        """The Server header: newsearch's version, not Python's."""
        return f"newsearch/{__version__}"

    def setup(self) -> None:
        """Register the connection so shutdown can close it while it is idle."""
        super().setup()
        self.busy = False
        self.started = time.perf_counter()
        self.server.track(self, True)

    def finish(self) -> None:
        """Unregister the connection."""
        try:
            super().finish()
        finally:
            self.server.track(self, False)

    def handle(self) -> None:
        """Serve the connection's requests, unless the server is stopping and it sent none."""
        if self.server.stopping and not select.select([self.connection], [], [], 0)[0]:
            return
        super().handle()

    def parse_request(self) -> bool:
        """Mark the connection busy from the moment a request line has arrived."""
        self.busy = True
        self.started = time.perf_counter()
        return super().parse_request()

    def handle_one_request(self) -> None:
        """One request; while the server stops, the connection closes after its answer."""
        try:
            super().handle_one_request()
        finally:
            self.busy = False
            # A connection waits for a worker: this one's answer is out, so it makes room. Its
            # accept found every connection busy if it came while this answer was written (the
            # client had read it, the handler not yet marked idle: under load, a 30 s stall).
            if self.server.stopping or self.server.saturated():
                self.close_connection = True

    def handle_expect_100(self) -> bool:
        """Refuse an oversized body before the client sends it (curl asks for bodies > 1 MB)."""
        if self._length() > MAX_BODY:
            self.close_connection = True  # the client may send the body anyway: never read it
            self._reply(_too_big())
            return False
        ok = super().handle_expect_100()
        self.wfile.flush()  # the client waits for the "100 Continue" before sending the body
        return ok

    def _length(self) -> int:
        try:
            return max(0, int(self.headers.get("Content-Length", "0") or 0))
        except ValueError:
            return -1

    def _serve(self) -> None:
        length = self._length()
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower() or length < 0:
            self.close_connection = True
            self._reply(
                error(411, "a body needs a Content-Length", "Send the body with its length.")
            )
            return
        if length > MAX_BODY:
            self.close_connection = True  # the unread body would be taken for the next request
            self._reply(_too_big())
            return
        body = self.rfile.read(length) if length else b""
        req = Request.make(self.command, self.path, dict(self.headers.items()), body)
        self._reply(self.server.app.handle(req))

    do_GET = do_HEAD = do_POST = do_DELETE = do_PUT = do_PATCH = do_OPTIONS = _serve

    def _reply(self, resp: Response) -> None:
        self.send_response(resp.status)
        self.send_header("Content-Type", resp.content_type)
        self.send_header("Content-Length", str(len(resp.body)))
        for name, value in resp.headers.items():
            self.send_header(name, value)
        if self.close_connection or self.server.stopping:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(resp.body)
        self.wfile.flush()
        ms = (time.perf_counter() - self.started) * 1000
        access.info(
            '%s "%s" %d %d %.1fms', self.client_address[0], self.requestline, resp.status,
            len(resp.body), ms,
        )  # fmt: skip

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Malformed requests (bad request line, headers too long) get JSON errors too."""
        self.close_connection = True
        if not hasattr(self, "command") or self.command is None:
            self.command = "GET"  # no request line was parsed; the body must still be sent
        if not getattr(self, "requestline", ""):
            self.requestline = "-"
        # A request line that did not parse leaves HTTP/0.9, whose answers have no status line.
        self.request_version = self.protocol_version
        self._reply(error(code, message or "bad request", explain or "Check the request."))

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Access lines are written by _reply, with the time taken."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        """Other messages of the base class go to the server log."""
        log.info("%s %s", self.address_string(), format % args)


def _too_big() -> Response:
    return error(
        413,
        f"the body is larger than {MAX_BODY // (1024 * 1024)} MB",
        'Split it, or put the files on the server and POST {"paths": [...]}.',
    )


class Server(HTTPServer):
    """An HTTP server over one App; stop() finishes requests in flight, then closes."""

    request_queue_size = 64

    def __init__(self, address: tuple[str, int], app: App, workers: int = WORKERS) -> None:
        """Bind to ``address`` (port 0: a free one) without serving yet."""
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.app = app
        self.workers = workers
        self.stopping = False
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="newsearch-http")
        self._handlers: dict[Handler, None] = {}
        self._lock = threading.Lock()
        self._active = 0
        super().__init__(address, Handler)

    @property
    def url(self) -> str:
        """The base URL, with the port actually bound."""
        host, port = self.server_address[:2]
        host = host.decode() if isinstance(host, bytes) else host
        return f"http://[{host}]:{port}" if ":" in str(host) else f"http://{host}:{port}"

    def track(self, handler: Handler, alive: bool) -> None:
        """Keep the set of open connections (for closing idle ones)."""
        with self._lock:
            if alive:
                self._handlers[handler] = None
            else:
                self._handlers.pop(handler, None)

    def process_request(self, request: Any, client_address: Any) -> None:
        """Hand the connection to the pool; when all workers are taken, free an idle one."""
        with self._lock:
            self._active += 1
            saturated = self._active > self.workers
        if saturated:
            self.close_idle(limit=1)  # its client reconnects, as keep-alive clients do
        self._pool.submit(self._work, request, client_address)

    def saturated(self) -> bool:
        """Whether more connections are open than there are workers (some wait for one)."""
        with self._lock:
            return self._active > self.workers

    def _work(self, request: Any, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)
            with self._lock:
                self._active -= 1

    def close_idle(self, limit: int | None = None) -> int:
        """Close keep-alive connections waiting for a request; how many were closed."""
        with self._lock:
            idle = [h for h in self._handlers if not h.busy][:limit]
        for handler in idle:
            with contextlib.suppress(OSError):  # it closed meanwhile
                handler.connection.shutdown(socket.SHUT_RDWR)
        return len(idle)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up mid-answer is routine; anything else goes to the log."""
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        log.exception("error on the connection from %s", client_address[0])

    def stop(self) -> None:
        """Stop accepting, let requests in flight finish, close idle connections and the app."""
        self.stopping = True
        self.shutdown()  # returns once serve_forever has left its loop
        self.close_idle()
        self._pool.shutdown(wait=True)
        self.server_close()
        self.app.close()


def start(app: App, host: str = "127.0.0.1", port: int = 0, workers: int = WORKERS) -> Server:
    """A server for ``app`` running in a background thread (tests, benchmarks); stop() ends it."""
    server = Server((host, port), app, workers)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.2}, name="newsearch-accept"
    )
    thread.start()
    return server
