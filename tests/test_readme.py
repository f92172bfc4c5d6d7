"""The README's two set-up commands are what CI runs and what the project supports."""

import re

from testdata import ROOT


def commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```sh\n(.+?)\n```", text, flags=re.S)[:2]


def test_readme_opens_with_two_setup_commands():
    main, tests = commands()
    assert "pip install -e ." in main and "newsearch index" in main and "newsearch query" in main
    assert "'.[test]'" in tests and "pytest" in tests


def test_ci_runs_the_readme_test_command_verbatim():
    _, tests = commands()
    assert tests in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_seed_article_ships_with_the_repository():
    assert (ROOT / "seeds" / "000_16f6a29ea987d3dd.txt").stat().st_size > 1000
