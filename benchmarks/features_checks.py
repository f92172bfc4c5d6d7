"""Correctness checks on real data for features.py: clusters on BBC, dates and order on Reuters.

Each check returns Markdown lines with PASS/FAIL and the numbers behind it. Data is read by path.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from newsearch import NewsIndex
from newsearch.indexer.terms import analyze

WORDS = re.compile(r"\w+(?:['’]\w+)*")
REUTERS_DATE = re.compile(r"(\d{1,2}-[A-Za-z]{3}-\d{4})\s+(\d\d:\d\d:\d\d)")


def naive_utc(when: datetime | None) -> datetime | None:
    """A date as the index compares it: UTC without a zone."""
    if when is None or when.tzinfo is None:
        return when
    return when.astimezone(UTC).replace(tzinfo=None)


def date_order(got: list[datetime | None], newest: bool) -> tuple[list[datetime], bool, bool]:
    """The dated hits, whether they are in date order, and whether every undated one is last."""
    days = [d for d in got if d is not None]
    pairs = zip(days, days[1:], strict=False)
    ordered = all((a >= b) if newest else (a <= b) for a, b in pairs)
    return days, ordered, all(d is None for d in got[len(days) :])


def check(ok: bool, label: str) -> str:
    """One check line, PASS or FAIL."""
    return f"- **{'PASS' if ok else 'FAIL'}** {label}"


def bbc_checks(bbc: Path, reuters: Path, tmp: Path) -> list[str]:
    """Byte-identical copies in BBC share one cluster and show once unless collapse is off."""
    ix = NewsIndex.create(tmp / "bbc")
    ix.add_files([bbc])
    story = {doc_id: key or doc_id for doc_id, key, _ in ix._engine.stories()}
    stored = [
        {"id": a.id, "path": a.path, "title": a.title, "dup": story[a.id]} for a in ix.articles()
    ]
    by_path = {d["path"]: d for d in stored}
    sizes = Counter(d["dup"] for d in stored)
    clustered = sum(1 for d in stored if sizes[d["dup"]] > 1)
    files = sorted(bbc.glob("*/*.txt"))
    same: dict[str, list[Path]] = defaultdict(list)
    for p in files:
        same[hashlib.sha1(p.read_bytes()).hexdigest()].append(p)
    groups = [g for g in same.values() if len(g) > 1]
    copies = sum(len(g) - 1 for g in groups)
    one_key = shown_once = all_shown = 0
    failed: list[str] = []
    for g in groups:
        docs = [by_path[str(p.resolve())] for p in g]
        title = docs[0]["title"]
        keys = {d.get("dup") or d["id"] for d in docs}
        one_key += len(keys) == 1
        # The title's words: a title typed as is could read as query syntax.
        q = " ".join(WORDS.findall(title))
        on = [h for h in ix.search(q, limit=10) if h.title == title]
        once = len(on) == 1 and on[0].similar >= len(g) - 1
        shown_once += once
        off = {h.id for h in ix.search(q, limit=10, collapse=False)}
        every = {d["id"] for d in docs} <= off
        all_shown += every
        if not (once and every and len(keys) == 1):
            failed.append(f"{g[0].parent.name}/{g[0].name} {title!r}")
    mixed = undated_last(ix, reuters, tmp)
    ix.close()
    n = len(groups)
    out = [
        f"BBC: {len(files):,} .txt files, {len(stored):,} articles indexed (README.TXT included); "
        f"{copies} files are byte-identical copies of an earlier file, in {n} groups "
        f"(sizes {dict(Counter(len(g) for g in groups))}).",
        "",
        check(copies == 98, f"byte-identical copies found: {copies} (expected 98)"),
        check(one_key == n, f"groups whose copies share one cluster key: {one_key} / {n}"),
        check(
            shown_once == n,
            f"title search, default collapse: story shown once with similar >= copies: "
            f"{shown_once} / {n}",
        ),
        check(
            all_shown == n, f"title search, collapse=False, every copy listed: {all_shown} / {n}"
        ),
        f"- info: articles in clusters of size > 1 (near-duplicates included): {clustered:,} "
        f"of {len(stored):,}, in {sum(1 for s in sizes.values() if s > 1)} clusters "
        f"(sizes {dict(sorted(Counter(s for s in sizes.values() if s > 1).items()))})",
    ]
    out += [f"  - failed group: {f}" for f in failed[:10]]
    return [*out, *mixed]


def undated_last(ix: NewsIndex, reuters: Path, tmp: Path, n: int = 300) -> list[str]:
    """Add ``n`` dated Reuters records to the undated BBC index; sorted by date, undated last."""
    part = tmp / "reuters-part.jsonl"  # a temporary file outside the repository
    with reuters.open(encoding="utf-8") as f:
        part.write_text("".join(line for _, line in zip(range(n), f, strict=False)))
    ix.add_files([part])
    out = []
    for sort in ("newest", "oldest"):
        got = [naive_utc(h.published) for h in ix.search("market", sort=sort, limit=1000)]
        days, ordered, last = date_order(got, sort == "newest")
        out.append(
            check(
                bool(days) and len(days) < len(got) and last and ordered,
                f'mixed index (BBC undated + {n} dated Reuters), sort="{sort}" over `market`: '
                f"{len(got)} hits, {len(days)} dated first in order, {len(got) - len(days)} "
                f"undated after them: {last and ordered}",
            )
        )
    return out


def scan_source(
    src: Path, ix: NewsIndex, stems: set[str], lo: datetime, hi: datetime
) -> tuple[set[str], int]:
    """Brute force over the JSON Lines source: ids dated in [lo, hi] holding any of ``stems``.

    Dates are read from the raw ``date`` field and text analysed with newsearch's own terms
    (indexer.terms), so nothing goes through the search path. Also returns the unreadable dates.
    """
    found, bad = set(), 0
    for line in src.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line) if line.strip() else {}
        if not (rec.get("text") or "").strip():
            continue
        m = REUTERS_DATE.search(rec.get("date", ""))
        if not m:
            bad += 1
            continue
        when = datetime.strptime(f"{m[1]} {m[2]}", "%d-%b-%Y %H:%M:%S")
        if not lo <= when <= hi:
            continue
        text = f"{rec.get('title') or ''} {rec['text']}"
        if stems & set(analyze(text)):
            found.add(str(rec["id"]))
    return found, bad


def reuters_checks(ix: NewsIndex, src: Path) -> list[str]:
    """Date ranges, newest/oldest sorting and relative dates on Reuters."""
    out: list[str] = []
    lo, hi = datetime(1987, 3, 1), datetime(1987, 3, 15, 23, 59, 59, 999999)
    big = 100_000

    def dated(res: Any) -> dict[str, datetime | None]:
        return {h.id: naive_utc(h.published) for h in res}

    spelled = "oil prices date:[1987-03-01 to 1987-03-15]"
    text = dated(ix.search(spelled, limit=big, collapse=False))
    # With collapse on, a date filter costs ~30 ms per hit shown (copies are counted within
    # it), so the collapsed pages are compared at limit 100.
    opt_page = ix.search("oil prices", since="1987-03-01", until="1987-03-15", limit=100)
    text_page = ix.search(spelled, limit=100)
    every = dated(ix.search("oil prices", limit=big, collapse=False))
    opt_all = dated(
        ix.search("oil prices", since="1987-03-01", until="1987-03-15", limit=big, collapse=False)
    )
    brute = {i for i, d in every.items() if d is not None and lo <= d <= hi}
    # Whole seconds from the source; the range ends on a day boundary, so none is at risk.
    raw, bad = scan_source(src, ix, {"oil", "price"}, lo, hi)
    pages = {h.id: naive_utc(h.published) for h in (*opt_page, *text_page)}
    outside = [i for i, d in {**opt_all, **text, **pages}.items() if d is None or not lo <= d <= hi]
    out += [
        "Reuters date range `oil prices`, 1987-03-01..1987-03-15 (inclusive, naive UTC):",
        "",
        check(
            not outside,
            f"every hit in range (both spellings, collapsed and not): {len(opt_all):,} hits "
            f"via since/until with collapse=False, {len(outside)} outside",
        ),
        check(
            set(opt_all) == set(text),
            f"since/until and `date:[1987-03-01 to 1987-03-15]` give the same set: "
            f"{len(opt_all):,} vs {len(text):,} (collapse=False)",
        ),
        check(
            [h.id for h in opt_page] == [h.id for h in text_page],
            f"... and the same collapsed top 100, in order: {len(opt_page)} vs {len(text_page)} "
            f"hits, {opt_page.collapsed} vs {text_page.collapsed} copies folded",
        ),
        check(
            set(opt_all) == brute,
            f"nothing missed: undated search ({len(every):,} hits) filtered in Python gives "
            f"{len(brute):,}; date-filtered search {len(opt_all):,}; "
            f"missed {len(brute - set(opt_all))}, extra {len(set(opt_all) - brute)}",
        ),
        check(
            set(opt_all) == raw,
            f"same as a scan of docs.jsonl (raw dates, title+text through the index analyzer, "
            f"stems oil|price): {len(raw):,}; missed {len(raw - set(opt_all))}, extra "
            f"{len(set(opt_all) - raw)} ({bad} records with an unreadable date skipped)",
        ),
    ]
    for sort, newer_first in (("newest", True), ("oldest", False)):
        got = [naive_utc(h.published) for h in ix.search("oil", sort=sort, limit=1000)]
        days, ordered, last = date_order(got, newer_first)
        n_none = len(got) - len(days)
        out.append(
            check(
                ordered and last,
                f'sort="{sort}" over `oil`, limit 1000: {len(got)} hits, dates '
                f"{'non-increasing' if newer_first else 'non-decreasing'}: {ordered}; "
                f"{n_none} undated, all last: {last}"
                + (f" ({days[0]:%Y-%m-%d} .. {days[-1]:%Y-%m-%d})" if days else ""),
            )
        )
    newest = naive_utc(ix.stats().newest)
    rel = ix.search("oil last week", limit=big, collapse=False)
    got = dated(rel)
    assert newest is not None
    far = [i for i, d in got.items() if d is None or not timedelta(0) <= newest - d < timedelta(7)]
    since, until = naive_utc(rel.since), naive_utc(rel.until)
    assert since is not None and until is not None
    oil = dated(ix.search("oil", limit=big, collapse=False))
    want = {i for i, d in oil.items() if d is not None and since <= d <= until}
    out += [
        check(
            bool(got) and not far,
            f"`oil last week` (asof = newest article, {newest:%Y-%m-%d %H:%M}): {len(got)} hits "
            f"({since:%Y-%m-%d} .. {until:%Y-%m-%d}), {len(far)} more than 7 days before it",
        ),
        check(
            set(got) == want,
            f"`oil last week` equals `oil` filtered to that window in Python: "
            f"{len(got)} vs {len(want)}",
        ),
    ]
    return out
