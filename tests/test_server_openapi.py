"""The server against its OpenAPI document: every route listed, answers conform, no 500s."""

from __future__ import annotations

import json
import os
import random
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_server import app, call, ix, post, writable  # noqa: F401 - shared fixtures and helpers

from newsearch.server import params, routes
from newsearch.server.openapi import document

# --- the OpenAPI document, and property tests against it ---------------------------------------


def conforms(
    value: Any, schema: dict[str, Any], doc: dict[str, Any], where: str = "$"
) -> list[str]:
    """What in ``value`` breaks ``schema`` (the JSON-schema subset the document uses)."""
    if "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    kinds = schema.get("type")
    if kinds is not None:
        kinds = kinds if isinstance(kinds, list) else [kinds]
        py = {
            "string": str,
            "integer": int,
            "number": (int, float),
            "boolean": bool,
            "array": list,
            "object": dict,
            "null": type(None),
        }
        if not any(
            isinstance(value, py[k])
            and not (k in ("integer", "number") and isinstance(value, bool))
            for k in kinds
        ):
            return [f"{where}: {type(value).__name__} is not {kinds}"]
    errors = [f"{where}: missing {k}" for k in schema.get("required", []) if k not in value]
    for key, sub in schema.get("properties", {}).items():
        if isinstance(value, dict) and key in value:
            errors += conforms(value[key], sub, doc, f"{where}.{key}")
    if isinstance(value, dict) and isinstance(schema.get("additionalProperties"), dict):
        for key, item in value.items():
            errors += conforms(item, schema["additionalProperties"], doc, f"{where}.{key}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            errors += conforms(item, schema["items"], doc, f"{where}[{i}]")
    return errors


def test_openapi_lists_every_route_and_parameter(app: Any) -> None:
    doc = call(app, "/openapi.json").json_body
    assert doc["openapi"].startswith("3.1")
    api_routes = {
        path: methods for path, methods in routes.routes().items() if path.startswith("/api/")
    }
    assert {p: sorted(m.upper() for m in ops) for p, ops in doc["paths"].items()} == api_routes
    names = [p["name"] for p in doc["paths"]["/api/search"]["get"]["parameters"]]
    assert names == [p.name for p in params.SEARCH]
    assert "timeline" in names and "copies_of" in names
    refs = {
        s.split("/")[-1]
        for s in json.dumps(doc).split('"')
        if s.startswith("#/components/schemas/")
    }
    assert refs <= set(doc["components"]["schemas"])


@pytest.mark.parametrize(
    "target, schema",
    [
        ("/api/search?q=Mueller+inquiry&facets=1&explain=1&timeline=1", "SearchResults"),
        ("/api/similar/nc-03", "SearchResults"),
        ("/api/articles/nc-03", "StoredArticle"),
        ("/api/stats", "IndexStats"),
        ("/api/search?q=x&limit=0", "Error"),
    ],
)
def test_answers_match_their_openapi_schema(app: Any, target: str, schema: str) -> None:
    doc = document()
    assert (
        conforms(call(app, target).json_body, {"$ref": f"#/components/schemas/{schema}"}, doc) == []
    )


WORDS = [
    "port",
    "inquiry",
    "Mueller",
    '"',
    "(",
    ")",
    "AND",
    "OR",
    "NOT",
    "+tax",
    "-strike",
    "inquir*",
    "Meuler~2",
    "word^2",
    "title:",
    "source:reuters",
    "date:2017",
    "date:[2023-01 to 2023-06]",
    "last week",
    "since:2024-01",
    "~",
    "*",
    "\\",
]


def _value(p: params.Param) -> st.SearchStrategy[str]:
    junk = st.text(max_size=12)
    if p.kind == "integer":
        return st.one_of(st.integers(-5, (p.maximum or 100) + 5).map(str), junk)
    if p.kind == "boolean":
        return st.one_of(st.sampled_from(["1", "0", "true", "no", ""]), junk)
    if p.enum:
        return st.one_of(st.sampled_from(p.enum), junk)
    if p.name in ("since", "until", "asof"):
        return st.one_of(
            st.sampled_from(["2017", "2023-06", "2024-06-28", "2024-02-30", "1900", "9999-12"]),
            junk,
        )
    if p.name == "q":
        return st.one_of(
            st.lists(st.sampled_from(WORDS), max_size=8).map(" ".join), st.text(max_size=40)
        )
    return st.one_of(st.sampled_from(["Reuters", "courts", "Peter Haldane", "nc-17"]), junk)


SEARCH_QUERIES = st.fixed_dictionaries({}, optional={p.name: _value(p) for p in params.SEARCH})


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=SEARCH_QUERIES, extra=st.sampled_from(["", "&bogus=1", "&q=again"]))
def test_no_parameters_make_a_500(app: Any, query: dict[str, str], extra: str) -> None:
    resp = call(app, "/api/search?" + urlencode(query) + extra)
    assert resp.status in (200, 400, 404), resp.json_body
    if resp.status == 200:
        assert (
            conforms(resp.json_body, {"$ref": "#/components/schemas/SearchResults"}, document())
            == []
        )
    else:
        assert resp.json_body["error"] and resp.json_body["hint"]


@settings(max_examples=80, deadline=None)
@given(doc_id=st.text(min_size=1, max_size=30), limit=st.one_of(st.none(), st.text(max_size=4)))
def test_no_id_makes_a_500(app: Any, doc_id: str, limit: str | None) -> None:
    suffix = "" if limit is None else "?" + urlencode({"limit": limit})
    for base in ("/api/articles/", "/api/similar/"):
        resp = call(app, base + quote(doc_id, safe="") + suffix)
        assert resp.status in (200, 400, 404), (base, doc_id, resp.json_body)
        assert resp.status == 200 or resp.json_body["hint"]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.one_of(
        st.binary(max_size=64),
        st.lists(
            st.dictionaries(
                st.sampled_from(["id", "title", "text", "date", "tags"]),
                st.one_of(st.text(max_size=30), st.integers(), st.none()),
                max_size=4,
            ),
            max_size=3,
        ).map(lambda r: json.dumps(r).encode()),
    )
)
def test_no_body_makes_a_500(writable: Any, body: bytes) -> None:
    # Whoosh names segments with the global `random`, which Hypothesis seeds alike for every
    # example: without a fresh seed the second write reuses the first one's segment name.
    random.seed(os.urandom(16))
    resp = post(writable, body)
    assert resp.status in (200, 400), resp.json_body
    assert resp.status == 200 or resp.json_body["hint"]
