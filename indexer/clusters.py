"""Near-duplicate clusters at index time: each article gets the key of the story it copies.

An article's ``dup`` key is its own id, unless an article already indexed (or written earlier
in this run) is a near-duplicate of it: then it takes that article's key. Candidates come from
the LSH band keys of its fingerprint (indexer.dedup) and are confirmed by the full fingerprint,
so the work per article is a few lookups, not a comparison with every article.

The band keys live in a small SQLite file beside the index, not in the engine: as Whoosh
terms, 16 unique band keys per article made indexing 27% slower and the index 47% larger
(Reuters). The engine stores each article's fingerprint and story with it, so the file is only
a cache: it records the engine generation it matches, and when that is not the engine's (a
crash between the two commits, a delete from elsewhere, a damaged file) it is rebuilt from the
engine's documents. A stale row (an article since pruned) can at worst lend its key to a new
copy, which still labels that copy's story alone.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import replace

from newsearch.engine import Engine, IndexedDoc
from newsearch.indexer import dedup

FILE = "clusters.sqlite"
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS doc (id TEXT PRIMARY KEY, dup TEXT, fp BLOB);"
    "CREATE TABLE IF NOT EXISTS band (key INTEGER, id TEXT);"
    "CREATE TABLE IF NOT EXISTS meta (generation INTEGER);"
    "CREATE INDEX IF NOT EXISTS band_key ON band (key);"
    "CREATE INDEX IF NOT EXISTS band_id ON band (id);"
    "CREATE INDEX IF NOT EXISTS doc_dup ON doc (dup);"
)


class Clusters:
    """Assigns story keys while one writer runs; ``commit()`` after each engine commit."""

    def __init__(self, engine: Engine) -> None:
        """Open the near-duplicate store of the engine's index, rebuilt if it is not current."""
        self._engine = engine
        path = engine.state_file(FILE)
        self._db = sqlite3.connect(path)
        try:
            self._db.executescript(_SCHEMA)
            row = self._db.execute("SELECT generation FROM meta").fetchone()
        except sqlite3.DatabaseError:
            # Damaged: it is only a cache of what the engine holds.
            self._db.close()
            os.unlink(path)
            self._db = sqlite3.connect(path)
            self._db.executescript(_SCHEMA)
            row = None
        if row is None or row[0] != engine.generation():
            self._rebuild()

    def _rebuild(self) -> None:
        self._db.executescript("DELETE FROM doc; DELETE FROM band; DELETE FROM meta;")
        for doc_id, story, fp in self._engine.stories():
            self._store(doc_id, story or doc_id, fp)
        self.commit()

    def _store(
        self, doc_id: str, key: str, fp: bytes | None, keys: list[int] | None = None
    ) -> None:
        if fp is None:
            return
        keys = [_band_int(k) for k in dedup.band_keys(fp)] if keys is None else keys
        self._db.execute("INSERT OR REPLACE INTO doc VALUES (?, ?, ?)", (doc_id, key, fp))
        self._db.executemany("INSERT INTO band VALUES (?, ?)", [(k, doc_id) for k in keys])

    def forget(self, doc_id: str) -> None:
        """Drop a deleted article's rows."""
        self._db.execute("DELETE FROM doc WHERE id = ?", (doc_id,))
        self._db.execute("DELETE FROM band WHERE id = ?", (doc_id,))

    def assign(self, doc: IndexedDoc) -> IndexedDoc:
        """The document with its story key set from its fingerprint."""
        fp = doc.fingerprint
        doc_id = doc.id
        # The same id again (an update, or a record repeated in a dump) replaces the old rows.
        replaced = self._db.execute("DELETE FROM doc WHERE id = ?", (doc_id,)).rowcount
        if replaced:
            self._db.execute("DELETE FROM band WHERE id = ?", (doc_id,))
        keys = [_band_int(k) for k in dedup.band_keys(fp)] if fp is not None else []
        key = self._match(doc_id, fp, keys) if fp is not None else doc_id
        if key == doc_id and replaced and self._taken(doc_id):
            # Its old copies still carry this id as their story's key: a rewritten article
            # that no longer matches them must not be folded in with them.
            key = f"{doc_id}#{fp.hex()[:8] if fp else 'text'}"
        self._store(doc_id, key, fp, keys)
        return replace(doc, story=key)

    def _taken(self, key: str) -> bool:
        return (
            self._db.execute("SELECT 1 FROM doc WHERE dup = ? LIMIT 1", (key,)).fetchone()
            is not None
        )

    def _match(self, doc_id: str, fp: bytes, keys: list[int]) -> str:
        """The key of the earliest stored article this one is a near-duplicate of."""
        if not keys:
            return doc_id
        marks = ",".join("?" * len(keys))
        rows = self._db.execute(
            "SELECT DISTINCT doc.id, doc.dup, doc.fp FROM band JOIN doc ON doc.id = band.id "
            f"WHERE band.key IN ({marks}) ORDER BY doc.rowid",
            keys,
        )
        for other_id, key, other in rows:
            if other_id != doc_id and dedup.is_duplicate(fp, other):
                return key
        return doc_id

    def commit(self) -> None:
        """Keep the rows of the articles the engine has just committed, marked as current."""
        self._db.execute("DELETE FROM meta")
        self._db.execute("INSERT INTO meta VALUES (?)", (self._engine.generation(),))
        self._db.commit()

    def rollback(self) -> None:
        """Drop the rows of a batch that was not committed."""
        self._db.rollback()

    def close(self) -> None:
        """Drop what was not committed and close the file."""
        self._db.rollback()
        self._db.close()


def _band_int(key: str) -> int:
    # "03:9f2c1a7b" -> one 64-bit integer: a smaller, faster SQLite key than the text.
    band, _, digest = key.partition(":")
    return (int(band) << 32) | int(digest, 16)
