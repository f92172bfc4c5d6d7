"""Query string to Whoosh query, analysed exactly as the index was (the analyzer comes from it)."""

from __future__ import annotations

import copy
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from whoosh import qparser
from whoosh.query import And, AndNot, Every, FuzzyTerm, Not, NullQuery, Or, Prefix, Query, Term

SEARCH_FIELDS = ("title", "body")
# Title and body weigh the same: BM25F already scores a word once per field it is in, so a
# title word counts twice. An extra title boost of 2 lost on the dev collections with titles
# (CISI nDCG@10 .337 → .313, Cranfield .381 → .375).
FIELD_BOOSTS = {"title": 1.0, "body": 1.0}
# Coordination bonus: of two articles, the one matching more of the query's words ranks first.
COORD = 0.9
ALIASES = {"authors": ["author", "by"], "tags": ["tag"], "source": ["site"]}
_WORD = re.compile(r"\w+(?:['’]\w+)*")
_ONLY_NEGATIVE = re.compile(r"^\s*(?:-\w\S*\s*)+$")
MAX_EDITS = 2
_PREFIX = re.compile(r"(\w+)\*")
_DANGLING = re.compile(r"^\s*(?:AND|OR)\b|\b(?:AND|OR|NOT)\s*$|\b(?:AND|OR|NOT)\s+(?:AND|OR)\b")
# "title:" and the like, dropped when the syntax is not followed: they are not search words.
_FIELD_PREFIX = re.compile(r"\b[a-z]+:(?=\S)")
_LONE_SIGN = re.compile(r"(?:^|(?<=\s))[-+](?=\s|$)")
# Anything a person types to steer the parser; such queries are taken exactly as written.
_SYNTAX = re.compile(r"\b(?:AND|OR|NOT)\b|[\"“”():*?~^\[\]{}]|(?:^|\s)[-+]")


@dataclass(frozen=True)
class ParsedQuery:
    """A Whoosh query and how it was read."""

    query: Query
    strict: bool  # False when the text could not be read as query syntax and was taken as words
    plain: bool = False  # True for plain words (no syntax): the all-words-first tier applies


def make_parser(schema: Any) -> qparser.QueryParser:
    """The parser: OR of words over title and body, AND/OR/NOT, +/-, phrases~N, fields, x~."""
    parser = qparser.MultifieldParser(
        list(SEARCH_FIELDS), schema, fieldboosts=FIELD_BOOSTS, group=qparser.OrGroup.factory(COORD)
    )
    parser.add_plugin(qparser.FieldAliasPlugin(ALIASES))
    parser.add_plugin(qparser.PlusMinusPlugin())
    parser.add_plugin(qparser.FuzzyTermPlugin())
    return parser


def parse(text: str, schema: Any, parser: qparser.QueryParser | None = None) -> ParsedQuery:
    """Read a query string; stray syntax falls back to its plain words rather than an error."""
    text = normalise(text)
    if not _SYNTAX.search(text):
        return ParsedQuery(words_query(text, schema), True, plain=True)
    if not well_formed(text):
        return ParsedQuery(words_query(_FIELD_PREFIX.sub(" ", text), schema), False)
    parser = parser or make_parser(schema)
    try:
        if _ONLY_NEGATIVE.match(text):
            # "-port" alone means every article without port; Whoosh drops it as empty.
            q = parser.parse("* " + text)
            return ParsedQuery(AndNot(Every(), q.b) if isinstance(q, AndNot) else q, True)
        q = cap_fuzzy(lift_nots(parser.parse(text)))
        typed = [w.lower() for w in _PREFIX.findall(text)]
        q = stem_prefixes(q, schema, typed) if typed else q
        if q is not NullQuery or not _WORD.search(text):
            return ParsedQuery(q, True)
    except Exception:  # noqa: BLE001 - any parser failure means "read it as words"
        pass
    return ParsedQuery(words_query(_FIELD_PREFIX.sub(" ", text), schema), False)


def well_formed(text: str) -> bool:
    """Quotes and brackets paired, no operator left dangling: else the text is read as words.

    Whoosh's parser accepts nearly anything and guesses; a half-typed query is better answered
    as the words it holds, and said so, than by a guess at the syntax.
    """
    if text.count('"') % 2:
        return False
    depth = 0
    for c in text:
        depth += {"(": 1, ")": -1}.get(c, 0)
        if depth < 0:
            return False
    return depth == 0 and not _DANGLING.search(text)


def normalise(text: str) -> str:
    """Curly quotes to straight; a query typed all in capitals is read as plain words."""
    text = text.replace("“", '"').replace("”", '"')
    # A dash standing alone is punctuation ("UK rebate 'unjustified' - Chirac"), not -mustnot.
    text = _LONE_SIGN.sub(" ", text)
    # In capitals, AND/OR/NOT/TO are ordinary words ("HOW TO VOTE OR ABSTAIN"), not operators.
    if not any(c.islower() for c in text) and len(_WORD.findall(text)) >= 4:
        text = text.lower()
    return text


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


def cap_fuzzy(q: Query) -> Query:
    """Fuzzy words within at most 2 edits: "fire~3" matched every article, slowly."""
    if isinstance(q, FuzzyTerm):
        if q.maxdist > MAX_EDITS:
            q = copy.copy(q)
            q.maxdist = MAX_EDITS
        return q
    return q if q.is_leaf() else q.apply(cap_fuzzy)


def stem_prefixes(q: Query, schema: Any, typed: list[str]) -> Query:
    """Keep "running*" from growing into "run*": Whoosh stems a prefix before matching it.

    The index holds stems, so the parser stems the prefix too; that is right when the stem is
    the word's own start ("inquiry*" → "inquiri*"), but a stem much shorter than the typed
    prefix would match unrelated words (runway, rune). Then the prefix as typed is matched,
    plus the stem itself as one term (running, runs).
    """
    if isinstance(q, Prefix) and q.fieldname in SEARCH_FIELDS:
        for word in typed:
            stems = [t.text for t in schema[q.fieldname].analyzer(word)]
            if stems == [q.text] and len(q.text) < len(word) - 1:
                return Or([Prefix(q.fieldname, word), Term(q.fieldname, q.text)], boost=q.boost)
        return q
    if q.is_leaf():
        return q
    return q.apply(lambda sub: stem_prefixes(sub, schema, typed))


def all_words_query(text: str, schema: Any) -> Query | None:
    """The query matching articles that hold every word of a plain-words query (in any field)."""
    groups = []
    for stem, n in Counter(_stems(text, schema)).items():
        groups.append(Or([Term(f, stem, boost=FIELD_BOOSTS[f] * n) for f in SEARCH_FIELDS]))
    return And(groups) if len(groups) > 1 else None


def words_query(text: str, schema: Any) -> Query:
    """An OR of the text's analysed words over the search fields, syntax ignored.

    A word typed twice counts twice (its boost doubles): in a long question the repeated word is
    what the question is about, and Whoosh's parser would silently count it once.
    """
    counts = Counter(_stems(text, schema))
    terms: list[Query] = [
        Term(f, stem, boost=FIELD_BOOSTS[f] * n)
        for stem, n in counts.items()
        for f in SEARCH_FIELDS
    ]
    if not terms:
        return NullQuery
    return Or(terms, scale=COORD)


def _stems(text: str, schema: Any) -> list[str]:
    # The title and body share one analyzer; the body's is the one saved with the index.
    return [t.text for t in schema["body"].analyzer(text)]


def query_words(text: str, schema: Any) -> dict[str, str]:
    """index term → the word the person typed that produced it (for explanations)."""
    analyzer = schema["body"].analyzer
    out: dict[str, str] = {}
    for word in _WORD.findall(text):
        for tok in analyzer(word):
            out.setdefault(tok.text, word)
    return out
