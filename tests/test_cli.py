import json
import shutil
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from newsearch.cli import app

runner = CliRunner()


@pytest.fixture
def workdir(tmp_path, monkeypatch, seed):
    (tmp_path / "seeds").mkdir()
    shutil.copy(seed, tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEWSEARCH_INDEX", raising=False)
    return tmp_path


def run(*args):
    return runner.invoke(app, list(args))


def test_index_then_query_the_seed(workdir):
    r = run("index")
    assert r.exit_code == 0, r.output
    assert "1 added" in r.output and (workdir / "index" / "newsearch.json").exists()
    r = run("query", "Mueller inquiry")
    assert r.exit_code == 0
    assert "1. US has no proof of Russia’s interference" in r.output
    assert "2017-09-23" in r.output and "score" in r.output
    assert "**Mueller**" in r.output and "**inquiry**" in r.output


def test_second_index_run_reports_unchanged(workdir):
    run("index")
    r = run("index", "--json")
    report = json.loads(r.output)
    assert (report["added"], report["updated"], report["unchanged"]) == (0, 0, 1)


def test_query_json_contract(workdir):
    run("index")
    data = json.loads(run("query", "Mueller inquiry", "--json").output)
    assert {"query", "total", "hits"} <= data.keys()
    hit = data["hits"][0]
    assert {"rank", "id", "title", "published", "source", "score", "snippet"} <= hit.keys()
    assert hit["title"].startswith("US has no proof")
    assert hit["published"].startswith("2017-09-23")
    assert hit["rank"] == 1


def test_no_hits_is_success(workdir):
    run("index")
    r = run("query", "zzzunknownword")
    assert r.exit_code == 0 and "No results" in r.output


def test_limit_option(workdir, fixtures):
    run("index", "seeds", str(fixtures))
    data = json.loads(run("query", "said", "-n", "2", "--json").output)
    assert data["total"] >= 3 and len(data["hits"]) == 2


def test_missing_index_is_one_error_line_and_exit_1(workdir):
    r = runner.invoke(app, ["query", "Mueller inquiry"])
    assert r.exit_code == 1
    lines = r.stderr.strip().splitlines()
    assert lines[0].startswith("Error: no index at index")
    assert lines[1].startswith("Hint:") and "Traceback" not in r.output


def test_index_option_and_env(workdir, tmp_path, monkeypatch):
    assert run("--index", str(tmp_path / "other"), "index").exit_code == 0
    monkeypatch.setenv("NEWSEARCH_INDEX", str(tmp_path / "other"))
    assert json.loads(run("stats", "--json").output)["documents"] == 1


def test_index_unreadable_path_reports_and_exits_1(workdir):
    r = run("index", "nope/")
    assert r.exit_code == 1
    assert "no such file or folder" in r.output


def test_index_partial_failure_still_exits_0(workdir):
    (workdir / "seeds" / "empty.txt").write_text("")
    r = run("index")
    assert r.exit_code == 0 and "1 failed" in r.output and "empty file" in r.output


def test_rebuild(workdir):
    run("index")
    r = run("index", "--rebuild", "--json")
    assert json.loads(r.output)["added"] == 1


def test_clean_shows_kept_and_stripped_lines_with_reasons(workdir, seed):
    r = run("clean", str(seed))
    assert r.exit_code == 0
    out = r.output
    assert "Published: 2017-09-23T05:13:00" in out
    assert "- US presidential polls   [repeated caption]" in out
    assert "- Related Tags:   [tags]" in out
    assert "[app promo]" in out and "[date line]" in out
    assert "+ A US special prosecutor, Robert Mueller" in out


def test_clean_missing_file(workdir):
    r = run("clean", "missing.txt")
    assert r.exit_code == 1 and "Error:" in r.stderr


def test_show_and_stats(workdir):
    run("index")
    hit = json.loads(run("query", "Lavrov", "--json").output)["hits"][0]
    r = run("show", hit["id"])
    assert r.exit_code == 0 and "Tillerson" in r.output and "2017-09-23" in r.output
    assert run("show", "nope").exit_code == 1
    stats = json.loads(run("stats", "--json").output)
    assert stats["documents"] == 1
    assert "articles:  1" in run("stats").output


def test_usage_error_is_exit_2(workdir):
    assert run("query").exit_code == 2
    assert run("frobnicate").exit_code == 2


def test_real_process_prints_no_traceback(workdir):
    p = subprocess.run(
        [sys.executable, "-m", "newsearch", "query", "x"],
        capture_output=True,
        text=True,
        cwd=workdir,
    )
    assert p.returncode == 1
    assert p.stderr.startswith("Error: ") and "Traceback" not in p.stderr
    assert p.stdout == ""


def test_query_explain(workdir):
    run("index")
    out = run("query", "Mueller inquiry", "--explain").output
    assert "'Mueller' matched 'mueller'" in out and "in the title and body" in out
    data = json.loads(run("query", "Mueller inquiry", "--explain", "--json").output)
    assert {c["term"] for c in data["hits"][0]["explanation"]} == {"mueller", "inquiri"}


def test_eval_command(workdir, fixtures):
    coll = fixtures.parent / "minicoll"
    r = run(
        "eval",
        "--docs",
        str(coll / "docs.jsonl"),
        "--queries",
        str(coll / "queries.tsv"),
        "--qrels",
        str(coll / "qrels.txt"),
        "--json",
    )
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["queries"] == 3
    args = ["eval", "--docs", str(coll / "docs.jsonl"), "--queries", str(coll / "queries.tsv")]
    text = run(*args, "--qrels", str(coll / "qrels.txt")).output
    assert "queries  3\n" in text  # a count, not "3.0000"


def test_index_prune(workdir):
    (workdir / "seeds" / "extra.txt").write_text("Extra headline\n\nExtra story text.")
    run("index")
    (workdir / "seeds" / "extra.txt").unlink()
    r = run("index", "--prune")
    assert r.exit_code == 0 and "1 removed" in r.output and "holds 1 article" in r.output


def test_query_sort_and_date_flags(workdir, fixtures):
    run("index", "seeds", str(fixtures))
    newest = json.loads(run("query", "said OR harbour", "--sort", "newest", "--json").output)
    dates = [h["published"] for h in newest["hits"] if h["published"]]
    assert dates == sorted(dates, reverse=True) and len(dates) >= 2
    only_2017 = json.loads(
        run("query", "said", "--since", "2017", "--until", "2017", "--json").output
    )
    assert {h["published"][:4] for h in only_2017["hits"]} == {"2017"}
    r = run("query", "said", "--since", "yesterday-ish")
    assert r.exit_code == 1 and r.stderr.startswith("Error: not a date")


def test_version_and_the_index_option_after_the_command(workdir):
    from newsearch import __version__
    from newsearch.cli import hoist_index

    assert run("--version").output.strip() == f"newsearch {__version__}"
    assert hoist_index(["query", "oil", "-i", "ix", "-n", "3"]) == [
        "-i",
        "ix",
        "query",
        "oil",
        "-n",
        "3",
    ]
    assert hoist_index(["stats", "--index=ix"]) == ["--index=ix", "stats"]
    assert hoist_index(["query", "--", "-i"]) == ["query", "--", "-i"]
    assert run("index").exit_code == 0
    r = subprocess.run(
        [sys.executable, "-m", "newsearch", "query", "Lavrov", "-i", "index", "--json"],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0 and json.loads(r.stdout)["total"] == 1


def test_a_closed_pipe_is_not_an_error(workdir):
    assert run("index").exit_code == 0
    # `newsearch query … | head -1` exited 1; `true` has gone before the first write.
    proc = subprocess.run(
        f"{sys.executable} -m newsearch query 'Mueller inquiry' -n 50 | true; "
        "echo ${PIPESTATUS[0]}",
        shell=True,
        executable="/bin/bash",
        capture_output=True,
        text=True,
    )
    assert proc.stdout.strip() == "0" and "Traceback" not in proc.stderr


def test_a_password_in_an_index_url_is_never_printed(workdir, monkeypatch):
    from newsearch import engines

    # The summary line names the index as display() shows it: without credentials.
    assert engines.display("opensearch://me:s3cret@127.0.0.1:9200/news").count("s3cret") == 0
    r = run("-i", "opensearch://me:s3cret@127.0.0.1:1/news", "index")
    assert "s3cret" not in r.output and r.exit_code == 1


def test_a_folder_of_other_files_is_not_an_index_and_the_hint_does_not_mislead(tmp_path):
    (tmp_path / "notes.txt").write_text("not an index")
    r = run("-i", str(tmp_path), "query", "oil")
    assert r.exit_code == 1 and "is not a newsearch index" in r.output
    # Before: "build one there with `newsearch index`", which then refused the folder.
    assert "build one there" not in r.output and "empty or new folder" in r.output
    assert "--rebuild" not in r.output


def test_library_hints_name_the_api_where_they_name_a_command():
    from newsearch import errors

    assert "`newsearch" not in errors.DocumentNotFoundError.hint
    for cls in (errors.IndexIncompatibleError, errors.IndexExistsError, errors.IndexNotFoundError):
        assert "`newsearch" in cls.hint and ("NewsIndex" in cls.hint or "create(" in cls.hint)
