"""The session's OpenSearch cluster for the engine's own tests (shared with tests/contract)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

import pytest
from contract.conftest import PREFIX, cluster_url, drop_indexes, keep_caches_in, stop_cluster

_names = itertools.count()


@pytest.fixture(scope="session")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of the 2-node test cluster (a skip, or a failure in CI, where it cannot run)."""
    url = cluster_url()
    keep_caches_in(tmp_path_factory)
    yield url
    stop_cluster()


@pytest.fixture
def fresh(cluster: str) -> Iterator[Callable[[], str]]:
    """A factory of unused opensearch:// locations, their indexes dropped after the test."""
    made: list[str] = []

    def make() -> str:
        name = f"{PREFIX}-e{next(_names)}"
        made.append(name)
        return f"opensearch://{cluster.split('//', 1)[1]}/{name}"

    yield make
    for name in made:
        drop_indexes(f"{name}-v*,{name}.control")
