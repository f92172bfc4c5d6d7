"""The contract suite: every test here runs against every engine that can run on this machine.

An engine joins by adding its name to ENGINES and a branch to ``make_location`` (an index
location the engine opens: a folder for Whoosh, an ``opensearch://`` URL for OpenSearch).

OpenSearch runs on a real 2-node cluster started once per session with
``cluster/opensearch.sh start --nodes 2`` (and stopped at the end only if this session started
it). Where Java, Maven or opensearch-py is missing its tests skip with the reason, unless
NEWSEARCH_REQUIRE_OPENSEARCH=1 (CI) makes that a failure.
"""

from __future__ import annotations

import itertools
import os
import secrets
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from newsearch import NewsIndex

ENGINES = ["whoosh", "opensearch"]
ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "cluster" / "opensearch.sh"
NODES = 2
PREFIX = f"nstest-{secrets.token_hex(3)}"  # this session's index names: cleaned up at the end
_names = itertools.count()
_cluster: dict[str, str] = {}  # "url", "started" or "missing" (the reason it cannot run)


def _missing() -> str | None:
    """Why the OpenSearch cluster cannot run here, or None."""
    try:
        import opensearchpy  # noqa: F401
    except ImportError:
        return "opensearch-py is not installed (pip install -e '.[test]')"
    java = os.environ.get("NEWSEARCH_JAVA") or (
        str(Path(os.environ["JAVA_HOME"]) / "bin" / "java")
        if os.environ.get("JAVA_HOME")
        else "java"
    )
    if not shutil.which(java):
        return "Java 17 is not installed (cluster/opensearch.sh needs it)"
    if (
        not shutil.which(os.environ.get("NEWSEARCH_MVN", "mvn"))
        and not (ROOT / "cluster" / "launcher" / "target" / "lib").is_dir()
    ):
        return "Maven is not installed (cluster/opensearch.sh builds its launcher with it)"
    return None


def cluster_url() -> str:
    """The base URL of the session's cluster, started on first use (a skip where it cannot)."""
    if "url" in _cluster:
        return _cluster["url"]
    reason = _cluster.get("missing") or _missing()
    if reason is None:
        running = subprocess.run([str(SCRIPT), "status"], capture_output=True, text=True)
        started = subprocess.run(
            [str(SCRIPT), "start", "--nodes", str(NODES)], capture_output=True, text=True
        )
        lines = started.stdout.strip().splitlines()
        if started.returncode == 0 and lines:
            _cluster["url"] = lines[-1].strip()
            if running.returncode != 0:
                _cluster["started"] = "1"
            return _cluster["url"]
        reason = "cluster/opensearch.sh start failed: " + started.stderr.strip()[-800:]
    _cluster["missing"] = reason
    if os.environ.get("NEWSEARCH_REQUIRE_OPENSEARCH") == "1":
        pytest.fail(f"OpenSearch is required here (NEWSEARCH_REQUIRE_OPENSEARCH=1): {reason}")
    pytest.skip(f"OpenSearch engine not tested: {reason}")


def _client():  # type: ignore[no-untyped-def]
    from opensearchpy import OpenSearch

    host, port = _cluster["url"].split("//", 1)[1].rsplit(":", 1)
    return OpenSearch(hosts=[{"host": host, "port": int(port)}], timeout=60)


def drop_indexes(pattern: str) -> None:
    """Delete the test indexes matching a pattern (best effort: the cluster may be down)."""
    if "url" not in _cluster:
        return
    try:
        client = _client()
        client.indices.delete(index=pattern, params={"expand_wildcards": "all"}, ignore=404)
        client.close()
    except Exception:  # noqa: BLE001 - cleanup only
        pass


def stop_cluster() -> None:
    """Delete this session's indexes; stop the cluster if this session started it."""
    drop_indexes(f"{PREFIX}-*")
    if _cluster.pop("started", None):
        subprocess.run([str(SCRIPT), "stop"], capture_output=True, text=True)
    _cluster.pop("url", None)


def make_location(engine: str, folder: Path) -> str:
    """A fresh, unused index location on the engine."""
    n = next(_names)
    if engine == "whoosh":
        return str(folder / f"ix{n}")
    if engine == "opensearch":
        base = cluster_url().split("//", 1)[1]
        return f"opensearch://{base}/{PREFIX}-{n}"
    raise AssertionError(f"unknown engine {engine}")


def keep_caches_in(factory: pytest.TempPathFactory) -> None:
    """Keep the engine's local caches (NEWSEARCH_CACHE_DIR) in a temporary folder, not ~."""
    if not os.environ.get("NEWSEARCH_CACHE_DIR", "").startswith(str(factory.getbasetemp())):
        os.environ["NEWSEARCH_CACHE_DIR"] = str(factory.mktemp("cache"))


@pytest.fixture(scope="session")
def opensearch_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The session's 2-node cluster (started once; stopped at the end if started here)."""
    url = cluster_url()
    keep_caches_in(tmp_path_factory)
    yield url
    stop_cluster()


@pytest.fixture(scope="module", params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """The engine under test."""
    if request.param == "opensearch":
        request.getfixturevalue("opensearch_cluster")
    return str(request.param)


@pytest.fixture
def location(engine: str, tmp_path: Path) -> Iterator[Callable[[], str]]:
    """A factory of fresh index locations on the engine under test (dropped after the test)."""
    made: list[str] = []

    def fresh() -> str:
        where = make_location(engine, tmp_path)
        made.append(where)
        return where

    yield fresh
    for where in made if engine == "opensearch" else ():
        name = where.rsplit("/", 1)[1]
        drop_indexes(f"{name}-v*,{name}.control")


@pytest.fixture
def index(location: Callable[[], str]) -> NewsIndex:
    """A new, empty index on the engine under test."""
    return NewsIndex.create(location())
