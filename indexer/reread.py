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


class FilesRead:
    """Per file being read: the ids its committed version held, and those read this run."""

    def __init__(self, engine: Engine) -> None:
        """Nothing read yet."""
        self.engine = engine
        self.before: dict[str, dict[str, str]] = {}  # id → content digest, as committed
        self.read: dict[str, set[str]] = {}
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
        read = self.read.setdefault(path, set())
        fresh = doc.id not in read
        read.add(doc.id)
        had = self.before[path].get(doc.id)
        if had is None:
            return "added", fresh
        return ("unchanged" if had and had == doc.digest else "updated"), False

    def done(self, path: str) -> tuple[set[str], set[str]]:
        """The file is read: (ids it held before, ids read now); forgotten here."""
        return set(self.before.pop(path, {})), self.read.pop(path, set())
