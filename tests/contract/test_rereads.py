"""A re-read dump reports each record truly: added, updated, unchanged, removed, failed."""

import json
import os
import time


def dump(path, records, extra=""):
    path.write_text("".join(json.dumps(r) + "\n" for r in records) + extra, encoding="utf-8")
    later = time.time_ns() + 10**9  # a coarse clock must not hide the edit
    os.utime(path, ns=(later, later))


def recs(n):
    return [
        {"id": f"r{i}", "title": f"Story {i}", "text": f"Story {i} on the harbour."}
        for i in range(n)
    ]


def test_an_edited_dump_counts_each_record_by_what_happened_to_it(tmp_path, index):
    p = tmp_path / "wire.jsonl"
    dump(p, recs(5))
    index.add_files([p])
    edited = [r for r in recs(5) if r["id"] != "r2"]
    edited[2] = {**edited[2], "text": "Story 3, corrected, on the harbour."}
    dump(p, edited + [{"id": "r9", "title": "New", "text": "A new story on the harbour."}])
    report = index.add_files([p])
    # Before: "1 added, 4 updated, 0 removed", the three untouched records counted as updated.
    assert (report.added, report.updated, report.unchanged, report.removed) == (1, 1, 3, 1)
    assert index.stats().documents == 5
    assert index.search("corrected").total == 1 and index.get("r9").title == "New"


def test_a_failure_in_an_unchanged_file_is_reported_on_every_run(tmp_path, index):
    p = tmp_path / "wire.jsonl"
    dump(p, recs(3), extra="{not json\n")
    first = index.add_files([p])
    assert [f.path for f in first.failed] == [f"{p}:4"]
    again = index.add_files([p])
    # Before: the second run said "0 failed" of a file that still holds the broken line.
    assert again.unchanged == 3 and [f.path for f in again.failed] == [f"{p}:4"]
    assert "unchanged since" in again.failed[0].reason
    dump(p, recs(3))
    fixed = index.add_files([p])
    assert fixed.failed == () and index.add_files([p]).failed == ()
