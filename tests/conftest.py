"""Shared fixtures: the seed, the hand-written fixtures, a fresh index, the real data when present."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from testdata import DATA, FIXTURES, ROOT, SEED, data_dir

from newsearch import NewsIndex

__all__ = ["DATA", "FIXTURES", "ROOT", "SEED", "data_dir"]


@pytest.fixture(autouse=True, scope="session")
def _own_run_dir(tmp_path_factory: pytest.TempPathFactory) -> None:
    # No test may hand its queries to a `newsearch serve` the developer has running.
    os.environ["NEWSEARCH_RUN_DIR"] = str(tmp_path_factory.mktemp("run"))


@pytest.fixture
def seed() -> Path:
    return SEED


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def index(tmp_path: Path) -> NewsIndex:
    return NewsIndex.create(tmp_path / "ix")


@pytest.fixture
def seeded(index: NewsIndex) -> NewsIndex:
    report = index.add_files([SEED, FIXTURES])
    assert not [f for f in report.failed if "records.jsonl" not in f.path]
    return index
