"""Side-by-side speed benchmark: newsearch vs. plain Whoosh, SQLite FTS5, Tantivy and bm25s.

Usage: python benchmarks/speed.py [--corpus reuters,bbc] [--queries 1000] [--engines ...]
[--scale 1,10] [--long cisi,cacm] [--data DIR] [--out benchmarks/results/speed.md]

Data: <repo>/../shared/data/corpora (or $NEWSEARCH_DATA/corpora, or --data DIR/corpora), read by
path and never copied here. Each engine indexes in its own child process (so its peak RSS is its
own), then answers the same seeded queries warm; fresh-process latency is one query in a new
Python process (median and min of 20), newsearch's package byte-compiled first as an install
would leave it (with PYTHONDONTWRITEBYTECODE set, an editable checkout otherwise compiles
every module in every process). ``--scale 1,10`` runs Reuters once per factor (copies under new
ids; 50 is the 1M-article run); ``--long`` times the natural-language queries of IR collections
(newsearch and FTS5). The issue's goals table closes the report. Extra: pip install tantivy
bm25s PyStemmer
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from speed_engines import (  # noqa: E402
    BUILD,
    ENGINES,
    FRESH,
    NEEDS,
    Doc,
    Search,
    byte_compile_newsearch,
    long_queries,
    read_corpus,
    scaled,
)
from speed_goals import goals, long_report, pct  # noqa: E402

SEED = 42
WORD = re.compile(r"[a-z]+")
STOP_WORDS = (
    "about above after again against all also among and any are because been before being below "
    "between both but can could did does doing down during each few for from further had has "
    "have having her here hers him his how into its itself just more most mln not now off once "
    "only other our out over own said same she should some such than that the their them then "
    "there these they this those through too under until very was were what when where which "
    "while who whom why will with would you your"
)
STOP = frozenset(STOP_WORDS.split())
RULE = (
    "each query: a random document (random.Random({seed})), 1-4 distinct words sampled from its "
    "title+body (lower-cased, alphabetic, >= 3 letters, not stop words), joined by spaces"
)


def default_data() -> Path:
    """Data directory: $NEWSEARCH_DATA, else <repo>/../shared/data."""
    if os.environ.get("NEWSEARCH_DATA"):
        return Path(os.environ["NEWSEARCH_DATA"])
    return Path(__file__).resolve().parents[1].parent / "shared" / "data"


def make_queries(docs: list[Doc], n: int, seed: int = SEED) -> list[str]:
    """N queries drawn from the corpus itself (see RULE), so every one has hits."""
    rng = random.Random(seed)
    out: list[str] = []
    while len(out) < n:
        d = rng.choice(docs)
        cand = sorted(
            {w for w in WORD.findall(f"{d['title']} {d['body']}".lower()) if len(w) >= 3} - STOP
        )
        if cand:
            out.append(" ".join(rng.sample(cand, min(rng.randint(1, 4), len(cand)))))
    return out


def latency(fn: Search, queries: list[str]) -> list[float] | None:
    """Per-query milliseconds after a short warm-up (None when the engine lacks the mode)."""
    for q in queries[:20]:
        if fn(q) < 0:
            return None
    out = []
    for q in queries:
        t = time.perf_counter()
        fn(q)
        out.append((time.perf_counter() - t) * 1000)
    return out


def child(engine: str, kind: str, src: str, d: str, qfile: str, out: str) -> None:
    """In a child process: index, note peak RSS, then time warm queries; write JSON to ``out``."""
    queries = json.loads(Path(qfile).read_text())
    t = time.perf_counter()
    BUILD[engine](kind, src, d)
    res: dict[str, Any] = {"index_s": time.perf_counter() - t}
    res["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    res["rss_workers_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    res["size_mb"] = sum(p.stat().st_size for p in Path(d).rglob("*") if p.is_file()) / 2**20
    plain, snip = BUILD[engine]("open", src, d)
    res["plain"] = latency(plain, queries)
    res["snip"] = latency(snip, queries) if snip else None
    if engine == "newsearch":
        from newsearch import NewsIndex

        ix = NewsIndex.open(d)
        res["docs"] = ix.stats().documents
        t = time.perf_counter()
        ix.add_files([src])
        res["rerun_s"] = time.perf_counter() - t
    Path(out).write_text(json.dumps(res))


def fresh(argv: list[str], queries: list[str], runs: int = 10) -> float:
    """Median wall ms of one query in a new process (one untimed run first warms the OS cache)."""
    return statistics.median(fresh_runs(argv, queries, runs))


def fresh_runs(
    argv: list[str], queries: list[str], runs: int = 20, env: dict[str, str] | None = None
) -> list[float]:
    """Wall ms of one query in a new process, ``runs`` times (after one untimed run that warms
    the OS cache)."""
    times = []
    for i in range(runs + 1):
        t = time.perf_counter()
        q = queries[i % len(queries)]
        subprocess.run([*argv, q], capture_output=True, check=True, env=env)
        times.append((time.perf_counter() - t) * 1000)
    return times[1:]


def _fresh(r: dict[str, Any], key: str, argv: list[str], queries: list[str]) -> None:
    runs = fresh_runs(argv, queries)
    r[key], r[key + "_min"] = statistics.median(runs), min(runs)


def fresh_served(r: dict[str, Any], cli: list[str], d: str, queries: list[str]) -> None:
    """Fresh `newsearch query` processes while `newsearch serve` runs on the index: the CLI
    hands the search to it (newsearch.forward). The server's log must show every query."""
    with tempfile.TemporaryDirectory(prefix="run-") as run:
        env = {**os.environ, "NEWSEARCH_RUN_DIR": run}
        log = Path(run) / "serve.log"
        with log.open("w") as err:
            server = subprocess.Popen([*cli, "-i", d, "serve", "--port", "0"], env=env, stderr=err)
        try:
            deadline = time.monotonic() + 120
            while not list(Path(run).glob("*.json")):
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"newsearch serve did not start: {log.read_text()}")
                time.sleep(0.05)
            runs = fresh_runs([*cli, "-i", d, "query"], queries, env=env)
        finally:
            server.terminate()  # by its PID: SIGTERM, which serve() handles
            server.wait(60)
        served = log.read_text().count("GET /api/search")
        if served != len(runs) + 1:
            raise RuntimeError(f"the server answered {served} of {len(runs) + 1} queries")
    r["fresh_served"], r["fresh_served_min"] = statistics.median(runs), min(runs)


def run_engine(
    e: str, kind: str, src: str, tmp: str, queries: list[str], cold: bool = True
) -> dict[str, Any] | None:
    """Index and query in a child process, then time fresh-process queries against its index."""
    d, out, qfile = (os.path.join(tmp, x) for x in (e, e + ".json", "queries.json"))
    os.mkdir(d)
    Path(qfile).write_text(json.dumps(queries))
    print(f"  {kind}: {e} ...", file=sys.stderr, flush=True)
    try:
        subprocess.run(
            [sys.executable, __file__, "--child", e, kind, src, d, qfile, out], check=True
        )
        r = json.loads(Path(out).read_text())
        if not cold:
            r["fresh"] = r["fresh_api"] = None
        elif e == "newsearch":
            exe = shutil.which("newsearch", path=str(Path(sys.executable).parent))
            cli = [exe] if exe else [sys.executable, "-m", "newsearch"]
            byte_compile_newsearch()
            _fresh(r, "fresh", [*cli, "-i", d, "query"], queries)
            _fresh(r, "fresh_api", [sys.executable, "-c", FRESH["newsearch-api"], d], queries)
            fresh_served(r, cli, d, queries)
        else:
            _fresh(r, "fresh", [sys.executable, "-c", FRESH[e], d], queries)
    except subprocess.CalledProcessError as exc:
        print(f"  {e} failed ({exc}); left out", file=sys.stderr)
        return None
    finally:
        shutil.rmtree(d)
    return r


def report(res: dict[str, dict[str, Any]], n_docs: int, base: float) -> list[str]:
    """One corpus as a Markdown table (rows = measures, columns = engines) plus ratio lines."""
    cols = list(res)

    def row(label: str, fn: Callable[[dict[str, Any]], str]) -> str:
        return f"| {label} | " + " | ".join(fn(res[e]) for e in cols) + " |"

    def rss(r: dict[str, Any]) -> str:
        w = r["rss_workers_mb"]
        return f"{r['rss_mb']:.0f}" + (f" (+ workers, max {w:.0f} each)" if w else "")

    md = [
        "| | " + " | ".join(cols) + " |",
        "|---" * (len(cols) + 1) + "|",
        row("indexing docs/s", lambda r: f"{n_docs / r['index_s']:,.0f}"),
        row("indexing time (s)", lambda r: f"{r['index_s']:.1f}"),
        row("index size on disk (MB)", lambda r: f"{r['size_mb']:.1f}"),
        row("peak RSS while indexing (MB)", rss),
        row("warm ms, no snippets: median / p95 / p99", lambda r: pct(r["plain"])),
        row("warm ms, snippets: median / p95 / p99", lambda r: pct(r["snip"])),
        row(
            "fresh-process query (ms, median / min of 20)",
            lambda r: f"{r['fresh']:.0f} / {r['fresh_min']:.0f}",
        ),
        "",
        f"Python start-up alone (`python -c pass`): {base:.0f} ms.",
    ]
    ns = res.get("newsearch")
    if not ns:
        return md
    md += [
        f"newsearch holds {ns['docs']:,} of {n_docs:,} source docs. Its fresh-process figure is "
        f"the CLI; through the API (`python -c`, open + search): {ns['fresh_api']:.0f} ms; "
        f"the CLI while `newsearch serve` runs on the index: {ns['fresh_served']:.0f} / "
        f"{ns['fresh_served_min']:.0f} ms (median / min of 20).",
        f"Incremental re-run (a second add_files on the unchanged corpus): {ns['rerun_s']:.2f} s"
        f" = {100 * ns['rerun_s'] / ns['index_s']:.2f}% of the first run.",
        "",
        "Ratios (newsearch ÷ peer; docs/s > 1 = newsearch faster, latency > 1 = slower):",
        "",
    ]
    for e, r in res.items():
        if e == "newsearch":
            continue
        parts = [f"docs/s {r['index_s'] / ns['index_s']:.2f}"]
        for mode, label in (("plain", "warm median"), ("snip", "warm median w/ snippets")):
            if ns[mode] and r[mode]:
                parts.append(
                    f"{label} {statistics.median(ns[mode]) / statistics.median(r[mode]):.1f}"
                )
        parts.append(f"fresh {ns['fresh'] / r['fresh']:.1f}")
        md.append(f"- vs {e}: " + ", ".join(parts))
    return md


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        child(*argv[1:7])
        return 0
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--corpus", default="reuters,bbc")
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--scale", default="1", help="Reuters repeated K times (new ids), e.g. 1,10")
    ap.add_argument("--long", default="cisi,cacm", help="IR collections for long queries")
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "speed.md")
    a = ap.parse_args(argv)
    data = a.data or default_data()
    engines = []
    for e in [x.strip() for x in a.engines.split(",") if x.strip()]:
        if e not in BUILD:
            ap.error(f"unknown engine {e}; choose from {ENGINES}")
        missing = [m for m in NEEDS.get(e, e).split() if importlib.util.find_spec(m) is None]
        if missing:
            print(f"skip {e}: cannot import {', '.join(missing)} (pip install it)", file=sys.stderr)
        else:
            engines.append(e)
    started = time.perf_counter()
    out = [
        "# Speed benchmark",
        "",
        f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs. "
        f"{a.queries} queries, seed {SEED}; {RULE.format(seed=SEED)}. Warm = index open, 20 "
        "warm-up queries, then every query timed, top 10. Indexing includes reading the source.",
    ]
    runs: dict[tuple[str, int], dict[str, dict[str, Any]]] = {}
    for kind in [c.strip() for c in a.corpus.split(",") if c.strip()]:
        src = data / "corpora" / ("bbc" if kind == "bbc" else "reuters21578/docs.jsonl")
        if not src.exists():
            print(f"skip {kind}: no {src}", file=sys.stderr)
            continue
        docs = list(read_corpus(kind, str(src)))
        queries = make_queries([d for d in docs if d["body"]], a.queries)
        scales = [int(k) for k in a.scale.split(",")] if kind == "reuters" else [1]
        for k in scales:
            with tempfile.TemporaryDirectory(prefix="speed-") as tmp:
                path = scaled(src, k, Path(tmp) / "reuters.jsonl") if k > 1 else src
                done = {e: run_engine(e, kind, str(path), tmp, queries) for e in engines}
                res = {e: r for e, r in done.items() if r}
                base = fresh([sys.executable, "-c", "pass"], queries, runs=20)
            runs[(kind, k)] = res
            title = f"## {kind} ({len(docs) * k:,} docs{f', scale {k}' if k > 1 else ''})"
            out += ["", title, "", *report(res, len(docs) * k, base)]
    longs = {
        c: run_long(c, data, [e for e in engines if e in LONG_ENGINES]) for c in _names(a.long)
    }
    longs = {c: r for c, r in longs.items() if r}
    if longs:
        out += ["", "## Long natural-language queries (top 10, warm)", "", *long_report(longs)]
    out += ["", "## Goals (issue 12)", "", *goals(runs, longs)]
    write_report(out, started, a.out)
    return 0


LONG_ENGINES = ("fts5", "newsearch")


def _names(text: str) -> list[str]:
    return [c.strip() for c in text.split(",") if c.strip()]


def run_long(coll: str, data: Path, engines: list[str]) -> dict[str, dict[str, Any]]:
    """Index an IR collection in each engine and time its own queries (no fresh processes)."""
    folder = data / "retrieval" / coll
    if not (folder / "docs.jsonl").exists() or not engines:
        print(f"skip long queries of {coll}: no {folder}/docs.jsonl", file=sys.stderr)
        return {}
    queries = long_queries(folder)
    with tempfile.TemporaryDirectory(prefix="speed-long-") as tmp:
        done = {
            e: run_engine(e, "reuters", str(folder / "docs.jsonl"), tmp, queries, cold=False)
            for e in engines
        }
    return {e: r for e, r in done.items() if r} | {"_n": {"queries": len(queries)}}


def write_report(lines: list[str], started: float, out: Path) -> None:
    """Print the Markdown report with its total runtime and write it to ``out``."""
    text = "\n".join([*lines, "", f"Total runtime {time.perf_counter() - started:.0f} s."]) + "\n"
    print(text)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"written to {out}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
