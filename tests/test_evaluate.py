from pathlib import Path

import pytest

from newsearch import NewsearchError
from newsearch.evaluate import (
    compare,
    evaluate,
    load_qrels,
    load_queries,
    load_run,
    randomization_test,
    score,
    write_run,
)

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


def test_run_file_round_trip_keeps_the_order(tmp_path):
    path = tmp_path / "a.run"
    write_run({"1": {"d1": 3.0, "d2": 7.5}, "2": {"d9": 1.0}}, path)
    lines = path.read_text().splitlines()
    assert lines[0] == "1 Q0 d2 1 7.5 newsearch"
    assert lines[1] == "1 Q0 d1 2 3 newsearch"
    assert load_run(path) == {"1": {"d2": 7.5, "d1": 3.0}, "2": {"d9": 1.0}}


def test_load_run_refuses_a_line_that_is_not_a_run(tmp_path):
    bad = tmp_path / "bad.run"
    bad.write_text("1 Q0 d1 1 high newsearch\n")
    with pytest.raises(NewsearchError, match="not a number"):
        load_run(bad)
    bad.write_text("1 d1 1\n")
    with pytest.raises(NewsearchError, match="qid Q0 docid rank score tag"):
        load_run(bad)


def test_randomization_test_tells_a_steady_gain_from_noise():
    # Twelve queries all better by .1: only 2 of the 4096 sign patterns are as extreme.
    assert randomization_test([0.6] * 12, [0.5] * 12) < 0.01
    # One query better, one worse by as much: nothing to tell apart.
    assert randomization_test([0.9, 0.1], [0.1, 0.9]) == 1.0
    assert randomization_test([0.3, 0.4], [0.3, 0.4]) == 1.0
    # A single differing query: every relabelling is as extreme as the one observed.
    assert randomization_test([0.9, 0.5, 0.5], [0.1, 0.5, 0.5]) == 1.0


def test_compare_counts_wins_and_losses_per_judged_query():
    qrels = {"a": {"x": 1}, "b": {"y": 1}, "c": {"z": 1}, "d": {"x": 0}}
    ours = {"a": {"x": 2.0, "w": 1.0}, "b": {"w": 2.0, "y": 1.0}}
    theirs = {"a": {"w": 2.0, "x": 1.0}, "b": {"w": 2.0, "y": 1.0}, "c": {"z": 1.0}}
    result = compare(ours, theirs, qrels)
    assert (result.wins, result.losses, result.ties) == (1, 1, 1)  # d is unjudged: left out
    assert result.ours == pytest.approx((1.0 + 0.6309 + 0.0) / 3, abs=1e-3)
    assert result.theirs == pytest.approx((0.6309 + 0.6309 + 1.0) / 3, abs=1e-3)
    assert 0.0 < result.p_value <= 1.0


def test_evaluate_writes_a_run_and_compares_against_one(tmp_path):
    path = tmp_path / "ours.run"
    evaluate(COLL / "docs.jsonl", COLL / "queries.tsv", COLL / "qrels.txt", run_file=path)
    ranked = load_run(path)
    assert max(ranked["1"], key=ranked["1"].get) == "d1"
    worse = tmp_path / "worse.run"
    worse.write_text("1 Q0 d4 1 2 other\n1 Q0 d1 2 1 other\n")
    scores = evaluate(
        COLL / "docs.jsonl", COLL / "queries.tsv", COLL / "qrels.txt", compare_to=worse
    )
    assert scores["compare"]["wins"] == 2  # queries 1 and 2; query 3 is 0 for both
    assert scores["compare"]["ties"] == 1
    assert scores["compare"]["ours"] == pytest.approx(scores["nDCG@10"])


def test_eval_command_writes_the_run_and_prints_the_comparison(tmp_path):
    from typer.testing import CliRunner

    from newsearch.cli import app

    ours = tmp_path / "ours.run"
    args = ["eval", "--docs", str(COLL / "docs.jsonl"), "--queries", str(COLL / "queries.tsv")]
    args += ["--qrels", str(COLL / "qrels.txt"), "--run", str(ours)]
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 0, first.output
    second = CliRunner().invoke(app, [*args[:-2], "--compare", str(ours)])
    assert second.exit_code == 0, second.output
    # The same ranking against itself: no query better or worse, nothing to tell apart.
    assert "0 better, 0 worse, 3 tied; p = 1.0000" in second.output
