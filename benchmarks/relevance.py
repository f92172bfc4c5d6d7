"""Side-by-side relevance benchmark: newsearch vs. Whoosh, SQLite FTS5, Tantivy, bm25s, Lucene.

Usage: python benchmarks/relevance.py [--sets time-dev,cran] [--engines ...] [--lucene]
[--lucene-port 9270] [--data DIR] [--json OUT] [--runs DIR]

--lucene adds the Lucene BM25 peers (lucene_peer.py: k1 .9 b .4 and k1 1.2 b .75 on a one-node
OpenSearch cluster started for the run; Java 17 + Maven, see cluster/README.md).

--runs writes each engine's ranking as DIR/<set>.<engine>.run (trec_eval format), for a paired
test against newsearch: `newsearch eval ... --compare DIR/cisi.bm25s.run`.

Data: <repo>/../shared/data/retrieval (or $NEWSEARCH_DATA/retrieval, or --data); each set holds
docs.jsonl, queries.tsv and qrels.txt. The data is read by path and never copied here.

Scoring uses ir-measures (pytrec_eval backend = trec_eval code). MAP is AP@1000 (trec_eval's
"map" with the default 1000-document cutoff). Queries with no judged relevant document (grade > 0)
are left out, as trec_eval does for queries missing from the qrels; a judged query that an engine
answers with nothing scores 0 (ir-measures' default, i.e. `trec_eval -c`), so an engine cannot gain
by returning nothing. Every engine searches the same docs (title + text) with the same queries.
Extra: pip install whoosh3 nltk ir-measures tantivy bm25s PyStemmer
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import lucene_peer
import relevance_peers as peers
from relevance_peers import Doc, K, Searcher

Run = dict[str, dict[str, float]]
Qrels = dict[str, dict[str, int]]

SETS = ["time-dev", "cran", "cisi", "cacm", "med"]


def load_collection(path: str | Path) -> tuple[list[Doc], dict[str, str], Qrels]:
    """Read docs.jsonl, queries.tsv and qrels.txt of one test collection."""
    path = Path(path)
    with open(path / "docs.jsonl", encoding="utf-8") as f:
        docs = [json.loads(line) for line in f if line.strip()]
    queries: dict[str, str] = {}
    for line in (path / "queries.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip():
            qid, _, text = line.partition("\t")
            queries[qid.strip()] = text.strip()
    qrels: Qrels = {}
    for line in (path / "qrels.txt").read_text(encoding="utf-8").splitlines():
        if line.strip():
            qid, _, docid, grade = line.split()
            qrels.setdefault(qid, {})[docid] = int(grade)
    return docs, queries, qrels


def evaluate(run: Run, qrels: Qrels) -> dict[str, float]:
    """Score a run with trec_eval definitions: nDCG@10, MAP (top 1000), P@10, R@100."""
    import ir_measures
    from ir_measures import AP, P, R, nDCG

    judged = {q: d for q, d in qrels.items() if any(g > 0 for g in d.values())}
    run = {q: {d: float(s) for d, s in docs.items()} for q, docs in run.items() if docs}
    names = {nDCG @ 10: "nDCG@10", AP @ K: "MAP", P @ 10: "P@10", R @ 100: "R@100"}
    agg = ir_measures.calc_aggregate(list(names), judged, run)
    return {names[m]: float(v) for m, v in agg.items()} | {"queries": float(len(judged))}


ENGINES: dict[str, Callable[[list[Doc], str, Path], Searcher]] = {
    "whoosh-default": peers.whoosh_default,
    "whoosh-snowball-tuned": peers.whoosh_snowball_tuned,
    "fts5": peers.fts5,
    "tantivy": peers.tantivy_en,
    "bm25s": peers.bm25s_default,
    "newsearch": peers.newsearch,
} | lucene_peer.engines(K)
# The Lucene peers need a JVM cluster (10-15 s to start, 512 MB heap): by name or with --lucene.
DEFAULT = [e for e in ENGINES if e not in lucene_peer.SETTINGS]


def write_run(run: Run, out: Path, tag: str) -> None:
    """One engine's ranking in trec_eval's run format, best first per query."""
    lines = []
    for qid, docs in run.items():
        ranked = sorted(docs.items(), key=lambda kv: (-kv[1], kv[0]))
        lines += [f"{qid} Q0 {d} {i} {s:.6g} {tag}\n" for i, (d, s) in enumerate(ranked, 1)]
    out.write_text("".join(lines), encoding="utf-8")


def run_engine(
    name: str,
    path: Path,
    docs: list[Doc],
    queries: dict[str, str],
    qrels: Qrels,
    runs: Path | None = None,
) -> dict[str, float] | None:
    """Build one engine on a set, run all queries, return metrics plus timings (None = skipped)."""
    with tempfile.TemporaryDirectory(prefix=f"rel-{name}-") as tmp:
        t0 = time.perf_counter()
        try:
            search = ENGINES[name](docs, tmp, path)
        except ImportError as e:
            print(
                f"  skip {name}: {e} (pip install it, or `pip install -e .` for newsearch)",
                file=sys.stderr,
            )
            return None
        except lucene_peer.Unavailable as e:
            print(f"  skip {name}: {e}", file=sys.stderr)
            return None
        t1 = time.perf_counter()
        run: Run = {}
        slowest = 0.0
        for qid, q in queries.items():
            t = time.perf_counter()
            run[qid] = {}
            for docid, score in search(q):  # keep the first (best) score of a duplicate id
                run[qid].setdefault(docid, float(score))
            slowest = max(slowest, time.perf_counter() - t)
        t2 = time.perf_counter()
    if runs is not None:
        write_run(run, runs / f"{path.name}.{name}.run", name)
    return evaluate(run, qrels) | {"build_s": t1 - t0, "query_s": t2 - t1, "max_q_s": slowest}


def table(
    results: dict[str, dict[str, Any]], engines: list[str], metrics: list[str], fmt: str = ".3f"
) -> str:
    """Render rows = sets, columns = engine x metric ("-" where an engine was skipped)."""
    w = max(8, *(len(m) + 1 for m in metrics))
    # Each column as wide as its engine's full name: cut to 15 characters, whoosh-snowball-tuned
    # lost "tuned" and lucene-bm25-0.9-0.4 its b.
    cw = [max(len(metrics) * w, len(e) + 1) for e in engines]
    head1 = f"{'':9}" + "".join(f"| {e:<{c - 1}}" for e, c in zip(engines, cw, strict=True))
    head2 = f"{'set':9}" + "".join(f"|{''.join(f'{m:>{w}}' for m in metrics):>{c}}" for c in cw)
    lines = [head1, head2, "-" * len(head2)]
    for s, res in results.items():
        cells = [
            "".join(f"{res[e][m]:>{w}{fmt}}" if res.get(e) else f"{'-':>{w}}" for m in metrics)
            for e in engines
        ]
        lines.append(f"{s:9}" + "".join(f"|{x:>{c}}" for x, c in zip(cells, cw, strict=True)))
    return "\n".join(lines)


def best_lines(results: dict[str, dict[str, Any]], metrics: list[str]) -> str:
    """One line per set: best peer (newsearch excluded) per metric, and whether newsearch >= it."""
    lines = []
    for s, res in results.items():
        parts, ns = [], res.get("newsearch")
        for m in metrics:
            peers = {e: r[m] for e, r in res.items() if r and e != "newsearch"}
            if peers:
                top = max(peers, key=peers.__getitem__)
                ok = "not run" if not ns else f"{ns[m]:.3f} {ns[m] >= peers[top] - 1e-9}"
                parts.append(f"{m} {top} {peers[top]:.3f} (newsearch >= best: {ok})")
        lines.append(f"{s:9} best peer: " + "; ".join(parts))
    return "\n".join(lines)


def default_data() -> Path:
    """Data directory: $NEWSEARCH_DATA/retrieval, else <repo>/../shared/data/retrieval."""
    if os.environ.get("NEWSEARCH_DATA"):
        return Path(os.environ["NEWSEARCH_DATA"]) / "retrieval"
    return Path(__file__).resolve().parents[1].parent / "shared" / "data" / "retrieval"


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", default=",".join(SETS))
    ap.add_argument("--engines", default=",".join(DEFAULT), help=f"any of {','.join(ENGINES)}")
    ap.add_argument("--lucene", action="store_true", help="add the lucene-bm25-* engines")
    ap.add_argument("--lucene-port", type=int, default=lucene_peer.PORT, help="their HTTP port")
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--json", type=Path, default=None, help="write all numbers here")
    ap.add_argument("--runs", type=Path, default=None, help="write trec_eval run files here")
    a = ap.parse_args(argv)
    data = a.data or default_data()
    engines = [e.strip() for e in a.engines.split(",") if e.strip()]
    engines += [e for e in lucene_peer.SETTINGS if a.lucene and e not in engines]
    if unknown := [e for e in engines if e not in ENGINES]:
        ap.error(f"unknown engines {unknown}; choose from {list(ENGINES)}")
    sets = [x.strip() for x in a.sets.split(",") if x.strip()]
    for missing in [s for s in sets if not (data / s / "docs.jsonl").exists()]:
        print(f"skip set {missing}: no {data / missing / 'docs.jsonl'}", file=sys.stderr)
        sets.remove(missing)
    if not sets:
        print(f"no data under {data}", file=sys.stderr)
        return 1
    if a.runs:
        a.runs.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict[str, Any]] = {}
    # One cluster for all sets, stopped when the block ends (also on an error or SIGTERM).
    with lucene_peer.cluster(any(e in lucene_peer.SETTINGS for e in engines), a.lucene_port):
        for s in sets:
            docs, queries, qrels = load_collection(data / s)
            print(f"{s}: {len(docs)} docs, {len(queries)} queries", file=sys.stderr)
            results[s] = {e: run_engine(e, data / s, docs, queries, qrels, a.runs) for e in engines}
    print(
        table(results, engines, ["nDCG@10", "MAP"]),
        best_lines(results, ["nDCG@10", "MAP"]),
        "",
        table(results, engines, ["P@10", "R@100"]),
        "",
        "seconds: index build, all queries",
        table(results, engines, ["build_s", "query_s"], ".2f"),
        "slowest single query (s): "
        + ", ".join(
            f"{e} {max(r[e]['max_q_s'] for r in results.values() if r.get(e)):.3f}"
            for e in engines
            if any(r.get(e) for r in results.values())
        ),
        sep="\n",
    )
    if a.json:
        a.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
