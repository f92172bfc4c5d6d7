"""One versioned index behind an alias: the connection, the run lock, the commit counter.

Searches go to the alias (so they follow a rebuild at once); writes, the commit counter and the
near-duplicate cache belong to the versioned index the alias pointed at when the run began.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

from newsearch.engines.opensearch import control, mapping
from newsearch.engines.opensearch.connection import Target, cluster_errors
from newsearch.engines.opensearch.writing import OpenSearchWriter
from newsearch.errors import IndexIncompatibleError, IndexNotFoundError, QueryError

DFS = "dfs_query_then_fetch"
SCROLL_PAGE = 500


class Handle:
    """The cluster side of an engine: requests to one index, its lock and bookkeeping."""

    def __init__(
        self, target: Target, client: Any, index: str | None = None, lease: Any = None
    ) -> None:
        """Open the alias's index (or, rebuilding, the versioned ``index`` under ``lease``)."""
        self.target, self._client = target, client
        self.location = target.location
        self._fixed = index is not None
        self._lease = lease  # a rebuild holds the run lock for the index it builds
        self._guard = threading.Lock()
        self._runs = 0
        with cluster_errors(target):
            self._index = index or self._resolve()
            got = client.indices.get(index=self._index)[self._index]
        self._meta = dict(got["mappings"].get("_meta") or {})
        self._shards = int(got["settings"]["index"]["number_of_shards"])
        _check(self._meta, target)

    def _resolve(self) -> str:
        name = control.resolve(self._client, self.target.name)
        if name is None:
            raise IndexNotFoundError(f"no index at {self.location}")
        return name

    @property
    def _read(self) -> str:
        return self._index if self._fixed else self.target.name

    def _search(self, body: dict[str, Any], dfs: bool = False, **kw: Any) -> dict[str, Any]:
        from opensearchpy.exceptions import RequestError

        with cluster_errors(self.target):
            try:
                params = {"search_type": DFS} if dfs else {}
                return dict(self._client.search(index=self._read, body=body, params=params, **kw))
            except RequestError as exc:
                text = str(exc)
                if "too_many_clauses" in text or "too_many_nested_clauses" in text:
                    raise QueryError("the query expands to too many words") from None
                if "result window is too large" in text.lower():
                    raise QueryError(
                        "that page is too deep", hint="Narrow the query or ask for an earlier page."
                    ) from None
                raise

    def _source(self, doc_id: str) -> dict[str, Any] | None:
        if not doc_id:
            return None
        with cluster_errors(self.target):
            got = self._client.get(index=self._read, id=mapping.doc_key(doc_id), ignore=404)
        return dict(got["_source"]) if got.get("found") else None

    def _scan(
        self, fields: list[str], where: dict[str, Any] | None = None
    ) -> Iterator[dict[str, Any]]:
        from opensearchpy import helpers

        with cluster_errors(self.target):
            query = {"query": where or {"match_all": {}}, "sort": ["_doc"], "_source": fields}
            for hit in helpers.scan(self._client, query=query, index=self._read, size=SCROLL_PAGE):
                yield hit["_source"]

    def count(self) -> int:
        """How many articles the index holds."""
        with cluster_errors(self.target):
            return int(self._client.count(index=self._read)["count"])

    def generation(self) -> int:
        """The commit counter of the versioned index (kept in the control index)."""
        with cluster_errors(self.target):
            return control.generation(self._client, self.target.name, self._index)

    def lock(self, wait: float) -> AbstractContextManager[int]:
        """The alias's run lock (a lease document), held for a whole indexing run."""
        if self._lease is not None:
            return nullcontext(-1)
        return self._locked(wait)

    @contextmanager
    def _locked(self, wait: float) -> Iterator[int]:
        lease = control.Lease(self._client, self.target, wait)
        with self._guard:
            self._runs += 1
        try:
            if not self._fixed:
                with cluster_errors(self.target):  # rebuilt since we opened it: write the new
                    self._index = self._resolve()
                    control.remove_leftovers(self._client, self.target, keep=self._index)
            yield -1  # no file descriptor: worker processes have nothing to close
        finally:
            with self._guard:
                self._runs -= 1
            lease.release()

    def writer(self, wait: float) -> OpenSearchWriter:
        """A writing session; outside a run it takes the run lock until commit or cancel."""
        with self._guard:
            held = self._lease is not None or self._runs > 0
        release = None
        if not held:
            lease = control.Lease(self._client, self.target, wait)
            release = lease.release
        return OpenSearchWriter(self._client, self.target, self._index, release)

    def state_file(self, name: str) -> str:
        """A local cache file for the versioned index (control.cache_folder)."""
        folder = control.cache_folder(self.target, self._index)
        folder.mkdir(parents=True, exist_ok=True)
        return str(folder / name)

    def close(self) -> None:
        """Close the client's connections."""
        self._client.close()


def _check(meta: dict[str, Any], target: Target) -> None:
    """Refuse an index newsearch did not build, or built with other analysis settings."""
    from newsearch.indexer.terms import SETTINGS

    if meta.get("engine") != mapping.ENGINE or meta.get("format") != mapping.FORMAT:
        raise IndexIncompatibleError(
            f"{target.location} was not built by this newsearch (format {meta.get('format')!r}; "
            f"this one writes format {mapping.FORMAT})"
        )
    if meta.get("analysis") != SETTINGS:
        raise IndexIncompatibleError(
            f"{target.location} was built with other analysis settings "
            "(tokens, stop words, stemmer)"
        )
