"""What the search features cost, and whether they are right on real data.

Usage: python benchmarks/features.py [--queries 1000] [--index DIR] [--data DIR]
[--profile-queries 200] [--out benchmarks/results/features.md]

Latency: Reuters-21578 indexed with newsearch (as speed.py feeds it), speed.py's seeded queries,
warm per-query time of ``ix.search(q, limit=10, ...)`` for each feature configuration, run
interleaved (every query through every configuration, in rotating order) so the machine's other
load hits all of them alike. Correctness: near-duplicate clusters on BBC's byte-identical copies,
date ranges, date sorting and relative dates on Reuters. Data is read by path, never copied.
"""

from __future__ import annotations

import argparse
import cProfile
import platform
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import whoosh
from features_checks import bbc_checks, check, reuters_checks
from speed import SEED, default_data, make_queries, write_report
from speed_engines import read_corpus

import newsearch.query
from newsearch import NewsIndex

TARGET = 1.2  # features on within 1.2x of the same engine without them (warm median)
WARMUP = 20
OFF = {"snippets": False, "collapse": False, "suggest": False}
CONFIGS: dict[str, dict[str, bool]] = {
    "baseline (no snippets, collapse, suggest)": OFF,
    "snippets": OFF | {"snippets": True},
    "collapse": OFF | {"collapse": True},
    "snippets+collapse": OFF | {"snippets": True, "collapse": True},
    "default (snippets+collapse+suggest)": {},
    "default + facets": {"facets": True},
}
DEFAULT = "default (snippets+collapse+suggest)"


def open_reuters(src: Path, path: Path) -> tuple[NewsIndex, float | None]:
    """Open the index at ``path``, building it from ``src`` first if it holds none."""
    if path.is_dir() and any(path.iterdir()):
        return NewsIndex.open(path), None
    t = time.perf_counter()
    NewsIndex.create(path).add_files([src])
    return NewsIndex.open(path), time.perf_counter() - t


def measure(ix: NewsIndex, queries: list[str]) -> dict[str, list[float]]:
    """Per-query ms for every configuration, interleaved in rotating order."""
    names = list(CONFIGS)
    for q in queries[:WARMUP]:
        for name in names:
            ix.search(q, limit=10, **CONFIGS[name])
    times: dict[str, list[float]] = {name: [0.0] * len(queries) for name in names}
    for i, q in enumerate(queries):
        k = i % len(names)
        for name in names[k:] + names[:k]:
            opts = CONFIGS[name]
            t = time.perf_counter()
            ix.search(q, limit=10, **opts)
            times[name][i] = (time.perf_counter() - t) * 1000
    return times


def latency_table(times: dict[str, list[float]]) -> list[str]:
    """Median / p95 / p99 per configuration and its ratios to the baseline."""
    base = times[next(iter(CONFIGS))]
    md = [
        "| configuration | median ms | p95 ms | p99 ms | ratio of medians | median paired ratio |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, xs in times.items():
        q = statistics.quantiles(xs, n=100, method="inclusive")
        ratio = statistics.median(xs) / statistics.median(base)
        paired = statistics.median(x / b for x, b in zip(xs, base, strict=True))
        md.append(
            f"| {name} | {statistics.median(xs):.2f} | {q[94]:.2f} | {q[98]:.2f} "
            f"| {ratio:.2f}x | {paired:.2f}x |"
        )
    return md


def profile(ix: NewsIndex, queries: list[str], top: int = 15) -> list[str]:
    """cProfile of the default configuration: top functions in newsearch.query and whoosh."""
    prof = cProfile.Profile()
    prof.enable()
    for q in queries:
        ix.search(q, limit=10)
    prof.disable()
    roots = (str(Path(newsearch.query.__file__).parent), str(Path(whoosh.__file__).parent))
    stats: dict[Any, Any] = pstats.Stats(prof).stats  # type: ignore[attr-defined]
    rows = [
        (ct, tt, nc, f"{Path(f).name}:{line} {fn}", f)
        for (f, line, fn), (_, nc, tt, ct, _) in stats.items()
        if f.startswith(roots)
    ]
    rows.sort(reverse=True)
    n = len(queries)
    md = [
        f"Profile: {n} queries, default configuration, top {top} by cumulative time, then top "
        f"{top // 2} by own time (newsearch/query and whoosh only; ms per query, "
        "inflated by the profiler):",
        "",
        "| function | package | calls/query | own ms | cumulative ms |",
        "|---|---|---:|---:|---:|",
    ]
    own = sorted(rows, key=lambda r: r[1], reverse=True)[: top // 2]
    for i, (ct, tt, nc, name, f) in enumerate(rows[:top] + own):
        if i == top:
            md.append("| **by own time:** | | | | |")
        pkg = "newsearch.query" if f.startswith(roots[0]) else "whoosh"
        per = f"{nc / n:.1f} | {tt * 1000 / n:.3f} | {ct * 1000 / n:.3f}"
        md.append(f"| `{name}` | {pkg} | {per} |")
    return md


def other_paths(ix: NewsIndex, reps: int = 3) -> list[str]:
    """Warm ms (median of ``reps``) of single searches using the date and sort features."""
    cases: list[tuple[str, dict[str, Any]]] = [
        ("oil prices", {}),
        ("oil prices", {"since": "1987-03-01", "until": "1987-03-15"}),
        ("oil prices", {"since": "1987-03-01", "until": "1987-03-15", "collapse": False}),
        ("oil", {"sort": "newest"}),
        ("oil", {"sort": "newest", **OFF}),
        ("oil last week", {}),
        ("oil last week", OFF),
    ]
    md = [
        "Other feature paths (limit 10, warm, median of 3 runs; one query each, not a sample):",
        "",
        "| query | options | ms |",
        "|---|---|---:|",
    ]
    for q, opts in cases:
        ms = []
        for _ in range(reps):
            t = time.perf_counter()
            ix.search(q, limit=10, **opts)
            ms.append((time.perf_counter() - t) * 1000)
        shown = ", ".join(f"{k}={v!r}" for k, v in opts.items()) or "defaults"
        md.append(f"| `{q}` | {shown} | {statistics.median(ms):.0f} |")
    return md


def revision() -> str:
    """The commit the engine code was at, "+ changes" when the tree differs from it."""
    git = ["git", "-C", str(Path(__file__).resolve().parents[1])]
    try:
        head = subprocess.run(
            [*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            [*git, "status", "--porcelain", "--", "newsearch", "query", "indexer"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" + uncommitted changes" if dirty else "")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--index", type=Path, default=None, help="Reuters index to reuse or build")
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--profile-queries", type=int, default=200)
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "features.md")
    a = ap.parse_args(argv)
    corpora = (a.data or default_data()) / "corpora"
    src = corpora / "reuters21578" / "docs.jsonl"
    started = time.perf_counter()
    rev = revision()
    with tempfile.TemporaryDirectory(prefix="features-") as tmp:
        print("indexing Reuters ...", file=sys.stderr, flush=True)
        ix, built = open_reuters(src, a.index or Path(tmp) / "reuters")
        docs = [d for d in read_corpus("reuters", str(src)) if d["body"]]
        queries = make_queries(docs, a.queries, SEED)
        print(f"timing {len(queries)} queries x {len(CONFIGS)} ...", file=sys.stderr, flush=True)
        times = measure(ix, queries)
        ratio = statistics.median(times[DEFAULT]) / statistics.median(times[next(iter(CONFIGS))])
        sc = statistics.median(times["snippets+collapse"]) / statistics.median(
            times[next(iter(CONFIGS))]
        )
        md = [
            "# Feature cost and correctness",
            "",
            f"Python {platform.python_version()}, {platform.machine()}, newsearch at "
            f"{rev}. Reuters-21578: "
            f"{ix.stats().documents:,} articles"
            + (f", indexed in {built:.0f} s" if built else f" (index reused: {a.index})")
            + f". {len(queries):,} queries (speed.py make_queries, seed {SEED}), "
            f"`search(q, limit=10, ...)`, {WARMUP} warm-up queries per configuration, then every "
            "query through every configuration in rotating order (interleaved).",
            "",
            *latency_table(times),
            "",
            check(
                ratio <= TARGET,
                f"target: default (features on) within {TARGET}x of baseline, warm median: "
                f"{ratio:.2f}x (snippets+collapse without suggest: {sc:.2f}x)",
            ),
        ]
        if ratio > TARGET or sc > TARGET:
            print("profiling ...", file=sys.stderr, flush=True)
            md += ["", *profile(ix, queries[: a.profile_queries])]
        md += ["", *other_paths(ix)]
        print("checking Reuters dates ...", file=sys.stderr, flush=True)
        md += ["", "## Correctness", "", *reuters_checks(ix, src)]
        ix.close()
        print("checking BBC clusters ...", file=sys.stderr, flush=True)
        md += ["", *bbc_checks(corpora / "bbc", src, Path(tmp))]
    write_report(md, started, a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
