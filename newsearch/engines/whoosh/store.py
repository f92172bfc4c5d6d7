"""The index folder: create, open, the run lock, and rebuilds swapped in by the manifest.

A folder holds one live Whoosh index, named in the manifest (newsearch.json). A rebuild writes a
second index under a new name into the same folder and swaps it in by rewriting the manifest
(one atomic rename), then deletes the old one's files: the folder itself is never moved, so a
mount point, `-i .`, dotfiles and a concurrent reader are all safe, and a rebuild killed at
any moment leaves the old index live. Files of any other name are leftovers, deleted under the
run lock.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as windex

from newsearch.engines.whoosh import schema
from newsearch.errors import IndexLockedError, IndexNotFoundError, NewsearchError

RUN_LOCK = "newsearch.lock"
# Whoosh names its files "_NAME_GEN.toc", "NAME_SEGID.ext", "NAME_WRITELOCK"; ours are MAIN
# (the first build) or R + 8 hex digits (rebuilds); the near-duplicate store is NAME.sqlite.
_OURS = re.compile(r"^_?(MAIN|R[0-9a-f]{8})[_.]")
_LEGACY = ("clusters.sqlite",)  # format 4 kept its near-duplicate store under this name


def visible(folder: Path) -> list[Path]:
    """The folder's entries but dotfiles (a .gitkeep in the bundled index/ is no index)."""
    return [c for c in folder.iterdir() if not c.name.startswith(".")]


def is_index(folder: Path) -> bool:
    """True when the folder holds a newsearch index (of any format)."""
    return (folder / schema.MANIFEST).exists() or windex.exists_in(str(folder), schema.FIRST_NAME)


def check_folder(folder: Path, action: str) -> None:
    """Refuse a path that is a file, or a folder of files that are not an index."""
    if folder.exists() and not folder.is_dir():
        raise NewsearchError(
            f"{folder} is a file, not an index folder", hint="Choose another --index path."
        )
    if folder.is_dir() and visible(folder) and not is_index(folder):
        raise NewsearchError(
            f"{folder} holds files that are not a newsearch index; refusing to {action} them",
            hint="Choose an empty folder or a new path for the index.",
        )


def create(folder: Path, overwrite: bool) -> str:
    """Make an empty index in the folder; its Whoosh name."""
    from newsearch.errors import IndexExistsError

    check_folder(folder, "overwrite")
    if folder.is_dir() and visible(folder):
        if not overwrite:
            raise IndexExistsError(f"an index already exists at {folder}")
        for child in visible(folder):
            if _OURS.match(child.name) or child.name in (schema.MANIFEST, RUN_LOCK, *_LEGACY):
                _remove(child)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # a path through a file (/etc/passwd/ix), no permission, read-only
        raise NewsearchError(
            f"cannot make the index folder {folder}: {exc.strerror or exc}",
            hint="Choose another --index path.",
        ) from exc
    return new_index(folder, schema.FIRST_NAME)


def new_index(folder: Path, name: str | None = None) -> str:
    """Write an empty Whoosh index under a fresh name (not yet live unless it is the first)."""
    import secrets  # here: a query never names an index (~0.8 ms, and it loads random)

    name = name or "R" + secrets.token_hex(4)
    windex.create_in(str(folder), schema.build_schema(), indexname=name)
    if name == schema.FIRST_NAME:
        schema.write_manifest(folder, name)
    return name


def live_name(folder: Path) -> str:
    """The name of the live Whoosh index, from a checked manifest."""
    if not folder.is_dir():
        if folder.exists():
            raise IndexNotFoundError(
                f"{folder} is a file, not an index folder",
                hint="Pass the index folder with --index.",
            )
        raise IndexNotFoundError(f"no index at {folder}")
    if not visible(folder):
        raise IndexNotFoundError(f"no index at {folder}")
    if not is_index(folder):
        raise IndexNotFoundError(
            f"{folder} is not a newsearch index",
            # Not "build one there": that refuses a folder of other files (check_folder).
            hint="Pass the folder the index is in (-i/--index, NEWSEARCH_INDEX); a new index "
            "needs an empty or new folder.",
        )
    return str(schema.read_manifest(folder)["index"])


def swap_in(folder: Path, name: str) -> None:
    """Make ``name`` the live index, then delete the files of the one it replaces."""
    schema.write_manifest(folder, name)
    remove_leftovers(folder, keep=name)


def remove_leftovers(folder: Path, keep: str) -> None:
    """Delete the files of every index in the folder but ``keep`` (call under the run lock)."""
    for child in visible(folder):
        m = _OURS.match(child.name)
        if (m and m[1] != keep) or child.name in _LEGACY:
            _remove(child)


def drop(folder: Path, name: str) -> None:
    """Delete the files of one (unfinished) index."""
    for child in visible(folder):
        m = _OURS.match(child.name)
        if m and m[1] == name:
            _remove(child)


def _remove(path: Path) -> None:
    # Whoosh's writer keeps a NAME.tmp folder while it merges.
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


@contextmanager
def run_lock(folder: Path, wait: float) -> Iterator[int]:
    """Hold the folder's run lock for a whole indexing run, waiting up to ``wait`` seconds.

    Whoosh's own lock is let go at every batch commit; this one keeps a second run from
    slipping in between batches. flock is released by the kernel if the process dies.
    """
    path = folder / RUN_LOCK
    deadline = time.monotonic() + wait
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except FileNotFoundError as exc:
            raise IndexNotFoundError(f"no index at {folder}") from exc
        except OSError:
            # A read-only folder: a run with nothing to change needs no write, and flock
            # works on a read-only handle. With no lock file at all, there is nothing to hold.
            try:
                fd = os.open(path, os.O_RDONLY)
            except OSError:
                yield -1
                return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            # The lock file we hold must still be the folder's (a stale handle after an
            # index folder was replaced would lock nothing).
            if os.fstat(fd).st_ino == os.stat(path).st_ino:
                break
        except BlockingIOError:
            if time.monotonic() >= deadline:
                os.close(fd)
                raise IndexLockedError(
                    f"another indexing run holds the index at {folder} (waited {wait:g} s)"
                ) from None
        except FileNotFoundError:
            pass
        os.close(fd)
        time.sleep(0.1)
    try:
        yield fd
    finally:
        os.close(fd)
