"""The two engines side by side through the same NewsIndex API: Whoosh folder vs OpenSearch.

Usage: python benchmarks/opensearch_bench.py [--url http://127.0.0.1:9200] [--docs 5000]
[--queries 300] [--data DIR]

Indexes the first --docs Reuters-21578 articles (../shared/data/corpora, read by path) into a
Whoosh folder and into an OpenSearch alias on the cluster at --url (start one with
`cluster/opensearch.sh start --nodes 2`), then runs the same seeded queries on both and reports
indexing throughput, query latency p50/p95 (warm, one thread, snippets on) and how far the two
rankings agree (top-10 overlap, and top-1 equal). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from newsearch import NewsIndex

ROOT = Path(__file__).resolve().parent.parent
WORD = re.compile(r"[a-z]{4,}")


def corpus(data: Path, limit: int, out: Path) -> list[dict[str, str]]:
    """The first ``limit`` Reuters articles, written as one JSON Lines file."""
    docs: list[dict[str, str]] = []
    with (data / "corpora" / "reuters21578" / "docs.jsonl").open(encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            text = r.get("body") or r.get("text") or ""
            if text.strip():
                docs.append({"id": str(r["id"]), "title": r.get("title", ""), "text": text})
            if len(docs) >= limit:
                break
    out.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    return docs


def queries(docs: list[dict[str, str]], n: int) -> list[str]:
    """N queries of 1-4 words drawn from the articles themselves (seeded: always the same)."""
    rng = random.Random(42)
    out = []
    while len(out) < n:
        words = sorted(set(WORD.findall(rng.choice(docs)["text"].lower())))
        if words:
            out.append(" ".join(rng.sample(words, min(len(words), rng.randint(1, 4)))))
    return out


def measure(ix: NewsIndex, dump: Path, qs: list[str]) -> tuple[float, list[float], list[list[str]]]:
    """Indexing docs/s, per-query seconds, and each query's top-10 ids."""
    start = time.perf_counter()
    report = ix.add_files([dump])
    rate = report.indexed / (time.perf_counter() - start)
    ix.search(qs[0])  # warm
    took, tops = [], []
    for q in qs:
        t = time.perf_counter()
        tops.append([h.id for h in ix.search(q, limit=10).hits])
        took.append(time.perf_counter() - t)
    return rate, took, tops


def main() -> int:
    """Run the comparison and print a Markdown table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", default="http://127.0.0.1:9200")
    ap.add_argument("--docs", type=int, default=5000)
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    a = ap.parse_args()
    if not (a.data / "corpora" / "reuters21578").is_dir():
        print(f"no Reuters corpus under {a.data}/corpora", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "reuters.jsonl"
        docs = corpus(a.data, a.docs, dump)
        qs = queries(docs, a.queries)
        host = a.url.split("//", 1)[-1].rstrip("/")
        where = {"whoosh": str(Path(tmp) / "ix"), "opensearch": f"opensearch://{host}/bench"}
        rows, tops = [], {}
        for name, loc in where.items():
            ix = NewsIndex.create(loc, overwrite=True)
            rate, took, tops[name] = measure(ix, dump, qs)
            ms = sorted(t * 1000 for t in took)
            p95 = ms[int(len(ms) * 0.95) - 1]
            rows.append(f"| {name} | {rate:,.0f} | {statistics.median(ms):.1f} | {p95:.1f} |")
            ix.close()
    pairs = list(zip(tops["whoosh"], tops["opensearch"], strict=True))
    overlap = statistics.mean(len(set(w) & set(o)) / max(1, len(w)) for w, o in pairs)
    first = statistics.mean(float(w[:1] == o[:1]) for w, o in pairs)
    print(f"{len(docs)} Reuters articles, {len(qs)} queries\n")
    print("| engine | docs/s indexed | query p50 ms | query p95 ms |\n|---|---|---|---|")
    print("\n".join(rows))
    print(f"\nrankings: top-10 overlap {overlap:.1%}, same top hit {first:.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
