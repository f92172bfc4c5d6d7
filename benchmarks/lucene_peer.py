"""Lucene BM25 peers for relevance.py: the issue's Anserini baselines, run on local OpenSearch.

Pyserini/Anserini need Java 21 and this machine has 17; OpenSearch 2.19 is Lucene 9.12 with the
same BM25 and analysis, so one single-node cluster (cluster/opensearch.sh through
opensearch_cluster.started, own work dir, HTTP port 9270) is started once per relevance.py run
when a lucene-* engine is selected, and stopped when the run ends, also on an error or SIGTERM.

Per collection and setting, one index (1 shard, so collection statistics are exact; 0 replicas)
with one text field ``body`` = title + " " + text, analyzed by OpenSearch's built-in ``english``
analyzer. That is Lucene's EnglishAnalyzer: standard tokenizer, English possessive, lowercase,
Lucene's 33 English stop words, Porter. Anserini's DefaultEnglishAnalyzer.newDefaultInstance() is
that same chain (possessive filter included), so the built-in analyzer is the exact match; a
custom one would only restate it. Similarity BM25 with k1/b in the index settings; queries are
the raw text in a ``match`` query (OR of the analyzed words), size 1000. OpenSearch's BM25 is
Lucene's LegacyBM25Similarity: scores are (k1 + 1) x Anserini's, the ranking is the same.
There is no RM3 in OpenSearch, so the issue's RM3 rows have no peer here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import opensearch_cluster as oc

Doc = dict[str, str]
Searcher = Callable[[str], list[tuple[str, float]]]
Builder = Callable[[list[Doc], str, Path], Searcher]

# 9200 is the test suite's cluster and 9250-9260 opensearch_bench.py's; transport port +100.
PORT = 9270
SETTINGS = {"lucene-bm25-0.9-0.4": (0.9, 0.4), "lucene-bm25-1.2-0.75": (1.2, 0.75)}
BULK = 1000  # documents per _bulk request: cacm's 3,204 docs (1.7 MB of JSON) in 4 requests
FIELD = "body"


class Unavailable(Exception):
    """The Lucene peers cannot run: no cluster was started, or it failed to start."""


class _Cluster:
    url: str | None = None
    why = "no cluster started (relevance.py starts one when a lucene-* engine is selected)"


CLUSTER = _Cluster()


@contextmanager
def cluster(wanted: bool, port: int = PORT) -> Iterator[str | None]:
    """Start a one-node cluster for the Lucene peers if ``wanted``; yield its URL; stop it after."""
    with ExitStack() as stack:
        if wanted:
            try:
                CLUSTER.url = stack.enter_context(oc.started(1, port))
            except subprocess.CalledProcessError as exc:
                CLUSTER.why = f"no cluster: opensearch.sh start exited {exc.returncode} (see above)"
            except OSError as exc:
                CLUSTER.why = f"no cluster: {exc}"
            print(f"  Lucene peers: {CLUSTER.url or CLUSTER.why}", file=sys.stderr)
        try:
            yield CLUSTER.url
        finally:
            CLUSTER.url = None


def index_body(k1: float, b: float) -> dict[str, Any]:
    """Settings and mapping of one peer index: one english-analyzed field scored by BM25(k1, b)."""
    return {
        "settings": {
            "index": {
                "number_of_shards": 1,
                "number_of_replicas": 0,
                "refresh_interval": -1,  # refreshed once, after the last bulk request
                "similarity": {"peer_bm25": {"type": "BM25", "k1": k1, "b": b}},
            }
        },
        "mappings": {
            "_source": {"enabled": False},  # hits are named by _id = the collection's doc id
            "properties": {
                FIELD: {"type": "text", "analyzer": "english", "similarity": "peer_bm25"}
            },
        },
    }


def build_index(url: str, name: str, docs: list[Doc], k1: float, b: float) -> None:
    """(Re)create index ``name`` holding ``docs``, refreshed, its document count checked."""
    oc.call(url, f"/{name}", "DELETE")  # a leftover from an interrupted run; None if absent
    oc.call(url, f"/{name}", "PUT", index_body(k1, b))
    for i in range(0, len(docs), BULK):
        lines = []
        for d in docs[i : i + BULK]:
            body = f"{d.get('title') or ''} {d.get('text') or ''}"
            lines += [json.dumps({"index": {"_id": d["id"]}}), json.dumps({FIELD: body})]
        answer = oc.call(url, f"/{name}/_bulk", "POST", "\n".join(lines) + "\n")
        if answer["errors"]:
            bad = next(it["index"] for it in answer["items"] if "error" in it["index"])
            raise RuntimeError(f"bulk indexing into {name} failed: {bad}")
    oc.call(url, f"/{name}/_refresh", "POST")
    count = oc.call(url, f"/{name}/_count")["count"]
    if count != len(docs):
        raise RuntimeError(f"{name} holds {count} documents, not {len(docs)} (duplicate ids?)")


def bm25(k1: float, b: float, k: int) -> Builder:
    """A relevance.py engine: Lucene BM25(k1, b), english analyzer, match (OR) query, top k."""

    def build(docs: list[Doc], tmp: str, path: Path) -> Searcher:
        url = CLUSTER.url
        if url is None:
            raise Unavailable(CLUSTER.why)
        name = f"relevance-{path.name.lower()}-bm25-{k1}-{b}"
        build_index(url, name, docs, k1, b)

        def search(q: str) -> list[tuple[str, float]]:
            body = {
                "query": {"match": {FIELD: q}},
                "size": k,
                "track_total_hits": False,
                "_source": False,
            }
            hits = oc.call(url, f"/{name}/_search", "POST", body)["hits"]["hits"]
            return [(h["_id"], float(h["_score"])) for h in hits]

        return search

    build.__doc__ = f"Lucene BM25(k1={k1}, b={b}) on a local OpenSearch node, english analyzer."
    return build


def engines(k: int) -> dict[str, Builder]:
    """The Lucene peers by engine name, each returning the top ``k``."""
    return {name: bm25(k1, b, k) for name, (k1, b) in SETTINGS.items()}
