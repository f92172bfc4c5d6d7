"""Measure ranking the way IR test collections do: run queries, score against judgments."""

from __future__ import annotations

import os
import random
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsearch.errors import NewsearchError, SourceError

if TYPE_CHECKING:
    from newsearch.api import NewsIndex

MEASURES = ("nDCG@10", "AP@1000", "P@10", "R@100")
Run = dict[str, dict[str, float]]
# 10,000 sign flips put a p-value near .05 within about ±.004 (its binomial standard error).
PERMUTATIONS = 10_000
RUN_TAG = "newsearch"


@dataclass(frozen=True)
class Comparison:
    """Two runs judged query by query: mean nDCG@10 of each, wins, losses, two-sided p."""

    measure: str
    ours: float
    theirs: float
    wins: int
    losses: int
    ties: int
    p_value: float

    def as_dict(self) -> dict[str, float | str]:
        """The comparison as plain JSON values."""
        return {
            "measure": self.measure,
            "ours": self.ours,
            "theirs": self.theirs,
            "difference": self.ours - self.theirs,
            "wins": self.wins,
            "losses": self.losses,
            "ties": self.ties,
            "p": self.p_value,
        }


def load_queries(path: str | os.PathLike[str]) -> dict[str, str]:
    """Queries from a TSV file: query id, a tab, the query text."""
    out: dict[str, str] = {}
    for n, line in enumerate(_lines(path), 1):
        if line.strip():
            qid, sep, text = line.partition("\t")
            if not sep:
                raise SourceError(f"{path}:{n}: expected 'id<TAB>query'")
            out[qid.strip()] = text.strip()
    return out


def load_qrels(path: str | os.PathLike[str]) -> dict[str, dict[str, int]]:
    """TREC relevance judgments: 'qid 0 docid grade' per line."""
    out: dict[str, dict[str, int]] = {}
    for n, line in enumerate(_lines(path), 1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 4:
            raise SourceError(f"{path}:{n}: expected 'qid 0 docid grade'")
        out.setdefault(parts[0], {})[parts[2]] = _grade(parts[3], f"{path}:{n}")
    return out


def _grade(text: str, where: str) -> int:
    """A judgment's grade: a whole number, also written "1.0" as some tools do."""
    try:
        value = float(text)
    except ValueError:
        value = 0.5  # not a number: refused below like a fraction
    if not value.is_integer():
        raise SourceError(f"{where}: the grade {text!r} is not a whole number")
    return int(value)


def _lines(path: str | os.PathLike[str]) -> list[str]:
    try:
        return Path(path).read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise SourceError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise SourceError(f"{path}: cannot read: {exc.strerror or exc}") from exc


def load_run(path: str | os.PathLike[str]) -> Run:
    """A trec_eval run file: 'qid Q0 docid rank score tag' per line."""
    out: Run = {}
    for n, line in enumerate(_lines(path), 1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 6:
            raise SourceError(f"{path}:{n}: expected 'qid Q0 docid rank score tag'")
        try:
            value = float(parts[4])
        except ValueError:
            raise SourceError(f"{path}:{n}: the score {parts[4]!r} is not a number") from None
        out.setdefault(parts[0], {})[parts[2]] = value
    return out


def write_run(run: Run, path: str | os.PathLike[str], tag: str = RUN_TAG) -> None:
    """Write a run in trec_eval's format, best first per query."""
    lines = []
    for qid, docs in run.items():
        ranked = sorted(docs.items(), key=lambda kv: (-kv[1], kv[0]))
        lines += [f"{qid} Q0 {d} {i} {s:g} {tag}" for i, (d, s) in enumerate(ranked, 1)]
    try:
        Path(path).write_text("".join(f"{x}\n" for x in lines), encoding="utf-8")
    except OSError as exc:
        raise SourceError(f"{path}: cannot write: {exc.strerror or exc}") from exc


def run_queries(
    ix: NewsIndex, queries: dict[str, str], depth: int = 1000, expand: bool = False
) -> dict[str, dict[str, float]]:
    """The ranked ids per query; the score given is from the rank, which is what users see."""
    run: dict[str, dict[str, float]] = {}
    for qid, text in queries.items():
        # Judged as written: every copy is a document of its own, and a question's "this year"
        # is words, not a date filter.
        hits = ix.search(
            text,
            limit=depth,
            snippets=False,
            collapse=False,
            suggest=False,
            date_clauses=False,
            expand=expand,
        ).hits
        # Judgements name the collection's own ids; the index scopes them by their file.
        run[qid] = {h.record_id: float(depth - h.rank + 1) for h in hits}
    return run


def _measures() -> Any:
    try:
        import ir_measures
    except ImportError as exc:
        raise NewsearchError(
            "evaluation needs the ir-measures package",
            hint="pip install 'newsearch[eval]'",
        ) from exc
    return ir_measures


def _judged(run: Run, qrels: dict[str, dict[str, int]]) -> tuple[dict[str, dict[str, int]], Run]:
    judged = {q: r for q, r in qrels.items() if any(g > 0 for g in r.values())}
    # A judged query with no hits counts as zero (trec_eval -c), never silently dropped.
    return judged, {q: run.get(q) or {"__none__": 0.0} for q in judged}


def score(run: dict[str, dict[str, float]], qrels: dict[str, dict[str, int]]) -> dict[str, float]:
    """Mean nDCG@10, MAP (AP@1000), P@10 and R@100 over the judged queries, trec_eval rules."""
    ir_measures = _measures()
    judged, full_run = _judged(run, qrels)
    measures = [ir_measures.parse_measure(m) for m in MEASURES]
    agg = ir_measures.calc_aggregate(measures, judged, full_run)
    return {str(m): float(agg[m]) for m in measures} | {"queries": float(len(judged))}


def per_query(
    run: Run, qrels: dict[str, dict[str, int]], measure: str = "nDCG@10"
) -> dict[str, float]:
    """One measure for every judged query (zero where the run has nothing for it)."""
    ir_measures = _measures()
    judged, full_run = _judged(run, qrels)
    out = {q: 0.0 for q in judged}
    for m in ir_measures.iter_calc([ir_measures.parse_measure(measure)], judged, full_run):
        out[m.query_id] = float(m.value)
    return out


def randomization_test(
    ours: list[float], theirs: list[float], permutations: int = PERMUTATIONS, seed: int = 0
) -> float:
    """Two-sided p-value of the paired randomization (sign-flip) test on the mean difference."""
    if len(ours) != len(theirs):
        raise ValueError("paired scores need the same queries")
    diffs = [a - b for a, b in zip(ours, theirs, strict=True) if a != b]
    observed = abs(sum(diffs))
    if not diffs or observed == 0.0:
        return 1.0
    rng = random.Random(seed)
    # A tiny tolerance so that a shuffle equal to the observed sum (up to rounding) counts.
    edge = observed - 1e-9
    extreme = sum(
        1
        for _ in range(permutations)
        if abs(sum(d if rng.random() < 0.5 else -d for d in diffs)) >= edge
    )
    # The observed labelling is one of the possible ones: (extreme + 1) / (N + 1), never 0.
    return (extreme + 1) / (permutations + 1)


def compare(
    ours: Run,
    theirs: Run,
    qrels: dict[str, dict[str, int]],
    measure: str = "nDCG@10",
    permutations: int = PERMUTATIONS,
) -> Comparison:
    """Two runs on the same judged queries: their means, wins and losses, and the p-value."""
    a, b = per_query(ours, qrels, measure), per_query(theirs, qrels, measure)
    queries = sorted(a)
    xs, ys = [a[q] for q in queries], [b[q] for q in queries]
    n = max(1, len(queries))
    return Comparison(
        measure=measure,
        ours=sum(xs) / n,
        theirs=sum(ys) / n,
        wins=sum(x > y for x, y in zip(xs, ys, strict=True)),
        losses=sum(x < y for x, y in zip(xs, ys, strict=True)),
        ties=sum(x == y for x, y in zip(xs, ys, strict=True)),
        p_value=randomization_test(xs, ys, permutations),
    )


def evaluate(
    docs: str | os.PathLike[str] | None,
    queries: str | os.PathLike[str],
    qrels: str | os.PathLike[str],
    ix: NewsIndex | None = None,
    depth: int = 1000,
    run_file: str | os.PathLike[str] | None = None,
    compare_to: str | os.PathLike[str] | None = None,
    expand: bool = False,
) -> dict[str, Any]:
    """Index ``docs`` (or use ``ix``), run the queries, and score them against the judgments.

    ``run_file`` receives the ranking in trec_eval's format; ``compare_to`` names another run
    file, tested against this one query by query (the result's "compare"); ``expand`` ranks
    with pseudo-relevance feedback (query.expand).
    """
    from newsearch.api import NewsIndex

    qs, judgments = load_queries(queries), load_qrels(qrels)
    other = load_run(compare_to) if compare_to is not None else None
    with tempfile.TemporaryDirectory(prefix="newsearch-eval-") as tmp:
        if docs is not None:
            ix = NewsIndex.create(Path(tmp) / "index")
            report = ix.add_files([docs])
            if not report.indexed:
                why = report.failed[0].reason if report.failed else "no documents in it"
                raise SourceError(f"{docs}: nothing to evaluate on ({why})")
        if ix is None:
            raise NewsearchError("nothing to evaluate", hint="Pass --docs or an index.")
        started = time.perf_counter()
        run = run_queries(ix, qs, depth, expand)
        elapsed = time.perf_counter() - started
        result: dict[str, Any] = dict(score(run, judgments))
        if docs is not None:
            ix.close()
    if run_file is not None:
        write_run(run, run_file)
    result["seconds_per_query"] = elapsed / max(1, len(qs))
    if other is not None:
        result["compare"] = compare(run, other, judgments).as_dict()
    return result
