"""The Whoosh schema, the manifest saved beside the index, and documents to and from fields."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema

from newsearch.engine import COMBINED, combined_terms
from newsearch.errors import IndexIncompatibleError
from newsearch.indexer.analysis import SETTINGS, name_analyzer, news_analyzer
from newsearch.indexer.terms import title_body_terms
from newsearch.models import StoredArticle

if TYPE_CHECKING:
    from newsearch.engine_index import FileMark, IndexedDoc

# Bump when the schema or the analysis changes in a way old indexes cannot be searched with.
# 5: the fingerprint is stored with the article (the near-duplicate store is rebuilt from it)
# and the manifest names the live Whoosh index (a rebuild writes a new one beside it).
# 7: the combined field (engine.COMBINED), and title and body indexed from their terms.
FORMAT = 7
MANIFEST = "newsearch.json"
FIRST_NAME = "MAIN"


def build_schema() -> Schema:
    """Fields: text to search (title, body), metadata to filter and show, file bookkeeping."""
    ana = news_analyzer()
    names = name_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        path=ID(stored=True),  # the source file, so a changed file's documents can be replaced
        # "path\tsize:mtime_ns\tdigest": read back from the term list alone, so an incremental
        # run learns what is indexed without loading a single stored document.
        filekey=ID(),
        title=TEXT(analyzer=ana, stored=True, phrase=True),
        body=TEXT(analyzer=ana, stored=True, phrase=True),
        # Frequencies only, no positions: phrases are matched in title and body.
        **{COMBINED: TEXT(analyzer=ana, phrase=False)},
        published=DATETIME(sortable=True),
        published_text=STORED(),  # the ISO date as found, time zone included
        # Comma-joined lists, searched by word: author:lindqvist finds "Mara Lindqvist".
        authors=TEXT(analyzer=names, stored=True, phrase=True),
        tags=TEXT(analyzer=names, stored=True, phrase=True),
        source=TEXT(analyzer=names, stored=True, phrase=True),
        # Whole values with a column each, for facet counts: the source, the year, every tag.
        site=ID(sortable=True),
        year=ID(sortable=True),
        tag=KEYWORD(commas=True, lowercase=True),
        url=STORED(),
        # The key of the story an article is a copy of (indexer.clusters), for collapsing.
        dup=ID(stored=True, sortable=True),
        fp=STORED(),  # its MinHash: clusters.sqlite is rebuilt from these
        digest=STORED(),  # its content hash: a re-read dump's unchanged records are left alone
    )


def to_fields(doc: IndexedDoc) -> dict[str, Any]:
    """The Whoosh fields of one document."""
    art = doc.article
    # Analysed once and handed to Whoosh as term lists (which bypass its analyzer: the same
    # terms, tests/test_analysis.py): the combined field repeats them, and analysing the body
    # twice cost +26% of indexing CPU (4,000 Reuters articles, 5.5 → 7.0 s).
    title, body = title_body_terms(art.title, art.body, doc.terms)
    fields: dict[str, Any] = {
        "id": doc.id,
        "path": doc.source,
        "title": title,
        "_stored_title": art.title,
        "body": body,
        "_stored_body": art.body,
        COMBINED: combined_terms(title, body),
        "authors": ",".join(a.replace(",", " ") for a in art.authors),
        "tags": ",".join(t.replace(",", " ") for t in art.tags),
        "source": art.site.replace(",", " "),
        "site": art.site,
        "tag": ",".join(t.replace(",", " ") for t in art.tags),
        "url": art.url,
        "dup": doc.story or doc.id,
    }
    if doc.fingerprint is not None:
        fields["fp"] = doc.fingerprint
    if doc.digest:
        fields["digest"] = doc.digest
    if doc.mark is not None:
        fields["filekey"] = "\t".join((doc.source, doc.mark.signature, doc.mark.digest))
    published = art.published
    if published is not None and published.tzinfo is not None:
        try:
            # Range queries and sorting compare instants, so store UTC without a zone.
            published = published.astimezone(UTC).replace(tzinfo=None)
        except OverflowError:  # 9999-12-31T23:00-05:00 has no UTC: no usable date
            published = None
    if published is not None and art.published is not None:
        fields["published_text"] = art.published.isoformat()
        fields["published"] = published
        fields["year"] = str(published.year)
    return fields


def parse_filekey(key: str) -> tuple[str, FileMark]:
    """A filekey term back to its path and mark (a path may hold tabs; the rest never does)."""
    path, signature, digest = key.rsplit("\t", 2)
    from newsearch.engine_index import FileMark  # here: a search reads no file keys

    return path, FileMark(signature, digest)


def stored_article(stored: dict[str, Any]) -> StoredArticle:
    """Stored fields as the article newsearch hands out."""
    text = stored.get("published_text")
    return StoredArticle(
        id=stored["id"],
        title=stored.get("title", ""),
        body=stored.get("body", ""),
        published=datetime.fromisoformat(text) if text else None,
        authors=split_list(stored.get("authors", "")),
        tags=split_list(stored.get("tags", "")),
        site=stored.get("source", ""),
        url=stored.get("url", ""),
        path=stored.get("path", ""),
    )


def split_list(value: str) -> tuple[str, ...]:
    """A stored comma-joined list (authors, tags) as a tuple."""
    return tuple(v.strip() for v in value.split(",") if v.strip())


def manifest(name: str) -> dict[str, Any]:
    """The settings that built an index, as written to its manifest."""
    from newsearch import __version__

    return {"format": FORMAT, "newsearch": __version__, "analysis": SETTINGS, "index": name}


def write_manifest(index_dir: Path, name: str) -> None:
    """Write the manifest atomically, so a crash never leaves half a file."""
    tmp = index_dir / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest(name), indent=2) + "\n", encoding="utf-8")
    tmp.replace(index_dir / MANIFEST)


def read_manifest(index_dir: Path) -> dict[str, Any]:
    """Read and check the manifest; an index from an incompatible version is refused."""
    path = index_dir / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise IndexIncompatibleError(
            f"{index_dir} has no {MANIFEST}: not a newsearch index, "
            "or one written by an incompatible version"
        ) from exc
    except (OSError, ValueError) as exc:
        raise IndexIncompatibleError(f"{path} is damaged: {exc}") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        found = data.get("format") if isinstance(data, dict) else None
        raise IndexIncompatibleError(
            f"{index_dir} was built with index format {found!r}; "
            f"this newsearch reads format {FORMAT}"
        )
    if data.get("analysis") != SETTINGS:
        # Queries are analysed with today's settings: different ones would silently miss.
        raise IndexIncompatibleError(
            f"{index_dir} was built with other analysis settings (tokens, stop words, stemmer)"
        )
    if not isinstance(data.get("index"), str) or not data["index"].isalnum():
        raise IndexIncompatibleError(f"{path} names no valid index")
    return data
