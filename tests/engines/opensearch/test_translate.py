"""Query nodes to query DSL, documents to JSON, the analysis both engines share: no cluster."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone

import pytest

from newsearch.engine import (
    Bool,
    DateRange,
    Every,
    FileMark,
    Filters,
    Fuzzy,
    IndexedDoc,
    Nothing,
    Phrase,
    Prefix,
    Term,
    Wildcard,
)
from newsearch.engines.opensearch import mapping, reading, translate
from newsearch.models import Article

TEXT = (
    "The U.S. harbour-master’s inquiry: Mueller's inquiries into the harbour, and the "
    "Harbours of the north. A x y it's 2017 café naïve."
)


def test_terms_are_exactly_the_whoosh_analyzers_with_stop_words_leaving_no_gap():
    from newsearch.indexer.analysis import name_analyzer, news_analyzer

    # Whoosh reuses one token object: copy what it says as it goes.
    tokens = [(t.text, t.pos) for t in news_analyzer()(TEXT, positions=True)]
    doc = mapping.to_source(IndexedDoc("d1", "f", Article(title=TEXT, body=TEXT)), seq=1)
    assert doc["body"].split() == [text for text, _ in tokens] == doc["title"].split()
    # Whitespace positions count 0, 1, 2 …: Whoosh's must step by one as well, so that
    # phrases and their slop mean the same on both engines.
    positions = [pos for _, pos in tokens]
    assert all(b - a == 1 for a, b in zip(positions, positions[1:], strict=False))
    assert doc["body_terms"] == sorted(set(doc["body"].split()))
    names = Article(title="t", body="b", authors=("Mara Lindqvist", "O'Neil, Pat"), site="BBC News")
    doc = mapping.to_source(IndexedDoc("d2", "f", names), seq=2)
    whoosh_names = [t.text for t in name_analyzer()("Mara Lindqvist,O'Neil  Pat")]
    assert doc["authors"].split() == whoosh_names and doc["source"] == "bbc news"


def test_a_document_keeps_what_show_needs_and_the_bookkeeping():
    when = datetime(2017, 9, 23, 7, 13, tzinfo=timezone(timedelta(hours=2)))
    art = Article(
        title="Harbour", body="Text.", published=when, authors=("A B",),
        tags=("Politics", "Climate Change"), site="Daily", url="http://x",
    )  # fmt: skip
    doc = IndexedDoc("id1", "/f.txt", art, fingerprint=b"\x00\x01", story="s1",
                     mark=FileMark("sig", "dig"))  # fmt: skip
    src = mapping.to_source(doc, seq=7)
    assert src["published"] == "2017-09-23T05:13:00" and src["year"] == "2017"
    assert src["tag"] == ["climate change", "politics"] and src["site"] == "Daily"
    assert src["story"] == "s1" and src["filekey"] == "/f.txt\tsig\tdig"
    back = mapping.stored_article(src)
    assert back.published == when and back.tags == art.tags and back.path == "/f.txt"
    assert mapping.fingerprint(src) == b"\x00\x01"
    assert mapping.parse_filekey(src["filekey"]) == ("/f.txt", FileMark("sig", "dig"))
    undated = mapping.to_source(IndexedDoc("id2", "/f", Article(title="t", body="b")), seq=8)
    assert "published" not in undated and undated["story"] == "id2"


def test_ids_too_long_for_opensearch_get_a_digest():
    assert mapping.doc_key("short") == "short"
    long = mapping.doc_key("é" * 400)
    assert long.startswith("#sha256:") and len(long) < 100


def test_leaves():
    assert translate.query(Term("body", "harbour", 2.0)) == {
        "term": {"body": {"value": "harbour", "boost": 2.0}}
    }
    assert translate.query(Phrase("body", ("special", "prosecutor"))) == {
        "match_phrase": {"body": {"query": "special prosecutor", "boost": 1.0}}
    }
    fuzzy = translate.query(Fuzzy("body", "zepelin", maxdist=5, prefix=1))["fuzzy"]["body"]
    assert fuzzy["fuzziness"] == 2 and fuzzy["transpositions"] is False
    assert fuzzy["rewrite"] == "constant_score" and fuzzy["prefix_length"] == 1
    assert translate.query(Prefix("body", "electrif"))["prefix"]["body"]["value"] == "electrif"
    assert translate.query(Wildcard("body", "te?t*"))["wildcard"]["body"]["value"] == "te?t*"
    assert translate.query(Every()) == {"match_all": {}}
    assert translate.query(Nothing()) == {"match_none": {}}
    got = translate.query(DateRange(datetime(2017, 1, 1), None))
    assert got == {"range": {"published": {"gte": "2017-01-01T00:00:00"}}}


def test_a_sloppy_phrase_allows_that_many_words_in_each_gap_in_order():
    # Lucene's slop is an edit distance over the whole phrase; Whoosh's is per gap, in order.
    got = translate.query(Phrase("body", ("a", "b", "c"), slop=3, boost=2.0))
    outer = got["span_near"]
    assert outer["slop"] == 3 and outer["in_order"] is True and outer["boost"] == 2.0
    inner = outer["clauses"][0]["span_near"]
    assert inner["clauses"] == [{"span_term": {"body": "a"}}, {"span_term": {"body": "b"}}]
    assert outer["clauses"][1] == {"span_term": {"body": "c"}}


def test_bool_semantics():
    a, b, c = Term("body", "a"), Term("body", "b"), Term("body", "c")
    got = translate.query(Bool(must=(a,), should=(b,), must_not=(c,), boost=3.0))["bool"]
    assert got["must"] == [translate.query(a)] and got["should"] == [translate.query(b)]
    assert got["must_not"] == [translate.query(c)] and got["boost"] == 3.0
    # Without must, one of should is required; with neither, everything but must_not.
    assert translate.query(Bool(should=(a, b)))["bool"]["must"][0]["bool"]["should"]
    assert translate.query(Bool(must_not=(c,)))["bool"]["must"] == [{"match_all": {}}]


def test_the_coordination_bonus_follows_whooshs_formula():
    words = tuple(Term(f, w) for w in ("mueller", "inquiri") for f in ("title", "body"))
    bonus = translate.coord_bonus(Bool(should=words, coord=0.9))
    assert len(bonus) == 4
    assert [b["constant_score"]["boost"] for b in bonus] == [pytest.approx(1 / 3.1**2)] * 4
    assert translate.coord_bonus(Bool(should=words[:1], coord=0.9)) == []
    assert translate.coord_bonus(Bool(should=words)) == []
    # A phrase counts as its words; negated words count for nothing.
    phrase = Bool(
        should=(Phrase("body", ("a", "b")), Bool(must=(words[0],), must_not=(words[1],))), coord=0.5
    )
    assert sum(
        b["constant_score"]["boost"] for b in translate.coord_bonus(phrase)
    ) == pytest.approx(3 / 2.5**2)


def test_the_all_words_tier_lifts_above_any_other_score():
    q = Bool(should=(Term("body", "a", 2.0), Term("title", "a"), Prefix("body", "x")), coord=0.9)
    limit = translate.bound(q)
    assert limit >= 3 * math.log(1 + 2e12)
    lift = translate.tier_lift(limit)
    assert lift > limit and math.log2(lift).is_integer()
    tiered = translate.tiered({"match_all": {}}, {"term": {"body": "a"}}, lift)
    assert tiered["dis_max"]["tie_breaker"] == 0


def test_filters_and_sorts():
    only = Filters(since=datetime(2017, 1, 1), source=("bbc", "news"), tag=("sport",))
    got = translate.filters(only)
    assert got[0] == {"range": {"published": {"gte": "2017-01-01T00:00:00"}}}
    assert got[1] == {"match_phrase": {"source": {"query": "bbc news", "boost": 1.0}}}
    assert got[2] == {"term": {"tags": {"value": "sport", "boost": 1.0}}}
    assert translate.filters(Filters()) == []
    assert translate.sort("relevance") == ["_score", {"seq": {"order": "asc"}}]
    assert translate.sort("newest")[0] == {"published": {"order": "desc", "missing": "_last"}}
    assert translate.sort("oldest")[0] == {"published": {"order": "asc", "missing": "_last"}}


def test_wildcards_and_fuzzy_words_expand_to_index_terms():
    assert reading.wildcard_regex("te?t*") == "te.t.*"
    assert reading.regex_escape("o'neil.x") == "o'neil\\.x"
    ((leaf, body),) = reading.expansion_requests(
        Bool(should=(Fuzzy("body", "zepelin", 1, 1), Term("body", "x")))
    )
    assert body["aggs"]["terms"]["terms"]["include"] == "z.{5,7}"
    assert body["aggs"]["terms"]["terms"]["field"] == "body_terms"
    fuzzy = Fuzzy("body", "zepelin", maxdist=1)
    assert reading.within(fuzzy, "zeppelin") and not reading.within(fuzzy, "zeppelins")
    assert not reading.within(Fuzzy("body", "ab", 1), "ba")  # a swap is two edits, as in Whoosh
    assert reading.plain_terms(Phrase("title", ("a", "b"))) == {("title", "a"), ("title", "b")}


def test_key_terms_by_bo1_as_whoosh_ranks_them():
    # Bo1: tf * log2((1 + f) / f) + log2(1 + f), f = collection frequency / documents.
    stats = {"harbour": 50, "tulley": 2, "resign": 10}
    got = reading.key_terms("Tulley resigns. Tulley. Harbour harbour harbour.", stats, docs=100)
    assert got == ["tulley", "harbour", "resign"]
    assert reading.key_terms("unknown words only", {}, docs=100) == []


def test_explanations_become_term_scores():
    explanation = {
        "value": 7.5,
        "description": "sum of:",
        "details": [
            {
                "value": 3.0,
                "description": "weight(body:mueller in 3) [PerFieldSimilarity], result of:",
                "details": [{"value": 3.0, "description": "score(freq=2.0), computed as", "details": []}],
            },
            {
                "value": 4.0,
                "description": 'weight(body:"special prosecutor" in 3) [PerFieldSimilarity], result of:',
                "details": [{"value": 1.0, "description": "phraseFreq=1.0", "details": [
                    {"value": 1.0, "description": "freq=1.0", "details": []}]}],
            },
            {"value": 0.1, "description": "ConstantScore(body:mueller)", "details": []},
            {"value": 0.4, "description": "ConstantScore(body:electrif*)", "details": []},
        ],
    }  # fmt: skip
    got = {(s.field, s.term): (s.frequency, s.score) for s in reading.term_scores(explanation)}
    assert got == {
        ("body", "mueller"): (2.0, 3.0),
        ("body", "special"): (1.0, 2.0),
        ("body", "prosecutor"): (1.0, 2.0),
        ("body", "electrif*"): (1.0, 0.4),
    }
    # A wildcard's constant is shared among the article's own terms it matched.
    held = {"body": ["electrif", "electrifi", "mueller", "zeppelin"]}
    got = {(s.term, s.score) for s in reading.term_scores(explanation, held)}
    assert {("electrif", 0.2), ("electrifi", 0.2)} <= got
    fuzzy = {"value": 1.0, "description": "body:zepelin~1", "details": []}
    assert [(s.term, s.score) for s in reading.term_scores(fuzzy, held)] == [("zeppelin", 1.0)]


def test_facets_keep_whooshs_shapes():
    aggs = {
        "source": {"buckets": [{"key": "B", "doc_count": 2}, {"key": "A", "doc_count": 2}]},
        "year": {"buckets": [{"key": "2017", "doc_count": 1}, {"key": "2024", "doc_count": 3}]},
        "tag": {"buckets": [{"key": "", "doc_count": 9}]},
    }
    assert reading.facet_counts(aggs) == {
        "source": {"A": 2, "B": 2}, "year": {"2024": 3, "2017": 1}, "tag": {},
    }  # fmt: skip
    assert reading.facet_counts({}) == {"source": {}, "year": {}, "tag": {}}


def test_dates_are_stored_in_utc():
    assert mapping.utc(datetime(2017, 1, 1, 1, tzinfo=timezone(timedelta(hours=2)))) == datetime(
        2016, 12, 31, 23
    )
    assert mapping.utc(datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-5)))) is None
    assert mapping.utc(datetime(2017, 1, 1, tzinfo=UTC)) == datetime(2017, 1, 1)
