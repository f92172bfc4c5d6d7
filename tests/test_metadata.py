from datetime import datetime

import pytest

from newsearch.indexer.extract import Page
from newsearch.indexer.metadata import Found, byline, date_line, dateline, from_markup, parse_date


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
