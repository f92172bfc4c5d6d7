"""`python -m newsearch.server --index DIR --port N`: the server without the CLI (for tests)."""

from __future__ import annotations

import argparse
import os
import sys

from newsearch import NewsearchError
from newsearch.server import serve


def main(argv: list[str] | None = None) -> None:
    """Parse the options and serve until SIGINT/SIGTERM."""
    parser = argparse.ArgumentParser(prog="python -m newsearch.server", description=__doc__)
    parser.add_argument("--index", "-i", default=os.environ.get("NEWSEARCH_INDEX", "index"))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080, help="0 picks a free port")
    parser.add_argument(
        "--write-token",
        default=os.environ.get("NEWSEARCH_WRITE_TOKEN") or None,
        help="allow POST /api/index and DELETE with 'Authorization: Bearer TOKEN'",
    )
    args = parser.parse_args(argv)
    try:
        serve(args.index, host=args.host, port=args.port, write_token=args.write_token)
    except NewsearchError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        if exc.hint:
            print(f"Hint: {exc.hint}", file=sys.stderr)
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()
