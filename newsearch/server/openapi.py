"""The OpenAPI 3.1 document at /openapi.json, written by hand; parameters come from params.py."""

from __future__ import annotations

from typing import Any

from newsearch import __version__
from newsearch.server import params

_STR = {"type": "string"}
_NSTR = {"type": ["string", "null"]}
_INT = {"type": "integer"}
_STRS = {"type": "array", "items": _STR}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(props: dict[str, Any], required: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "object", "properties": props}
    if required:
        out["required"] = sorted(props)
    return out


SCHEMAS: dict[str, Any] = {
    "Error": _obj({"error": _STR, "hint": _STR}),
    "Fragment": _obj(
        {
            "text": _STR,
            "start": _INT,
            "highlights": {"type": "array", "items": {"type": "array", "items": _INT}},
        }
    ),
    "Contribution": _obj(
        {
            "word": _STR,
            "term": _STR,
            "field": _STR,
            "frequency": {"type": "number"},
            "score": {"type": "number"},
        }
    ),
    "Hit": _obj(
        {
            "rank": _INT,
            "id": _STR,
            "title": _STR,
            "published": _NSTR,
            "source": _STR,
            "score": {"type": "number"},
            "snippet": {**_STR, "description": "matched words marked **like this**"},
            "fragments": {"type": "array", "items": _ref("Fragment")},
            "similar": {**_INT, "description": "other copies of this story among the matches"},
            "tags": _STRS,
            "authors": _STRS,
            "url": _STR,
        }
    ),
    "Timeline": _obj(
        {
            "months": {"type": "object", "additionalProperties": _INT},
            "counted": _INT,
            "undated": _INT,
            "total": _INT,
            "truncated": {"type": "boolean"},
        }
    ),
    "SearchResults": _obj(
        {
            "query": _STR,
            "total": _INT,
            "parsed": _STR,
            "strict": {"type": "boolean"},
            "suggestion": _NSTR,
            "notice": _NSTR,
            "corrections": {"type": "object", "additionalProperties": _STR},
            "since": _NSTR,
            "until": _NSTR,
            "dates": _STRS,
            "collapsed": _INT,
            "facets": {
                "type": "object",
                "additionalProperties": {"type": "object", "additionalProperties": _INT},
            },
            "hits": {"type": "array", "items": _ref("Hit")},
        }
    ),
    "StoredArticle": _obj(
        {
            "id": _STR,
            "title": _STR,
            "body": _STR,
            "published": _NSTR,
            "authors": _STRS,
            "tags": _STRS,
            "site": _STR,
            "url": _STR,
            "path": _STR,
        }
    ),
    "IndexStats": _obj(
        {
            "path": _STR,
            "documents": _INT,
            "files": _INT,
            "newest": _NSTR,
            "oldest": _NSTR,
            "sources": {"type": "object", "additionalProperties": _INT},
            "settings": {"type": "object"},
        }
    ),
    "IndexReport": _obj(
        {
            "added": _INT,
            "updated": _INT,
            "unchanged": _INT,
            "removed": _INT,
            "failed": {"type": "array", "items": _obj({"path": _STR, "reason": _STR})},
            "documents": _INT,
            "index": _STR,
        },
        required=False,
    ),
    "IndexPaths": _obj(
        {"paths": {**_STRS, "maxItems": 1000}, "prune": {"type": "boolean", "default": False}},
        required=False,
    ),
}
# Present only when asked for (explain=1, timeline=1), so not among the required keys.
SCHEMAS["Hit"]["properties"]["explanation"] = {"type": "array", "items": _ref("Contribution")}
SCHEMAS["SearchResults"]["properties"]["timeline"] = _ref("Timeline")


def _errors(*codes: int) -> dict[str, Any]:
    meaning = {
        400: "a bad query or parameter",
        401: "missing or wrong write token",
        403: "the server is read-only",
        404: "no such article",
        501: "not supported by this version",
        503: "the index is unavailable (none yet, incompatible, or locked by a writer)",
    }
    body = {"application/json": {"schema": _ref("Error")}}
    return {str(c): {"description": meaning[c], "content": body} for c in codes}


def _ok(schema: str, what: str) -> dict[str, Any]:
    return {"200": {"description": what, "content": {"application/json": {"schema": _ref(schema)}}}}


def _query(specs: tuple[params.Param, ...]) -> list[dict[str, Any]]:
    return [
        {
            "name": p.name,
            "in": "query",
            "required": p.required,
            "description": p.doc,
            "schema": p.schema(),
        }
        for p in specs
    ]


_ID = {"name": "id", "in": "path", "required": True, "schema": {**_STR, "maxLength": params.MAX_ID}}
_AUTH: list[dict[str, list[str]]] = [{"token": []}]


def document(writable: bool = False) -> dict[str, Any]:
    """The OpenAPI document; ``writable`` says in its description whether writes are on."""
    mode = "accepts writes with its token" if writable else "is read-only (no --write-token)"
    paths: dict[str, Any] = {
        "/api/search": {
            "get": {
                "summary": "Ranked hits with highlighted snippets (`newsearch query --json`).",
                "parameters": _query(params.SEARCH),
                "responses": {**_ok("SearchResults", "a page of hits"), **_errors(400, 503)},
            }
        },
        "/api/articles/{id}": {
            "get": {
                "summary": "One article in full (`newsearch show --json`).",
                "parameters": [_ID],
                "responses": {**_ok("StoredArticle", "the article"), **_errors(400, 404, 503)},
            },
            "delete": {
                "summary": "Remove one article (needs the write token).",
                "parameters": [_ID],
                "security": _AUTH,
                "responses": {
                    "200": {"description": "deleted"},
                    **_errors(401, 403, 404, 501, 503),
                },
            },
        },
        "/api/similar/{id}": {
            "get": {
                "summary": "More like this: articles sharing its most distinctive words.",
                "parameters": [_ID, *_query(params.SIMILAR)],
                "responses": {**_ok("SearchResults", "similar articles"), **_errors(400, 404, 503)},
            }
        },
        "/api/stats": {
            "get": {
                "summary": "What the index holds (`newsearch stats --json`).",
                "responses": {**_ok("IndexStats", "the stats"), **_errors(503)},
            }
        },
        "/api/health": {
            "get": {
                "summary": "200 while the server runs; says whether the index opens.",
                "responses": {"200": {"description": "running"}},
            }
        },
        "/api/index": {
            "post": {
                "summary": "Index paths on the server's disk, or records sent in the body.",
                "security": _AUTH,
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "oneOf": [
                                    _ref("IndexPaths"),
                                    {"type": "array", "items": {"type": "object"}},
                                ]
                            }
                        },
                        "application/x-ndjson": {"schema": _STR},
                    },
                },
                "responses": {
                    **_ok("IndexReport", "the index report (`newsearch index --json`)"),
                    **_errors(400, 401, 403, 503),
                    "413": {"description": "body over 16 MB"},
                },
            }
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "newsearch",
            "version": __version__,
            "description": "Full-text search for news archives. Every path also answers under "
            f"/api/v1/. Errors are {{error, hint}} as the CLI prints them. This server {mode}.",
        },
        "paths": paths,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
        },
    }
