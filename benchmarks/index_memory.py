"""Peak memory of one indexing process, sampled: anonymous and file-backed (mmap) apart.

Usage: python benchmarks/index_memory.py FILE [FILE ...]

Each FILE (for example Reuters as JSON Lines, and the same ×10 with new ids, written to /tmp)
is indexed into a fresh temporary folder by a child process, whose /proc status is read every
0.5 s: peak VmRSS, RssAnon and RssFile in MB, and docs/s. speed.py reports ru_maxrss, which
cannot tell the segments Whoosh maps while merging from memory the process holds.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = """
import sys, time
from newsearch import NewsIndex
ix = NewsIndex.create(sys.argv[2])
t = time.perf_counter()
r = ix.add_files([sys.argv[1]])
print(r.added, time.perf_counter() - t)
"""
KEYS = ("VmRSS", "RssAnon", "RssFile")


def measure(path: str) -> tuple[int, float, dict[str, int]]:
    """(documents, seconds, peak MB per key) of indexing one file."""
    with tempfile.TemporaryDirectory() as tmp:
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, path, str(Path(tmp) / "ix")], stdout=subprocess.PIPE
        )
        peak = dict.fromkeys(KEYS, 0)
        while child.poll() is None:
            try:
                for line in Path(f"/proc/{child.pid}/status").read_text().splitlines():
                    key, _, value = line.partition(":")
                    if key in peak:
                        peak[key] = max(peak[key], int(value.split()[0]) // 1024)
            except OSError:
                pass  # the child is just ending
            time.sleep(0.5)
        out = (child.stdout.read() if child.stdout else b"").split()
    return int(out[0]), float(out[1]), peak


def main() -> int:
    """Measure each file given and print a Markdown table."""
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    print("| file | docs | docs/s | peak VmRSS MB | RssAnon MB | RssFile MB |")
    print("|---|---|---|---|---|---|")
    for path in sys.argv[1:]:
        docs, secs, peak = measure(path)
        print(
            f"| {Path(path).name} | {docs:,} | {docs / secs:,.0f} | {peak['VmRSS']} | "
            f"{peak['RssAnon']} | {peak['RssFile']} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
