"""The library type-checks, as a caller's mypy sees it (the installed package layout)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_the_library_is_mypy_clean(tmp_path):
    if (
        shutil.which("mypy") is None
        and subprocess.run(
            [sys.executable, "-m", "mypy", "--version"], capture_output=True
        ).returncode
    ):
        pytest.skip("mypy is not installed (it comes with the [test] extra)")
    # The package as installed: newsearch/ with indexer/ and query/ inside it (package-dir).
    tree = tmp_path / "site"
    (tree / "newsearch").mkdir(parents=True)
    for child in (ROOT / "newsearch").iterdir():
        if child.name != "__pycache__":
            (tree / "newsearch" / child.name).symlink_to(child)
    (tree / "newsearch" / "indexer").symlink_to(ROOT / "indexer")
    (tree / "newsearch" / "query").symlink_to(ROOT / "query")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "-p",
            "newsearch",
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(tmp_path / "cache"),
        ],
        cwd=tree,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
