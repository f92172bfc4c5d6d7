"""The `newsearch` commands (typer): each command is one library call plus rendering.

The entry point is newsearch.cli.main, which answers a plain `query` without loading this.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from newsearch.cli import print_json, run_index, run_query, show_results
from newsearch.terminal import user_errors

app = typer.Typer(
    help="Full-text search for news: index raw articles, then query them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# Parameters two commands share, help text and all.
DocId = Annotated[str, typer.Argument(metavar="ID", help="An id from `query` (or a file path).")]
ResultsJson = Annotated[bool, typer.Option("--json", help="Print results as one JSON object.")]
AllCopies = Annotated[bool, typer.Option("--all", help="Show every copy of a syndicated story.")]
ArticleJson = Annotated[bool, typer.Option("--json", help="Print the article as JSON.")]
_state: dict[str, str] = {"index": "index"}


def _version(show: bool) -> None:
    if show:
        from newsearch import __version__

        typer.echo(f"newsearch {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    index: Annotated[
        str,
        typer.Option(
            "--index",
            "-i",
            envvar="NEWSEARCH_INDEX",
            help="Index folder, or opensearch://HOST:PORT/NAME (also after the command).",
        ),
    ] = "index",
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Full-text search for news: index raw articles, then query them."""
    _state["index"] = index


@app.command("index")
def index_cmd(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files or folders (default: seeds).")
    ] = None,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Start a new index from scratch.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    wait: Annotated[float, typer.Option(help="Seconds to wait for another indexing run.")] = 10.0,
    commit_every: Annotated[
        int, typer.Option(min=1, help="Commit every N articles (an interrupted run keeps them).")
    ] = 5000,
    prune: Annotated[
        bool, typer.Option("--prune", help="Remove articles whose files are gone from PATHs.")
    ] = False,
    follow_links: Annotated[
        bool,
        typer.Option("--follow-links", help="Follow symlinks that lead out of the folders given."),
    ] = False,
    check_content: Annotated[
        bool,
        typer.Option(
            "--check-content",
            help="Also hash files whose size and time are unchanged (edits kept by cp -p).",
        ),
    ] = False,
) -> None:
    """Index files and folders (.txt .html .json .jsonl .warc .arc .rss .atom .xml, also .gz).

    Only changes are redone.
    """
    report = run_index(
        _state["index"],
        [str(p) for p in paths] if paths else None,
        as_json,
        rebuild=rebuild,
        wait=wait,
        commit_every=commit_every,
        prune=prune,
        follow_links=follow_links,
        check_content=check_content,
    )
    if report.failed and not (report.indexed or report.unchanged):
        raise typer.Exit(1)


@app.command("query")
def query_cmd(
    text: Annotated[
        str,
        typer.Argument(
            help='Words, "phrases"~N, AND/OR/NOT, +must -not, title: source: author: tag:, '
            "prefix*, fuzzy~, word^2, date:2017-09, since:/until:, last week …"
        ),
    ],
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Hits per page.")] = 10,
    page: Annotated[int, typer.Option(min=1, help="Which page of hits.")] = 1,
    as_json: ResultsJson = False,
    explain: Annotated[
        bool, typer.Option("--explain", help="Show which words matched where, and their share.")
    ] = False,
    sort: Annotated[str, typer.Option(help="relevance, newest or oldest.")] = "relevance",
    since: Annotated[
        str | None, typer.Option(help="Published on or after: 2017, 2017-09, 2017-09-23.")
    ] = None,
    until: Annotated[str | None, typer.Option(help="Published on or before (inclusive).")] = None,
    source: Annotated[str | None, typer.Option(help="Only articles from this source.")] = None,
    tag: Annotated[str | None, typer.Option(help="Only articles with this tag.")] = None,
    author: Annotated[str | None, typer.Option(help="Only articles by this author.")] = None,
    asof: Annotated[
        str | None,
        typer.Option(help='"Today" for "last week" etc. (default: the newest article\'s date).'),
    ] = None,
    show_all: AllCopies = False,
    facets: Annotated[
        bool, typer.Option("--facets", help="Count the matches by source, year and tag.")
    ] = False,
    date_clauses: Annotated[
        bool,
        typer.Option(
            "--date-clauses/--no-date-clauses",
            help='Read "last week", "date:2017" … in the text as dates (else as words).',
        ),
    ] = True,
    expand: Annotated[
        bool,
        typer.Option(
            "--expand", help="Add the top articles' commonest words to plain words (2 searches)."
        ),
    ] = False,
) -> None:
    """Ranked hits with highlighted snippets."""
    run_query(
        _state["index"],
        text,
        as_json,
        limit=limit,
        page=page,
        explain=explain,
        sort=sort,
        since=since,
        until=until,
        source=source,
        tag=tag,
        author=author,
        asof=asof,
        collapse=not show_all,
        facets=facets,
        date_clauses=date_clauses,
        expand=expand,
    )


@app.command("similar")
def similar_cmd(
    doc_id: DocId,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="How many.")] = 10,
    as_json: ResultsJson = False,
    show_all: AllCopies = False,
) -> None:
    """Articles most like this one (its own copies are counted, not listed)."""
    from newsearch.api import NewsIndex

    with user_errors():
        results = NewsIndex.open(_state["index"]).similar(
            doc_id, limit=limit, collapse=not show_all
        )
        show_results(results, as_json)


@app.command("clean")
def clean_cmd(
    file: Annotated[
        Path, typer.Argument(help="A raw article: .txt, .html, .jsonl (first record).")
    ],
    as_json: ArticleJson = False,
) -> None:
    """Show the extracted article and each stripped line with the reason it went."""
    from newsearch import render
    from newsearch.api import clean_file

    with user_errors():
        article, blocks = clean_file(file)
        if as_json:
            print_json(render.article_dict(article))
        else:
            render.cleaned(article, blocks)


@app.command("show")
def show_cmd(
    doc_id: DocId,
    as_json: ArticleJson = False,
) -> None:
    """One indexed article in full, with its metadata."""
    from newsearch import render
    from newsearch.api import NewsIndex

    with user_errors():
        art = NewsIndex.open(_state["index"]).get(doc_id)
        if as_json:
            print_json(render.asdict(art))
        else:
            render.stored(art)


@app.command("stats")
def stats_cmd(
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the stats as one JSON object.")
    ] = False,
) -> None:
    """What is in the index."""
    from newsearch import render
    from newsearch.api import NewsIndex

    with user_errors():
        stats = NewsIndex.open(_state["index"]).stats()
        if as_json:
            print_json(render.asdict(stats))
        else:
            render.stats(stats)


@app.command("eval")
def eval_cmd(
    queries: Annotated[Path, typer.Option(help="Queries: one 'id<TAB>text' per line.")],
    qrels: Annotated[Path, typer.Option(help="Judgments, TREC format: 'qid 0 docid grade'.")],
    docs: Annotated[
        Path | None, typer.Option(help="Documents to index first (else the --index is used).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    run: Annotated[
        Path | None, typer.Option("--run", help="Write the ranking here (trec_eval run format).")
    ] = None,
    compare: Annotated[
        Path | None,
        typer.Option(
            "--compare",
            help="Another run file (trec_eval format): paired randomization test on nDCG@10.",
        ),
    ] = None,
    expand: Annotated[
        bool, typer.Option("--expand", help="Rank as `query --expand` does (feedback words).")
    ] = False,
) -> None:
    """Score the ranking on a test collection: nDCG@10, MAP, P@10, R@100."""
    from newsearch import render
    from newsearch.api import NewsIndex
    from newsearch.evaluate import evaluate

    with user_errors():
        ix = None if docs else NewsIndex.open(_state["index"])
        scores = evaluate(
            docs, queries, qrels, ix=ix, run_file=run, compare_to=compare, expand=expand
        )
        if as_json:
            print_json(scores)
        else:
            render.scores(scores, compare.name if compare else "")


@app.command("serve")
def serve_cmd(
    host: Annotated[
        str, typer.Option(help="Address to listen on (127.0.0.1: this machine only).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port (0: any free one).")] = 8080,
    write_token: Annotated[
        str | None,
        typer.Option(
            "--write-token",
            envvar="NEWSEARCH_WRITE_TOKEN",
            show_default=False,
            help="Allow POST /api/index and DELETE /api/articles/ID with "
            "'Authorization: Bearer TOKEN' (read-only without it).",
        ),
    ] = None,
) -> None:
    """Serve the search page and the HTTP JSON API (OpenAPI at /openapi.json) until Ctrl-C.

    While it runs, `newsearch query` on this index asks it (NEWSEARCH_NO_SERVER=1: not).
    """
    from newsearch.server import serve

    with user_errors():
        serve(_state["index"], host=host, port=port, write_token=write_token or None)
