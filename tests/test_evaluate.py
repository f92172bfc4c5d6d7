from pathlib import Path

import pytest

from newsearch import NewsearchError
from newsearch.evaluate import evaluate, load_qrels, load_queries, score

COLL = Path(__file__).parent / "minicoll"


def test_loaders(tmp_path):
    assert load_queries(COLL / "queries.tsv")["1"] == "harbour bridge"
    assert load_qrels(COLL / "qrels.txt")["4"] == {"d2": 0}
    bad = tmp_path / "q.tsv"
    bad.write_text("no tab here\n")
    with pytest.raises(NewsearchError, match="id<TAB>query"):
        load_queries(bad)


def test_evaluate_end_to_end():
    scores = evaluate(COLL / "docs.jsonl", COLL / "queries.tsv", COLL / "qrels.txt")
    # Query 4 has no relevant judgment and is left out; query 3 finds nothing and scores 0.
    assert scores["queries"] == 3
    assert scores["P@10"] < scores["R@100"] <= 1.0
    # Queries 1 and 2 rank their relevant article first; query 3 finds nothing: (1 + 1 + 0) / 3.
    assert scores["nDCG@10"] == pytest.approx(2 / 3, abs=0.01)


def test_score_counts_a_judged_query_without_hits_as_zero():
    qrels = {"a": {"x": 1}, "b": {"y": 1}}
    assert score({"a": {"x": 1.0}}, qrels)["nDCG@10"] == pytest.approx(0.5)
