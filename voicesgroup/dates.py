"""How dates and times are written, for the whole app: screens, handouts, the command line.

One house style, so "1 Dec 2026" never sits beside "01 Dec 26":
- a day is "Tue 1 Dec 2026" (`day`), or "Tue 1 Dec" where the year is plain from the context
  (`day(..., year=False)`, or `day_in(..., among=...)` which adds the year when a list spans two;
  `days_in` for a whole column);
- a date without its weekday is "1 Dec 2026" (`date`), or "1 December 2026" on a printed page
  (`long_date`);
- a time of day is local wall-clock time, "14:05" (`clock`); stored times are UTC and are turned
  into the laptop's own time zone here, never shown as UTC;
- a month is "December 2026" (`month`);
- machine-readable output (JSON, CSV) uses ISO 8601 (`iso`); a file name's moment is
  "20261201-140500" (`file_stamp`), which sorts as it reads;
- on paper a date is never split across two lines (`unbroken`).

Typed dates and times are read here too (`read_day`, `read_time`), and a field asking for a
date is filled with one written as they are typed (`typed`): screens and commands call
these and never parse or format a date themselves (`tests/screens/test_no_dates_in_screens.py`).

Kept free of heavy imports: the home screen paints through it before the models load.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable


def _as_date(moment: dt.date | dt.datetime) -> dt.date:
    if isinstance(moment, dt.datetime):
        return local_day(moment)
    return moment


def local_day(moment: dt.datetime) -> dt.date:
    """The laptop's own calendar day of a stored (UTC or naive-as-UTC) moment: the one answer
    to "which day was this?" for consent, handouts and screens alike."""
    return local(moment).date()


def local(moment: dt.datetime) -> dt.datetime:
    """A stored (UTC or naive) moment as the laptop's local time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone()


def day(moment: dt.date | dt.datetime, *, year: bool = True) -> str:
    """'Tue 1 Dec 2026', or 'Tue 1 Dec' with year=False."""
    when = _as_date(moment)
    text = f"{when:%a} {when.day} {when:%b}"
    return f"{text} {when.year}" if year else text


def date(moment: dt.date | dt.datetime, *, year: bool = True) -> str:
    """'1 Dec 2026', or '1 Dec' with year=False."""
    when = _as_date(moment)
    text = f"{when.day} {when:%b}"
    return f"{text} {when.year}" if year else text


def long_date(moment: dt.date | dt.datetime) -> str:
    """'1 December 2026', for a printed page (no leading zero, on every platform)."""
    when = _as_date(moment)
    return f"{when.day} {when:%B} {when.year}"


def spans_years(days: Iterable[dt.date | dt.datetime], *, today: dt.date | None = None) -> bool:
    """True when the days (with today, if given) fall in more than one calendar year."""
    years = {_as_date(each).year for each in days}
    if today is not None:
        years.add(today.year)
    return len(years) > 1


def day_in(
    moment: dt.date | dt.datetime,
    among: Iterable[dt.date | dt.datetime],
    *,
    today: dt.date | None = None,
) -> str:
    """A day in a list: with the year whenever the list (and today) spans two years. For every
    day of a list at once, `days_in` (this reads the whole list each time)."""
    return day(moment, year=spans_years(among, today=today))


def days_in(moments: Iterable[dt.date | dt.datetime], *, today: dt.date | None = None) -> list[str]:
    """Each day of a list, as `day_in` writes it, reading the list once (a table's column)."""
    shown = [_as_date(each) for each in moments]
    year = spans_years(shown, today=today)
    return [day(each, year=year) for each in shown]


def clock(moment: dt.datetime | dt.time) -> str:
    """'14:05' in local time (a bare time of day is shown as it is)."""
    if isinstance(moment, dt.datetime):
        moment = local(moment)
    return f"{moment:%H:%M}"


def day_and_clock(moment: dt.datetime) -> str:
    """'Tue 1 Dec 2026, 14:05' in local time."""
    return f"{day(moment)}, {clock(moment)}"


def month(moment: dt.date | dt.datetime) -> str:
    """'December 2026'."""
    when = _as_date(moment)
    return f"{when:%B} {when.year}"


def short_month(moment: dt.date | dt.datetime) -> str:
    """'Dec 2026', where a month must be short (a chart's axis)."""
    when = _as_date(moment)
    return f"{when:%b} {when.year}"


def file_stamp(moment: dt.datetime) -> str:
    """'20261201-140500': a moment in a file name, sorting as it reads."""
    return f"{moment:%Y%m%d-%H%M%S}"


def iso(moment: dt.date | dt.datetime) -> str:
    """ISO 8601, for JSON, CSV and file names."""
    return moment.isoformat()


def typed(moment: dt.date | None) -> str:
    """A day as someone types it and `read_day` reads it back ("2026-12-01"), or "" for none:
    what a field asking for a date is filled with."""
    return "" if moment is None else _as_date(moment).isoformat()


def read_day(
    text: str, what: str = "date", *, error: Callable[[str], Exception] = ValueError
) -> dt.date:
    """A day someone typed, as YYYY-MM-DD; otherwise `error` with one sentence saying how.

    The one reader of typed dates, for screens and the command line alike; each caller passes
    the error its own messages travel in.
    """
    cleaned = text.strip()
    if not cleaned:
        raise error(f"Give a {what}, written as YYYY-MM-DD.")
    try:
        day = dt.date.fromisoformat(cleaned)
    except ValueError:
        shaped = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", cleaned, re.ASCII)
        if shaped is not None:  # written as asked, yet no such day on the calendar
            year, month, day_number = (int(part) for part in shaped.groups())
            reason = (
                "there is no year 0"
                if year == 0
                else f"{dt.date(2000, month, 1):%B} {shaped[1]} has no day {day_number}"
                if 1 <= month <= 12
                else f"there is no month {month}"
            )
            raise error(
                f"The {what} {cleaned} is not on the calendar: {reason}. Check the day and "
                "the month."
            ) from None
        raise error(
            f"What was typed, {cleaned[:40]!r}, is not a {what} this app can read: write it as "
            "YYYY-MM-DD, for example 2026-12-01."
        ) from None
    if not EARLIEST <= day <= LATEST:
        # Far days break the sums made with them (a year before, a week after) in every module
        # that counts; a group's records never need them.
        raise error(
            f"The day {cleaned} is too far off for a {what}: give one between {EARLIEST.year} and "
            f"{LATEST.year}."
        )
    return day


EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2199, 12, 31)
"""The days a typed date may name: far enough for any record, near enough for every sum."""


def read_time(
    text: str, what: str = "time", *, error: Callable[[str], Exception] = ValueError
) -> dt.time:
    """A time of day someone typed, as HH:MM on the 24-hour clock ("9:30" and "0930" too);
    otherwise `error` with one sentence saying how."""
    cleaned = text.strip()
    if not cleaned:
        raise error(f"Give a {what}, written as HH:MM, for example 18:30.")
    found = _TIME.fullmatch(cleaned)
    if found is None or int(found["hour"]) > 23 or int(found["minute"]) > 59:
        raise error(
            f"What was typed, {cleaned[:40]!r}, is not a {what} this app can read: write it as "
            "HH:MM, for example 18:30."
        )
    return dt.time(int(found["hour"]), int(found["minute"]))


_TIME = re.compile(r"(?P<hour>[0-9]{1,2}):?(?P<minute>[0-9]{2})", re.ASCII)


_DATE = re.compile(
    r"\b(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? )?\d{1,2} "
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*(?: \d{4})?\b"
)
"""A date as `dates` and the sheets write it ("Tue 8 Dec 2026", "9 August 2027")."""


def unbroken(text: str) -> str:
    """`text` with the spaces inside each date made non-breaking: a date is never split
    across two lines."""
    if not any(ch.isdigit() for ch in text):
        return text
    return _DATE.sub(lambda match: match.group(0).replace(" ", "\u00a0"), text)
