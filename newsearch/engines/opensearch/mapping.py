"""The index settings and mapping, and documents to and from OpenSearch's JSON.

Analysis stays newsearch's (DESIGN.md, "Rules of the seam"): title and body are sent as the
index terms indexer.terms makes, joined by spaces, into fields whose analyzer only splits on
whitespace. Stop words leave no gap, exactly as NewsTermFilter renumbers positions for Whoosh,
so phrases and their slop mean the same on both engines. Names (source, authors, tags) are
sent as name_terms. The article as written lives in ``_source.stored`` (not indexed); the term
strings are left out of ``_source``.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime
from typing import Any

from newsearch.engine import COMBINED, FileMark, IndexedDoc, combined_terms
from newsearch.indexer.terms import SETTINGS, name_terms, title_body_terms
from newsearch.models import StoredArticle

# Bump when the mapping or the way documents are written changes incompatibly.
# 3: the combined field (engine.COMBINED).
FORMAT = 3
ENGINE = "opensearch"
# BM25 constants of the Whoosh engine (engines/whoosh/ranking.py: chosen on the dev sets).
K1, B = 1.5, 0.75
TEXT_FIELDS = ("title", "body")
NAME_FIELDS = ("source", "authors", "tags")
ID_BYTES = 512  # OpenSearch's limit on _id; longer ids are stored under a digest
# Each document's distinct terms, as keywords with doc values: what wildcard and fuzzy words
# are expanded against (expand, terms_with_prefix), OpenSearch having no term-list API.
TERMS_SUFFIX = "_terms"
MAX_TERM = 4096  # the whitespace tokenizer would cut longer tokens (its default is 255)


def settings(shards: int, replicas: int) -> dict[str, Any]:
    """Index settings: shards, the BM25 constants, the whitespace analyzer."""
    return {
        "number_of_shards": shards,
        "number_of_replicas": replicas,
        "similarity": {"default": {"type": "BM25", "k1": K1, "b": B}},
        "analysis": {
            "tokenizer": {"terms": {"type": "whitespace", "max_token_length": MAX_TERM}},
            "analyzer": {"terms": {"type": "custom", "tokenizer": "terms"}},
        },
        # Deep pages of one story's copies and facets: Whoosh has no window, 10,000 is plenty.
        "max_result_window": 10_000,
    }


def mappings(name: str) -> dict[str, Any]:
    """Field types, and the manifest in ``_meta`` (what settings() reports)."""
    from newsearch import __version__

    text = {"type": "text", "analyzer": "terms", "similarity": "default"}
    keyword = {"type": "keyword"}
    props: dict[str, Any] = {f: dict(text) for f in (*TEXT_FIELDS, *NAME_FIELDS)}
    # Frequencies, no positions: as the Whoosh engine's, phrases go to title and body.
    props[COMBINED] = dict(text, index_options="freqs")
    for f in TEXT_FIELDS:
        props[f + TERMS_SUFFIX] = {
            "type": "keyword",
            "index": False,
            "doc_values": True,
            "ignore_above": MAX_TERM,
        }
    props.update(
        id=keyword,
        path=keyword,
        filekey=keyword,
        site=keyword,
        year=keyword,
        tag=keyword,
        story=keyword,
        published={"type": "date", "format": "strict_date_optional_time"},
        seq={"type": "long"},  # write order: ties sort as Whoosh's document numbers do
        fp={"type": "binary"},
        digest={"type": "keyword", "index": False, "doc_values": False},
        stored={"type": "object", "enabled": False},
    )
    hidden = [*TEXT_FIELDS, COMBINED, *NAME_FIELDS, *(f + TERMS_SUFFIX for f in TEXT_FIELDS)]
    return {
        "dynamic": "strict",
        "_source": {"excludes": hidden},
        "_meta": {
            "format": FORMAT,
            "engine": ENGINE,
            "newsearch": __version__,
            "analysis": SETTINGS,
            "index": name,
        },
        "properties": props,
    }


def doc_key(doc_id: str) -> str:
    """The _id of an article: its id, or a digest of one too long for OpenSearch."""
    if len(doc_id.encode("utf-8", "surrogatepass")) <= ID_BYTES:
        return doc_id
    return "#sha256:" + hashlib.sha256(doc_id.encode("utf-8", "surrogatepass")).hexdigest()


def to_source(doc: IndexedDoc, seq: int) -> dict[str, Any]:
    """The JSON of one document."""
    art = doc.article
    authors = ",".join(a.replace(",", " ") for a in art.authors)
    tags = ",".join(t.replace(",", " ") for t in art.tags)
    stored: dict[str, Any] = {
        "title": art.title,
        "body": art.body,
        "authors": list(art.authors),
        "tags": list(art.tags),
        "site": art.site,
        "url": art.url,
        "path": doc.source,
    }
    source: dict[str, Any] = {
        "id": doc.id,
        "path": doc.source,
        "story": doc.story or doc.id,
        "seq": seq,
        "source": " ".join(name_terms(art.site.replace(",", " "))),
        "authors": " ".join(name_terms(authors)),
        "tags": " ".join(name_terms(tags)),
        "stored": stored,
    }
    title, body = title_body_terms(art.title, art.body, doc.terms)
    analysed = {"title": title, "body": body}
    for f, terms in analysed.items():
        source[f] = " ".join(terms)
        source[f + TERMS_SUFFIX] = sorted(set(terms))
    source[COMBINED] = " ".join(combined_terms(analysed["title"], analysed["body"]))
    if art.site:
        source["site"] = art.site
    # As Whoosh's KEYWORD(commas=True, lowercase=True) cuts the comma-joined tags.
    whole = sorted({t.strip().lower() for t in tags.split(",") if t.strip()})
    if whole:
        source["tag"] = whole
    if doc.fingerprint is not None:
        source["fp"] = base64.b64encode(doc.fingerprint).decode("ascii")
    if doc.digest:
        source["digest"] = doc.digest
    if doc.mark is not None:
        source["filekey"] = "\t".join((doc.source, doc.mark.signature, doc.mark.digest))
    published = utc(art.published)
    if published is not None and art.published is not None:
        stored["published_text"] = art.published.isoformat()
        source["published"] = published.isoformat()
        source["year"] = str(published.year)
    return source


def utc(when: datetime | None) -> datetime | None:
    """A date as UTC without a zone (what ranges and sorting compare), None if it has none."""
    if when is not None and when.tzinfo is not None:
        try:
            return when.astimezone(UTC).replace(tzinfo=None)
        except OverflowError:  # 9999-12-31T23:00-05:00 has no UTC: no usable date
            return None
    return when


def stored_article(source: dict[str, Any]) -> StoredArticle:
    """A document's ``_source`` as the article newsearch hands out."""
    stored = source.get("stored") or {}
    text = stored.get("published_text")
    return StoredArticle(
        id=source["id"],
        title=stored.get("title", ""),
        body=stored.get("body", ""),
        published=datetime.fromisoformat(text) if text else None,
        authors=_names(stored.get("authors")),
        tags=_names(stored.get("tags")),
        site=stored.get("site", ""),
        url=stored.get("url", ""),
        path=stored.get("path", ""),
    )


def _names(values: list[str] | None) -> tuple[str, ...]:
    # As the Whoosh engine reads its comma-joined lists back: blanks dropped, ends stripped.
    return tuple(v.strip() for v in values or () if v.strip())


def fingerprint(source: dict[str, Any]) -> bytes | None:
    """The stored MinHash of a document, or None."""
    fp = source.get("fp")
    return base64.b64decode(fp) if fp else None


def parse_filekey(key: str) -> tuple[str, FileMark]:
    """A filekey back to its path and mark (a path may hold tabs; the rest never does)."""
    path, signature, digest = key.rsplit("\t", 2)
    return path, FileMark(signature, digest)
