"""Shared fixtures: the seed, the hand-written fixtures, a fresh index, the real data when present."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsearch import NewsIndex

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED = ROOT / "seeds" / "000_16f6a29ea987d3dd.txt"
DATA = ROOT.parent / "shared" / "data"


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


def data_dir(*parts: str) -> Path:
    """A folder of ../shared/data, or a skip when this checkout has none."""
    p = DATA.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"{p} is absent (research data is read by path, never shipped)")
    return p
