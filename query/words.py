"""A plain-words query: the OR every query without syntax becomes, and its all-words tier."""

from __future__ import annotations

from collections import Counter

from newsearch.engine import COMBINED, TEXT_FIELDS, Bool, Node, Nothing, Phrase, Term
from newsearch.indexer.terms import index_term, phrase_groups, word_spans

# Title and body weigh the same where a query names them or holds a phrase (plain words are
# scored on engine.COMBINED, where the title counts twice). An extra title boost of 2 lost on
# the dev collections with titles (CISI nDCG@10 .337 → .313, Cranfield .381 → .375).
FIELD_BOOSTS = {"title": 1.0, "body": 1.0}
# Coordination bonus: of two articles, the one matching more of the query's words ranks first.
COORD = 0.9


def words_query(text: str) -> Node:
    """An OR of the text's analysed words over title and body, syntax ignored.

    A word typed twice counts twice (its boost doubles): in a long question the repeated word is
    what the question is about. A CJK run is one word: its character pairs in order.
    """
    terms = tuple(
        node for unit, n in Counter(typed_units(text)).items() for node in unit_nodes(unit, n)
    )
    return Bool(should=terms, coord=COORD) if terms else Nothing()


def all_words_query(text: str) -> Node | None:
    """The query matching articles that hold every word of a plain-words query (in any field)."""
    groups = tuple(
        Bool(should=unit_nodes(unit, n)) for unit, n in Counter(typed_units(text)).items()
    )
    return Bool(must=groups) if len(groups) > 1 else None


def unit_nodes(unit: tuple[str, ...], boost: float) -> tuple[Node, ...]:
    """One typed word as query nodes: a term of the combined field, or a CJK run's character
    pairs as a phrase in title and body (the combined field has no positions)."""
    if len(unit) == 1:
        return (Term(COMBINED, unit[0], boost=float(boost)),)
    return tuple(word_node(f, unit, FIELD_BOOSTS[f] * boost) for f in TEXT_FIELDS)


def typed_units(text: str) -> list[tuple[str, ...]]:
    """The typed words of a text as index terms: one each, a CJK run as its character pairs."""
    return [tuple(g) for g in phrase_groups(text)]


def word_node(field: str, terms: tuple[str, ...], boost: float) -> Node:
    """One typed word's terms: a term, or the character pairs of a CJK run as a phrase."""
    if len(terms) == 1:
        return Term(field, terms[0], boost=boost)
    return Phrase(field, terms, boost=boost)


def query_words(text: str) -> dict[str, str]:
    """index term → the word the person typed that produced it (for explanations)."""
    out: dict[str, str] = {}
    for _, _, word in word_spans(text):
        term = index_term(word)
        if term is not None:
            out.setdefault(term, word)
    return out
