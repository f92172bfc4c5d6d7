"""`newsearch query` without typer: read as typer reads it, the same output, none of its imports."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from newsearch import cli, commands

TOKENS = [
    *["query", "query", "oil price", "oil", "-", "", "--", "--help", "--bogus", "-x", "-i"],
    *["--index", "--index=ix", "--index=", "ix", "-n", "--limit", "3", "0", "-1", "007", "²"],
    *["--limit=3", "-n3", "--page", "2", "--json", "--explain", "--sort", "newest", "--since"],
    *["2017", "--until", "--source", "--tag", "--author", "--asof", "--all", "--facets"],
    *["--date-clauses", "--no-date-clauses", "--expand", "--version", "stats", "Query"],
]
ENVS = [{}, {"NEWSEARCH_INDEX": "from-env"}, {"NEWSEARCH_INDEX": ""}]


def _typer_call(argv: list[str], env: dict[str, str], monkeypatch) -> tuple[int, tuple | None]:
    """What the typer app hands the query runner for argv: (exit code, the call or None)."""
    seen: list[tuple] = []
    monkeypatch.setattr(commands, "run_query", lambda *a, **kw: seen.append((*a, dict(kw))))
    result = CliRunner().invoke(commands.app, argv, env=env)
    return result.exit_code, seen[0] if seen else None


COUNT, TEXTS = ["-n", "--limit", "--page"], ["--sort", "--since", "--until", "--source", "--tag"]
FLAGS = ["--json", "--explain", "--all", "--facets", "--date-clauses", "--no-date-clauses"]
PIECES = st.one_of(
    st.tuples(st.sampled_from(COUNT), st.sampled_from(["1", "3", "0", "007", "-1", "x", "²"])),
    st.tuples(
        st.sampled_from([*TEXTS, "--author", "--asof"]), st.sampled_from(["newest", "-z", ""])
    ),
    st.tuples(st.sampled_from([*FLAGS, "--expand"])),
    st.tuples(st.sampled_from(TOKENS)),  # now and then a stray word
)


@settings(max_examples=400, deadline=None)
@given(
    pieces=st.lists(PIECES, max_size=5),
    at=st.integers(0, 5),
    env=st.sampled_from(ENVS),
    front=st.sampled_from([[], ["-i", "ix"], ["--index", "other"], ["--index=x"], ["-i"]]),
)
def test_a_command_line_read_quick_is_read_so_by_typer(pieces, at, env, front, monkeypatch_module):
    rest = [arg for piece in pieces for arg in piece]
    args = [*front, "query", *rest[:at], "oil", *rest[at:]]
    quick = cli.quick_query(args, env | {"PATH": "/usr/bin"})
    if quick is not None:  # else typer reads it: nothing to compare
        code, call = _typer_call(args, env, monkeypatch_module)
        assert code == 0 and call == quick, (args, env)


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


def test_the_quick_reading_of_a_few_lines():
    env = {"NEWSEARCH_INDEX": "e"}
    found = cli.quick_query(["-i", "ix", "query", "oil", "-n", "3", "--json", "--all"], env)
    assert found == ("ix", "oil", True, cli.QUERY_DEFAULTS | {"limit": 3, "collapse": False})
    assert cli.quick_query(["query", "oil"], env)[0] == "e"
    assert cli.quick_query(["query", "oil"], {"NEWSEARCH_INDEX": ""})[0] == "index"
    for left_to_typer in (["query"], ["query", "--help"], ["query", "a", "b"], ["stats"]):
        assert cli.quick_query(left_to_typer, {}) is None
    assert cli.quick_query(["query", "oil"], {"_NEWSEARCH_COMPLETE": "bash_complete"}) is None


TYPER = "import sys; from newsearch.cli import app; app(args=sys.argv[1:], prog_name='newsearch')"
# The console script's main(), then (at exit, also after an error) which heavy modules it loaded.
QUICK = (
    "import atexit, sys\n"
    "heavy = {'typer', 'numpy', 'regex', 'rich', 'bs4', 'lxml'}\n"
    "atexit.register(lambda: print(sorted({m.split('.')[0] for m in sys.modules} & heavy), "
    "file=sys.stderr))\n"
    "from newsearch.cli import main\n"
    "main()\n"
)


@pytest.mark.parametrize(
    "args",
    [
        ["query", "Mueller inquiry"],
        ["query", "Mueller", "--json", "--facets", "-n", "2"],
        ["query", "Mueller", "--explain", "--sort", "newest"],
        ["query", "Mueller", "--sort", "sideways"],  # an error line, exit 1
        ["-i", "nowhere", "query", "Mueller"],  # no index: an error line, exit 1
    ],
)
def test_a_quick_query_prints_what_typer_prints_and_loads_none_of_it(args, seeded, tmp_path):
    def run(code: str) -> subprocess.CompletedProcess[str]:
        argv = args if "nowhere" in args else ["-i", str(seeded.location), *args]
        return subprocess.run(
            [sys.executable, "-c", code, *argv], capture_output=True, text=True, cwd=tmp_path
        )

    quick, typer = run(QUICK), run(TYPER)
    *err, loaded = quick.stderr.splitlines()
    assert (quick.returncode, quick.stdout, err) == (
        typer.returncode,
        typer.stdout,
        typer.stderr.splitlines(),
    )
    assert json.loads(loaded.replace("'", '"')) == []
    if "--json" in args:
        assert json.loads(quick.stdout)["hits"]


def test_importing_the_command_line_loads_no_engine_and_every_public_name_resolves():
    code = (
        "import sys, newsearch.cli\n"
        "assert not [m for m in sys.modules if m.startswith(('whoosh', 'typer', 'newsearch.api'))]\n"
        "import newsearch\n"
        "assert all(getattr(newsearch, name) is not None for name in newsearch.__all__)\n"
        "from newsearch import NewsIndex\n"
        "from newsearch.api import NewsIndex as Same\n"
        "assert NewsIndex is Same and 'NewsIndex' in dir(newsearch)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_ctrl_c_outside_the_search_ends_as_typer_ends_it(monkeypatch, capsys):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "run_query", interrupted)
    monkeypatch.setattr(commands, "run_query", interrupted)
    monkeypatch.setattr(sys, "argv", ["newsearch", "query", "oil"])
    with pytest.raises(SystemExit) as quick:
        cli.main()
    typer = CliRunner().invoke(commands.app, ["query", "oil"])
    assert (quick.value.code, capsys.readouterr().err) == (typer.exit_code, typer.output)
    assert typer.exit_code == 130
