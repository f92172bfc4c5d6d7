"""Peak memory of one indexing process: the kernel's peak, and anonymous and file-backed apart.

Each FILE (for example Reuters as JSON Lines, and the same x10 with new ids, written to /tmp)
is indexed into a fresh temporary folder by a child process. The peak is the child's own VmHWM
read as it ends (the kernel's high-water mark: exact, where a sampler misses a short peak; the
report() that ends a run once added 300 MB in 0.2 s at Reuters x3). RssAnon and RssFile are
sampled from /proc every --interval seconds: speed.py reports ru_maxrss, which cannot tell the
segments Whoosh maps while merging from memory the process holds; at each new RssFile peak the
child's /proc/PID/smaps says how much of it is the index's own files (the rest is libraries).
Only the indexing process is measured, not its extraction workers. The child imports newsearch
as this interpreter would from a neutral folder: set PYTHONPATH to measure a worktree.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = """
import json, sys, time
from newsearch import NewsIndex
ix = NewsIndex.create(sys.argv[2])
t = time.perf_counter()
r = ix.add_files([sys.argv[1]])
secs = time.perf_counter() - t
hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))
print(json.dumps({"docs": r.added, "seconds": secs, "hwm_kb": hwm, "segments": sum(
    1 for p in __import__("os").listdir(sys.argv[2]) if p.endswith(".seg"))}))
"""
KEYS = ("VmRSS", "RssAnon", "RssFile")


def measure(path: str, interval: float) -> dict[str, float]:
    """Documents, seconds, segments, the peak VmHWM and sampled peaks (MB) of indexing a file."""
    with tempfile.TemporaryDirectory() as tmp:
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(Path(path).resolve()), str(Path(tmp) / "ix")],
            stdout=subprocess.PIPE,
            cwd=tmp,  # not the caller's folder: `-c` puts it first on sys.path
        )
        peak = dict.fromkeys(KEYS, 0)
        maps = (0, 0)  # (index files mapped, their resident MB) at the RssFile peak
        while child.poll() is None:
            try:
                for line in Path(f"/proc/{child.pid}/status").read_text().splitlines():
                    key, _, value = line.partition(":")
                    if key in peak:
                        mb = int(value.split()[0]) // 1024
                        if key == "RssFile" and mb > peak[key]:
                            maps = index_maps(child.pid, str(Path(tmp) / "ix"))
                        peak[key] = max(peak[key], mb)
            except (OSError, ValueError, IndexError):
                pass  # the child is just ending
            time.sleep(interval)
        out = child.stdout.read() if child.stdout else b""
    if child.returncode:
        raise SystemExit(f"indexing {path} failed (exit {child.returncode})")
    got = json.loads(out.splitlines()[-1])
    return {**got, "hwm": got["hwm_kb"] // 1024, **peak, "maps": maps[0], "maps_mb": maps[1]}


def index_maps(pid: int, folder: str) -> tuple[int, int]:
    """(files, resident MB) of the process's mappings of files in ``folder``, from smaps."""
    resident: dict[str, int] = {}
    name = None
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        parts = line.split()
        if parts and "-" in parts[0] and not parts[0].endswith(":"):  # a mapping's first line
            name = parts[5] if len(parts) > 5 and parts[5].startswith(folder) else None
        elif name and parts[:1] == ["Rss:"]:
            resident[name] = resident.get(name, 0) + int(parts[1])
    return len(resident), sum(resident.values()) // 1024


def main(argv: list[str] | None = None) -> int:
    """Measure each file given and print a Markdown table, with each peak ÷ the first's."""
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("files", nargs="+", metavar="FILE", help="a file to index (JSON Lines, …)")
    ap.add_argument("--interval", type=float, default=0.2, help="seconds between samples")
    a = ap.parse_args(argv)
    for path in a.files:
        if not Path(path).is_file():
            ap.error(f"no such file: {path}")
    print(
        "| file | docs | docs/s | segments | peak RSS (VmHWM) MB | ÷ first | "
        "sampled VmRSS MB | RssAnon MB | RssFile MB | of it, index files at its peak |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    first = 0
    for path in a.files:
        m = measure(path, a.interval)
        first = first or int(m["hwm"])
        print(
            f"| {Path(path).name} | {m['docs']:,} | {m['docs'] / m['seconds']:,.0f} | "
            f"{m['segments']} | {m['hwm']} | {m['hwm'] / first:.2f} | {m['VmRSS']} | "
            f"{m['RssAnon']} | {m['RssFile']} | {m['maps_mb']} MB in {m['maps']} files |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
