"""The `newsearch` command's entry point, and what its `query` and `index` commands do.

A plain `newsearch query …` is answered here without loading typer (~25 ms of a ~100 ms
process: its import and building the eight commands): ``quick_query`` reads the command lines
it can read exactly as typer would, and leaves every other one (help, `--opt=value`, a value
that starts with "-", a repeated option, …) to the typer app in newsearch.commands.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from newsearch.errors import NewsearchError
from newsearch.terminal import ClosedPipeIsDone, echo, hoist_index, user_errors

DEFAULT_SEEDS = "seeds"
# `newsearch query`'s options as the typer command declares them (tests/test_cli_quick.py
# holds the two to the same meaning): option -> keyword, and the keywords' defaults.
QUERY_VALUES = {
    **{"--limit": "limit", "-n": "limit", "--page": "page", "--sort": "sort"},
    **{f"--{name}": name for name in ("since", "until", "source", "tag", "author", "asof")},
}
QUERY_FLAGS = {
    "--json": ("as_json", True),
    "--explain": ("explain", True),
    "--all": ("collapse", False),
    "--facets": ("facets", True),
    "--date-clauses": ("date_clauses", True),
    "--no-date-clauses": ("date_clauses", False),
    "--expand": ("expand", True),
}
QUERY_DEFAULTS: dict[str, Any] = {
    **{"limit": 10, "page": 1, "explain": False, "sort": "relevance", "collapse": True},
    **dict.fromkeys(("since", "until", "source", "tag", "author", "asof")),
    **{"facets": False, "date_clauses": True, "expand": False},
}
_COUNTS = ("limit", "page")  # typer's int options, both min=1


def __getattr__(name: str) -> Any:
    if name == "app":  # the typer app, loaded only when asked for
        from newsearch.commands import app

        return app
    raise AttributeError(name)


def _plain(value: str | None) -> bool:
    return bool(value) and not str(value).startswith("-")


def quick_query(
    argv: list[str], environ: Mapping[str, str]
) -> tuple[str, str, bool, dict[str, Any]] | None:
    """(index, text, as_json, search options) of a plain `query` command line, else None."""
    if "_NEWSEARCH_COMPLETE" in environ:  # typer's shell completion reads this
        return None
    index = None
    args = iter(argv)
    for arg in args:  # before the command only the index (hoist_index moved it there)
        if arg == "query":
            break
        value = next(args, None) if arg in ("-i", "--index") else None
        if arg.startswith("--index="):
            value = arg.removeprefix("--index=")
        if index is not None or not _plain(value):
            return None
        index = value
    else:
        return None
    text: str | None = None
    given: dict[str, Any] = {}
    for arg in args:
        if arg in QUERY_VALUES:
            key, value = QUERY_VALUES[arg], next(args, None)
            if key in given or value is None or not _plain(value):
                return None
            if key not in _COUNTS:
                given[key] = value
            elif value.isascii() and value.isdigit() and int(value) >= 1:
                given[key] = int(value)
            else:
                return None
        elif arg in QUERY_FLAGS:
            key, flag = QUERY_FLAGS[arg]
            if key in given:
                return None
            given[key] = flag
        elif text is not None or not _plain(arg):
            return None
        else:
            text = arg
    if text is None:
        return None
    as_json = bool(given.pop("as_json", False))
    where = index or environ.get("NEWSEARCH_INDEX") or "index"  # typer skips an empty one
    return where, text, as_json, {**QUERY_DEFAULTS, **given}


def print_json(data: Any) -> None:
    """One JSON object on a line of stdout."""
    echo(json.dumps(data, ensure_ascii=False, indent=None, default=str))


def show_results(results: Any, as_json: bool) -> None:
    """Search results as JSON or as text."""
    from newsearch import render

    if as_json:
        print_json(render.results_dict(results))
    else:
        render.results(results)


def run_query(index: str, text: str, as_json: bool, **options: Any) -> None:
    """`newsearch query`: one search, rendered (answered by a `newsearch serve` on the index
    when one runs: newsearch.forward)."""
    from newsearch import forward

    served = forward.query(index, text, options)
    if served is not None:
        show_served(served, as_json)
        return
    from newsearch.api import NewsIndex
    from newsearch.models import SearchOptions

    with user_errors():
        search = SearchOptions(**options)
        show_results(NewsIndex.open(index).search(text, search), as_json)


def show_served(data: dict[str, Any], as_json: bool) -> None:
    """A running server's answer, rendered exactly as the same search done here."""
    if as_json:
        print_json(data)
    else:
        from newsearch import forward, render

        with user_errors():
            render.results(forward.results_from_dict(data))


def run_index(
    where: str, paths: list[str] | None, as_json: bool, rebuild: bool, **options: Any
) -> Any:
    """`newsearch index`: add (or rebuild from) files and folders; the report."""
    from newsearch import render
    from newsearch.api import NewsIndex

    with user_errors():
        targets = paths or [DEFAULT_SEEDS]
        if not paths and not Path(DEFAULT_SEEDS).is_dir():
            raise NewsearchError(
                f"no {DEFAULT_SEEDS}/ folder here to index",
                hint="Name the files or folders: newsearch index PATH…",
            )
        from newsearch.engines import display

        with render.progress("Indexing") as tick:
            if rebuild:
                # Built beside the old index and swapped in at the end: a failure keeps the old.
                _, report = NewsIndex.rebuild(
                    where,
                    targets,
                    progress=tick,
                    wait=options["wait"],
                    commit_every=options["commit_every"],
                )
            else:
                ix = NewsIndex.open_or_create(where)
                report = ix.add_files(targets, progress=tick, **options)
        if as_json:
            print_json(render.report_dict(report, display(where)))
        else:
            render.report(report, display(where))
    return report


def main() -> None:
    """Console-script entry point."""
    sys.stdout = ClosedPipeIsDone(sys.stdout)
    try:
        argv = hoist_index(sys.argv[1:])
        quick = quick_query(argv, os.environ)
        if quick is None:
            from newsearch.commands import app

            app(args=argv, prog_name="newsearch")
        else:
            from newsearch import deferred

            deferred.defer_unused()  # ~14 ms of modules this process never runs
            index, text, as_json, options = quick
            try:
                run_query(index, text, as_json, **options)
            except KeyboardInterrupt:  # outside user_errors (importing): as typer ends it
                raise SystemExit(130) from None
    finally:
        sys.stdout = sys.__stdout__
