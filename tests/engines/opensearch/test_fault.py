"""A node of the 2-node cluster stops in the middle of a bulk run: nothing may be lost."""

from __future__ import annotations

import json
import subprocess

import pytest
from contract.conftest import SCRIPT

from newsearch import IndexProgress, NewsearchError, NewsIndex

ARTICLES = 3000
BATCH = 250  # twelve commits: node 1 stops from the second on, and is gone from the sixth


def health(ix: NewsIndex, wait: str | None = None) -> str:
    """The cluster's status (after waiting for ``wait``, when given, up to 60 s)."""
    params = {"wait_for_status": wait, "timeout": "60s"} if wait else {}
    got = ix._engine._client.cluster.health(params=params, request_timeout=90)
    return str(got["status"])


@pytest.mark.slow
def test_a_node_stopped_during_bulk_indexing_loses_no_article(fresh, tmp_path):
    dump = tmp_path / "wire.jsonl"
    with dump.open("w", encoding="utf-8") as out:
        for i in range(ARTICLES):
            words = " ".join(f"w{i}x{j}" for j in range(40))  # distinct: no near-duplicates
            record = {"id": f"a{i}", "title": f"Report {i} tag{i}", "text": f"{words} harbour."}
            out.write(json.dumps(record) + "\n")
    ix = NewsIndex.create(fresh())
    assert health(ix, wait="green") == "green"  # the new index's replicas are started
    stopping: list[subprocess.Popen[bytes]] = []

    def progress(p: IndexProgress) -> None:
        written = p.articles
        if written >= 2 * BATCH and not stopping:
            # In the background: the run goes on writing while node 1 shuts down ...
            stopping.append(
                subprocess.Popen([str(SCRIPT), "stop-node", "1"], stdout=subprocess.DEVNULL)
            )
        elif written >= 6 * BATCH and stopping:
            stopping[0].wait()  # ... and the last six batches go to a cluster without it

    try:
        try:
            report = ix.add_files([dump], commit_every=BATCH, progress=progress)
        except NewsearchError as exc:  # reported, not lost: the same command finishes the job
            print(f"first run stopped: {exc}")
            report = ix.add_files([dump], commit_every=BATCH)
        assert stopping and stopping[0].wait() == 0
        assert not report.failed
        # Node 1 is down: its shards' replicas on node 0 answer, every article is there.
        assert health(ix) == "yellow"
        assert ix.stats().documents == ARTICLES
        assert ix.search("harbour").total == ARTICLES
        assert [h.record_id for h in ix.search("tag2999").hits] == ["a2999"]
        again = ix.add_files([dump], commit_every=BATCH)  # a re-run finds nothing left to do
        assert again.unchanged == ARTICLES and again.added == again.updated == 0
    finally:
        subprocess.run([str(SCRIPT), "start-node", "1"], check=True, stdout=subprocess.DEVNULL)
    assert health(ix) == "green"  # start-node waits for green
    assert {a.record_id for a in ix.articles()} == {f"a{i}" for i in range(ARTICLES)}
