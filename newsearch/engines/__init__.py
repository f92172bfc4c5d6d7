"""Engines behind NewsIndex, chosen by the index location: a folder, or a cluster URL."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from newsearch.engine import Engine
from newsearch.errors import NewsearchError

T = TypeVar("T")
URL_SCHEMES = ("opensearch://", "opensearchs://", "http://", "https://")


def _folder(location: str | os.PathLike[str]) -> Path:
    text = os.fspath(location)
    if text.startswith(URL_SCHEMES):
        raise NewsearchError(
            f"{text}: the OpenSearch engine is not part of this version yet",
            hint="Use an index folder (the embedded Whoosh engine).",
        )
    if not text:
        raise NewsearchError("no index location given", hint="Pass an index folder with --index.")
    return Path(text)


def open_engine(location: str | os.PathLike[str]) -> Engine:
    """The index at a location (IndexNotFoundError when there is none)."""
    from newsearch.engines import whoosh

    return whoosh.open_engine(_folder(location))


def create_engine(location: str | os.PathLike[str], overwrite: bool = False) -> Engine:
    """A new, empty index at a location (IndexExistsError unless ``overwrite``)."""
    from newsearch.engines import whoosh

    return whoosh.create(_folder(location), overwrite)


def rebuild(location: str | os.PathLike[str], wait: float, build: Callable[[Engine], T]) -> T:
    """Build a fresh index with ``build`` and swap it in for the one at the location."""
    from newsearch.engines import whoosh

    return whoosh.rebuild(_folder(location), wait, build)


def exists(location: str | os.PathLike[str]) -> bool:
    """Whether an index (of any format) is at the location."""
    from newsearch.engines.whoosh import store

    folder = _folder(location)
    return folder.is_dir() and bool(store.visible(folder))
