"""The Whoosh schema and the settings manifest saved beside the index."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema

from newsearch.errors import IndexIncompatibleError
from newsearch.indexer.analysis import SETTINGS, name_analyzer, news_analyzer

# Bump when the schema or the analysis changes in a way old indexes cannot be searched with.
FORMAT = 4
MANIFEST = "newsearch.json"
INDEX_NAME = "MAIN"


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
    )


def manifest(extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The settings that built an index, as written to its manifest."""
    from newsearch import __version__

    data: dict[str, Any] = {"format": FORMAT, "newsearch": __version__, "analysis": SETTINGS}
    data.update(extra or {})
    return data


def write_manifest(index_dir: Path, extra: dict[str, Any] | None = None) -> None:
    """Write the manifest atomically, so a crash never leaves half a file."""
    tmp = index_dir / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest(extra), indent=2) + "\n", encoding="utf-8")
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
    if data.get("format") != FORMAT:
        raise IndexIncompatibleError(
            f"{index_dir} was built with index format {data.get('format')!r}; "
            f"this newsearch reads format {FORMAT}"
        )
    if data.get("analysis") != SETTINGS:
        # Queries are analysed with today's settings: different ones would silently miss.
        raise IndexIncompatibleError(
            f"{index_dir} was built with other analysis settings (tokens, stop words, stemmer)"
        )
    return data
