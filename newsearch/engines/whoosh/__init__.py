"""The embedded default engine: Whoosh segments in a folder. Only this package imports Whoosh."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from newsearch.engines.whoosh import store
from newsearch.engines.whoosh.engine import WhooshEngine

T = TypeVar("T")

__all__ = ["WhooshEngine", "create", "open_engine", "rebuild"]


def open_engine(folder: Path) -> WhooshEngine:
    """The index in this folder."""
    return WhooshEngine(folder)


def create(folder: Path, overwrite: bool = False) -> WhooshEngine:
    """A new, empty index in this folder."""
    store.create(folder, overwrite)
    return WhooshEngine(folder)


def rebuild(folder: Path, wait: float, build: Callable[[WhooshEngine], T]) -> T:
    """Build a fresh index beside the live one in the folder and swap it in when complete.

    The run lock is held throughout, so no other run writes to the index being replaced; a
    failed, interrupted or killed rebuild leaves the old index live (and its leftovers are
    deleted by the next run).
    """
    store.check_folder(folder, "replace")
    folder.mkdir(parents=True, exist_ok=True)
    with store.run_lock(folder, wait) as fd:
        try:
            live = store.live_name(folder) if store.is_index(folder) else None
        except Exception:  # noqa: BLE001 - an index of an older format is what a rebuild is for
            live = None
        store.remove_leftovers(folder, keep=live or "")
        name = store.new_index(folder)
        fresh = WhooshEngine(folder, name=name, lock_fd=fd)
        try:
            result = build(fresh)
        except BaseException:
            fresh.close()
            store.drop(folder, name)
            raise
        fresh.close()
        store.swap_in(folder, name)
    return result
