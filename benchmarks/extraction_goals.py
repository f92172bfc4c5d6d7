"""Issue 18's goal table for benchmarks/extraction.py: newsearch against the best peer and the goal.

Each row is one set and input kind, with F1 over all pages and over the dev and holdout halves
(``is_holdout``: sha1 of the page id starts with 0-3). Goals, from the issue:

* scrapinghub HTML: F1 >= 0.965 (trafilatura's best mode reached 0.964);
* every other HTML set: ahead of the best peer in the same run ("ahead of trafilatura on every
  set");
* every text kind: F1 >= 0.90 (the issue lists the text cells under 0.90 as the gaps);
* the two held-out sets the issue names are kept outside ``../shared/data`` on purpose: their
  rows say so instead of a number;
* speed: newsearch >= 100 HTML pages/s and >= 150 text pages/s in one process, over every page
  of the run, shown beside trafilatura's HTML pages/s from the same run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Row = dict[str, Any]
SPEED_GOALS = {"html": 100.0, "text": 150.0}
HELD_OUT = [
    ("second held-out set of news sites", "HTML", "F1 >= 0.950"),
    ("first held-out set of news pages", "text_inscriptis", "F1 >= 0.900"),
]
NOT_HERE = "held-out, not in ../shared/data"


def goal_for(set_name: str, kind: str) -> tuple[str, Callable[[float, float], bool]]:
    """The goal of one set and kind as text, and its test on (newsearch F1, best peer F1)."""
    if kind != "html":
        return "F1 >= 0.900", lambda f1, peer: f1 >= 0.90
    if set_name == "scrapinghub":
        return "F1 >= 0.965", lambda f1, peer: f1 >= 0.965
    return "F1 > best peer", lambda f1, peer: f1 > peer


def _f1s(row: Row) -> str:
    return f"{row['f1']:.3f} ({row['f1_dev']:.3f} / {row['f1_holdout']:.3f})"


def goal_table(results: list[Row]) -> str:
    """The Markdown table of every set and kind in ``results`` (rows of a ``--split all`` run)."""
    lines = [
        "| set | input | newsearch all (dev / holdout) | best peer all (dev / holdout) | goal "
        "| met |",
        "|---|---|---|---|---|---|",
    ]
    cells = sorted({(str(r["set"]), str(r["kind"])) for r in results}, key=_order)
    for set_name, kind in cells:
        rows = [r for r in results if r["set"] == set_name and r["kind"] == kind]
        ours = next((r for r in rows if r["extractor"] == "newsearch"), None)
        peers = [r for r in rows if r["extractor"] != "newsearch"]
        if ours is None:
            continue
        peer = max(peers, key=lambda r: float(r["f1"])) if peers else None
        goal, test = goal_for(set_name, kind)
        peer_f1 = float(peer["f1"]) if peer else 0.0
        # Judged on the three decimals shown, as the table states its figures.
        met = "met" if test(round(float(ours["f1"]), 3), round(peer_f1, 3)) else "not met"
        peer_text = f"{peer['extractor']} {_f1s(peer)}" if peer else "none run"
        lines.append(f"| {set_name} | {kind} | {_f1s(ours)} | {peer_text} | {goal} | {met} |")
    for name, kind, goal in HELD_OUT:
        lines.append(f"| {name} | {kind} | {NOT_HERE} | {NOT_HERE} | {goal} | {NOT_HERE} |")
    return "\n".join(lines)


def speed_table(results: list[Row]) -> str:
    """Pages per second over every page of the run, per input family, newsearch vs trafilatura."""
    lines = [
        "| input | newsearch pages/s | trafilatura pages/s (HTML only) | goal | met |",
        "|---|---|---|---|---|",
    ]
    for family, goal in SPEED_GOALS.items():
        ours = _speed(results, "newsearch", family)
        if ours is None:
            continue
        theirs = _speed(results, "trafilatura", family)
        peer = f"{theirs:.1f}" if theirs is not None else "n/a (takes HTML only)"
        met = "met" if ours >= goal else "not met"
        lines.append(f"| {family} | {ours:.1f} | {peer} | >= {goal:.0f} | {met} |")
    return "\n".join(lines)


def _speed(results: list[Row], extractor: str, family: str) -> float | None:
    rows = [
        r
        for r in results
        if r["extractor"] == extractor and (r["kind"] == "html") == (family == "html")
    ]
    seconds = sum(float(r["seconds"]) for r in rows)
    pages = sum(int(r["pages"]) for r in rows)
    return pages / seconds if rows and seconds > 0 else None


def _order(cell: tuple[str, str]) -> tuple[int, int]:
    sets = ("scrapinghub", "cleanportaleval", "utomo-big5")
    kinds = ("html", "text_inscriptis", "text_html2text")
    s, k = cell
    return (sets.index(s) if s in sets else 9, kinds.index(k) if k in kinds else 9)
