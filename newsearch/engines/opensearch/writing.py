"""One writing session behind the EngineWriter protocol: a batch sent in bulk at commit.

The batch is held until ``commit()`` (the writer commits every 5,000 articles), so ``cancel()``
drops it without a trace, as on Whoosh. Commit sends it in bulk requests of at most BULK_DOCS
documents / BULK_BYTES, INFLIGHT at a time, each retried with exponential backoff on 429, 5xx
and connection errors. Ids are the articles' own, so a retried or re-run request replaces
rather than duplicates. The catalog marks go last, after every article and deletion of the
batch: a commit that fails half way never marks a file as indexed whose articles are missing,
and the next run redoes it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from newsearch.engine import IndexedDoc
from newsearch.engines.opensearch import control, mapping
from newsearch.engines.opensearch.connection import ClusterError, Target, cluster_errors
from newsearch.errors import NewsearchError

BULK_DOCS = 500  # documents per bulk request: ~2-5 MB of news, OpenSearch's sweet spot
BULK_BYTES = 8 * 1024 * 1024
INFLIGHT = 2  # bulk requests under way at once: more only queues up on a small cluster
ATTEMPTS = 9  # with backoff 0.5 s doubling to 30 s: about 2.5 minutes for a node to recover
BACKOFF, BACKOFF_MAX = 0.5, 30.0
BULK_TIMEOUT = 120  # seconds: a bulk waits up to a minute for a promoted primary
RETRY_STATUS = frozenset({429, 502, 503, 504})


class IndexingError(NewsearchError):
    """The cluster refused documents for a reason retrying does not mend."""

    hint = "Run the same command again; what was committed is kept."


class OpenSearchWriter:
    """Adds and deletes of one batch, written to the cluster and made visible at commit()."""

    def __init__(
        self, client: Any, target: Target, index: str, release: Callable[[], None] | None
    ) -> None:
        """A session writing to the versioned ``index``; ``release`` lets go of its lock."""
        self._client, self._target, self._index = client, target, index
        self._release = release
        self._docs: dict[str, IndexedDoc] = {}
        self._ids: list[str] = []
        self._stale: list[tuple[str, frozenset[str]]] = []
        self._seq = time.time_ns()

    def add(self, doc: IndexedDoc, replace: bool = True) -> None:
        """Queue a document; one with the same id is replaced (ids are unique here anyway)."""
        self._docs.pop(doc.id, None)
        self._docs[doc.id] = doc

    def delete(self, doc_id: str) -> int:
        """Queue deleting the committed document with this id; 1 if there is one."""
        self._ids.append(doc_id)
        with cluster_errors(self._target):
            return int(self._client.exists(index=self._index, id=mapping.doc_key(doc_id)))

    def delete_source(self, source: str, keep: frozenset[str] = frozenset()) -> int:
        """Queue deleting the committed documents of one file but those with ids in ``keep``."""
        self._stale.append((source, keep))
        with cluster_errors(self._target):
            got = self._client.count(index=self._index, body={"query": _stale_query(source, keep)})
        return int(got["count"])

    def commit(self) -> None:
        """Send the batch, marks last, then refresh: visible to searches and durable."""
        try:
            with cluster_errors(self._target):
                # Counted before and after: a commit that fails half way leaves a number no
                # near-duplicate cache was saved with, so the next run rebuilds that cache.
                control.bump(self._client, self._target.name, self._index)
                plain = [d for d in self._docs.values() if d.mark is None]
                marked = [d for d in self._docs.values() if d.mark is not None]
                self._send(self._actions(plain))
                for source, keep in self._stale:
                    self._client.delete_by_query(
                        index=self._index,
                        body={"query": _stale_query(source, keep)},
                        params={"conflicts": "proceed", "refresh": "false"},
                        request_timeout=BULK_TIMEOUT,
                    )
                self._send({"delete": {"_id": mapping.doc_key(i)}} for i in self._ids)
                self._send(self._actions(marked))
                self._client.indices.refresh(index=self._index, request_timeout=BULK_TIMEOUT)
                control.bump(self._client, self._target.name, self._index)
        finally:
            self._docs, self._ids, self._stale = {}, [], []
            self._let_go()

    def cancel(self) -> None:
        """Drop the batch (nothing of it was sent)."""
        self._docs, self._ids, self._stale = {}, [], []
        self._let_go()

    def _let_go(self) -> None:
        if self._release is not None:
            release, self._release = self._release, None
            release()

    def _actions(self, docs: list[IndexedDoc]) -> Iterator[Any]:
        for doc in docs:
            self._seq += 1
            yield ({"index": {"_id": mapping.doc_key(doc.id)}}, mapping.to_source(doc, self._seq))

    def _send(self, actions: Iterator[Any]) -> None:
        """Bulk requests of the actions, INFLIGHT at a time; raises if any action failed."""
        pending: list[Future[None]] = []
        with ThreadPoolExecutor(INFLIGHT, thread_name_prefix="newsearch-bulk") as pool:
            for chunk in _chunks(actions):
                if len(pending) >= INFLIGHT:
                    pending.pop(0).result()
                pending.append(pool.submit(self._bulk, chunk))
            for f in pending:
                f.result()

    def _bulk(self, lines: list[str]) -> None:
        """One bulk request, retried with backoff; items the cluster was too busy for again."""
        from opensearchpy.exceptions import ConnectionError as Unreachable
        from opensearchpy.exceptions import TransportError

        delay = BACKOFF
        for attempt in range(ATTEMPTS):
            try:
                got = self._client.bulk(
                    body="".join(lines), index=self._index, request_timeout=BULK_TIMEOUT
                )
            except (Unreachable, TransportError) as exc:
                status = getattr(exc, "status_code", None)
                if not isinstance(exc, Unreachable) and status not in RETRY_STATUS:
                    raise
                if attempt == ATTEMPTS - 1:
                    raise
            else:
                if not got.get("errors"):
                    return
                lines = self._failed(lines, got["items"])
                if not lines:
                    return
                if attempt == ATTEMPTS - 1:
                    raise ClusterError(
                        f"the cluster at {self._target.location} kept refusing "
                        f"{len(lines) // 2} document(s) as too busy"
                    )
            time.sleep(delay)
            delay = min(delay * 2, BACKOFF_MAX)

    def _failed(self, lines: list[str], items: list[dict[str, Any]]) -> list[str]:
        """The action lines to send again; an error retrying cannot mend is raised."""
        again: list[str] = []
        pos = 0
        for item in items:
            ((op, result),) = item.items()
            width = 1 if op == "delete" else 2
            status = int(result.get("status", 200))
            if status >= 300 and not (op == "delete" and status == 404):
                if status in RETRY_STATUS:
                    again += lines[pos : pos + width]
                else:
                    reason = result.get("error", {})
                    raise IndexingError(
                        f"the cluster at {self._target.location} refused a document "
                        f"({status}): {self._target.redact(str(reason))[:300]}"
                    )
            pos += width
        return again


def _stale_query(source: str, keep: frozenset[str]) -> dict[str, Any]:
    query: dict[str, Any] = {"bool": {"filter": [{"term": {"path": source}}]}}
    if keep:
        query["bool"]["must_not"] = [{"ids": {"values": [mapping.doc_key(i) for i in keep]}}]
    return query


def _chunks(actions: Iterator[Any]) -> Iterator[list[str]]:
    """NDJSON lines of the actions, cut into bulk requests."""
    lines: list[str] = []
    size = docs = 0
    for action in actions:
        parts = action if isinstance(action, tuple) else (action,)
        for part in parts:
            line = json.dumps(part, ensure_ascii=False) + "\n"
            lines.append(line)
            size += len(line)
        docs += 1
        if docs >= BULK_DOCS or size >= BULK_BYTES:
            yield lines
            lines, size, docs = [], 0, 0
    if lines:
        yield lines
