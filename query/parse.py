"""Query string to Whoosh query, analysed exactly as the index was (the analyzer comes from it)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from whoosh import qparser
from whoosh.query import And, AndNot, Not, NullQuery, Or, Query, Term

SEARCH_FIELDS = ("title", "body")
# A title word says more about what an article is about than a body word.
FIELD_BOOSTS = {"title": 2.0, "body": 1.0}
# Coordination bonus: of two articles, the one matching more of the query's words ranks first.
COORD = 0.9
ALIASES = {"authors": ["author", "by"], "tags": ["tag"], "source": ["site"]}
_WORD = re.compile(r"\w+(?:['’]\w+)*")
# Anything a person types to steer the parser; such queries are taken exactly as written.
_SYNTAX = re.compile(r"\b(?:AND|OR|NOT)\b|[\"“”():*?~^\[\]{}]|(?:^|\s)[-+]")


@dataclass(frozen=True)
class ParsedQuery:
    """A Whoosh query and how it was read."""

    query: Query
    strict: bool  # False when the text could not be read as query syntax and was taken as words


def make_parser(schema: Any) -> qparser.QueryParser:
    """The parser: OR of words over title and body, AND/OR/NOT, phrases, field names."""
    parser = qparser.MultifieldParser(
        list(SEARCH_FIELDS), schema, fieldboosts=FIELD_BOOSTS, group=qparser.OrGroup.factory(COORD)
    )
    parser.add_plugin(qparser.FieldAliasPlugin(ALIASES))
    return parser


def parse(text: str, schema: Any, parser: qparser.QueryParser | None = None) -> ParsedQuery:
    """Read a query string; stray syntax falls back to its plain words rather than an error."""
    parser = parser or make_parser(schema)
    text = text.replace("“", '"').replace("”", '"')
    try:
        q = lift_nots(parser.parse(text))
        if q is not NullQuery or not _WORD.search(text):
            return ParsedQuery(q, True)
    except Exception:  # noqa: BLE001 - any parser failure means "read it as words"
        pass
    return ParsedQuery(words_query(text, schema), False)


def lift_nots(q: Query) -> Query:
    """Read "a b NOT c" as (a OR b) AND NOT c; an OR group would otherwise match any non-c."""
    if isinstance(q, And | Or):
        children = [lift_nots(c) for c in q.subqueries]
        if isinstance(q, Or):
            nots = [c.query for c in children if isinstance(c, Not)]
            pos = [c for c in children if not isinstance(c, Not)]
            if nots and pos:
                positive = pos[0] if len(pos) == 1 else Or(pos, boost=q.boost, scale=q.scale)
                negative = nots[0] if len(nots) == 1 else Or(nots)
                return AndNot(positive, negative)
        q = q.__class__(children, boost=q.boost) if isinstance(q, And) else q
        if isinstance(q, Or):
            q.subqueries = children
    return q


def all_words_query(text: str, schema: Any) -> Query | None:
    """For plain words only: the query matching articles that hold every word (in any field)."""
    if _SYNTAX.search(text):
        return None
    groups = []
    for word in _WORD.findall(text):
        terms = [
            Term(f, t.text, boost=FIELD_BOOSTS[f])
            for f in SEARCH_FIELDS
            for t in schema[f].analyzer(word)
        ]
        if terms:
            groups.append(Or(terms))
    return And(groups) if len(groups) > 1 else None


def words_query(text: str, schema: Any) -> Query:
    """An OR of the text's analysed words over the search fields, syntax ignored."""
    terms: list[Query] = []
    for fieldname in SEARCH_FIELDS:
        analyzer = schema[fieldname].analyzer
        boost = FIELD_BOOSTS[fieldname]
        for word in _WORD.findall(text):
            terms.extend(Term(fieldname, t.text, boost=boost) for t in analyzer(word))
    if not terms:
        return NullQuery
    return Or(terms, scale=COORD)
