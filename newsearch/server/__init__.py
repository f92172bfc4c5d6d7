"""`newsearch serve`: the HTTP JSON API (with an OpenAPI document) and the search page.

``serve()`` runs it until SIGINT or SIGTERM; ``make_app()`` gives the socket-free core for tests.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from typing import TYPE_CHECKING

from newsearch import NewsearchError, forward
from newsearch.server.app import LOOPBACK_NAMES, App, Request, Response, make_app

if TYPE_CHECKING:
    from newsearch.server import httpd

__all__ = ["App", "Request", "Response", "make_app", "serve"]

log = logging.getLogger("newsearch.server")


def serve(
    index: str | os.PathLike[str],
    host: str = "127.0.0.1",
    port: int = 8080,
    write_token: str | None = None,
) -> None:
    """Serve the index over HTTP until SIGINT/SIGTERM, then finish requests and close it."""
    from newsearch.server import httpd

    _log_to_stderr()
    loopback = host in LOOPBACK_NAMES or host.startswith("127.")
    app = make_app(index, write_token=write_token, allowed_hosts=_hosts(host) if loopback else None)
    try:
        server = httpd.start(app, host, port)
    except OSError as exc:  # the port is taken, or the address is not this machine's
        raise NewsearchError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}",
            hint="Choose another --port (or --host), or stop the program that holds it.",
        ) from None
    stop = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        if stop.is_set():  # a second Ctrl-C: do not wait for requests in flight any longer
            os._exit(128 + signum)  # index commits are atomic; the kernel drops its locks
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    mode = "writes need the token" if write_token else "read-only"
    log.info("newsearch: serving %s at %s/ (%s); Ctrl-C stops", app.path, server.url, mode)
    try:
        app.index()  # open it now: the first search should not pay for it
    except NewsearchError as exc:
        log.warning("newsearch: %s; the API answers 503 until then. %s", exc, exc.hint)
    key = _publish(app, server) if loopback else None  # after the open: queries find it warm
    try:
        while not stop.wait(0.5):
            pass
    finally:
        log.info("newsearch: stopping (finishing requests in flight)")
        server.stop()
        if key:
            forward.withdraw(app.path, key)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        log.info("newsearch: stopped")


def _publish(app: App, server: httpd.Server) -> str | None:
    # Where `newsearch query` on this index finds this server (newsearch.forward).
    host, port = server.server_address[:2]
    host = host.decode() if isinstance(host, bytes) else host
    try:
        app.instance_key = forward.publish(app.path, str(host), int(port))
    except OSError as exc:  # no writable run folder: queries are answered without it
        log.warning("newsearch: cannot record this server for `newsearch query`: %s", exc)
        return None
    return app.instance_key


def _hosts(host: str) -> frozenset[str]:
    return LOOPBACK_NAMES | {host.lower()}


def _log_to_stderr() -> None:
    # The access log and tracebacks go to stderr, unless the embedding app set up logging.
    if log.handlers or logging.getLogger().handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%Y-%m-%d %H:%M:%S"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
