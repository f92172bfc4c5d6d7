"""Mistakes people make get one message, not a traceback (CLI and API)."""

import pytest
from typer.testing import CliRunner

from newsearch import NewsearchError, NewsIndex, QueryError
from newsearch.cli import app

runner = CliRunner()


@pytest.mark.parametrize(
    "query",
    ["oil after:9999", "oil before:0001-01-01", "yesterday", "oil since:9999-12-31T23:00:00-05:00"],
)
def test_query_dates_past_the_calendar_are_messages(seeded, query):
    # Each raised OverflowError.
    with pytest.raises(QueryError):
        seeded.search(query, asof="0001-01-01" if query == "yesterday" else None)


def test_the_cli_says_it_in_one_line(seeded):
    r = runner.invoke(app, ["-i", seeded.location, "query", "oil after:9999"])
    assert r.exit_code == 1 and r.output.startswith("Error: ")
    r = runner.invoke(
        app, ["-i", seeded.location, "query", "oil", "--since", "9999-12-31T23:00:00-05:00"]
    )
    assert r.exit_code == 1 and "Traceback" not in r.output


def test_an_index_path_through_a_file_is_a_message(tmp_path):
    (tmp_path / "afile").write_text("x")
    with pytest.raises(NewsearchError, match="cannot make the index folder"):
        NewsIndex.create(tmp_path / "afile" / "ix")  # was NotADirectoryError


def test_searching_an_index_whose_folder_was_removed(tmp_path, seed):
    import shutil

    ix = NewsIndex.create(tmp_path / "ix")
    ix.add_files([seed])
    shutil.rmtree(tmp_path / "ix")
    with pytest.raises(NewsearchError, match="no index"):  # was Whoosh's EmptyIndexError
        ix.search("Lavrov")


def test_eval_inputs_people_get_wrong(tmp_path, fixtures):
    from newsearch.errors import SourceError
    from newsearch.evaluate import evaluate, load_qrels, load_queries

    q = tmp_path / "q.tsv"
    q.write_bytes("1\tcaf\xe9 prices\n".encode("latin-1"))
    with pytest.raises(SourceError, match="not UTF-8"):  # was UnicodeDecodeError
        load_queries(q)
    g = tmp_path / "g.txt"
    g.write_text("1 0 d1 1.0\n1 0 d2 0\n")
    assert load_qrels(g) == {"1": {"d1": 1, "d2": 0}}  # "1.0" was a ValueError
    g.write_text("1 0 d1 0.5\n")
    with pytest.raises(SourceError, match="whole number"):
        load_qrels(g)
    q.write_text("1\tharbour\n")
    g.write_text("1 0 d1 1\n")
    with pytest.raises(SourceError, match="nothing to evaluate"):  # was exit 0 with zeros
        evaluate(tmp_path / "nonexistent.jsonl", q, g)


def test_ctrl_c_during_a_rebuild_says_the_old_index_is_unchanged(
    tmp_path, seed, fixtures, monkeypatch
):
    from newsearch.indexer import writer

    where = tmp_path / "ix"
    NewsIndex.create(where).add_files([seed])

    def stopped(self):
        raise KeyboardInterrupt

    monkeypatch.setattr(writer.Batch, "commit", stopped)
    r = runner.invoke(app, ["-i", str(where), "index", "--rebuild", str(fixtures)])
    # Was "N article(s) of this run were committed and kept" while the old index stayed.
    assert r.exit_code == 130 and "the old index is unchanged" in r.output
    assert NewsIndex.open(where).search("Lavrov").total == 1


def test_a_full_disk_is_a_message_and_the_old_index_stays(tmp_path, seed, fixtures, monkeypatch):
    import errno

    from newsearch.engines.whoosh.writing import WhooshWriter

    ix = NewsIndex.create(tmp_path / "ix")
    ix.add_files([seed])

    def full(self):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(WhooshWriter, "commit", full)
    with pytest.raises(NewsearchError, match="No space left") as err:  # was a traceback
        ix.add_files([fixtures])
    assert "kept" in err.value.hint and ix.search("Lavrov").total == 1


def test_a_killed_worker_is_a_message(tmp_path, monkeypatch):
    from newsearch.indexer import prepare

    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(prepare.PARALLEL_MIN_FILES + 10):
        (folder / f"{i}.txt").write_text(f"Story {i}\n\nThe harbour story number {i}.")
    monkeypatch.setattr(prepare, "prepare_batch", _worker_dies)
    ix = NewsIndex.create(tmp_path / "ix")
    with pytest.raises(NewsearchError, match="worker died"):  # was BrokenProcessPool
        ix.add_files([folder], workers=2)


def _worker_dies(batch):
    """Stands in for prepare.prepare_batch in a worker: the OOM killer's SIGKILL."""
    import os
    import signal

    os.kill(os.getpid(), signal.SIGKILL)
