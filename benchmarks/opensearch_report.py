"""The Markdown report of opensearch_bench.py: one table per corpus, agreement, eval scores."""

from __future__ import annotations

import os
import platform
import re
import shlex
import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from speed_goals import pct

WHOOSH = "Whoosh folder"
COPY = re.compile(r"\.\d+(@|$)")  # the ".K" opensearch_bench gives the Kth copy of a record


def agreement(a: list[list[str]], b: list[list[str]]) -> tuple[float, float]:
    """Mean share of common top-10 ids (of the larger set) and the share of equal top hits."""
    pairs = list(zip(a, b, strict=True))
    sets = [(set(x), set(y)) for x, y in pairs]
    overlap = statistics.mean(len(x & y) / max(len(x), len(y), 1) for x, y in sets)
    return overlap, statistics.mean(float(x[:1] == y[:1]) for x, y in pairs)


def corpus_table(runs: dict[str, dict[str, Any]]) -> list[str]:
    """One corpus: rows = measures, columns = engines."""
    cols = list(runs)

    def row(label: str, fn: Callable[[dict[str, Any]], str]) -> str:
        return f"| {label} | " + " | ".join(fn(runs[c]) for c in cols) + " |"

    def rate(r: dict[str, Any]) -> str:
        if r["complete"]:
            return f"{r['rate']:,.0f}"
        return f"{r['rate']:,.0f} (stopped at {r['written']:,} of {r['records']:,})"

    return [
        "| | " + " | ".join(cols) + " |",
        "|---" * (len(cols) + 1) + "|",
        row("indexing docs/s", rate),
        row("indexing time (s)", lambda r: f"{r['seconds']:.1f}"),
        row("articles held", lambda r: f"{r['held']:,}"),
        row("warm ms with snippets: median / p95 / p99", lambda r: pct(r["ms"])),
        row("fresh-process CLI query (ms, median of 10)", _fresh),
        row("cluster health after the run", lambda r: r.get("health", "–")),
    ]


def _fresh(r: dict[str, Any]) -> str:
    return "failed (see Not measured)" if r["fresh"] is None else f"{r['fresh']:.0f}"


def eval_table(scores: dict[str, dict[str, dict[str, float]]]) -> list[str]:
    """Per collection and engine: the eval measures and seconds per query."""
    first = next(s for by_engine in scores.values() for s in by_engine.values())
    measures = [m for m in first if "@" in m]
    md = [
        "| collection | engine | queries | " + " | ".join(measures) + " | ms/query |",
        "|---|---|---:|" + "---:|" * (len(measures) + 1),
    ]
    for coll, by_engine in scores.items():
        for engine, s in by_engine.items():
            vals = " | ".join(f"{s[m]:.4f}" for m in measures)
            md.append(
                f"| {coll} | {engine} | {s['queries']:.0f} | {vals} | "
                f"{s['seconds_per_query'] * 1000:.1f} |"
            )
    return md


def _records(tops: list[list[str]]) -> list[list[str]]:
    # x10 copies are ID.K (ID@file as hit ids): equal copies tie, and each engine may show
    # another K of the same record, so the second pair of columns compares records.
    return [[COPY.sub(r"\1", i) for i in top] for top in tops]


def agreement_table(runs: dict[int, dict[str, dict[str, Any]]]) -> list[str]:
    """Per corpus and cluster: how far its top 10 agree with the Whoosh engine's."""
    md = [
        "| corpus | cluster | mean top-10 overlap | same top-1 | "
        "the same, copies ID.K counted as ID |",
        "|---|---|---:|---:|---|",
    ]
    for k, by_engine in runs.items():
        base = by_engine.get(WHOOSH)
        for label, r in by_engine.items():
            if base is None or label == WHOOSH:
                continue
            if not (r["complete"] and base["complete"]):
                md.append(f"| Reuters x{k} | {label} | – (an index was stopped early) | – |")
                continue
            overlap, top1 = agreement(base["tops"], r["tops"])
            same = "–"
            if k > 1:
                ro, rt = agreement(_records(base["tops"]), _records(r["tops"]))
                same = f"{ro:.1%} / {rt:.1%}"
            md.append(f"| Reuters x{k} | {label} | {overlap:.1%} | {top1:.1%} | {same} |")
    return md


def header(argv: list[str], n_queries: int, rule: str, warmup: int) -> list[str]:
    """Title, the exact command, the machine and how each number was taken."""
    command = shlex.join(["python", "benchmarks/opensearch_bench.py", *argv])
    git = ["git", "-C", str(Path(__file__).resolve().parent)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run([*git, "status", "--short"], capture_output=True, text=True)
    edits = len(dirty.stdout.splitlines())
    return [
        "# newsearch on OpenSearch beside the Whoosh engine",
        "",
        f"Command: `{command}`",
        "",
        f"Code: commit {head.stdout.strip() or '?'} with {edits} uncommitted changed files in the "
        "working tree (shared checkout).",
        "",
        f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs, "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. Clusters: cluster/opensearch.sh "
        "(OpenSearch 2.19.6, one JVM per node with 512 MB heap, all on this machine); indexes "
        "with the engine's defaults, 2 shards and 1 replica (on 1 node the replicas stay "
        "unassigned: yellow). Indexing = `NewsIndex.create(loc).add_files([jsonl])`, cleaning "
        "included; docs/s = source records / seconds (create included). "
        f"{n_queries:,} queries: {rule} (speed.py's make_queries). Warm = index open, "
        f"{warmup} warm-up queries, then each `search(q, limit=10)` timed with its snippets "
        "read. Fresh = `newsearch -i LOC query WORDS` in a new process, median of 10 after one "
        "untimed run. Eval = `newsearch -i LOC eval --queries Q --qrels R --json` on an index "
        "built from the collection's docs.jsonl through the API (what `eval --docs` does).",
    ]


def report(
    argv: list[str],
    queries: int,
    rule: str,
    warmup: int,
    runs: dict[int, dict[str, dict[str, Any]]],
    records: dict[int, int],
    scores: dict[str, dict[str, dict[str, float]]],
    failed: list[str],
) -> list[str]:
    """The whole report."""
    md = header(argv, queries, rule, warmup)
    for k, by_engine in runs.items():
        md += ["", f"## Reuters{f' x{k}' if k > 1 else ''} ({records[k]:,} records)", ""]
        md += corpus_table(by_engine) if by_engine else ["(nothing measured)"]
    md += ["", f"## Top-10 agreement with the Whoosh engine ({queries:,} queries)", ""]
    md += agreement_table(runs)
    if any(scores.values()):
        md += ["", "## newsearch eval on the dev collections", "", *eval_table(scores)]
    if failed:
        md += ["", "## Not measured", "", *(f"- {f}" for f in failed)]
    return md
