"""The OpenSearch engine beside the Whoosh engine, through the same NewsIndex API and CLI.

Usage: python benchmarks/opensearch_bench.py [--nodes 2,1 | --url URL] [--port 9250]
[--scale 1,10] [--skip-scale10] [--queries 1000] [--docs N] [--budget 360]
[--collections time-dev,cran,cisi,cacm,med] [--data DIR] [--out FILE]

Indexes Reuters-21578 (and Reuters x10: every record again under new ids ``ID.K``, written to a
temp file) with ``NewsIndex.create(loc).add_files([path])`` (cleaning included) into a Whoosh
folder and into a 2-node and a 1-node local cluster that this script starts and stops with
cluster/opensearch.sh (own work dir, HTTP ports --port+K; --url uses a running cluster
instead). On each: warm latency with snippets over speed.py's seeded queries (its
make_queries), the fresh-process CLI query (median of 10), and the top-10 agreement with
Whoosh. Then ``newsearch -i LOC eval`` on the dev collections on Whoosh and on the first
cluster. Data is read by path under ../shared/data (or --data / $NEWSEARCH_DATA).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import opensearch_cluster as oc
from opensearch_report import WHOOSH, report
from speed import RULE, SEED, default_data, fresh, make_queries
from speed_engines import read_corpus

from newsearch import IndexProgress, NewsearchError, NewsIndex

COLLECTIONS = "time-dev,cran,cisi,cacm,med"
WARMUP = 20  # queries before timing starts, as in speed.py
COMMIT = 5000  # articles per commit: the writer's default, named so --budget can stop on one


def corpus(src: Path, docs: int | None, scale: int, tmp: Path) -> tuple[Path, int]:
    """The JSON Lines file to index and its record count: the source itself, or a temp copy
    holding its first ``docs`` records, each ``scale`` times (ids ``ID.K``, as speed.py does)."""
    lines = [x for x in src.read_text(encoding="utf-8").splitlines() if x.strip()][:docs]
    if docs is None and scale == 1:
        return src, len(lines)
    dest = tmp / f"reuters-x{scale}.jsonl"
    with dest.open("w", encoding="utf-8") as f:
        if scale == 1:
            f.writelines(x + "\n" for x in lines)
        else:
            recs = [json.loads(x) for x in lines]
            for k in range(scale):
                f.writelines(json.dumps(r | {"id": f"{r['id']}.{k}"}) + "\n" for r in recs)
    return dest, len(lines) * scale


def build(loc: str, path: Path, budget: float | None) -> dict[str, Any]:
    """Create the index and add the file, timed; stopped after ``budget`` seconds if given."""
    start = time.perf_counter()
    stopped: list[float] = []

    def tick(p: IndexProgress) -> None:
        # A fresh index adds every article, so a multiple of COMMIT means "just committed":
        # stopping there keeps all that was read, and articles / seconds is the true rate.
        late = budget is not None and time.perf_counter() - start > budget
        if late and p.articles and p.articles % COMMIT == 0 and not stopped:
            stopped.append(time.perf_counter() - start)
            raise KeyboardInterrupt

    ix = NewsIndex.create(loc, overwrite=True)
    try:
        report = ix.add_files([path], progress=tick, commit_every=COMMIT)
    except KeyboardInterrupt as exc:
        if not stopped or not hasattr(exc, "report"):
            raise
        report = exc.report
    seconds = stopped[0] if stopped else time.perf_counter() - start
    held = ix.stats().documents
    ix.close()
    return {"seconds": seconds, "written": report.added, "held": held, "complete": not stopped}


def warm(loc: str, queries: list[str]) -> tuple[list[float], list[list[str]]]:
    """Per-query ms of search(q, limit=10) with snippets read, and each query's top-10 ids."""
    ix = NewsIndex.open(loc)
    for q in queries[:WARMUP]:
        ix.search(q, limit=10)
    took, tops = [], []
    for q in queries:
        t = time.perf_counter()
        hits = ix.search(q, limit=10).hits
        _ = [h.snippet for h in hits]
        took.append((time.perf_counter() - t) * 1000)
        tops.append([h.id for h in hits])
    ix.close()
    return took, tops


def cli() -> list[str]:
    """The newsearch command of this interpreter's environment."""
    exe = shutil.which("newsearch", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "newsearch"]


def measure(
    loc: str, path: Path, records: int, queries: list[str], budget: float | None
) -> dict[str, Any]:
    """Index, then warm queries and the fresh-process CLI query on one index."""
    print(f"  {loc}: indexing {records:,} records ...", file=sys.stderr, flush=True)
    r: dict[str, Any] = build(loc, path, budget) | {"records": records}
    r["rate"] = (records if r["complete"] else r["written"]) / r["seconds"]
    r["ms"], r["tops"] = warm(loc, queries)
    try:
        r["fresh"] = fresh([*cli(), "-i", loc, "query"], queries)
    except subprocess.CalledProcessError as exc:  # the numbers above still count
        r["fresh"], r["error"] = None, f"fresh CLI query: {exc} {exc.stderr!r:.300}"
    return r


def evaluate(loc: str, folder: Path) -> dict[str, float]:
    """Build the collection's index at ``loc`` with the API, then `newsearch -i LOC eval`."""
    ix = NewsIndex.create(loc, overwrite=True)
    ix.add_files([folder / "docs.jsonl"])
    ix.close()
    argv = [*cli(), "-i", loc, "eval", "--json"]
    argv += ["--queries", str(folder / "queries.tsv"), "--qrels", str(folder / "qrels.txt")]
    out = subprocess.run(argv, capture_output=True, text=True, check=True)
    scores: dict[str, float] = json.loads(out.stdout)
    return scores


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line."""
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--nodes", default="2,1", help="clusters to start, one after the other")
    ap.add_argument("--url", help="use this running cluster (nothing started or stopped)")
    ap.add_argument("--port", type=int, default=9250, help="HTTP base port of started clusters")
    ap.add_argument("--scale", default="1,10", help="Reuters repeated K times (new ids)")
    ap.add_argument("--skip-scale10", action="store_true", help="leave out every scale > 1")
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--docs", type=int, default=None, help="first N Reuters records only")
    ap.add_argument("--budget", type=float, default=None, help="cap a cluster's indexing (s)")
    ap.add_argument("--collections", default=COLLECTIONS, help="'' for none")
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "opensearch.md")
    return ap.parse_args(argv)


@contextmanager
def cluster(spec: int | str, port: int) -> Iterator[tuple[str, str]]:
    """(base URL, column label) of the --url cluster, or of an N-node cluster started here."""
    if isinstance(spec, str):
        n = oc.nodes_of(spec)
        yield spec, f"OpenSearch {n} node{'s' if n > 1 else ''} ({spec})"
        return
    with oc.started(spec, port) as url:
        yield url, f"OpenSearch {spec} node{'s' if spec > 1 else ''}"


class Runner:
    """Every measurement of one invocation; a step that fails is noted and the rest go on."""

    def __init__(self, argv: list[str], a: argparse.Namespace, src: Path, tmp: Path) -> None:
        """Prepare the corpora (temp copies under ``tmp``) and the seeded queries."""
        self.argv, self.a, self.tmp = argv, a, tmp
        self.started = time.perf_counter()
        self.data: Path = a.data or default_data()
        scales = [int(k) for k in a.scale.split(",") if k.strip()]
        scales = [k for k in scales if k == 1 or not a.skip_scale10]
        self.files = {k: corpus(src, a.docs, k, tmp) for k in scales}
        docs = list(read_corpus("reuters", str(src)))[: a.docs]
        self.queries = make_queries([d for d in docs if d["body"]], a.queries)
        self.runs: dict[int, dict[str, dict[str, Any]]] = {k: {} for k in self.files}
        self.colls = [c.strip() for c in a.collections.split(",") if c.strip()]
        self.scores: dict[str, dict[str, dict[str, float]]] = {c: {} for c in self.colls}
        self.failed: list[str] = []

    def text(self, done: bool) -> str:
        """The report so far (written after every step, so a stopped run leaves its numbers)."""
        records = {k: n for k, (_, n) in self.files.items()}
        rule = f"seed {SEED}; {RULE.format(seed=SEED)}"
        args = (self.argv, len(self.queries), rule, WARMUP)
        md = report(*args, self.runs, records, self.scores, self.failed)
        took = f"{time.perf_counter() - self.started:.0f} s"
        md += ["", f"Total runtime {took}." if done else f"(still running after {took})"]
        self.a.out.parent.mkdir(parents=True, exist_ok=True)
        self.a.out.write_text("\n".join(md) + "\n", encoding="utf-8")
        return "\n".join(md)

    def attempt(self, what: str, fn: Callable[..., Any], *args: Any) -> Any:
        """fn(*args), or None with the failure noted for the report (a bug shows in full)."""
        try:
            return fn(*args)
        except (OSError, subprocess.CalledProcessError, NewsearchError) as exc:
            err = str(getattr(exc, "stderr", "") or "").strip()[-300:]
            why = f"{type(exc).__name__}: {exc} {err}".strip()
            print(f"  {what} failed: {why}", file=sys.stderr)
            self.failed.append(f"{what}: {why}")
            return None

    def engine(self, label: str, loc_of: Callable[[str], str], url: str = "") -> None:
        """The corpora, then the collections (if ``colls``), on one engine."""
        for k, (path, n) in self.files.items():
            # The budget bounds the clusters only: the Whoosh baseline always runs to its end.
            budget = self.a.budget if url else None
            args = (loc_of(f"nsbench-x{k}"), path, n, self.queries, budget)
            r = self.attempt(f"{label}, Reuters x{k}", measure, *args)
            if r is not None:
                self.runs[k][label] = r | ({"health": oc.health(url)} if url else {})
                if r.get("error"):
                    self.failed.append(f"{label}, Reuters x{k}: {r['error']}")
                self.text(done=False)
            if url:
                oc.drop(url, f"nsbench-x{k}")
        for c in self.colls:
            loc = loc_of(f"nsbench-eval-{c}")
            s = self.attempt(f"{label}, eval {c}", evaluate, loc, self.data / "retrieval" / c)
            if s is not None:
                self.scores[c][label] = s
                self.text(done=False)
            if url:
                oc.drop(url, f"nsbench-eval-{c}")

    def run(self) -> None:
        """Whoosh first (no JVM running beside it), then each cluster in turn."""
        self.engine(WHOOSH, lambda name: str(self.tmp / name))
        nodes = [int(n) for n in self.a.nodes.split(",") if n.strip()]
        specs: list[int | str] = [self.a.url] if self.a.url else list(nodes)
        for i, spec in enumerate(specs):
            if i == 1:
                self.colls = []  # eval runs on the first cluster only
            try:
                with cluster(spec, self.a.port) as (url, label):
                    host = url.split("//", 1)[-1].rstrip("/")
                    self.engine(label, _cluster_locations(host), url)
            except (subprocess.CalledProcessError, OSError, RuntimeError) as exc:
                print(f"  cluster {spec} failed: {exc}", file=sys.stderr)
                self.failed.append(f"cluster {spec}: {type(exc).__name__}: {exc}")


def _cluster_locations(host: str) -> Callable[[str], str]:
    return lambda name: f"opensearch://{host}/{name}"


def main(argv: list[str] | None = None) -> int:
    """Run every measurement and print one Markdown report."""
    args = sys.argv[1:] if argv is None else argv
    a = parse_args(args)
    src = (a.data or default_data()) / "corpora" / "reuters21578" / "docs.jsonl"
    if not src.exists():
        print(f"no Reuters corpus at {src}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="osbench-") as tmp:
        # The clusters' local index caches go with the run, not into ~/.cache.
        os.environ["NEWSEARCH_CACHE_DIR"] = str(Path(tmp) / "cache")
        r = Runner(args, a, src, Path(tmp))
        r.run()
    print(r.text(done=True))
    print(f"written to {a.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
