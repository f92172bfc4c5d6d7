"""Where the tests' data is: the repository, the seed, the fixtures, ../shared/data when present.

A module of its own (not conftest.py) so that test modules can import it by a name no other
folder's conftest shares.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED = ROOT / "seeds" / "000_16f6a29ea987d3dd.txt"
DATA = ROOT.parent / "shared" / "data"


def data_dir(*parts: str) -> Path:
    """A folder of ../shared/data, or a skip when this checkout has none."""
    p = DATA.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"{p} is absent (research data is read by path, never shipped)")
    return p
