"""A source name for an article that declares none: what `--source` and the facets match."""

from __future__ import annotations

import re
from pathlib import PurePath
from urllib.parse import urlsplit

_DATA = {".gz", ".json", ".jsonl", ".ndjson", ".warc", ".arc", ".rss", ".atom", ".xml"}
# Dump names that say nothing of where the articles came from: Reuters and AG News both ship as
# docs.jsonl (29,177 of 31,402 articles were "docs"), Spark writes part-00000.jsonl.
_GENERIC = re.compile(
    r"(docs?|documents?|data|dataset|articles?|records?|items?|dump|export|corpus|all|output|out|"
    r"results?|train|test|dev|valid(ation)?|sample|part[-_]?\d*|\d[\d_-]*)",
    re.IGNORECASE,
)


def fallback_site(path: str, url: str, record: bool) -> str:
    """The URL's host, else the dump's name for a record, else the folder's name.

    ``agnews`` for agnews.jsonl.gz, ``reuters21578`` for reuters21578/docs.jsonl (a generic dump
    name gives way to its folder's), ``business`` for bbc/business/001.txt.
    """
    try:
        host = urlsplit(url).hostname if url else None
    except ValueError:  # "http://[::1": a URL a page got wrong is no reason to fail it
        host = None
    if host:
        return host.removeprefix("www.")
    p = PurePath(path)
    if record:
        name = p.name
        while (stem := PurePath(name).stem) != name and PurePath(name).suffix.lower() in _DATA:
            name = stem
        if not _GENERIC.fullmatch(name):
            return name
    return p.parent.name
