"""The core of `newsearch serve`, free of sockets: a Request in, a JSON Response out, never a raise.

The HTTP layer (newsearch.server.http) parses bytes into a Request and writes the Response back;
tests call ``App.handle`` directly, in-process.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from newsearch import (
    DocumentNotFoundError,
    IndexIncompatibleError,
    IndexLockedError,
    IndexNotFoundError,
    NewsearchError,
    NewsIndex,
)
from newsearch.server.params import ParamError

log = logging.getLogger("newsearch.server")

# A JSON Lines upload of 16 MB is ~3,000 full news articles (~5 KB each) or ~20,000 wire items
# like Reuters-21578's (24 MB for 21,578): a day's crawl per request, while 16 worker threads
# each holding one body stay under 300 MB. Bigger dumps go on the server's disk: POST their paths.
MAX_BODY = 16 * 1024 * 1024
# As long as `newsearch index --wait` waits by default for another writer.
WRITE_WAIT = 10.0
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})

# No CORS header at all: other sites' pages cannot read the API (the browser enforces it).
SECURITY = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",  # answers change when the index does; revalidate each time
}
# The page loads only its own script and style: an injected tag or inline handler never runs.
PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
# Most specific first: every error below is also a NewsearchError.
STATUS: tuple[tuple[type[NewsearchError], int], ...] = (
    (DocumentNotFoundError, 404),
    (IndexNotFoundError, 503),
    (IndexIncompatibleError, 503),
    (IndexLockedError, 503),
    (NewsearchError, 400),
)


@dataclass
class Request:
    """One HTTP request: header names are lower-case; ``path`` is still percent-encoded."""

    method: str
    path: str
    query: dict[str, list[str]] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @classmethod
    def make(
        cls,
        method: str,
        target: str,
        headers: Mapping[str, str] | None = None,
        body: bytes = b"",
    ) -> Request:
        """A request from its method, target ("/api/search?q=x"), headers and body."""
        parts = urlsplit(target)
        query = parse_qs(parts.query, keep_blank_values=True, errors="replace")
        heads = {k.lower(): v for k, v in (headers or {}).items()}
        return cls(method.upper(), parts.path or "/", query, heads, body)


@dataclass
class Response:
    """Status, body and headers of one answer."""

    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
        """A JSON answer, UTF-8 and unescaped (as `newsearch query --json` prints it)."""
        body = json.dumps(data, ensure_ascii=False, default=str).encode("utf-8")
        return cls(status, body, headers=dict(headers or {}))

    def data(self) -> Any:
        """The JSON body decoded (for tests and clients)."""
        return json.loads(self.body)


class ApiError(Exception):
    """An error answer the server itself decides on (auth, size, method), with a hint."""

    def __init__(
        self,
        status: int,
        message: str,
        hint: str,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.hint = status, hint
        self.headers = headers or {}
        self.extra = extra or {}


def error(status: int, message: str, hint: str, **extra: Any) -> Response:
    """The {"error", "hint"} answer every failure gets."""
    return Response.json({"error": message, "hint": hint, **extra}, status)


def status_of(exc: NewsearchError) -> int:
    """The HTTP status for a library error: 404 unknown id, 503 index unavailable, else 400."""
    return next(code for kind, code in STATUS if isinstance(exc, kind))


class App:
    """The API and the page over one NewsIndex, shared by all worker threads."""

    def __init__(
        self,
        index: str | os.PathLike[str] | NewsIndex,
        write_token: str | None = None,
        allowed_hosts: frozenset[str] | None = None,
    ) -> None:
        """Serve ``index`` (a path, opened on first use, or an open NewsIndex the caller owns)."""
        self._own = not isinstance(index, NewsIndex)
        self._ix: NewsIndex | None = None if self._own else index  # type: ignore[assignment]
        self.path = Path(index.path) if isinstance(index, NewsIndex) else Path(index)
        self._token = write_token.encode("utf-8") if write_token else None
        self.allowed_hosts = allowed_hosts
        self._open_lock = threading.Lock()
        self.write_lock = threading.Lock()
        # Set by serve(): a request that carries it gets it back (newsearch.forward's check
        # that the answer comes from the server its record names).
        self.instance_key: str | None = None

    @property
    def writable(self) -> bool:
        """True when started with a write token."""
        return self._token is not None

    def index(self) -> NewsIndex:
        """The open index, opened on first use: the server may start before `newsearch index`."""
        ix = self._ix
        if ix is not None:
            return ix
        with self._open_lock:
            if self._ix is None:
                self._ix = NewsIndex.open(self.path)
            return self._ix

    def index_for_writing(self) -> NewsIndex:
        """The index, created empty when there is none yet (as `newsearch index` does)."""
        try:
            return self.index()
        except IndexNotFoundError:
            with self._open_lock:
                if self._ix is None:
                    self._ix = NewsIndex.create(self.path)
                return self._ix

    def authorize(self, req: Request) -> None:
        """Let a write through only with the server's bearer token (compared in constant time)."""
        if self._token is None:
            raise ApiError(
                403,
                "this server is read-only",
                "Start it with --write-token (or NEWSEARCH_WRITE_TOKEN) to allow writes.",
            )
        scheme, _, given = req.headers.get("authorization", "").partition(" ")
        ok = scheme.lower() == "bearer" and hmac.compare_digest(
            given.strip().encode("utf-8", "replace"), self._token
        )
        if not ok:
            missing = "authorization" not in req.headers
            raise ApiError(
                401,
                "missing write token" if missing else "wrong write token",
                "Send the header 'Authorization: Bearer TOKEN' with the server's --write-token.",
                headers={"WWW-Authenticate": 'Bearer realm="newsearch"'},
            )

    def handle(self, req: Request) -> Response:
        """Answer one request; every failure becomes a JSON {"error", "hint"} with its status."""
        resp = self._answer(req)
        for name, value in SECURITY.items():
            resp.headers.setdefault(name, value)
        if resp.content_type.startswith("text/html"):
            resp.headers.setdefault("Content-Security-Policy", PAGE_POLICY)
        key, given = self.instance_key, req.headers.get("x-newsearch-key", "")
        if key and hmac.compare_digest(given.encode("utf-8", "replace"), key.encode("ascii")):
            resp.headers["X-Newsearch-Key"] = key
        return resp

    def _answer(self, req: Request) -> Response:
        from newsearch.server import routes

        try:
            self._check_host(req)
            return routes.dispatch(self, req)
        except ApiError as exc:
            resp = error(exc.status, str(exc), exc.hint, **exc.extra)
            resp.headers.update(exc.headers)
            return resp
        except ParamError as exc:
            return error(400, str(exc), exc.hint)
        except NewsearchError as exc:
            return error(status_of(exc), str(exc), exc.hint)
        except Exception:
            # A bug is not a user error: say so, and keep the traceback for the log.
            log.exception("unexpected error answering %s %s", req.method, req.path)
            return error(
                500,
                "internal server error",
                "This is a bug in newsearch, not in the request; the server log has the details.",
            )

    def _check_host(self, req: Request) -> None:
        # A server on loopback is reachable from a browser's web pages through DNS rebinding
        # (evil.example resolving to 127.0.0.1); their requests carry the attacker's Host name.
        if self.allowed_hosts is None:
            return
        host = req.headers.get("host", "")
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        if name.lower() not in self.allowed_hosts:
            raise ApiError(
                400,
                f"Host {host!r} is not served here",
                "Open the server by the address it listens on (e.g. http://127.0.0.1:8080/), "
                "or start it with --host to serve other names.",
            )

    def close(self) -> None:
        """Close the index if this app opened it."""
        with self._open_lock:
            if self._own and self._ix is not None:
                self._ix.close()
            self._ix = None


def make_app(
    index: str | os.PathLike[str] | NewsIndex,
    write_token: str | None = None,
    allowed_hosts: frozenset[str] | None = None,
) -> App:
    """The server's request handler for an index path or an open NewsIndex (tests use this)."""
    return App(index, write_token=write_token, allowed_hosts=allowed_hosts)
