"""The cluster engine: an OpenSearch alias NAME over versioned indexes NAME-v<stamp>-<hex>.

Only this package imports the OpenSearch client (opensearch-py, the `opensearch` extra), and
only when a cluster URL is opened.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TypeVar

from newsearch.engines.opensearch import control
from newsearch.engines.opensearch.connection import (
    ClusterError,
    Target,
    check_health,
    cluster_errors,
    connect,
    is_url,
    parse,
)
from newsearch.engines.opensearch.engine import OpenSearchEngine
from newsearch.errors import IndexExistsError

T = TypeVar("T")

__all__ = [
    "ClusterError",
    "OpenSearchEngine",
    "create",
    "exists",
    "is_url",
    "open_engine",
    "parse",
    "rebuild",
]


def _connected(location: str) -> tuple[Target, object]:
    target = parse(location)
    client = connect(target)
    check_health(client, target)
    return target, client


def open_engine(location: str) -> OpenSearchEngine:
    """The index behind the alias at a cluster URL (IndexNotFoundError when there is none)."""
    target, client = _connected(location)
    return OpenSearchEngine(target, client)


def exists(location: str) -> bool:
    """Whether the alias exists on the cluster."""
    target, client = _connected(location)
    try:
        with cluster_errors(target):
            return control.resolve(client, target.name) is not None
    finally:
        client.close()  # type: ignore[attr-defined]


def create(location: str, overwrite: bool = False) -> OpenSearchEngine:
    """A new, empty index behind the alias (IndexExistsError unless ``overwrite``).

    With ``overwrite`` the alias is swapped to the new index and the old one deleted.
    """
    target, client = _connected(location)
    with cluster_errors(target):
        control.check_not_plain_index(client, target)
        old = control.resolve(client, target.name)
        if old is not None and not overwrite:
            raise IndexExistsError(f"an index already exists at {target.location}")
        control.ensure_control(client, target.name)
        fresh = control.create_version(client, target)
        try:
            for gone in control.swap(client, target.name, fresh):
                control.drop(client, target, gone)
        except BaseException:
            control.drop(client, target, fresh)
            raise
    return OpenSearchEngine(target, client)


def rebuild(location: str, wait: float, build: Callable[[OpenSearchEngine], T]) -> T:
    """Build a fresh versioned index under the run lock, then swap the alias to it atomically.

    Searches keep answering from the old index throughout; a failed or interrupted build
    deletes the new index and leaves the alias where it was. The old index is deleted after
    the swap.
    """
    target, client = _connected(location)
    with cluster_errors(target):
        control.check_not_plain_index(client, target)
        lease = control.Lease(client, target, wait)
    try:
        with cluster_errors(target):
            live = control.resolve(client, target.name)
            control.remove_leftovers(client, target, keep=live or "")
            fresh = control.create_version(client, target)
        try:
            engine = OpenSearchEngine(target, client, index=fresh, lease=lease)
            result = build(engine)
            with cluster_errors(target):
                old = control.swap(client, target.name, fresh)
        except BaseException:
            # The build's own error is the one to report, not a failed cleanup.
            with contextlib.suppress(Exception):
                control.drop(client, target, fresh)
            raise
        with cluster_errors(target):
            for gone in old:
                control.drop(client, target, gone)
        return result
    finally:
        lease.release()
        client.close()  # type: ignore[attr-defined]
