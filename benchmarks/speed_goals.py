"""The speed benchmark's summaries: latency percentiles, long-query table, the goals table."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from typing import Any


def pct(xs: list[float] | None) -> str:
    """median / p95 / p99 of a latency list, or '–'."""
    if not xs:
        return "–"
    q = statistics.quantiles(xs, n=100, method="inclusive")
    return f"{statistics.median(xs):.2f} / {q[94]:.2f} / {q[98]:.2f}"


def long_report(longs: dict[str, dict[str, dict[str, Any]]]) -> list[str]:
    """Per collection and engine: median / p95 / p99 ms per query, with and without snippets."""
    md = ["| collection | engine | queries | no snippets | snippets |", "|---|---|---:|---|---|"]
    for coll, res in longs.items():
        for e, r in res.items():
            if e != "_n":
                n = res["_n"]["queries"]
                md.append(f"| {coll} | {e} | {n} | {pct(r['plain'])} | {pct(r['snip'])} |")
    return md


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _median(r: dict[str, Any] | None, mode: str = "snip") -> float | None:
    return statistics.median(r[mode]) if r and r.get(mode) else None


def _p95(r: dict[str, Any] | None, mode: str = "snip") -> float | None:
    xs = r.get(mode) if r else None
    return statistics.quantiles(xs, n=100, method="inclusive")[94] if xs else None


def goals(
    runs: dict[tuple[str, int], dict[str, dict[str, Any]]],
    longs: dict[str, dict[str, dict[str, Any]]],
) -> list[str]:
    """The issue's goals table: each ratio from this run, the goal beside it, met or not."""
    one, ten = runs.get(("reuters", 1), {}), runs.get(("reuters", 10), {})
    big = max((k for kind, k in runs if kind == "reuters" and k >= 50), default=None)
    rows: list[tuple[str, float | None, str, bool | None]] = []

    def add(label: str, value: float | None, goal: str, ok: Callable[[float], bool]) -> None:
        rows.append((label, value, goal, ok(value) if value is not None else None))

    ns1, fts1, ns10, fts10 = (d.get(e) for d in (one, ten) for e in ("newsearch", "fts5"))
    add(
        "warm median w/ snippets ÷ FTS5, Reuters",
        _ratio(_median(ns1), _median(fts1)),
        "≤ 1.0",
        lambda v: v <= 1.0,
    )
    add(
        "warm p95 w/ snippets ÷ FTS5 p95, Reuters",
        _ratio(_p95(ns1), _p95(fts1)),
        "≤ 1.5",
        lambda v: v <= 1.5,
    )
    add(
        "the same median at 10× ÷ FTS5 at 10×",
        _ratio(_median(ns10), _median(fts10)),
        "≤ 1.0",
        lambda v: v <= 1.0,
    )
    add(
        "newsearch median 10× ÷ 1× (w/ snippets)",
        _ratio(_median(ns10), _median(ns1)),
        "≤ 2.0",
        lambda v: v <= 2.0,
    )
    add(
        "fresh `newsearch query` ÷ fresh FTS5 script",
        _ratio(ns1 and ns1["fresh"], fts1 and fts1["fresh"]),
        "≤ 3.0",
        lambda v: v <= 3.0,
    )
    add(
        "the same, `newsearch serve` running on the index",
        _ratio(ns1 and ns1.get("fresh_served"), fts1 and fts1["fresh"]),
        "≤ 3.0",
        lambda v: v <= 3.0,
    )
    for coll, res in longs.items():
        add(
            f"long queries ({coll}) median per query w/ snippets ÷ FTS5",
            _ratio(_median(res.get("newsearch")), _median(res.get("fts5"))),
            "≤ 2.0",
            lambda v: v <= 2.0,
        )
    for kind in ("reuters", "bbc"):
        ns, wh = (
            runs.get((kind, 1), {}).get("newsearch"),
            runs.get((kind, 1), {}).get("whoosh-plain"),
        )
        add(
            f"indexing docs/s ÷ plain Whoosh ({kind})",
            _ratio(wh and wh["index_s"], ns and ns["index_s"]),
            "≥ 2.0",
            lambda v: v >= 2.0,
        )
    add(
        "peak RSS indexing 10× ÷ 1× (newsearch)",
        _ratio(ns10 and ns10["rss_mb"], ns1 and ns1["rss_mb"]),
        "≤ 1.2",
        lambda v: v <= 1.2,
    )
    nsbig = runs.get(("reuters", big), {}).get("newsearch") if big else None
    add(f"query p95 w/ snippets at scale {big or 50} (ms)", _p95(nsbig), "< 500", lambda v: v < 500)
    md = ["| measure | this run | goal | met |", "|---|---:|---|---|"]
    for label, value, goal, ok in rows:
        shown = "not measured" if value is None else f"{value:.2f}"
        verdict = "–" if ok is None else ("met" if ok else "not met")
        md.append(f"| {label} | {shown} | {goal} | {verdict} |")
    return md
