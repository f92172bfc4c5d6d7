from datetime import datetime

import pytest

from newsearch.indexer.metadata import byline, date_line, parse_date


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
