from datetime import UTC, datetime, timedelta, timezone

import pytest

from newsearch.indexer.extract import Page
from newsearch.indexer.metadata import (
    Found,
    byline,
    date_line,
    dateline,
    from_markup,
    parse_date,
    settle_dates,
)
from newsearch.indexer.pubdates import plausible, url_date


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("23 September 2017, 05:13 AM", "2017-09-23T05:13:00"),
        ("First Published: Saturday, September 23, 2017 03:18 AM", "2017-09-23T03:18:00"),
        ("Updated: Mar 4, 2019", "2019-03-04T00:00:00"),
        ("2021-03-14T08:30:00+01:00", "2021-03-14T08:30:00+01:00"),
        ("2019-07-02T15:45:00Z", "2019-07-02T15:45:00+00:00"),
        ("Published on 12 Jan 2020 10:00 IST", "2020-01-12T10:00:00"),
    ],
)
def test_dates_are_read(text, iso):
    assert parse_date(text).isoformat() == iso


@pytest.mark.parametrize(
    "text",
    [
        "September 23",  # no year: never guess one
        "The minister spoke on Thursday.",
        "2017",
        "",
        None,
        "Mayday call",
    ],
)
def test_unreadable_dates_are_none_not_wrong(text):
    assert parse_date(text) is None


def test_date_line_only_for_short_lines():
    assert date_line("23 September 2017") == datetime(2017, 9, 23)
    assert (
        date_line("On 23 September 2017 the minister said many things to reporters today") is None
    )


def test_byline():
    assert byline("By Jane Doe and John Roe") == ["Jane Doe", "John Roe"]
    assert byline("By the time he arrived, it was over.") == []


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("March 3, 2019 10:00 EST", "2019-03-03T10:00:00-05:00"),
        ("Tue, 19 Nov 2019 10:43 GMT", "2019-11-19T10:43:00+00:00"),
        ("2019-11-19 10:00 +0100", "2019-11-19T10:00:00+01:00"),
        ("Nov. 19, 2019 8:03 am ET", "2019-11-19T08:03:00"),  # ET: summer or winter? wall time
        ("PUBLISHED: 00:01, Tue, Nov 19, 2019", "2019-11-19T00:01:00"),
    ],
)
def test_zones_are_kept_when_they_have_one_meaning(text, iso):
    assert parse_date(text).isoformat() == iso


def test_a_date_without_a_day_is_not_guessed():
    assert parse_date("December 1986") is None
    assert date_line("December 1986.") is None


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("NEW YORK, March 3, 2019 (Reuters) - Stocks rose.", "2019-03-03T00:00:00"),
        ("LONDON, Jan. 5, 2004 - The pound fell.", "2004-01-05T00:00:00"),
        ("SALVADOR, Feb 26 - Showers continued.", None),  # no year: never a guessed one
        ("The minister said on March 3, 2019 - and again later.", None),
    ],
)
def test_dateline(text, iso):
    got = dateline(text)
    assert (got.isoformat() if got else None) == iso


def test_byline_with_an_agency_after_a_bar():
    assert byline("By Jane Doe | Reuters") == ["Jane Doe"]
    assert byline("By JANE DOE - Staff Writer") == ["JANE DOE"]


def test_modified_date_is_read_beside_the_published_one():
    page = Page(blocks=[], meta={"article:modified_time": ["2022-05-04T09:15:00-04:00"]})
    page.jsonld = [{"@type": "NewsArticle", "datePublished": "2022-05-03T06:00:00-04:00"}]
    found = Found()
    from_markup(page, found)
    assert found.published.isoformat() == "2022-05-03T06:00:00-04:00"
    assert found.modified.isoformat() == "2022-05-04T09:15:00-04:00"


@pytest.mark.parametrize(
    "text",
    [
        "0001-01-01T00:00:00Z",  # a placeholder: it sorted first in every date sort
        "1970-01-01T00:00:00Z",  # the Unix epoch, "no date"
        "1799-12-31",
        "9999-12-31T23:00:00-05:00",  # past what UTC can hold: OverflowError downstream
        "2999-01-01",
        "January 3, 2300",
    ],
)
def test_impossible_and_placeholder_dates_are_none(text):
    assert parse_date(text) is None
    assert plausible(datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-5)))) is None


def test_no_date_after_the_crawl_but_a_day_of_slack():
    crawl = datetime(2019, 11, 19, 10, tzinfo=UTC)
    assert parse_date("2019-11-20T08:00:00Z", latest=crawl) is not None  # zones, tomorrow's paper
    assert parse_date("2019-11-21T08:00:00Z", latest=crawl) is None


@pytest.mark.parametrize(
    ("url", "day"),
    [
        ("https://www.nytimes.com/2019/11/19/opinion/story.html", datetime(2019, 11, 19)),
        ("https://example.com/news/2019-11-19/story", datetime(2019, 11, 19)),
        ("https://example.com/news/2019-11-19-slug-of-the-story", datetime(2019, 11, 19)),
        ("https://example.com/archive/20191119/story.html", datetime(2019, 11, 19)),
        ("https://example.com/2019/2/3/story", datetime(2019, 2, 3)),
        ("https://nymag.com/intelligencer/2013/12/12-years-a-slave.html", None),  # a slug
        ("https://example.com/2019/02/30/story", None),
        ("https://example.com/item/19870312/", None),  # before the web: an id
        ("https://example.com/2999/01/01/story", None),  # in the future
        ("https://example.com/story?date=2019-11-19", None),  # the path only
        ("", None),
    ],
)
def test_url_dates(url, day):
    assert url_date(url) == day


def test_url_date_is_never_after_the_crawl():
    assert url_date("https://x.com/2019/11/25/a", latest=datetime(2019, 11, 19)) is None


def test_placeholder_published_date_falls_back_to_the_one_in_the_url():
    page = Page(blocks=[], meta={"og:url": ["https://www.usatoday.com/story/news/2019/11/19/a/"]})
    page.jsonld = [{"@type": "NewsArticle", "datePublished": "0001-01-01T00:00:00Z"}]
    found = Found()
    from_markup(page, found)
    settle_dates(found)
    assert found.published == datetime(2019, 11, 19)


def test_a_later_source_is_read_when_the_first_date_is_impossible():
    page = Page(blocks=[], meta={"article:published_time": ["2019-11-19T23:11:00-05:00"]})
    page.jsonld = [{"@type": "NewsArticle", "datePublished": "0001-01-01T00:00:00Z"}]
    found = Found()
    from_markup(page, found)
    assert found.published.isoformat() == "2019-11-19T23:11:00-05:00"


def test_the_crawl_date_is_the_last_fallback():
    crawl = datetime(2019, 11, 19, 10, tzinfo=UTC)
    found = Found(url="https://example.com/story", crawled=crawl)
    settle_dates(found)
    assert found.published == crawl
    found = Found(published=datetime(2020, 5, 1), crawled=crawl)  # after the crawl: impossible
    settle_dates(found)
    assert found.published == crawl


def test_jsonld_nested_deep_is_no_crash():
    deep: object = "Jane Doe"
    for _ in range(5000):
        deep = [deep]
    page = Page(blocks=[], meta={})
    page.jsonld = [{"@type": "NewsArticle", "author": deep, "keywords": deep, "headline": deep}]
    found = Found()
    from_markup(page, found)
    assert found.authors == ["Jane Doe"] and found.title == "Jane Doe"
