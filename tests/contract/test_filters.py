from datetime import datetime

import pytest

from newsearch import NewsIndex, QueryError
from newsearch.engine import Filters
from newsearch.query.filters import filters, parse_when


@pytest.fixture
def dated(tmp_path, location):
    records = tmp_path / "wire.jsonl"
    rows = [
        ("a", "2017-01-15", "Daily Planet", "Harbour plans approved"),
        ("b", "2017-06-30T23:30:00", "Daily Planet", "Harbour strike ends"),
        ("c", "2017-07-01", "Gotham Gazette", "Harbour reopens to ferries"),
        ("d", "2018-03-02", "Gotham Gazette", "Harbour budget cut"),
        ("e", None, "Gotham Gazette", "Undated harbour notice"),
    ]
    import json

    records.write_text(
        "\n".join(
            json.dumps(
                {"id": i, "date": d, "source": s, "title": t, "text": f"{t}. The harbour story."}
            )
            for i, d, s, t in rows
        )
    )
    ix = NewsIndex.create(location())
    ix.add_files([records])
    return ix


def ids(res):
    return [h.record_id for h in res.hits]


def test_sort_newest_and_oldest(dated):
    assert ids(dated.search("harbour", sort="newest"))[:4] == ["d", "c", "b", "a"]
    assert ids(dated.search("harbour", sort="oldest"))[:4] == ["a", "b", "c", "d"]


def test_date_range_is_inclusive_and_takes_partial_dates(dated):
    assert sorted(ids(dated.search("harbour", since="2017-06", until="2017-07"))) == ["b", "c"]
    assert sorted(ids(dated.search("harbour", since="2017", until="2017"))) == ["a", "b", "c"]
    assert ids(dated.search("harbour", since="2018")) == ["d"]
    assert dated.search("harbour", since="2017-06-30", until="2017-06-30").total == 1


def test_source_filter(dated):
    assert sorted(ids(dated.search("harbour", source="gotham gazette"))) == ["c", "d", "e"]
    assert ids(dated.search("harbour", source="Daily Planet", sort="oldest")) == ["a", "b"]


def test_no_words_and_a_filter_lists_what_the_filter_holds_newest_first(dated):
    # Before: '' --since 2017-06 said "No results" while date:2017-06 listed the range.
    assert ids(dated.search("", since="2017-06")) == ["d", "c", "b"]
    assert ids(dated.search("", source="daily planet")) == ["b", "a"]
    assert ids(dated.search("*", sort="oldest", limit=2)) == ["a", "b"]


def test_bad_dates_and_sorts_are_query_errors(dated):
    with pytest.raises(QueryError, match="not a date"):
        dated.search("harbour", since="last tuesday")
    with pytest.raises(QueryError, match="after"):
        dated.search("harbour", since="2018", until="2017")
    with pytest.raises(QueryError, match="unknown sort"):
        dated.search("harbour", sort="random")


def test_parse_when():
    assert parse_when("2017-02", end=True) == datetime(2017, 2, 28, 23, 59, 59, 999999)
    assert parse_when("2017") == datetime(2017, 1, 1)
    assert parse_when("2017-09-23T05:13:00+02:00") == datetime(2017, 9, 23, 3, 13)


def test_tag_and_author_filters_match_whole_names_by_their_words():
    assert filters(tag="Climate Change") == Filters(tag=("climate", "change"))
    assert filters(author="Lindqvist") == Filters(author=("lindqvist",))
    with pytest.raises(QueryError):
        filters(author="...")


def test_a_date_option_of_the_wrong_type_is_a_query_error_not_a_crash(dated):
    # search(since=2017) raised AttributeError ('int' object has no attribute 'strip').
    with pytest.raises(QueryError, match="not a date"):
        dated.search("harbour", since=2017)
    with pytest.raises(QueryError, match="not a date"):
        dated.search("harbour", asof=5)
    with pytest.raises(QueryError, match="compare"):
        dated.search("harbour", since="9999-12-31T23:00:00-05:00")
