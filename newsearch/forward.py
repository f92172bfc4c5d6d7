"""`newsearch query` answered by a `newsearch serve` already running on the same index.

A fresh CLI process spends most of its time importing Whoosh and opening the index before it
searches (README install, Reuters: 82 ms against 19 ms for a fresh FTS5 script); a running
server has done all of that. ``serve`` leaves a record of where it listens, in a folder of the
user's own (never the index folder, which others may write), and the CLI asks that server. It
takes an answer only from the server the record names: the request carries the record's random
key and the server echoes it back. With no record, a record of a process that is gone, of
another newsearch, a refused connection or any answer but 200, the CLI searches the index
itself, so every error (and its wording) is the local one. NEWSEARCH_NO_SERVER=1 turns it off.
"""

from __future__ import annotations

import json
import os
import socket
import zlib
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from newsearch import __version__

if TYPE_CHECKING:
    from newsearch.models import SearchResults

TIMEOUT = 10.0  # seconds for the server's answer; after that the CLI searches itself
_STRINGS = ("since", "until", "source", "tag", "author", "asof")


def run_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """The folder of this user's server records ($NEWSEARCH_RUN_DIR overrides it)."""
    if environ.get("NEWSEARCH_RUN_DIR"):
        return Path(environ["NEWSEARCH_RUN_DIR"])
    if environ.get("XDG_RUNTIME_DIR"):
        return Path(environ["XDG_RUNTIME_DIR"]) / "newsearch"
    return Path.home() / ".cache" / "newsearch" / "servers"


def _package() -> str:
    return os.path.dirname(os.path.realpath(__file__))


def _record(index: str | os.PathLike[str], environ: Mapping[str, str]) -> tuple[Path, str]:
    real = os.path.realpath(index)
    # crc32, not hashlib (~2 ms of a ~25 ms forwarded query): the record names its index, so
    # a clash only leaves one of two indexes unforwarded, never answers from the wrong one.
    name = f"{zlib.crc32(real.encode('utf-8', 'surrogateescape')):08x}.json"
    return run_dir(environ) / name, real


def publish(
    index: str | os.PathLike[str], host: str, port: int, environ: Mapping[str, str] = os.environ
) -> str:
    """Record that this process serves ``index`` at host:port; the key its answers echo."""
    import secrets

    path, real = _record(index, environ)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = secrets.token_hex(16)
    record = {"index": real, "host": host, "port": port, "pid": os.getpid(), "key": key}
    record |= {"version": __version__, "package": _package()}
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(record, f)
    os.replace(tmp, path)
    return key


def withdraw(
    index: str | os.PathLike[str], key: str, environ: Mapping[str, str] = os.environ
) -> None:
    """Remove this server's record (left alone if another server has replaced it since)."""
    path, _ = _record(index, environ)
    if (_read(path) or {}).get("key") == key:
        path.unlink(missing_ok=True)


def _read(path: Path) -> dict[str, Any] | None:
    try:
        folder = os.stat(path.parent)
        if folder.st_uid != os.getuid() or folder.st_mode & 0o022:
            return None  # a folder others can write: its records could point anywhere
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _alive(pid: Any) -> bool:
    if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):  # gone, or another user's: not ours
        return False
    return True


def server_for(
    index: str | os.PathLike[str], environ: Mapping[str, str] = os.environ
) -> tuple[str, int, str] | None:
    """(host, port, key) of a live server of this newsearch on ``index``, else None."""
    path, real = _record(index, environ)
    r = _read(path)
    if r is None or r.get("index") != real or not _alive(r.get("pid")):
        return None
    if (r.get("version"), r.get("package")) != (__version__, _package()):
        return None  # another install's server could rank or render differently
    host, port, key = r.get("host"), r.get("port"), r.get("key")
    if not (isinstance(host, str) and isinstance(port, int) and isinstance(key, str)):
        return None
    return host, port, key


def search_params(text: str, options: Mapping[str, Any]) -> dict[str, Any] | None:
    """The /api/search parameters for the CLI's query options (None: the API has no such one)."""
    if options.get("expand"):
        return None
    params: dict[str, Any] = {"q": text, "limit": options["limit"], "page": options["page"]}
    params["sort"] = options["sort"]
    for name in _STRINGS:
        if options.get(name) is not None:
            params[name] = options[name]
    flags = {"explain": options["explain"], "all": not options["collapse"]}
    flags |= {"facets": options["facets"], "date_clauses": options["date_clauses"]}
    flags |= {"snippets": True, "suggest": True}  # SearchOptions' defaults, which the CLI keeps
    return params | {k: int(bool(v)) for k, v in flags.items()}


def ask(host: str, port: int, key: str, params: Mapping[str, Any]) -> dict[str, Any] | None:
    """The server's JSON answer to one search, or None when it is not a 200 from that server."""
    # A raw socket, not http.client: importing that costs ~15 ms, most of this path's budget.
    target = "/api/search?" + urlencode(params)
    request = (
        f"GET {target} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n"
        f"X-Newsearch-Key: {key}\r\n\r\n"
    )
    chunks = []
    try:
        with socket.create_connection((host, port), timeout=TIMEOUT) as conn:
            conn.sendall(request.encode("ascii"))
            while chunk := conn.recv(65536):
                chunks.append(chunk)
    except OSError:
        return None
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    if status.split()[1:2] != ["200"]:
        return None
    headers = dict(line.lower().split(":", 1) for line in lines if ":" in line)
    headers = {k: v.strip() for k, v in headers.items()}
    if headers.get("x-newsearch-key") != key.lower():
        return None
    if headers.get("content-length") != str(len(body)):
        return None  # cut short
    try:
        data = json.loads(body)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def query(
    index: str, text: str, options: Mapping[str, Any], environ: Mapping[str, str] = os.environ
) -> dict[str, Any] | None:
    """The `--json` object of a search answered by a running server, or None to search here."""
    if environ.get("NEWSEARCH_NO_SERVER"):
        return None
    params = search_params(text, options)
    server = server_for(index, environ) if params is not None else None
    return ask(*server, params) if server and params else None


def _when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def results_from_dict(data: Mapping[str, Any]) -> SearchResults:
    """SearchResults from render.results_dict's object (the text rendering takes these)."""
    from newsearch.models import Contribution, Fragment, Hit, SearchResults

    hits = tuple(
        Hit(
            rank=h["rank"],
            id=h["id"],
            title=h["title"],
            score=h["score"],
            snippet=h["snippet"],
            published=_when(h["published"]),
            source=h["source"],
            url=h["url"],
            explanation=tuple(Contribution(**c) for c in h.get("explanation", ())),
            fragments=tuple(
                Fragment(f["text"], f["start"], tuple(tuple(s) for s in f["highlights"]))
                for f in h["fragments"]
            ),
            similar=h["similar"],
            tags=tuple(h["tags"]),
            authors=tuple(h["authors"]),
            story=h["story"],
        )
        for h in data["hits"]
    )
    return SearchResults(
        query=data["query"],
        total=data["total"],
        hits=hits,
        parsed=data["parsed"],
        strict=data["strict"],
        suggestion=data["suggestion"],
        corrections=data["corrections"],
        since=_when(data["since"]),
        until=_when(data["until"]),
        dates=tuple(data["dates"]),
        facets=data["facets"],
        collapsed=data["collapsed"],
        notice=data["notice"],
    )
