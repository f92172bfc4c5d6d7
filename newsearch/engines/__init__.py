"""Engines behind NewsIndex, chosen by the index location: a folder, or a cluster URL.

A location starting with opensearch://, opensearchs://, http:// or https:// (also with the
"//" folded to "/", as a pathlib.Path leaves it) is an OpenSearch alias; anything else a folder.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from newsearch.engine import Engine
from newsearch.errors import NewsearchError

T = TypeVar("T")
URL_SCHEMES = ("opensearch:", "opensearchs:", "http:", "https:")


def _url(location: str | os.PathLike[str]) -> str | None:
    """The cluster URL a location names, or None for a folder."""
    text = os.fspath(location)
    return text if text.startswith(URL_SCHEMES) and ":/" in text else None


def _folder(location: str | os.PathLike[str]) -> Path:
    text = os.fspath(location)
    if not text:
        raise NewsearchError("no index location given", hint="Pass an index folder with --index.")
    return Path(text)


def display(location: str | os.PathLike[str]) -> str:
    """A location as it may be shown: a cluster URL without its credentials."""
    url = _url(location)
    if url is None:
        return os.fspath(location)
    from newsearch.engines.opensearch.connection import strip_userinfo

    return strip_userinfo(url)


def open_engine(location: str | os.PathLike[str]) -> Engine:
    """The index at a location (IndexNotFoundError when there is none)."""
    url = _url(location)
    if url is not None:
        from newsearch.engines import opensearch

        return opensearch.open_engine(url)
    from newsearch.engines import whoosh

    return whoosh.open_engine(_folder(location))


def create_engine(location: str | os.PathLike[str], overwrite: bool = False) -> Engine:
    """A new, empty index at a location (IndexExistsError unless ``overwrite``)."""
    url = _url(location)
    if url is not None:
        from newsearch.engines import opensearch

        return opensearch.create(url, overwrite)
    from newsearch.engines import whoosh

    return whoosh.create(_folder(location), overwrite)


def rebuild(location: str | os.PathLike[str], wait: float, build: Callable[[Engine], T]) -> T:
    """Build a fresh index with ``build`` and swap it in for the one at the location."""
    url = _url(location)
    if url is not None:
        from newsearch.engines import opensearch

        return opensearch.rebuild(url, wait, build)
    from newsearch.engines import whoosh

    return whoosh.rebuild(_folder(location), wait, build)


def exists(location: str | os.PathLike[str]) -> bool:
    """Whether an index (of any format) is at the location."""
    url = _url(location)
    if url is not None:
        from newsearch.engines import opensearch

        return opensearch.exists(url)
    from newsearch.engines.whoosh import store

    folder = _folder(location)
    return folder.is_dir() and bool(store.visible(folder))
