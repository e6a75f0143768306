import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from voicesgroup import dates


def test_day_carries_the_year_unless_told_not_to():
    assert dates.day(dt.date(2026, 12, 1)) == "Tue 1 Dec 2026"
    assert dates.day(dt.date(2026, 12, 1), year=False) == "Tue 1 Dec"
    assert dates.date(dt.date(2027, 1, 9)) == "9 Jan 2027"


def test_a_list_spanning_two_years_shows_the_year():
    december, january = dt.date(2026, 12, 29), dt.date(2027, 1, 5)
    assert dates.day_in(december, [december, january]) == "Tue 29 Dec 2026"
    assert dates.day_in(december, [december]) == "Tue 29 Dec"
    assert dates.days_in([december, january]) == ["Tue 29 Dec 2026", "Tue 5 Jan 2027"]
    assert dates.days_in([december], today=dt.date(2026, 12, 1)) == ["Tue 29 Dec"]
    assert dates.day_in(december, [december], today=dt.date(2027, 1, 2)) == "Tue 29 Dec 2026"


def test_times_are_local_never_utc(monkeypatch):
    import os
    import time

    monkeypatch.setenv("TZ", "Asia/Kolkata")
    time.tzset()
    try:
        moment = dt.datetime(2026, 12, 1, 8, 50, tzinfo=dt.UTC)
        assert dates.clock(moment) == "14:20"
        assert dates.day_and_clock(moment) == "Tue 1 Dec 2026, 14:20"
        assert dates.clock(dt.time(9, 5)) == "09:05"
    finally:
        monkeypatch.delenv("TZ")
        os.environ.pop("TZ", None)
        time.tzset()


def test_month():
    assert dates.month(dt.date(2026, 12, 1)) == "December 2026"


def test_read_day_is_the_one_reader_of_typed_dates() -> None:
    class Refused(Exception):
        pass

    assert dates.read_day(" 2026-12-01 ") == dt.date(2026, 12, 1)
    with pytest.raises(Refused, match="Give a start date, written as YYYY-MM-DD"):
        dates.read_day("  ", "start date", error=Refused)
    with pytest.raises(Refused, match="is not a date this app can read: write it as YYYY-MM-DD"):
        dates.read_day("1/12/2026", error=Refused)
    with pytest.raises(ValueError) as refused:
        dates.read_day("[/]" * 100)
    assert len(str(refused.value)) < 150  # what was typed is cut, not echoed whole


def test_a_typed_time_of_day_is_read_as_hh_mm():
    assert dates.read_time("18:30") == dt.time(18, 30)
    assert dates.read_time(" 9:05 ") == dt.time(9, 5)
    assert dates.read_time("0930") == dt.time(9, 30)
    with pytest.raises(ValueError, match="Give a starting time"):
        dates.read_time("  ", "starting time")
    for wrong in ("24:00", "18:60", "6pm", "18:30:00", "١٨:٣٠"):
        with pytest.raises(ValueError, match="write it as HH:MM"):
            dates.read_time(wrong)


def test_each_caller_gets_the_error_its_messages_travel_in():
    class Refused(Exception):
        pass

    with pytest.raises(Refused, match="is not a time"):
        dates.read_time("soon", error=Refused)
    with pytest.raises(Refused, match="is not a date"):
        dates.read_day("soon", error=Refused)


def test_a_printed_page_writes_the_month_whole_and_a_file_name_sorts():
    assert dates.long_date(dt.date(2025, 3, 3)) == "3 March 2025"
    assert dates.file_stamp(dt.datetime(2026, 12, 1, 14, 5, 9)) == "20261201-140509"


@given(st.text(max_size=12))
def test_any_typed_time_is_read_or_refused_in_one_sentence(text):
    try:
        read = dates.read_time(text)
    except ValueError as error:
        assert str(error).endswith(".") and "\n" not in str(error)
    else:
        assert dates.read_time(dates.clock(read)) == read


@given(st.times())
def test_every_time_written_is_read_back_to_the_minute(moment):
    assert dates.read_time(dates.clock(moment)) == moment.replace(second=0, microsecond=0)


@given(st.dates(min_value=dates.EARLIEST, max_value=dates.LATEST))
def test_a_field_filled_with_a_day_reads_back_as_that_day(day):
    assert dates.read_day(dates.typed(day)) == day


def test_a_field_with_no_day_is_empty():
    assert dates.typed(None) == ""


@given(st.integers(0, 9999), st.integers(0, 99), st.integers(0, 99))
def test_a_day_written_as_asked_but_not_on_the_calendar_is_told_so(
    year: int, month: int, day: int
) -> None:
    """Written YYYY-MM-DD, as the sentence asks: either it is read, or the refusal says the
    day is not on the calendar (never "write it as YYYY-MM-DD", which it already is)."""
    typed = f"{year:04d}-{month:02d}-{day:02d}"
    try:
        expected = dt.date(year, month, day)
    except ValueError:
        with pytest.raises(ValueError) as refused:
            dates.read_day(typed, "start date")
        said = str(refused.value)
        assert "is not on the calendar" in said and "write it as" not in said, said
        assert said.startswith(f"The start date {typed} ")
        return
    if dates.EARLIEST <= expected <= dates.LATEST:
        assert dates.read_day(typed) == expected
