"""What earlier runs left of each file: its articles (id → content digest) and its failures.

A re-read dump's records are told apart as added, updated, unchanged or removed by the digests
its committed version holds. A dump with 9 broken lines is marked indexed and skipped on the
next run as unchanged; the failure log (plain JSON beside the index: nothing read from the
index folder is ever executed, and a damaged log is only forgotten) still reports them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from newsearch.engine import Engine, IndexedDoc
from newsearch.indexer.raw import file_id
from newsearch.models import Failure

FAILURE_LOG = "failures.json"
KEPT = 200  # failures remembered per file: the report shows 50, --json the rest of these
EARLIER = " (when the file was last read; it is unchanged since)"


class FailureLog:
    """path → (signature, failures) of the files read in earlier runs."""

    def __init__(self, location: str) -> None:
        """The log at ``location`` (an engine state file); empty when missing or damaged."""
        self.location = location
        self._files: dict[str, tuple[str, list[Failure]]] = {}
        self._changed = False
        try:
            data = json.loads(Path(location).read_text(encoding="utf-8"))
            for path, entry in data.items():
                failed = [Failure(str(w), str(r)) for w, r in entry["failed"]]
                self._files[str(path)] = (str(entry["signature"]), failed)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self._files = {}  # a damaged log costs only the reminders, never the run

    def earlier(self, path: str, signature: str) -> list[Failure]:
        """The failures found when this file, unchanged since, was last read."""
        sig, failed = self._files.get(path, ("", []))
        if sig != signature:
            return []
        return [Failure(f.path, f.reason + EARLIER) for f in failed]

    def record(self, path: str, signature: str, failed: list[Failure]) -> None:
        """Remember this run's failures of a file read in full (none: forget it)."""
        if failed:
            self._files[path] = (signature, failed[:KEPT])
            self._changed = True
        elif self._files.pop(path, None) is not None:
            self._changed = True

    def save(self) -> None:
        """Write the log back if it changed (atomically: a crash leaves the old one)."""
        if not self._changed:
            return
        data = {
            p: {"signature": s, "failed": [[f.path, f.reason] for f in fs]}
            for p, (s, fs) in self._files.items()
        }
        tmp = self.location + ".tmp"
        try:
            Path(tmp).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, self.location)
        except OSError:
            pass  # reminders only: a read-only or full disk is reported by the index writes
        self._changed = False


class SeenIds:
    """The ids read so far from a file never indexed before, in a few bits each.

    Only "is this id new in this run" is asked of them, and a wrong "seen" costs one lookup for
    an article to replace (Whoosh's update_document), never a wrong index: so a Bloom filter
    does, which grows by stages of 4× (BITS bits per id, 3 probes: ~0.3% false "seen" per
    stage). A set of the 215,770 ids of Reuters x10 held 23 MB; this holds 0.9 MB.
    """

    FIRST = 16384  # ids in the first stage
    BITS = 20

    def __init__(self) -> None:
        """Nothing seen."""
        self._stages: list[tuple[bytearray, int, int]] = []  # (bits, their number, capacity)
        self._count = 0  # ids in the last stage

    def add(self, key: str) -> bool:
        """Note ``key``; True if it may have been noted before (False: certainly new)."""
        h = hash(key) & 0xFFFFFFFFFFFFFFFF  # str hashes are salted per process: one run here
        h1, h2 = h & 0xFFFFFFFF, (h >> 32) | 1
        for bits, m, _ in self._stages:
            p, q, r = h1 % m, (h1 + h2) % m, (h1 + 2 * h2) % m
            if bits[p >> 3] >> (p & 7) & bits[q >> 3] >> (q & 7) & bits[r >> 3] >> (r & 7) & 1:
                return True
        if not self._stages or self._count >= self._stages[-1][2]:
            cap = self._stages[-1][2] * 4 if self._stages else self.FIRST
            self._stages.append((bytearray(cap * self.BITS // 8), cap * self.BITS, cap))
            self._count = 0
        bits, m, _ = self._stages[-1]
        for p in (h1 % m, (h1 + h2) % m, (h1 + 2 * h2) % m):
            bits[p >> 3] |= 1 << (p & 7)
        self._count += 1
        return False


class FilesRead:
    """Per file being read: the ids its committed version held, and those read this run.

    The ids read are kept exactly only for a file that had committed articles: its end deletes
    those it no longer holds (and its committed ids are held anyway). A file read for the first
    time keeps them in a SeenIds.
    """

    def __init__(self, engine: Engine) -> None:
        """Nothing read yet."""
        self.engine = engine
        self.before: dict[str, dict[str, str]] = {}  # id → content digest, as committed
        self.read: dict[str, set[str] | SeenIds] = {}
        self.failures: dict[str, list[Failure]] = {}

    def change(self, doc: IndexedDoc, seen: bool) -> tuple[str, bool]:
        """What writing this document does (added, updated, unchanged), and if its id is new.

        New: neither committed before nor read earlier in this run (a record repeated in a
        dump replaces its first copy).
        """
        path = doc.source
        if path not in self.before:
            # Asked once per file: of a file indexed before, or a dump a stopped run may have
            # written part of (so a resumed run counts what it had, not "21577 added").
            dump = doc.id != file_id(path)
            self.before[path] = self.engine.file_articles(path) if seen or dump else {}
            self.read[path] = set() if self.before[path] else SeenIds()
        read = self.read[path]
        if isinstance(read, set):
            fresh = doc.id not in read
            read.add(doc.id)
        else:
            fresh = not read.add(doc.id)
        had = self.before[path].get(doc.id)
        if had is None:
            return "added", fresh
        return ("unchanged" if had and had == doc.digest else "updated"), False

    def done(self, path: str) -> tuple[set[str], set[str]]:
        """The file is read: (ids it held before, ids read now); forgotten here.

        The ids read are given only for a file that held articles before (empty otherwise).
        """
        read = self.read.pop(path, set())
        return set(self.before.pop(path, {})), read if isinstance(read, set) else set()
