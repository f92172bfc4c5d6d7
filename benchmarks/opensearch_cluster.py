"""The local clusters opensearch_bench.py starts and stops, and small HTTP calls to any cluster.

A cluster is started through cluster/opensearch.sh with its own work dir and ports (default
HTTP 9250+K, transport 9350+K), so it never meets the test suite's cluster on 9200, and it is
stopped by that script (by the pids it recorded) when the block ends, also on SIGTERM.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).resolve().parents[1] / "cluster" / "opensearch.sh"
TRANSPORT_OFFSET = 100  # transport ports sit 100 above the HTTP ports: 9250 -> 9350


def _terminated(signum: int, frame: object) -> None:
    # A SIGTERM unwinds like an exception, so the cluster blocks below stop their nodes.
    sys.exit(128 + signum)


@contextmanager
def started(nodes: int, port: int) -> Iterator[str]:
    """Start an N-node cluster in a fresh temp work dir; yield its base URL; stop it after."""
    work = Path(tempfile.mkdtemp(prefix=f"osbench-cluster{nodes}-"))
    env = os.environ | {
        "NEWSEARCH_CLUSTER_DIR": str(work),
        "NEWSEARCH_CLUSTER_HTTP_PORT": str(port),
        "NEWSEARCH_CLUSTER_TRANSPORT_PORT": str(port + TRANSPORT_OFFSET),
        "NEWSEARCH_CLUSTER_NAME": f"newsearch-bench-{nodes}",
    }
    previous = signal.signal(signal.SIGTERM, _terminated)
    try:
        print(f"  starting a {nodes}-node cluster (work dir {work}) ...", file=sys.stderr)
        out = subprocess.run(
            [str(SCRIPT), "start", "--nodes", str(nodes), "--fresh"],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
            check=True,
        )
        yield out.stdout.strip().splitlines()[-1]
    finally:
        subprocess.run([str(SCRIPT), "stop"], env=env, check=False)
        signal.signal(signal.SIGTERM, previous)
        shutil.rmtree(work, ignore_errors=True)


def call(url: str, path: str, method: str = "GET", body: Any = None) -> Any:
    """One request to the cluster: a str body as NDJSON (_bulk), any other as JSON; the JSON
    answer (None for a 404)."""
    data, ctype = None, "application/json"
    if isinstance(body, str):
        data, ctype = body.encode("utf-8"), "application/x-ndjson"
    elif body is not None:
        data = json.dumps(body).encode("utf-8")
    req = urllib.request.Request(
        url.rstrip("/") + path, data, {"Content-Type": ctype}, method=method
    )
    try:
        with urllib.request.urlopen(req, timeout=120) as resp:
            return json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        detail = exc.read()[:500].decode("utf-8", "replace")
        raise RuntimeError(f"{method} {path}: HTTP {exc.code}: {detail}") from exc


def health(url: str) -> str:
    """The cluster's health in a few words: status, nodes, shards active and unassigned."""
    h = call(url, "/_cluster/health")
    return (
        f"{h['status']}, {h['number_of_nodes']} node(s), {h['active_shards']} shard copies "
        f"active, {h['unassigned_shards']} unassigned"
    )


def nodes_of(url: str) -> int:
    """How many nodes the cluster at ``url`` has."""
    return int(call(url, "/_cluster/health")["number_of_nodes"])


def drop(url: str, alias: str) -> None:
    """Delete the versioned indexes behind an alias and its control index (a benchmark's own)."""
    for index in call(url, f"/_alias/{alias}") or {}:
        call(url, f"/{index}", "DELETE")
    call(url, f"/{alias}.control", "DELETE")
