"""Measure ranking the way IR test collections do: run queries, score against judgments."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from newsearch.errors import NewsearchError, SourceError

if TYPE_CHECKING:
    from newsearch.api import NewsIndex

MEASURES = ("nDCG@10", "AP@1000", "P@10", "R@100")


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


def run_queries(
    ix: NewsIndex, queries: dict[str, str], depth: int = 1000
) -> dict[str, dict[str, float]]:
    """The ranked ids per query; the score given is from the rank, which is what users see."""
    run: dict[str, dict[str, float]] = {}
    for qid, text in queries.items():
        # Judged as written: every copy is a document of its own, and a question's "this year"
        # is words, not a date filter.
        hits = ix.search(
            text, limit=depth, snippets=False, collapse=False, suggest=False, date_clauses=False
        ).hits
        # Judgements name the collection's own ids; the index scopes them by their file.
        run[qid] = {h.record_id: float(depth - h.rank + 1) for h in hits}
    return run


def score(run: dict[str, dict[str, float]], qrels: dict[str, dict[str, int]]) -> dict[str, float]:
    """Mean nDCG@10, MAP (AP@1000), P@10 and R@100 over the judged queries, trec_eval rules."""
    try:
        import ir_measures
    except ImportError as exc:
        raise NewsearchError(
            "evaluation needs the ir-measures package",
            hint="pip install 'newsearch[eval]'",
        ) from exc
    judged = {q: r for q, r in qrels.items() if any(g > 0 for g in r.values())}
    # A judged query with no hits counts as zero (trec_eval -c), never silently dropped.
    full_run = {q: run.get(q) or {"__none__": 0.0} for q in judged}
    measures = [ir_measures.parse_measure(m) for m in MEASURES]
    agg = ir_measures.calc_aggregate(measures, judged, full_run)
    return {str(m): float(agg[m]) for m in measures} | {"queries": float(len(judged))}


def evaluate(
    docs: str | os.PathLike[str] | None,
    queries: str | os.PathLike[str],
    qrels: str | os.PathLike[str],
    ix: NewsIndex | None = None,
    depth: int = 1000,
) -> dict[str, float]:
    """Index ``docs`` (or use ``ix``), run the queries, and score them against the judgments."""
    from newsearch.api import NewsIndex

    qs, judgments = load_queries(queries), load_qrels(qrels)
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
        run = run_queries(ix, qs, depth)
        elapsed = time.perf_counter() - started
        result = score(run, judgments)
        if docs is not None:
            ix.close()
    return result | {"seconds_per_query": elapsed / max(1, len(qs))}
