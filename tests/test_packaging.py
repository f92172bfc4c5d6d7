"""What pip installs: every package folder, the typed marker, nothing at the top level but newsearch."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_package_folder_is_listed_for_setuptools():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    found = {"newsearch.indexer", "newsearch.query"}
    for init in (ROOT / "newsearch").rglob("__init__.py"):
        rel = init.parent.relative_to(ROOT)
        found.add(".".join(rel.parts))
    assert found == listed
    assert config["package-dir"] == {
        "newsearch": "newsearch",
        "newsearch.indexer": "indexer",
        "newsearch.query": "query",
    }
