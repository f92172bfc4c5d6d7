"""Answers built from several requests: facets, copies, key terms, expansions, explanations."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

from newsearch.engine import Fuzzy, Node, Phrase, Prefix, Term, TermScore, Wildcard, leaves
from newsearch.engines.opensearch import mapping, translate
from newsearch.indexer.terms import analyze

# Facet name -> the whole-value field counted, as in the Whoosh engine (ranking.FACETS).
FACETS = {"source": "site", "year": "year", "tag": "tag"}
FACET_TOP = 10
SHARD_SIZE = 5000  # candidates per shard: makes the top 10 of two shards exact in practice
ALL_YEARS = 10_000
KEY_TERMS = 15  # Whoosh's default of 5 finds the topic, not the story
MAX_EXPANSION = 10_000  # index terms one wildcard may stand for, as a terms aggregation
_LUCENE_REGEX_SPECIAL = re.compile(r'([.?+*|{}\[\]()"\\#@&<>~])')
_WEIGHT = re.compile(r"^weight\((.*) in \d+\) \[")
_PHRASE = re.compile(r'^(\w+):"([^"]*)"$')
# "body:electrif*", "body:te?t", "body:zepelin~1": a prefix, wildcard or fuzzy leaf's score.
_MULTI = re.compile(r"^(\w+):([^\s:()]*[*?~][^\s:()]*)$")
_FIELD_TERM = re.compile(r"(\w+):\"?([^\s\",\]\)]+)")


def facet_aggs() -> dict[str, Any]:
    """Aggregations counting the matches per source, year and tag."""
    order = [{"_count": "desc"}, {"_key": "asc"}]  # ranking.facet_counts' order, ties by name
    top = {"size": FACET_TOP, "shard_size": SHARD_SIZE, "order": order}
    return {
        "source": {"terms": {"field": "site", **top}},
        "year": {"terms": {"field": "year", "size": ALL_YEARS, "order": {"_key": "desc"}}},
        "tag": {"terms": {"field": "tag", **top}},
    }


def facet_counts(aggs: dict[str, Any]) -> dict[str, dict[str, int]]:
    """Counts per facet value, most frequent first (years newest first), blanks left out."""
    out: dict[str, dict[str, int]] = {}
    for name in FACETS:
        groups = {
            str(b["key"]): int(b["doc_count"])
            for b in aggs.get(name, {}).get("buckets", [])
            if b["key"] not in (None, "")
        }
        if name == "year":
            out[name] = dict(sorted(groups.items(), reverse=True))
        else:
            out[name] = dict(sorted(groups.items(), key=lambda kv: (-kv[1], kv[0]))[:FACET_TOP])
    return out


def copies_body(keys: list[str], only: list[dict[str, Any]]) -> dict[str, Any]:
    """A request counting the articles of each story key among those the filters allow."""
    return {
        "size": 0,
        "track_total_hits": False,
        "query": {"bool": {"filter": [*only, {"terms": {"story": keys}}]}},
        "aggs": {"story": {"terms": {"field": "story", "size": len(keys)}}},
    }


def copies(answer: dict[str, Any]) -> dict[str, int]:
    """story key -> how many other articles share it."""
    buckets = answer.get("aggregations", {}).get("story", {}).get("buckets", [])
    return {b["key"]: max(0, int(b["doc_count"]) - 1) for b in buckets}


def key_terms(text: str, stats: dict[str, int], docs: int) -> list[str]:
    """The text's most distinctive body terms by Whoosh's Bo1 model (classify.Bo1Model).

    ``stats`` holds each term's frequency over the whole body field; terms the index does not
    hold are left out, and ties go by the term, as Whoosh's key_terms_from_text does.
    """
    scored = []
    for term, tf in Counter(analyze(text)).items():
        cf = stats.get(term, 0)
        if cf <= 0 or docs <= 0:
            continue
        f = cf / docs
        scored.append((tf * math.log((1.0 + f) / f, 2) + math.log(1.0 + f, 2), term))
    scored.sort(key=lambda x: (-x[0], x[1]))
    return [t for _, t in scored[:KEY_TERMS]]


def tv_body(terms: list[str]) -> dict[str, Any]:
    """A term-vectors request for an artificial body of these terms: their collection counts."""
    return {
        "doc": {"body": " ".join(terms)},
        "fields": ["body"],
        "term_statistics": True,
        "field_statistics": False,
        "positions": False,
        "offsets": False,
    }


def tv_counts(answer: dict[str, Any]) -> dict[str, int]:
    """term -> total frequency in the body field, from one shard's term-vectors answer."""
    terms = answer.get("term_vectors", {}).get("body", {}).get("terms", {})
    return {t: int(v.get("ttf") or 0) for t, v in terms.items()}


def regex_escape(text: str) -> str:
    """Text matched literally by a Lucene regular expression."""
    return _LUCENE_REGEX_SPECIAL.sub(r"\\\1", text)


def wildcard_regex(pattern: str) -> str:
    """A Whoosh-style wildcard pattern (* any run, ? one character) as a Lucene regex."""
    return "".join(".*" if c == "*" else "." if c == "?" else regex_escape(c) for c in pattern)


def expansion_requests(query: Node) -> Iterator[tuple[Node, dict[str, Any]]]:
    """For each wildcard, prefix or fuzzy leaf over title/body: a terms request expanding it."""
    for leaf in leaves(query):
        if not isinstance(leaf, Prefix | Wildcard | Fuzzy) or leaf.field not in mapping.TEXT_FIELDS:
            continue
        if isinstance(leaf, Prefix):
            include = regex_escape(leaf.text) + ".*"
        elif isinstance(leaf, Wildcard):
            include = wildcard_regex(leaf.pattern)
        else:
            d = min(leaf.maxdist, translate.MAX_FUZZY)
            head = regex_escape(leaf.text[: leaf.prefix])
            least = max(0, len(leaf.text) - d - leaf.prefix)
            include = f"{head}.{{{least},{len(leaf.text) + d - leaf.prefix}}}"
        yield leaf, terms_body(leaf.field, include, translate.query(leaf))


def terms_body(field: str, include: str, scope: dict[str, Any]) -> dict[str, Any]:
    """A request listing the field's terms matching ``include`` among the articles of scope."""
    return {
        "size": 0,
        "track_total_hits": False,
        "query": scope,
        "aggs": {
            "terms": {
                "terms": {
                    "field": field + mapping.TERMS_SUFFIX,
                    "include": include,
                    "size": MAX_EXPANSION,
                    "order": {"_key": "asc"},
                }
            }
        },
    }


def listed_terms(answer: dict[str, Any]) -> list[str]:
    """The terms of a terms_body answer, in order."""
    return [b["key"] for b in answer.get("aggregations", {}).get("terms", {}).get("buckets", [])]


def within(leaf: Fuzzy, term: str) -> bool:
    """Whether an index term is within the fuzzy leaf's edits (plain Levenshtein, as Whoosh)."""
    if term[: leaf.prefix] != leaf.text[: leaf.prefix]:
        return False
    limit = min(leaf.maxdist, translate.MAX_FUZZY)
    a, b = leaf.text, term
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row = row, [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (ca != cb))
        if min(row) > limit:
            return False
    return row[-1] <= limit


def plain_terms(query: Node) -> set[tuple[str, str]]:
    """(field, term) of every word and phrase leaf: they stand for themselves."""
    out: set[tuple[str, str]] = set()
    for leaf in leaves(query):
        if isinstance(leaf, Term):
            out.add((leaf.field, leaf.text))
        elif isinstance(leaf, Phrase):
            out.update((leaf.field, t) for t in leaf.terms)
    return out


def term_scores(
    explanation: dict[str, Any], held: dict[str, list[str]] | None = None
) -> tuple[TermScore, ...]:
    """Each scored (field, term) of one hit's explanation, with its frequency and score.

    A phrase's score is shared evenly among its words. A wildcard, prefix or fuzzy word scores
    a constant: it is shared among the article's terms it matches (``held``: field -> the
    article's distinct terms), or listed under its pattern. Coordination bonuses are left out.
    """
    found: dict[tuple[str, str], list[float]] = {}
    for field, term, freq, score in _weights(explanation, held or {}):
        got = found.setdefault((field, term), [0.0, 0.0])
        got[0] = max(got[0], freq)
        got[1] += score
    return tuple(TermScore(f, t, fr, sc) for (f, t), (fr, sc) in sorted(found.items()) if sc > 0)


def _weights(
    node: dict[str, Any], held: dict[str, list[str]]
) -> Iterator[tuple[str, str, float, float]]:
    desc = str(node.get("description", ""))
    value = float(node.get("value", 0.0))
    m = _WEIGHT.match(desc)
    if m:
        inner = m.group(1)
        quoted = _PHRASE.match(inner)
        pairs = (
            [(quoted.group(1), t) for t in quoted.group(2).split()]
            if quoted
            else _FIELD_TERM.findall(inner)
        )
        if pairs:
            freq = _freq(node)
            for field, term in pairs:
                yield field, term, freq, value / len(pairs)
        return
    inner = desc[len("ConstantScore(") : -1] if desc.startswith("ConstantScore(") else desc
    multi = _MULTI.match(inner)
    if multi:
        field, pattern = multi.groups()
        terms = [t for t in held.get(field, []) if _matches(pattern, t)] or [pattern]
        for term in terms:
            yield field, term, 1.0, value / len(terms)
        return
    for child in node.get("details", []):
        yield from _weights(child, held)


def _matches(pattern: str, term: str) -> bool:
    """Whether a term is one a Lucene multi-term query's text (te?t*, word~2) stands for."""
    fuzzy = re.fullmatch(r"(.+)~(\d)", pattern)
    if fuzzy:
        return within(Fuzzy("", fuzzy.group(1), int(fuzzy.group(2))), term)
    rx = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(rx, term) is not None


def _freq(node: dict[str, Any]) -> float:
    for child in node.get("details", []):
        m = re.search(r"freq=([\d.]+)", str(child.get("description", "")))
        if m:
            return float(m.group(1))
        got = _freq(child)
        if got:
            return got
    return 0.0
