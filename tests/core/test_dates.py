import datetime as dt

import pytest

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
