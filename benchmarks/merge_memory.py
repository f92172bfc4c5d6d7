"""Memory of one merge: every segment of an index merged into one, RSS logged field by field.

index_memory.py gives the peak of a whole indexing run; this isolates the merge, where the
peak of a large run comes from (the 1M run's was its one merge of 25 segments). The live
Whoosh index of INDEX (a newsearch index folder, left untouched) is copied to a temporary
folder, and a child process opens it with the engine's reading patches installed, as
`newsearch index` does, and merges all its segments with the bulk writer. It reports its
RssAnon and RssFile at each field's first term and every --every terms read (a term of each
segment counts once), and its VmHWM at the end. The child imports newsearch as this
interpreter would: set PYTHONPATH to measure a worktree.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = """
import json, sys, time
from whoosh import index as windex
from newsearch.engines.whoosh import bulkwrite, safepickle
from newsearch.engines.whoosh.reading import builtin_md5, share_segment_files
from newsearch.engines.whoosh.writing import private_segment_names

safepickle.install(); share_segment_files(); builtin_md5(); private_segment_names()
folder, name, every = sys.argv[1], sys.argv[2], int(sys.argv[3])
t0 = time.perf_counter()

def say(event, **more):
    st = dict(l.split(":", 1) for l in open("/proc/self/status"))
    mb = {k: int(st[k].split()[0]) // 1024 for k in ("RssAnon", "RssFile", "VmHWM")}
    print(json.dumps({"event": event, "s": time.perf_counter() - t0, **mb, **more}), flush=True)

write_terms = bulkwrite.write_terms
def logged(fw, schema, terms):
    def each():
        field = None
        for i, (key, postings) in enumerate(terms):
            if key[0] != field or i % every == 0:
                field = key[0]
                say("term", field=field, n=i)
            yield key, postings
    write_terms(fw, schema, each())
bulkwrite.write_terms = logged

ix = windex.open_dir(folder, indexname=name)
say("open", segments=len(ix._segments()), docs=ix.doc_count_all())
writer = bulkwrite.BulkSegmentWriter(ix)
writer.commit(optimize=True)
say("done")
"""


def main(argv: list[str] | None = None) -> int:
    """Merge a copy of INDEX's segments into one and print the child's memory as a table."""
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("index", metavar="INDEX", help="a newsearch index folder (only read)")
    ap.add_argument("--every", type=int, default=100_000, help="a row every N terms merged")
    a = ap.parse_args(argv)
    folder = Path(a.index)
    manifest = folder / "newsearch.json"
    if not manifest.is_file():
        ap.error(f"not a newsearch index: {folder}")
    name = json.loads(manifest.read_text(encoding="utf-8"))["index"]
    with tempfile.TemporaryDirectory() as tmp:
        for p in folder.iterdir():  # the live index's segments and table of contents
            if p.name.startswith((f"{name}_", f"_{name}_")) and not p.name.endswith("LOCK"):
                shutil.copy(p, tmp)
        out = subprocess.run(
            [sys.executable, "-c", CHILD, tmp, name, str(a.every)],
            capture_output=True,
            text=True,
            cwd=tmp,  # not the caller's folder: `-c` puts it first on sys.path
        )
    if out.returncode:
        raise SystemExit(f"the merge failed (exit {out.returncode}):\n{out.stderr}")
    rows = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    print("| seconds | at | RssAnon MB | RssFile MB |")
    print("|---|---|---|---|")
    for r in rows:
        at = {
            "open": f"opened: {r.get('segments')} segments, {r.get('docs', 0):,} documents",
            "term": f"{r.get('n', 0):,} segment terms read ({r.get('field')})",
            "done": "committed",
        }[r["event"]]
        print(f"| {r['s']:.1f} | {at} | {r['RssAnon']} | {r['RssFile']} |")
    base, end = rows[0], rows[-1]
    print(
        f"\nVmHWM {end['VmHWM']} MB; anonymous memory {base['RssAnon']} MB opened, "
        f"{max(r['RssAnon'] for r in rows)} MB at most while merging."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
