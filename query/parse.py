"""Query string to query nodes (newsearch.engine), analysed with newsearch's own terms.

The language: words (OR-ed over title and body), AND / OR / NOT and ( ), +must -mustnot,
"phrases"~N, field:word and field:(...) and field:"...", prefix*, te?t, fuzzy~ / fuzzy~2,
word^2. Date clauses are taken out before (query.dates). Half-typed syntax is read as words.
Name clauses (site:, source:, tag:, author:) filter rather than score (query.filters.lift).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from newsearch.engine import (
    NAME_FIELDS,
    TEXT_FIELDS,
    Bool,
    DateRange,
    Every,
    Fuzzy,
    Node,
    Nothing,
    Phrase,
    Prefix,
    Term,
    Wildcard,
)
from newsearch.indexer.terms import index_term, name_terms, normal_form, word_spans
from newsearch.query.filters import lift
from newsearch.query.words import COORD, FIELD_BOOSTS, typed_units, word_node, words_query

FIELDS = {f: f for f in (*TEXT_FIELDS, *NAME_FIELDS)} | {
    "author": "authors",
    "by": "authors",
    "tag": "tags",
    "site": "source",
}
MAX_EDITS = 2  # "fire~3" matched every article, slowly
_DANGLING = re.compile(r"^\s*(?:AND|OR)\b|\b(?:AND|OR|NOT)\s*$|\b(?:AND|OR|NOT)\s+(?:AND|OR)\b")
_FIELD_PREFIX = re.compile(r"\b[a-z]+:(?=\S)")
_LONE_SIGN = re.compile(r"(?:^|(?<=\s))[-+](?=\s|$)")
# A question mark ending a word is punctuation ("What is information science?"), not a
# one-character wildcard: read as one it matched no term, so the word was lost (64 of CISI's
# 112 questions end a word with one).
_QUESTION = re.compile(r"(?<=[\w)])\?+(?=[\s)\]\"']|$)")
# Anything a person types to steer the parser; such queries are taken exactly as written.
# Brackets alone and a colon after a word that names no field steer nothing (an OR of the
# words either way): in a typed question they are punctuation, and reading them as syntax
# counted a repeated word once (CISI nDCG@10 .372 → .387 read as words).
_SYNTAX = re.compile(
    r"\b(?:AND|OR|NOT)\b|[\"“”*?~^\[\]{}]|(?:^|\s)[-+]|(?i:\b(?:"
    + "|".join(sorted(FIELDS, key=len, reverse=True))
    + r"):)"
)
_LEX = re.compile(r'(?P<ws>\s+)|(?P<open>\()|(?P<close>\))|(?P<phrase>"[^"]*")|(?P<word>[^\s()"]+)')
_WORD = re.compile(
    r"^(?P<sign>[+-])?(?:(?P<field>[A-Za-z]+):)?(?P<text>.*?)"
    r"(?:~(?P<fuzzy>\d*))?(?:\^(?P<boost>\d+(?:\.\d+)?))?$"
)
_SUFFIX = re.compile(r"^(?:~(?P<slop>\d+))?(?:\^(?P<boost>\d+(?:\.\d+)?))?$")


@dataclass(frozen=True)
class ParsedQuery:
    """A query tree and how it was read."""

    query: Node
    strict: bool  # False when the text could not be read as query syntax and was taken as words
    plain: bool = False  # True for plain words (no syntax): the all-words-first tier applies
    ranked: bool = True  # False when only filters (site:, tag:, -word alone) are left to match


def parse(text: str) -> ParsedQuery:
    """Read a query string; stray syntax falls back to its plain words rather than an error."""
    text = normalise(text)
    if not _SYNTAX.search(text):
        # Unbalanced brackets are said to be read as words, as other half-typed syntax is.
        return ParsedQuery(words_query(text), well_formed(text), plain=True)
    if not well_formed(text):
        return ParsedQuery(words_query(_FIELD_PREFIX.sub(" ", text)), False)
    query, ranked = lift(_Parser(text).parse())
    return ParsedQuery(query, True, ranked=ranked)


def well_formed(text: str) -> bool:
    """Quotes and brackets paired, no operator left dangling: else the text is read as words.

    A half-typed query is better answered as the words it holds, and said so, than by a guess
    at the syntax.
    """
    if text.count('"') % 2:
        return False
    depth = 0
    # Brackets inside a phrase are its words' business: '"(") Mueller' has a stray ")".
    for c in re.sub(r'"[^"]*"', " ", text):
        depth += {"(": 1, ")": -1}.get(c, 0)
        if depth < 0:
            return False
    return depth == 0 and not _DANGLING.search(text)


def normalise(text: str) -> str:
    """Curly quotes to straight; a query typed all in capitals is read as plain words."""
    text = text.replace("“", '"').replace("”", '"')
    # A dash standing alone is punctuation ("UK rebate 'unjustified' - Chirac"), not -mustnot.
    text = _LONE_SIGN.sub(" ", text)
    text = _QUESTION.sub("", text)
    # In capitals, AND/OR/NOT/TO are ordinary words ("HOW TO VOTE OR ABSTAIN"), not operators.
    if not any(c.islower() for c in text) and len(list(word_spans(text))) >= 4:
        text = text.lower()
    return text


Item = tuple[str, Node]  # a sign ("+", "-" or "") and a node
_BOOSTABLE = (Term, Phrase, Prefix, Wildcard, Fuzzy, Bool)


class _Parser:
    """Recursive descent: sequence (OR, implicit or typed) < AND < NOT < atom."""

    def __init__(self, text: str) -> None:
        self.tokens = [(m.lastgroup or "", m.group()) for m in _LEX.finditer(text)]
        self.pos = 0

    def parse(self) -> Node:
        return self.sequence(None)

    def peek(self, skip_ws: bool = True) -> tuple[str, str]:
        while skip_ws and self.pos < len(self.tokens) and self.tokens[self.pos][0] == "ws":
            self.pos += 1
        return self.tokens[self.pos] if self.pos < len(self.tokens) else ("end", "")

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        self.pos += 1
        return tok

    def sequence(self, field: str | None) -> Node:
        items: list[Item] = []
        while True:
            kind, value = self.peek()
            if kind in ("end", "close"):
                break
            if kind == "word" and value == "OR":
                self.take()
                continue
            item = self.conjunction(field)
            if item is not None:
                items.append(item)
        return _combine(items)

    def conjunction(self, field: str | None) -> Item | None:
        items = [self.unary(field)]
        while self.peek() == ("word", "AND"):
            self.take()
            items.append(self.unary(field))
        got = [i for i in items if i is not None]
        if len(got) <= 1:
            return got[0] if got else None
        must = tuple(n for s, n in got if s != "-")
        must_not = tuple(n for s, n in got if s == "-")
        return "", Bool(must=must or (Every(),), must_not=must_not)

    def unary(self, field: str | None) -> Item | None:
        if self.peek() == ("word", "NOT"):
            self.take()
            item = self.unary(field)
            return ("-", item[1]) if item else None
        return self.atom(field)

    def atom(self, field: str | None, sign: str = "") -> Item | None:
        kind, value = self.take()
        if kind == "open":
            inner = self.sequence(field)
            if self.peek() == ("close", ")"):
                self.take()
            boost = self._suffix_boost()
            return (sign, _boosted(inner, boost)) if not isinstance(inner, Nothing) else None
        if kind == "phrase":
            m = _SUFFIX.match(self._glued_word())
            slop = int(m["slop"]) if m and m["slop"] else 0
            boost = float(m["boost"]) if m and m["boost"] else 1.0
            node = _phrase(value.strip('"'), field, slop, boost)
            return (sign, node) if node else None
        if kind != "word":
            return None
        m = _WORD.match(value)
        assert m is not None  # the pattern matches any string
        sign = m["sign"] or sign
        named = FIELDS.get((m["field"] or "").lower())
        if m["field"] and named is None:
            # Not a field of ours: "foo:bar" is the words foo and bar.
            return (sign, n) if (n := _word(value.lstrip("+-"), field, None, 1.0)) else None
        field = named or field
        if not m["text"] and not m["fuzzy"] and not m["boost"]:
            # A sign or field glued to a group or phrase: +title:"..." , -(a b)
            if self.peek(skip_ws=False)[0] in ("open", "phrase"):
                return self.atom(field, sign)
            return None
        fuzzy = None if m["fuzzy"] is None else min(int(m["fuzzy"] or 1), MAX_EDITS)
        node = _word(m["text"], field, fuzzy, float(m["boost"] or 1.0))
        return (sign, node) if node else None

    def _glued_word(self) -> str:
        kind, value = self.peek(skip_ws=False)
        if kind == "word" and value[:1] in "~^":
            self.pos += 1
            return value
        return ""

    def _suffix_boost(self) -> float:
        m = _SUFFIX.match(self._glued_word())
        return float(m["boost"]) if m and m["boost"] else 1.0


def _combine(items: list[Item]) -> Node:
    """A sequence of signed items: +items required, -items excluded, the rest OR-ed."""
    must = tuple(n for s, n in items if s == "+")
    should = _counted([n for s, n in items if s == ""])
    must_not = tuple(n for s, n in items if s == "-")
    if not must and not must_not:
        if not should:
            return Nothing()
        return should[0] if len(should) == 1 else Bool(should=should, coord=COORD)
    if not must and not should:
        return Bool(must=(Every(),), must_not=must_not)  # "-port" alone: all but port
    coord = COORD if len(should) > 1 else None
    return Bool(must=must, should=should, must_not=must_not, coord=coord)


def _counted(nodes: list[Node]) -> tuple[Node, ...]:
    """Equal clauses as one whose boost is their sum: a word typed twice counts twice, as in
    plain words (counted once, CACM's questions with syntax scored nDCG@10 .470, not .483)."""
    total: dict[Node, float] = {}
    for node in nodes:
        if isinstance(node, _BOOSTABLE):
            key: Node = replace(node, boost=1.0)
            total[key] = total.get(key, 0.0) + node.boost
        else:
            total.setdefault(node, 1.0)
    return tuple(
        replace(k, boost=b) if isinstance(k, _BOOSTABLE) and b != 1.0 else k
        for k, b in total.items()
    )


def _boosted(node: Node, boost: float) -> Node:
    if boost == 1.0 or isinstance(node, Every | Nothing | DateRange):
        return node
    return replace(node, boost=boost)


def _fields(field: str | None) -> tuple[str, ...]:
    return (field,) if field else TEXT_FIELDS


def _over_fields(nodes: list[Node]) -> Node | None:
    if not nodes:
        return None
    return nodes[0] if len(nodes) == 1 else Bool(should=tuple(nodes))


def _terms(text: str, field: str) -> list[str]:
    if field in NAME_FIELDS:
        return name_terms(text)
    return [t for _, _, w in word_spans(text) if (t := index_term(w)) is not None]


def _phrase(text: str, field: str | None, slop: int, boost: float) -> Node | None:
    nodes: list[Node] = []
    for f in _fields(field):
        terms = tuple(_terms(text, f))
        if len(terms) == 1:
            nodes.append(Term(f, terms[0], boost=boost * FIELD_BOOSTS.get(f, 1.0)))
        elif terms:
            nodes.append(Phrase(f, terms, slop=slop, boost=boost * FIELD_BOOSTS.get(f, 1.0)))
    return _over_fields(nodes)


def _word(text: str, field: str | None, fuzzy: int | None, boost: float) -> Node | None:
    """One typed word over its fields; a compound (pre-tax, U.S.-led) is its words OR-ed, as
    Lucene's parser reads it (as a phrase it cost CACM .482 → .474 nDCG@10)."""
    if text == "*":
        return Every()
    if "*" in text or "?" in text:
        return _over_fields([_wild(text, f, boost) for f in _fields(field)])
    if fuzzy is not None:
        spans = list(word_spans(text))
        if len(spans) == 1:
            word = spans[0][2]
            nodes: list[Node] = [
                Fuzzy(f, _fuzzy_text(word, f), maxdist=fuzzy, boost=boost) for f in _fields(field)
            ]
            return _over_fields(nodes)
    units = [(t,) for t in name_terms(text)] if field in NAME_FIELDS else typed_units(text)
    nodes = [
        word_node(f, u, boost * FIELD_BOOSTS.get(f, 1.0)) for u in units for f in _fields(field)
    ]
    return _over_fields(nodes)


def _fuzzy_text(word: str, field: str) -> str:
    if field in NAME_FIELDS:
        return normal_form(word)
    return index_term(word) or normal_form(word)


def _wild(text: str, field: str, boost: float) -> Node:
    """A prefix or wildcard, matched against the index's terms."""
    pattern = normal_form(text)
    head = pattern[:-1]
    if not pattern.endswith("*") or "*" in head or "?" in head:
        return Wildcard(field, pattern, boost=boost)
    if field in NAME_FIELDS:
        return Prefix(field, head, boost=boost)
    # The index holds stems, so the prefix is stemmed too: right when the stem is the word's
    # own start ("inquiry*" → "inquiri*"), but a stem much shorter than the typed prefix would
    # match unrelated words ("running*" → "run*": runway, rune). Then the prefix as typed is
    # matched, plus the stem itself as one term (running, runs).
    # Only a prefix that is one token as the index cuts them has a stem: "0~'" is not ("0"
    # and syntax), and stemming it as a word gave the term "0~", which the index never holds.
    spans = list(word_spans(head))
    whole = len(spans) == 1 and spans[0][:2] == (0, len(head))
    stem = index_term(head) if whole else None
    if stem is None:
        return Prefix(field, head, boost=boost)
    if len(stem) < len(head) - 1:
        return Bool(should=(Prefix(field, head), Term(field, stem)), boost=boost)
    return Prefix(field, stem, boost=boost)
