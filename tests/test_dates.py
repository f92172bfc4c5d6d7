from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from newsearch.errors import QueryError
from newsearch.query import dates
from newsearch.query.dates import DateClauses, extract

# A Saturday afternoon: relative windows still run to the end of the day.
ASOF = datetime(2017, 9, 23, 15, 30)
END = datetime(2017, 9, 23, 23, 59, 59, 999999)


def day(y, m, d, end=False):
    return datetime(y, m, d, 23, 59, 59, 999999) if end else datetime(y, m, d)


@pytest.mark.parametrize(
    "query, since, until",
    [
        ("date:2017", day(2017, 1, 1), day(2017, 12, 31, end=True)),
        ("date:2017-09", day(2017, 9, 1), day(2017, 9, 30, end=True)),
        ("date:2016-02", day(2016, 2, 1), day(2016, 2, 29, end=True)),
        ("date:2017-09-23", day(2017, 9, 23), day(2017, 9, 23, end=True)),
        ("DATE:2017-9-3", day(2017, 9, 3), day(2017, 9, 3, end=True)),
        ("date:2017-09-23T10:15", datetime(2017, 9, 23, 10, 15), datetime(2017, 9, 23, 10, 15)),
        ('date:"2017-09"', day(2017, 9, 1), day(2017, 9, 30, end=True)),
        ("date:[2017-01 to 2017-06]", day(2017, 1, 1), day(2017, 6, 30, end=True)),
        ("date:[2017-01 TO 2017-06]", day(2017, 1, 1), day(2017, 6, 30, end=True)),
        ("date:{2017-01 to 2017-06}", day(2017, 1, 1), day(2017, 6, 30, end=True)),
        ("date:[2017-01-15 to 2017]", day(2017, 1, 15), day(2017, 12, 31, end=True)),
        ("date:[2017-01 to]", day(2017, 1, 1), None),
        ("date:[to 2017-06]", None, day(2017, 6, 30, end=True)),
        ("since:2017-05-01", day(2017, 5, 1), None),
        ("since:2017-05", day(2017, 5, 1), None),
        ("until:2017-06", None, day(2017, 6, 30, end=True)),
        ("Until:2017-06-01", None, day(2017, 6, 1, end=True)),
        ("after:2017-06", day(2017, 7, 1), None),
        ("after:2017-06-30", day(2017, 7, 1), None),
        ("before:2017", None, day(2016, 12, 31, end=True)),
        ("before:2017-03-01", None, day(2017, 2, 28, end=True)),
    ],
)
def test_field_clauses(query, since, until):
    got = extract(f"harbour {query} strike", ASOF)
    assert (got.since, got.until) == (since, until)
    assert got.text == "harbour strike"
    assert got.found == (query,)
    assert got.relative is False


def test_aware_iso_time_is_made_naive_utc():
    got = extract("date:2017-09-23T12:00+02:00")
    assert got.since == got.until == datetime(2017, 9, 23, 10, 0)


@pytest.mark.parametrize(
    "phrase, since",
    [
        ("today", day(2017, 9, 23)),
        ("this week", day(2017, 9, 18)),  # Monday
        ("this month", day(2017, 9, 1)),
        ("this year", day(2017, 1, 1)),
        ("last week", day(2017, 9, 17)),  # rolling: seven days ending with asof's day
        ("past week", day(2017, 9, 17)),
        ("the past week", day(2017, 9, 17)),
        ("last month", day(2017, 8, 24)),  # rolling, not August
        ("past month", day(2017, 8, 24)),
        ("last year", day(2016, 9, 24)),
        ("past year", day(2016, 9, 24)),
        ("past 1 day", day(2017, 9, 23)),
        ("past 3 days", day(2017, 9, 21)),
        ("last 3 days", day(2017, 9, 21)),
        ("past 2 weeks", day(2017, 9, 10)),
        ("last 6 months", day(2017, 3, 24)),
        ("past 2 years", day(2015, 9, 24)),
        ("in the last 10 days", day(2017, 9, 14)),
        ("over the past two weeks", day(2017, 9, 10)),
        ("within the last twelve months", day(2016, 9, 24)),
        ("during the past one year", day(2016, 9, 24)),
        ("Past Three Days", day(2017, 9, 21)),
        ("LAST WEEK", day(2017, 9, 17)),
    ],
)
def test_relative_phrases_end_with_asofs_day(phrase, since):
    got = extract(f"harbour strike, {phrase}", ASOF)
    assert (got.since, got.until) == (since, END)
    assert got.text == "harbour strike"
    assert got.found == (phrase,)
    assert got.relative is True


def test_yesterday_is_that_whole_day():
    got = extract("yesterday: harbour", ASOF)
    assert (got.since, got.until) == (day(2017, 9, 22), day(2017, 9, 22, end=True))
    assert got.text == "harbour"


def test_this_week_on_a_monday_starts_that_day():
    got = extract("this week", datetime(2017, 9, 18, 8))
    assert (got.since, got.until) == (day(2017, 9, 18), day(2017, 9, 18, end=True))


def test_month_windows_clamp_at_short_months():
    got = extract("past month", datetime(2017, 3, 31))
    assert got.since == day(2017, 3, 1)  # back to Feb 28 (clamped), then a day on
    assert extract("past year", datetime(2016, 2, 29)).since == day(2015, 3, 1)


def test_aware_asof_is_taken_in_utc():
    # 08:00 in Tokyo on the 24th is still the 23rd in UTC, the index's clock.
    tokyo = datetime(2017, 9, 24, 8, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
    got = extract("today", tokyo)
    assert (got.since, got.until) == (day(2017, 9, 23), END)


def test_asof_none_uses_now():
    got = extract("harbour past week")
    now = datetime.now()
    assert got.relative is True
    assert abs(got.until - now) < timedelta(days=1)
    assert got.until >= now
    assert timedelta(days=6) <= now - got.since <= timedelta(days=7)


def test_field_clauses_do_not_need_asof():
    got = extract("date:2017", None)
    assert got.relative is False
    assert got.since == day(2017, 1, 1)


def test_clauses_intersect():
    got = extract("date:2017 since:2017-05-10 harbour until:2017-06 date:[2017-03 to]")
    assert (got.since, got.until) == (day(2017, 5, 10), day(2017, 6, 30, end=True))
    assert got.text == "harbour"
    assert got.found == ("date:2017", "since:2017-05-10", "until:2017-06", "date:[2017-03 to]")


def test_relative_and_field_clauses_intersect():
    got = extract("since:2017-09-20 strike past month", ASOF)
    assert (got.since, got.until) == (day(2017, 9, 20), END)
    assert got.relative is True
    assert got.found == ("since:2017-09-20", "past month")


@pytest.mark.parametrize(
    "query",
    [
        "date:2017 date:2018",
        "since:2018 until:2017",
        "date:[2017-06 to 2017-01]",
        "date:2016 past week",
        "after:2017 before:2017-12-31",
    ],
)
def test_empty_intersection_is_a_query_error(query):
    with pytest.raises(QueryError, match="no date satisfies") as err:
        extract(query, ASOF)
    assert "Widen" in err.value.hint


@pytest.mark.parametrize(
    "query",
    [
        "date:2017-13",
        "date:2017-02-30",
        "date:banana",
        "since:yesterday",
        'date:""',
        "date:[2017-01 2017-06]",
        "date:[to]",
        "since:[2017 to 2018]",
        "date:[2017-01 to",
    ],
)
def test_malformed_clause_is_a_query_error_with_the_accepted_forms(query):
    with pytest.raises(QueryError, match="bad date clause") as err:
        extract(f"harbour {query}", ASOF)
    assert err.value.hint == dates.HINT
    assert "date:YYYY-MM" in err.value.hint


@pytest.mark.parametrize("query", ["-date:2017", "harbour NOT since:2017"])
def test_negated_clause_is_a_query_error(query):
    with pytest.raises(QueryError, match="cannot be negated"):
        extract(query, ASOF)


def test_zero_and_far_back_windows_are_query_errors():
    with pytest.raises(QueryError, match="covers no days"):
        extract("past 0 days", ASOF)
    with pytest.raises(QueryError, match="too far"):
        extract("past 9999 years", ASOF)


@pytest.mark.parametrize(
    "query",
    [
        "week",
        "last",
        "Budget 2017",
        "last night",
        "past weeks",
        "last weekend",
        "this year's budget",
        "The Last Week of Rome",
        "last 3 days of Pompeii",
        "next week",
        "lastweek",
        "title:today",
        "birthdate:2017",
        "since the war",
        "since: 2017",
        "not today's news",
    ],
)
def test_lookalikes_stay_in_the_text(query):
    got = extract(query, ASOF)
    assert got == DateClauses(query, None, None, (), False)


@pytest.mark.parametrize(
    "query",
    ['"last week" strike', "strike “past 3 days”", '"date:2017 harbour"', 'harbour "today'],
)
def test_quoted_phrases_are_searched_not_extracted(query):
    got = extract(query, ASOF)
    assert got == DateClauses(query, None, None, (), False)


def test_quoted_phrase_kept_when_a_clause_beside_it_goes():
    got = extract('"last week"   date:2017-09 "harbour  strike"', ASOF)
    assert got.text == '"last week" "harbour strike"'
    assert got.found == ("date:2017-09",)


def test_text_is_tidied_around_removed_clauses():
    assert extract("a AND date:2017 AND b").text == "a AND b"
    assert extract("date:2017 AND harbour").text == "harbour"
    assert extract("harbour OR since:2017").text == "harbour"
    assert extract("harbour (date:2017) strike").text == "harbour strike"
    assert extract("  past week  ", ASOF).text == ""


def test_text_without_clauses_is_returned_unchanged():
    assert extract("  harbour   strike ").text == "  harbour   strike "


def test_result_is_frozen():
    got = extract("date:2017")
    with pytest.raises(AttributeError):
        got.since = None


def test_lowercase_not_is_a_search_word_not_a_negation():
    # Whoosh only reads NOT in capitals as an operator.
    got = extract("not date:2017 harbour")
    assert got.text == "not harbour"
    assert got.since == day(2017, 1, 1)


# ---------------------------------------------------------------- issue 15, point 3


@pytest.mark.parametrize(
    ("query", "phrase", "clause"),
    [
        ("shares fell today", "today", "date:today"),
        ("yesterday harbour strike", "yesterday", "date:yesterday"),
        ("harbour last week strike", "last week", "date:last-week"),
        (
            "Profits doubled last year as the harbour grew and the ferries ran on time",
            "last year",
            "date:last-year",
        ),
        ("one two three four five past 3 days", "past 3 days", "date:past-3-days"),
        ("harbour over the past two weeks strike", "over the past two weeks", "date:past-2-weeks"),
        ("This Month harbour", "This Month", "date:this-month"),
    ],
)
def test_a_date_phrase_among_words_stays_words_and_is_offered(query, phrase, clause):
    got = extract(query, ASOF)
    assert (got.text, got.found, got.since, got.until) == (query, (), None, None)
    assert got.offered == ((phrase, clause),)


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("last week", ""),  # the whole query
        ("date:2017 past month", ""),
        ("harbour strike, last week", "harbour strike"),  # set apart by punctuation
        ("harbour strike (past 3 days)", "harbour strike"),
        ("harbour strike - today", "harbour strike"),
        ("Today: harbour strike", "harbour strike"),
        ("yesterday, harbour", "harbour"),
        ("Kowalczyk last week", "Kowalczyk"),  # ends a short query
        ("one two three four in the last 10 days", "one two three four"),
        ("harbour strike this year.", "harbour strike ."),
    ],
)
def test_a_date_phrase_standing_apart_is_a_filter(query, text):
    got = extract(query, ASOF)
    assert got.text == text and got.since is not None and got.offered == ()


def test_today_ending_a_sentence_is_a_word():
    # "today" and "yesterday" end headlines ("shares fell today"); last/past/this phrases
    # ending a short query read as a restriction.
    assert extract("harbour today", ASOF).found == ()
    assert extract("harbour last week", ASOF).found == ("last week",)


@pytest.mark.parametrize(
    ("clause", "since"),
    [
        ("date:today", day(2017, 9, 23)),
        ("date:yesterday", day(2017, 9, 22)),
        ("date:last-week", day(2017, 9, 17)),
        ("date:past-3-days", day(2017, 9, 21)),
        ("date:past-two-weeks", day(2017, 9, 10)),
        ("date:this-month", day(2017, 9, 1)),
        ("DATE:Last-Year", day(2016, 9, 24)),
    ],
)
def test_a_relative_date_clause(clause, since):
    got = extract(f"harbour {clause} strike", ASOF)
    assert got.since == since and got.text == "harbour strike" and got.relative


def test_a_relative_value_belongs_to_date_only():
    with pytest.raises(QueryError, match="date:last-week"):
        extract("harbour since:last-week", ASOF)
