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
    # newsearch/indexer and newsearch/query are links to the top-level folders: the package as
    # installed (package-dir), seen from the repository.
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
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
