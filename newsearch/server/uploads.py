"""POST /api/index bodies: {"paths": [...]} on the server's disk, or records to index.

Records come as a JSON array, one JSON object, or JSON Lines, with the field names crawlers
write (the same as a .jsonl file given to `newsearch index`).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from newsearch import Failure, IndexReport, NewsIndex
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
    add_articles = getattr(ix, "add_articles", None)
    if add_articles is not None:
        report: IndexReport = add_articles(job.records)
        return report
    # This newsearch indexes records from files only: spool them to one, privately.
    records = [_with_id(rec) for rec in job.records]
    folder = Path(tempfile.mkdtemp(prefix="newsearch-upload-"))
    try:
        spool = folder / "upload.jsonl"
        with spool.open("w", encoding="utf-8") as out:
            for rec in records:
                out.write(json.dumps(rec, ensure_ascii=False) + "\n")
        report = ix.add_files([spool])
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    # "record:3" for the third record, not a spool file the caller never saw.
    names = (str(spool.resolve()), str(spool))
    failed = tuple(Failure(_renamed(f.path, names), f.reason) for f in report.failed)
    return replace(report, failed=failed)


def _with_id(rec: dict[str, Any]) -> dict[str, Any]:
    # A record without an id would get one from the spool file's path, new on every upload:
    # one from its content instead makes a repeated upload update, never duplicate.
    if rec.get("id") not in (None, "") or rec.get("_id") not in (None, ""):
        return rec
    digest = hashlib.blake2b(json.dumps(rec, sort_keys=True).encode(), digest_size=8)
    return {**rec, "id": "upload-" + digest.hexdigest()}


def _renamed(path: str, spool: tuple[str, ...]) -> str:
    for name in spool:
        if path.startswith(name):
            return "record" + path[len(name) :]
    return path
