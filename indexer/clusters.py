"""Near-duplicate clusters at index time: each article gets the key of the story it copies.

An article's ``dup`` key is its own id, unless an article already indexed (or written earlier
in this run) is a near-duplicate of it: then it takes that article's key. Candidates come from
the LSH band keys (indexer.dedup) and are confirmed by the full fingerprint, so the work per
article is a few term lookups, not a comparison with every article.
"""

from __future__ import annotations

from typing import Any

from newsearch.indexer import dedup


class Clusters:
    """Assigns cluster keys while one writer runs; call ``committed()`` after each commit."""

    def __init__(self, ix: Any) -> None:
        """Look up copies in the committed index ``ix`` and in this run's own articles."""
        self._ix = ix
        self._reader = ix.reader()
        # band key -> (id, dup key, fingerprint) of this run's articles not yet committed
        self._pending: dict[str, list[tuple[str, str, bytes]]] = {}

    def assign(self, doc: dict[str, Any]) -> None:
        """Set ``doc["dup"]``: the key of the story it is a copy of, else its own id."""
        doc_id = doc["id"]
        encoded = doc.get("minhash")
        fp = dedup.decode(encoded) if encoded else None
        bands = doc.get("bands", "").split()
        doc["dup"] = self._match(doc_id, fp, bands) if fp is not None else doc_id
        if fp is None:
            return
        entry = (doc_id, doc["dup"], fp)
        for band in bands:
            self._pending.setdefault(band, []).append(entry)

    def _match(self, doc_id: str, fp: bytes, bands: list[str]) -> str:
        seen: set[str] = set()
        for band in bands:
            for other_id, key, other in self._candidates(band):
                # The old version of an article being re-indexed is not a copy of it.
                if other_id == doc_id or other_id in seen:
                    continue
                seen.add(other_id)
                if dedup.is_duplicate(fp, other):
                    return key
        return doc_id

    def _candidates(self, band: str) -> list[tuple[str, str, bytes]]:
        found = list(self._pending.get(band, ()))
        reader = self._reader
        if reader.doc_count_all() and (posting := _postings(reader, band)) is not None:
            for docnum in posting:
                if reader.is_deleted(docnum):
                    continue
                stored = reader.stored_fields(docnum)
                if stored.get("minhash"):
                    key = stored.get("dup") or stored["id"]
                    found.append((stored["id"], key, dedup.decode(stored["minhash"])))
        return found

    def committed(self) -> None:
        """The pending articles are in the index now: look them up there from here on."""
        self._reader.close()
        self._reader = self._ix.reader()
        self._pending.clear()

    def close(self) -> None:
        """Release the reader."""
        self._reader.close()


def _postings(reader: Any, band: str) -> list[int] | None:
    if (("bands", band)) not in reader:
        return None
    return list(reader.postings("bands", band).all_ids())
