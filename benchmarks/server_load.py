"""Load test of `newsearch serve` on loopback, and one query via the server vs a fresh CLI.

Usage: python benchmarks/server_load.py [--clients 8] [--seconds 30] [--queries 500]
[--data DIR] [--index DIR] [--endpoint search|page|health]

Builds (once, cached under $TMPDIR/newsearch-bench) an index of Reuters-21578 read by path from
<repo>/../shared/data/corpora/reuters21578/docs.jsonl (never copied here), starts the server as
its own process on a free 127.0.0.1 port, and runs N keep-alive client threads for a bounded
time, each cycling through the same seeded queries. Prints p50/p95/p99 latency, throughput and
errors; then the median of 10 sequential queries through the server against the median of 10
fresh `newsearch query --json` processes. Loopback only; every loop stops by itself.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

SEED = 42
WORD = re.compile(r"[a-z]{4,}")
_STOP_WORDS = (
    "about after also been before being could does from have into more most only other over "
    "said says same should some such than that their them then there these they this those "
    "through under very were what when where which while will with would year"
)
STOP = frozenset(_STOP_WORDS.split())
MAX_REQUESTS = 2_000_000  # a bound on every client loop besides its deadline


def default_data() -> Path:
    """$NEWSEARCH_DATA, else <repo>/../shared/data."""
    env = os.environ.get("NEWSEARCH_DATA")
    return Path(env) if env else Path(__file__).resolve().parents[1].parent / "shared" / "data"


def make_queries(docs: Path, n: int) -> list[str]:
    """N queries of 1-3 distinct words from random Reuters articles (seeded), so each has hits."""
    texts = []
    with docs.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            words = [
                w for w in WORD.findall(f"{rec.get('title', '')} {rec.get('text', '')}".lower())
            ]
            words = [w for w in dict.fromkeys(words) if w not in STOP]
            if len(words) >= 3:
                texts.append(words)
    rng = random.Random(SEED)
    return [" ".join(rng.sample(words, rng.randint(1, 3))) for words in rng.choices(texts, k=n)]


def build_index(docs: Path, where: Path) -> Path:
    """The Reuters index, built once and reused while docs.jsonl is unchanged."""
    stamp = where / ".source"
    key = f"{docs.resolve()} {docs.stat().st_size} {docs.stat().st_mtime_ns}"
    if stamp.exists() and stamp.read_text() == key:
        return where
    shutil.rmtree(where, ignore_errors=True)
    where.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "newsearch", "-i", str(where), "index", str(docs), "--json"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(f"indexed {docs.name} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    stamp.write_text(key)
    return where


class Served:
    """The server as its own process (its GIL is not the clients'), stopped by SIGTERM."""

    def __init__(self, index: Path) -> None:
        """Start it on a free port and wait until it answers."""
        started = time.perf_counter()
        cmd = [sys.executable, "-m", "newsearch.server", "--index", str(index), "--port", "0"]
        self.proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
        assert self.proc.stderr is not None
        line = self.proc.stderr.readline()
        match = re.search(r"http://([\d.]+):(\d+)", line)
        if not match:
            self.proc.kill()
            raise SystemExit(f"the server did not start: {line}")
        self.host, self.port = match.group(1), int(match.group(2))
        # The access log would fill the pipe: drain it in the background.
        threading.Thread(target=self.proc.stderr.read, daemon=True).start()
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        conn.request("GET", "/api/search?q=warm")
        conn.getresponse().read()
        self.ready = time.perf_counter() - started

    def stop(self) -> None:
        """SIGTERM, then wait (it finishes requests in flight)."""
        self.proc.terminate()
        self.proc.wait(timeout=60)


def target(endpoint: str, query: str) -> str:
    """The request path one client sends for one query."""
    if endpoint == "health":
        return "/api/health"
    if endpoint == "page":  # what the search page asks for a new search
        return "/api/search?" + urlencode({"q": query, "limit": 10, "facets": 1})
    return "/api/search?" + urlencode({"q": query, "limit": 10})


def load(served: Served, queries: list[str], clients: int, seconds: float, endpoint: str) -> dict:
    """N keep-alive clients for a bounded time; latencies in ms, errors, requests per second."""
    deadline = time.perf_counter() + seconds
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients

    def client(n: int) -> None:
        conn = http.client.HTTPConnection(served.host, served.port, timeout=60)
        i = n * 997  # each client starts elsewhere in the list
        while time.perf_counter() < deadline and len(latencies[n]) < MAX_REQUESTS:
            path = target(endpoint, queries[i % len(queries)])
            i += 1
            t0 = time.perf_counter()
            try:
                conn.request("GET", path)
                resp = conn.getresponse()
                resp.read()
                if resp.status != 200:
                    errors[n] += 1
            except OSError:
                errors[n] += 1
                conn.close()
                conn = http.client.HTTPConnection(served.host, served.port, timeout=60)
                continue
            latencies[n].append((time.perf_counter() - t0) * 1000)
        conn.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    flat = sorted(x for lat in latencies for x in lat)
    if not flat:
        raise SystemExit("no request succeeded")

    def pct(p: float) -> float:
        return flat[min(len(flat) - 1, int(p / 100 * len(flat)))]

    return {
        "requests": len(flat),
        "errors": sum(errors),
        "rps": len(flat) / elapsed,
        "p50": pct(50),
        "p95": pct(95),
        "p99": pct(99),
        "max": flat[-1],
    }


def in_process(index: Path, queries: list[str], seconds: float) -> dict:
    """The same queries through NewsIndex.search in this process, one thread: the floor."""
    from newsearch import NewsIndex

    ix = NewsIndex.open(index)
    ix.search("warm")
    deadline, took = time.perf_counter() + seconds, []
    t0 = time.perf_counter()
    for i in range(MAX_REQUESTS):
        if time.perf_counter() >= deadline:
            break
        q0 = time.perf_counter()
        ix.search(queries[i % len(queries)], limit=10)
        took.append((time.perf_counter() - q0) * 1000)
    elapsed = time.perf_counter() - t0
    ix.close()
    took.sort()
    return {
        "qps": len(took) / elapsed,
        "p50": took[len(took) // 2],
        "p95": took[int(len(took) * 0.95)],
    }


def one_query_costs(served: Served, index: Path, query: str, n: int = 10) -> tuple[float, float]:
    """Median ms of one query through the warm server, and via a fresh `newsearch query`."""
    conn = http.client.HTTPConnection(served.host, served.port, timeout=60)
    via_server = []
    for _ in range(n):
        t0 = time.perf_counter()
        conn.request("GET", "/api/search?" + urlencode({"q": query}))
        conn.getresponse().read()
        via_server.append((time.perf_counter() - t0) * 1000)
    conn.close()
    cli = shutil.which("newsearch") or ""
    cmd = [cli] if cli else [sys.executable, "-m", "newsearch"]
    fresh = []
    for _ in range(n):
        t0 = time.perf_counter()
        subprocess.run(
            [*cmd, "-i", str(index), "query", query, "--json"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        fresh.append((time.perf_counter() - t0) * 1000)
    return statistics.median(via_server), statistics.median(fresh)


def main() -> None:
    """Run the load test and the one-query comparison; print a small report."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--queries", type=int, default=500)
    ap.add_argument("--data", type=Path, default=default_data())
    ap.add_argument("--index", type=Path, default=None, help="an index to use as it is")
    ap.add_argument("--endpoint", choices=("search", "page", "health"), default="search")
    args = ap.parse_args()
    if not 1 <= args.clients <= 64 or not 0 < args.seconds <= 600:
        raise SystemExit("--clients 1..64 and --seconds up to 600 keep the test bounded")
    docs = args.data / "corpora" / "reuters21578" / "docs.jsonl"
    if not docs.exists():
        raise SystemExit(f"{docs} is absent (the benchmark reads research data by path)")
    cache = Path(tempfile.gettempdir()) / "newsearch-bench" / "reuters-ix"
    index = args.index or build_index(docs, cache)
    queries = make_queries(docs, args.queries)
    served = Served(index)
    try:
        print(f"server ready (start to first answer) in {served.ready * 1000:.0f} ms")
        r = load(served, queries, args.clients, args.seconds, args.endpoint)
        print(
            f"{args.endpoint}: {args.clients} clients x {args.seconds:g} s on loopback: "
            f"{r['requests']:,} requests, {r['errors']} errors, {r['rps']:.1f} req/s; "
            f"latency p50 {r['p50']:.1f} ms, p95 {r['p95']:.1f} ms, p99 {r['p99']:.1f} ms, "
            f"max {r['max']:.0f} ms"
        )
        if args.endpoint == "search":
            lib = in_process(index, queries, min(args.seconds, 10.0))
            print(
                f"same queries in-process (NewsIndex.search, 1 thread, no HTTP): "
                f"{lib['qps']:.1f} q/s; p50 {lib['p50']:.1f} ms, p95 {lib['p95']:.1f} ms"
            )
        server_ms, fresh_ms = one_query_costs(served, index, "oil prices")
        print(
            f"one query ('oil prices'), median of 10: through the server {server_ms:.1f} ms, "
            f"fresh `newsearch query --json` process {fresh_ms:.0f} ms "
            f"({fresh_ms / server_ms:.0f}x)"
        )
    finally:
        served.stop()


if __name__ == "__main__":
    main()
