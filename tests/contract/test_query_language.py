"""Issue 15, points 3, 4, 5 and 7: what the query language does with everyday text, per engine.

Date phrases inside text stay words (and are offered as date: clauses), "did you mean" whatever
the hit count, name clauses filter, and the analysis finds accented, CJK and Arabic words.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from newsearch import NewsIndex
from newsearch.cli import app

NEWEST = "2019-11-20"
WIRE = [
    # id, date, site, tags, title, text
    ("m1", NEWEST, "MSNBC", ["politics"], "Obama speaks", "Obama spoke in Ohio today."),
    ("m2", "2019-11-12", "MSNBC", ["crude"], "Oil rises", "Crude oil prices rose; shares fell."),
    ("c1", "2019-11-19", "CNN", ["politics"], "Obama in Iowa", "Obama visited Iowa. Obama spoke."),
    ("c2", "2019-11-18", "CNN", ["crude"], "Oil slips", "Oil prices slipped and shares fell."),
    ("c3", "2019-11-17", "CNN", ["markets"], "Shares fall", "Shares fell as banks slid."),
    ("r1", NEWEST, "Reuters", ["crude"], "Shares fell today", "Shares fell today in Tokyo."),
    ("r2", "2018-06-01", "Reuters", ["markets"], "Profits", "Profits doubled last year."),
]
# Many articles on Blair, one on a Tony who is not: "Tony Blari" has hits, and is a slip.
BLAIR = [
    (f"b{i}", "2019-10-01", "BBC", ["uk"], f"Blair {i}", "Tony Blair spoke.") for i in range(6)
]
WORLD = [
    ("w1", "2019-11-01", "Le Monde", [], "Le café", "Le café était plein. Une idée naïve."),
    ("w2", "2019-11-01", "Wire", [], "Plain cafe", "A cafe opened. A naive plan."),
    ("w3", "2019-11-01", "新华社", [], "央行", "中国人民银行今天宣布下调利率。市场反应平稳。"),
    ("w4", "2019-11-01", "Al Jazeera", [], "أسواق", "ارتفعت أسعار النفط اليوم بعد قرار أوبك."),
    ("w5", "2019-11-01", "Wire", [], "Vowelled", "قال الوزير إن نَفْط الخليج مهم."),
    ("w6", "2019-11-01", "Wire", [], "日本", "日本の金利は低い。"),
]


def records(rows):
    return [
        {"id": i, "date": d, "source": s, "tags": t, "title": title, "text": text}
        for i, d, s, t, title, text in rows
    ]


@pytest.fixture(scope="module")
def ix(engine, tmp_path_factory):
    from tests.contract.conftest import drop_indexes, make_location

    where = make_location(engine, tmp_path_factory.mktemp("qlang"))
    index = NewsIndex.create(where)
    index.add_articles(records(WIRE + BLAIR + WORLD))
    yield index
    index.close()
    if engine == "opensearch":
        name = where.rsplit("/", 1)[1]
        drop_indexes(f"{name}-v*,{name}.control")


def ids(res):
    return {h.record_id for h in res.hits}


# ---------------------------------------------------------------- point 3: dates in text


def test_a_date_word_in_a_sentence_is_searched_not_made_a_filter(ix):
    res = ix.search("shares fell today", limit=20)
    # Today's reading kept only the newest day: r1 alone.
    assert {"m2", "c2", "c3", "r1"} <= ids(res)
    assert res.dates == () and res.since is None
    assert res.suggestion == "shares fell date:today"
    assert res.corrections["today"] == "date:today"


def test_a_pasted_paragraph_keeps_its_last_year_as_words(ix):
    text = (
        "Profits doubled last year as the company expanded, and shares fell in the spring "
        "before recovering in the autumn."
    )
    res = ix.search(text, limit=20)
    assert res.dates == () and {"r2", "c3"} <= ids(res)
    assert "date:last-year" in (res.suggestion or "")


def test_the_offered_clause_filters_and_so_does_a_phrase_set_apart(ix):
    assert ids(ix.search("shares fell date:today")) == {"r1"}
    assert ids(ix.search("shares fell, today")) == {"r1"}
    assert ids(ix.search("Today: shares fell")) == {"r1"}
    # Seven days back from the newest article (2019-11-20): not m2 of 2019-11-12.
    assert ids(ix.search("shares last week", limit=20)) == {"c2", "c3", "r1"}
    assert ix.search("today").dates == ("today",)


def test_the_offer_is_in_the_json(ix):
    out = CliRunner().invoke(app, ["-i", ix.location, "query", "shares fell today", "--json"])
    assert out.exit_code == 0, out.output
    assert '"suggestion": "shares fell date:today"' in out.output


# ---------------------------------------------------------------- point 4: did you mean


def test_did_you_mean_whatever_the_hit_count(ix):
    res = ix.search("Tony Blari")
    assert res.total >= 6  # every Blair article holds "Tony"
    assert res.suggestion == "Tony blair"
    assert ix.search("petrolum prices").suggestion is None  # no "petroleum" here: nothing to offer
    assert ix.search("oil prices").suggestion is None


# ---------------------------------------------------------------- point 5: name clauses filter


def test_a_site_clause_filters_the_words(ix):
    assert ids(ix.search("site:MSNBC obama")) == {"m1"}
    assert ids(ix.search("obama source:cnn")) == {"c1"}
    assert ids(ix.search("+tag:crude oil")) == {"m2", "c2"}
    assert ids(ix.search("tag:crude shares")) == {"m2", "c2", "r1"}


def test_excluded_and_alternative_sites(ix):
    assert ids(ix.search("obama -site:msnbc")) == {"c1"}
    assert ids(ix.search("oil site:msnbc OR site:cnn")) == {"m2", "c2"}
    assert ids(ix.search("oil (site:msnbc OR site:reuters)")) == {"m2"}
    assert ids(ix.search("shares tag:crude site:cnn")) == {"c2"}


def test_a_name_clause_alone_lists_newest_first(ix):
    res = ix.search("site:cnn")
    assert [h.record_id for h in res.hits] == ["c1", "c2", "c3"]


def test_date_clauses_filter_too(ix):
    assert ids(ix.search("shares date:2019-11-18")) == {"c2"}


# ---------------------------------------------------------------- point 7: analysis


@pytest.mark.parametrize("query", ["cafe", "café", "CAFÉ", "naive", "naïve"])
def test_accents_are_folded_both_ways(ix, query):
    assert ids(ix.search(query)) == {"w1", "w2"}


def test_a_folded_match_is_highlighted_as_written(ix):
    hit = next(h for h in ix.search("cafe naive").hits if h.record_id == "w1")
    assert "**café**" in hit.snippet and "**naïve**" in hit.snippet


def test_a_cjk_word_is_found_inside_a_sentence(ix):
    res = ix.search("利率")
    assert ids(res) == {"w3"}
    assert "**利率**" in res.hits[0].snippet
    assert ids(ix.search("中国人民银行")) == {"w3"}
    assert ids(ix.search("金利")) == {"w6"}
    assert ids(ix.search("银行利率")) == set()  # a run typed whole is matched as written


@pytest.mark.parametrize("query", ["نفط", "النفط", "نَفْط"])
def test_an_arabic_word_is_found_with_its_article_or_vowels(ix, query):
    assert ids(ix.search(query)) == {"w4", "w5"}


@pytest.mark.parametrize(
    ("query", "why"),
    [
        ("the", "too common"),
        ('"the"', "too common"),
        ("to be or not", "too common"),
        ("🎉🎉", "emoji"),
    ],
)
def test_a_query_with_nothing_to_search_says_why(ix, query, why):
    res = ix.search(query)
    assert res.total == 0 and why in (res.notice or "")
    assert ix.search("harbour").notice is None
    out = CliRunner().invoke(app, ["-i", ix.location, "query", "--", query])
    assert out.exit_code == 0 and why in out.output
    assert "did not parse" not in out.output


def test_no_hits_within_a_date_range_still_says_no_results(ix):
    out = CliRunner().invoke(app, ["-i", ix.location, "query", "zeppelin, last week"])
    assert out.exit_code == 0 and "No results for 'zeppelin, last week'." in out.output
