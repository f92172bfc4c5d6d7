"""POST /api/index bodies: {"paths": [...]} on the server's disk, or records to index.

Records come as a JSON array, one JSON object, or JSON Lines, with the field names crawlers
write (the same as a .jsonl file given to `newsearch index`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from newsearch import IndexReport, NewsIndex
from newsearch.server.app import ApiError

MAX_PATHS = 1000
FORMATS = (
    'Send {"paths": ["folder/", "dump.jsonl"], "prune": false} to index files on the server, '
    "or records as a JSON array or JSON Lines (one object per line, with an id and a text)."
)


@dataclass
class Job:
    """What one POST asks for: paths to index, or records."""

    paths: list[str] = field(default_factory=list)
    prune: bool = False
    records: list[dict[str, Any]] = field(default_factory=list)


def parse(body: bytes) -> Job:
    """The job in a request body; a 400 saying what is wrong with it otherwise."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ApiError(400, f"the body is not UTF-8 ({exc.reason})", FORMATS) from None
    if not text.strip():
        raise ApiError(400, "the body is empty", FORMATS)
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return Job(records=_json_lines(text))
    if isinstance(data, dict) and "paths" in data:
        return _paths(data)
    records = data if isinstance(data, list) else [data]
    for n, rec in enumerate(records, 1):
        if not isinstance(rec, dict):
            raise ApiError(400, f"record {n} is not a JSON object", FORMATS)
    if not records:
        raise ApiError(400, "the body holds no records", FORMATS)
    return Job(records=records)


def _json_lines(text: str) -> list[dict[str, Any]]:
    records = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ApiError(400, f"line {lineno}: invalid JSON ({exc.msg})", FORMATS) from None
        if not isinstance(rec, dict):
            raise ApiError(400, f"line {lineno} is not a JSON object", FORMATS)
        records.append(rec)
    return records


def _paths(data: dict[str, Any]) -> Job:
    unknown = set(data) - {"paths", "prune"}
    if unknown:
        raise ApiError(400, f"unknown key(s) {', '.join(sorted(unknown))}", FORMATS)
    paths, prune = data["paths"], data.get("prune", False)
    if isinstance(paths, str):
        paths = [paths]
    if (
        not isinstance(paths, list)
        or not paths
        or not all(isinstance(p, str) and p.strip() and "\x00" not in p for p in paths)
    ):
        raise ApiError(400, '"paths" must be a list of file or folder paths', FORMATS)
    if len(paths) > MAX_PATHS:
        raise ApiError(400, f"more than {MAX_PATHS} paths", "Name their folders instead.")
    if not isinstance(prune, bool):
        raise ApiError(400, '"prune" must be true or false', FORMATS)
    return Job(paths=paths, prune=prune)


def run(ix: NewsIndex, job: Job) -> IndexReport:
    """Index the job's paths or records; the report says what was added, updated or failed."""
    if job.paths:
        return ix.add_files(job.paths, prune=job.prune)
    return ix.add_articles(job.records, source="upload")
