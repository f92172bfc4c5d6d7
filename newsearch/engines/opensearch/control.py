"""What an index needs beside its documents: the alias, the run lock and the commit counter.

They live in a small control index ``NAME.control`` (one shard, a replica where there is a
second node) so no count, search or aggregation over the articles ever sees them:
- ``lock``: the run lock, a lease. Created with op_type=create, so of two machines only one
  gets it; the holder renews it every LEASE / 4 seconds, and a lease not renewed for LEASE
  seconds (a killed run) may be taken over.
- ``gen-<index>``: the commit counter of one versioned index, what ``generation()`` reads.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import shutil
import socket
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsearch.engines.opensearch import mapping
from newsearch.engines.opensearch.connection import Target, cluster_errors
from newsearch.errors import IndexLockedError, NewsearchError

CACHE_ENV = "NEWSEARCH_CACHE_DIR"
LEASE = 60.0  # seconds a lock outlives its last renewal (a killed run blocks no longer)
POLL = 0.25  # seconds between tries for a held lock


def control_index(alias: str) -> str:
    """The control index of an alias."""
    return f"{alias}.control"


def ensure_control(client: Any, alias: str) -> None:
    """Create the control index if it is missing (two racing creators are both fine)."""
    from opensearchpy.exceptions import RequestError

    name = control_index(alias)
    if client.indices.exists(index=name):
        return
    body = {
        "settings": {"number_of_shards": 1, "auto_expand_replicas": "0-1"},
        "mappings": {"dynamic": True},
    }
    try:
        client.indices.create(index=name, body=body)
    except RequestError as exc:
        if "resource_already_exists" not in str(exc):
            raise


def versioned_name(alias: str) -> str:
    """A fresh name for one version of the index behind an alias."""
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    return f"{alias}-v{stamp}-{secrets.token_hex(3)}"


def create_version(client: Any, target: Target) -> str:
    """A new, empty versioned index (not yet behind the alias); its name."""
    name = versioned_name(target.name)
    body = {
        "settings": mapping.settings(target.shards, target.replicas),
        "mappings": mapping.mappings(name),
    }
    # Primaries started is enough to write and search; replicas follow in the background.
    client.indices.create(index=name, body=body, params={"wait_for_active_shards": "1"})
    return name


def resolve(client: Any, alias: str) -> str | None:
    """The versioned index the alias points at, or None when there is no such alias."""
    names = _aliased(client, alias)
    return names[-1] if names else None


def swap(client: Any, alias: str, new: str) -> list[str]:
    """Point the alias at ``new`` in one atomic step; the indexes it pointed at before."""
    old = [n for n in _aliased(client, alias) if n != new]
    actions: list[dict[str, Any]] = [{"remove": {"index": n, "alias": alias}} for n in old]
    actions.append({"add": {"index": new, "alias": alias}})
    client.indices.update_aliases(body={"actions": actions})
    return old


def drop(client: Any, target: Target, index: str) -> None:
    """Delete one versioned index, its commit counter and its local cache (if missing, fine)."""
    client.indices.delete(index=index, params={"ignore_unavailable": "true"})
    client.delete(index=control_index(target.name), id=f"gen-{index}", ignore=404)
    shutil.rmtree(cache_folder(target, index), ignore_errors=True)


def remove_leftovers(client: Any, target: Target, keep: str) -> None:
    """Delete the versions of the alias but ``keep`` (call under the run lock).

    Only a rebuild killed before its swap leaves one: a rebuild running elsewhere would hold
    the lock.
    """
    ours = re.compile(re.escape(target.name) + r"-v\d{14}-[0-9a-f]{6}")
    found = client.indices.get(index=f"{target.name}-v*", params={"expand_wildcards": "all"})
    for name in found:
        if name != keep and ours.fullmatch(name) and name not in _aliased(client, target.name):
            drop(client, target, name)


def cache_folder(target: Target, index: str) -> Path:
    """Where one versioned index's local caches live: $XDG_CACHE_HOME/newsearch/NAME-<hash>.

    NEWSEARCH_CACHE_DIR, when set, stands for $XDG_CACHE_HOME/newsearch.
    """
    xdg = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    base = Path(os.environ.get(CACHE_ENV) or xdg / "newsearch")
    hosts = ",".join(f"{h}:{p}" for h, p in target.hosts)
    key = hashlib.sha256(f"{hosts}/{index}".encode()).hexdigest()[:16]
    return base / f"{target.name[:40]}-{key}"


def _aliased(client: Any, alias: str) -> list[str]:
    # ignore=404: no alias is an answer, not a failure to log.
    found = client.indices.get_alias(name=alias, ignore=404)
    if "status" in found and "error" in found:
        return []
    return sorted(found)


def generation(client: Any, alias: str, index: str) -> int:
    """The commit counter of one versioned index (0 before its first commit)."""
    got = client.get(index=control_index(alias), id=f"gen-{index}", ignore=404, realtime=True)
    return int(got.get("_source", {}).get("n", 0)) if got.get("found") else 0


def bump(client: Any, alias: str, index: str) -> int:
    """Count one more commit of the index; the new counter."""
    got = client.update(
        index=control_index(alias),
        id=f"gen-{index}",
        body={"script": {"source": "ctx._source.n += 1"}, "upsert": {"n": 1}},
        params={"retry_on_conflict": "10", "_source": "true"},
    )
    return int(got["get"]["_source"]["n"])


class Lease:
    """The run lock of one alias, held by this process until ``release()``."""

    def __init__(self, client: Any, target: Target, wait: float) -> None:
        """Take the lock, waiting up to ``wait`` seconds (IndexLockedError after that)."""
        self._client, self._target = client, target
        self._index = control_index(target.name)
        self._owner = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self._stop = threading.Event()
        self._seq: tuple[int, int] | None = None
        deadline = time.monotonic() + wait
        with cluster_errors(target):
            ensure_control(client, target.name)
            while not self._try():
                if time.monotonic() >= deadline:
                    raise IndexLockedError(
                        f"another indexing run holds the index at {target.location} "
                        f"(waited {wait:g} s)"
                    )
                time.sleep(POLL)
        self._beat = threading.Thread(target=self._renew, name="newsearch-lease", daemon=True)
        self._beat.start()

    def _body(self) -> dict[str, Any]:
        return {"owner": self._owner, "expires": time.time() + LEASE}

    def _try(self) -> bool:
        from opensearchpy.exceptions import ConflictError

        try:
            got = self._client.index(
                index=self._index, id="lock", body=self._body(), op_type="create"
            )
        except ConflictError:
            held = self._client.get(index=self._index, id="lock", ignore=404)
            if held.get("found") and held["_source"].get("expires", 0) < time.time():
                # Not renewed for LEASE seconds: its run is gone. Compare-and-delete, so of
                # two waiters only one takes it over.
                with contextlib.suppress(ConflictError):
                    self._client.delete(
                        index=self._index,
                        id="lock",
                        if_seq_no=held["_seq_no"],
                        if_primary_term=held["_primary_term"],
                    )
            return False
        self._seq = (got["_seq_no"], got["_primary_term"])
        return True

    def _renew(self) -> None:
        while not self._stop.wait(LEASE / 4):
            try:
                assert self._seq is not None
                got = self._client.index(
                    index=self._index,
                    id="lock",
                    body=self._body(),
                    if_seq_no=self._seq[0],
                    if_primary_term=self._seq[1],
                )
                self._seq = (got["_seq_no"], got["_primary_term"])
            except Exception:  # noqa: BLE001 - a missed renewal is retried; LEASE allows three
                continue

    def release(self) -> None:
        """Let go of the lock (it lapses on its own if this fails)."""
        self._stop.set()
        if self._seq is None:
            return
        try:
            self._client.delete(
                index=self._index,
                id="lock",
                if_seq_no=self._seq[0],
                if_primary_term=self._seq[1],
            )
        except Exception:  # noqa: BLE001 - renewed meanwhile, or the cluster is gone: it lapses
            try:
                held = self._client.get(index=self._index, id="lock", ignore=404)
                if held.get("found") and held["_source"].get("owner") == self._owner:
                    self._client.delete(index=self._index, id="lock", ignore=404)
            except Exception:  # noqa: BLE001
                pass
        self._seq = None


def check_not_plain_index(client: Any, target: Target) -> None:
    """Refuse a NAME that is a plain index, not an alias (newsearch would not own it)."""
    if client.indices.exists(index=target.name) and resolve(client, target.name) is None:
        raise NewsearchError(
            f"{target.location}: {target.name!r} is an index, not a newsearch alias",
            hint="Choose another name; newsearch keeps NAME as an alias of NAME-v… indexes.",
        )
