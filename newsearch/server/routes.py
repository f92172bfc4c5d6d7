"""The endpoints: each validates its parameters, makes one NewsIndex call and renders it.

JSON shapes come from newsearch.render, so the API and `newsearch query --json` never drift.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import unquote

from newsearch import __version__, render
from newsearch.server import extras, params, uploads
from newsearch.server.app import WRITE_WAIT, ApiError, App, Request, Response
from newsearch.server.params import MAX_DEPTH, ParamError

Handler = Callable[[App, Request, str], Response]
# Filters a form sends empty mean "not given".
_OPTIONAL = ("since", "until", "asof", "source", "tag", "author", "copies_of")
_TYPES = {
    ".html": "text/html",
    ".js": "text/javascript",
    ".css": "text/css",
    ".svg": "image/svg+xml",
}


def dispatch(app: App, req: Request) -> Response:
    """Route a request by path and method (HEAD is answered as GET, without the body)."""
    path = req.path
    if path.startswith("/api/v1/") or path == "/api/v1":
        path = "/api" + path[len("/api/v1") :]  # the versioned aliases of the contract paths
    table, arg = _match(path)
    if table is None:
        raise ApiError(404, f"no endpoint at {req.path}", "See /openapi.json for the endpoints.")
    method = "GET" if req.method == "HEAD" else req.method
    handler = table.get(method)
    if handler is None:
        allowed = ", ".join(sorted(table))
        raise ApiError(
            405,
            f"{req.method} is not allowed on {req.path}",
            f"Use {allowed}.",
            headers={"Allow": allowed},
        )
    return handler(app, req, arg)


def _match(path: str) -> tuple[dict[str, Handler] | None, str]:
    exact = EXACT.get(path)
    if exact is not None:
        return exact, ""
    for prefix, table in PREFIXED:
        if path.startswith(prefix) and len(path) > len(prefix):
            # The rest of the path, slashes and all, is the id: record ids are often URLs.
            doc_id = unquote(path[len(prefix) :], errors="replace")
            if len(doc_id) > params.MAX_ID:
                raise ParamError(f"the id is longer than {params.MAX_ID} characters", "Check it.")
            return table, doc_id
    return None, ""


def search(app: App, req: Request, _: str) -> Response:
    """GET /api/search: the `newsearch query --json` object (plus `timeline` on request)."""
    p = params.validate(req.query, params.SEARCH)
    if (p["page"] - 1) * p["limit"] >= MAX_DEPTH:
        raise ParamError(
            f"page {p['page']} of {p['limit']} hits starts past hit {MAX_DEPTH:,}",
            "Narrow the query with words, dates or filters instead of paging this deep.",
        )
    for name in _OPTIONAL:
        p[name] = p[name] or None
    options = {
        "limit": p["limit"],
        "page": p["page"],
        "explain": p["explain"],
        "snippets": p["snippets"],
        "sort": p["sort"],
        "since": p["since"],
        "until": p["until"],
        "source": p["source"],
        "tag": p["tag"],
        "author": p["author"],
        "asof": p["asof"],
        "collapse": not p["all"],
        "facets": p["facets"],
        "suggest": p["suggest"],
        "date_clauses": p["date_clauses"],
    }
    ix = app.index()
    if p["copies_of"]:
        results = extras.copies_of(ix, p["q"], p["copies_of"], options)
    else:
        results = ix.search(p["q"], **options)
    data = render.results_dict(results)
    if p["timeline"]:
        data["timeline"] = extras.timeline(ix, p["q"], options)
    return Response.json(data)


def similar(app: App, req: Request, doc_id: str) -> Response:
    """GET /api/similar/{id}: more like this, as a results object."""
    p = params.validate(req.query, params.SIMILAR)
    results = app.index().similar(doc_id, limit=p["limit"], collapse=not p["all"])
    return Response.json(render.results_dict(results))


def article(app: App, req: Request, doc_id: str) -> Response:
    """GET /api/articles/{id}: the stored article (`newsearch show --json`)."""
    params.validate(req.query, ())
    return Response.json(render.asdict(app.index().get(doc_id)))


def delete(app: App, req: Request, doc_id: str) -> Response:
    """DELETE /api/articles/{id}: remove one article (token only)."""
    app.authorize(req)
    ix = app.index()
    remove = getattr(ix, "delete", None)
    if remove is None:
        raise ApiError(
            501,
            "this version of newsearch cannot delete one article",
            "Upgrade newsearch (NewsIndex.delete), or remove its file and re-index with --prune.",
        )
    with _writing(app):
        remove(doc_id)
    return Response.json({"deleted": doc_id})


def stats(app: App, req: Request, _: str) -> Response:
    """GET /api/stats: what the index holds (`newsearch stats --json`)."""
    params.validate(req.query, ())
    return Response.json(render.asdict(app.index().stats()))


def health(app: App, req: Request, _: str) -> Response:
    """GET /api/health: 200 while the server runs, with or without an index."""
    try:
        app.index()
        ready = True
    except Exception:  # noqa: BLE001 - health reports, it does not fail
        ready = False
    return Response.json(
        {"status": "ok", "index": ready, "writable": app.writable, "version": __version__}
    )


def add(app: App, req: Request, _: str) -> Response:
    """POST /api/index: index paths on the server's disk, or records in the body (token only)."""
    app.authorize(req)
    params.validate(req.query, ())
    job = uploads.parse(req.body)
    with _writing(app):
        report = uploads.run(app.index_for_writing(), job)
    data = render.report_dict(report, app.path)
    if report.failed and not (report.indexed or report.unchanged):
        return Response.json(
            {
                "error": "nothing could be indexed",
                "hint": "See `report.failed` for each reason.",
                "report": data,
            },
            400,
        )
    return Response.json(data)


class _writing:
    """One write at a time through this server; a second waits as long as `index --wait`."""

    def __init__(self, app: App) -> None:
        self.lock = app.write_lock

    def __enter__(self) -> None:
        if not self.lock.acquire(timeout=WRITE_WAIT):
            raise ApiError(
                503,
                f"another write to this index is running (waited {WRITE_WAIT:g} s)",
                "Retry when it has finished.",
                headers={"Retry-After": "10"},
            )

    def __exit__(self, *exc: object) -> None:
        self.lock.release()


def openapi(app: App, req: Request, _: str) -> Response:
    """GET /openapi.json: the hand-written OpenAPI 3.1 document."""
    from newsearch.server.openapi import document

    return Response.json(document(writable=app.writable))


def page(app: App, req: Request, name: str) -> Response:
    """GET / and /static/*: the search page, served from the package's static folder."""
    name = name or "index.html"
    suffix = name[name.rfind(".") :] if "." in name else ""
    if name not in _static_names() or suffix not in _TYPES:
        raise ApiError(404, f"no file {name!r} here", "The page is at /.")
    return Response(200, _static(name), f"{_TYPES[suffix]}; charset=utf-8")


@cache
def _static_names() -> frozenset[str]:
    # Only the files shipped in the folder: a name is never joined to a path blindly.
    folder = resources.files("newsearch.server").joinpath("static")
    return frozenset(entry.name for entry in folder.iterdir() if entry.is_file())


@cache
def _static(name: str) -> bytes:
    return resources.files("newsearch.server").joinpath("static", name).read_bytes()


EXACT: dict[str, dict[str, Handler]] = {
    "/": {"GET": page},
    "/openapi.json": {"GET": openapi},
    "/api/search": {"GET": search},
    "/api/stats": {"GET": stats},
    "/api/health": {"GET": health},
    "/api/index": {"POST": add},
}
PREFIXED: tuple[tuple[str, dict[str, Handler]], ...] = (
    ("/api/articles/", {"GET": article, "DELETE": delete}),
    ("/api/similar/", {"GET": similar}),
    ("/static/", {"GET": page}),
)


def routes() -> dict[str, Any]:
    """Every path pattern and its methods (for the OpenAPI test)."""
    out: dict[str, Any] = {path: sorted(t) for path, t in EXACT.items()}
    out.update({prefix + "{id}": sorted(t) for prefix, t in PREFIXED})
    return out
