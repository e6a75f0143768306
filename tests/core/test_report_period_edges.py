"""A report whose period reaches past today, or back over years with nothing in them: the
figures stop at today and start where there is something to count, every form says so, and
no month to come is printed as a zero a trustee would read as a collapse. With a fixed clock."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.clock import TODAY
from tests.helpers.pdf import pdf_text
from tests.helpers.records import add_group
from voicesgroup import evaluation
from voicesgroup.evaluation import Period, PeriodError
from voicesgroup.models import Group, MeetingPattern, Session, SessionStatus, Variant
from voicesgroup.report_files import report_bytes
from voicesgroup.store import Store

FIRST_SESSION = dt.date(2026, 9, 1)
"""A Tuesday: the group's first session, on its meeting day (TODAY is 26 Nov 2026)."""


def held(store: Store, group, day: dt.date, people: int = 9) -> None:
    start = dt.datetime.combine(day, dt.time(18, 30), tzinfo=dt.UTC)
    store.save_session(
        Session(
            group_id=group.id,
            date=day,
            status=SessionStatus.ENDED,
            started_at=start,
            ended_at=start + dt.timedelta(minutes=90),
            anonymous_count=people,
        )
    )


@pytest.fixture
def weekly(store: Store) -> Store:
    """A Tuesday group held every week from 1 Sep 2026 to the last Tuesday before TODAY."""
    group = add_group(store)
    day = FIRST_SESSION
    while day < TODAY:
        held(store, group, day)
        day += dt.timedelta(days=7)
    return store


def months_in(text: str) -> set[str]:
    """Every month key ("2026-12") a text or CSV form names."""
    return set(re.findall(r"\b(\d{4}-\d{2})\b", text))


def test_a_financial_year_running_past_today_stops_at_today_and_says_so(weekly: Store) -> None:
    report = evaluation.report(
        weekly, Period(dt.date(2026, 4, 1), dt.date(2027, 3, 31)), today=TODAY
    )
    assert report.current.period == Period(dt.date(2026, 9, 1), TODAY)
    assert report.current.months[-1] == "2026-11"
    assert "2026-11" in report.current.period.part_months
    text = report_bytes(weekly, report, "txt").decode("utf-8")
    assert "The figures stop at 26 Nov 2026, the day this report was made" in text
    assert "31 Mar 2027" in text
    assert "until September 2026, so the report starts on 1 Sep 2026" in " ".join(text.split())
    assert not {m for m in months_in(text) if m > "2026-11"}
    rows = list(
        csv.DictReader(io.StringIO(report_bytes(weekly, report, "csv").decode("utf-8-sig")))
    )
    months = {row["month"] for row in rows if re.fullmatch(r"\d{4}-\d{2}", row["month"])}
    assert months == {"2026-09", "2026-10", "2026-11"}
    assert {row["period_end"] for row in rows} == {"2026-11-26"}
    printed = " ".join(pdf_text(report_bytes(weekly, report, "pdf")).split())
    assert "Nov (part)" in printed
    assert "Dec" not in printed.replace("Dec 20", "")  # no month to come on the chart


def test_two_centuries_make_a_report_as_short_as_what_happened(weekly: Store) -> None:
    report = evaluation.report(
        weekly, Period(dt.date(1990, 1, 1), dt.date(2199, 12, 31)), today=TODAY
    )
    assert report.current.months == ["2026-09", "2026-10", "2026-11"]
    data = report_bytes(weekly, report, "pdf")
    from pypdf import PdfReader

    assert len(PdfReader(io.BytesIO(data)).pages) <= 4
    printed = " ".join(pdf_text(data).split())
    assert "Nothing was planned or held from 1 Jan 1990 until September 2026" in printed
    assert "2132" not in printed


def test_a_period_not_begun_is_refused_in_a_sentence(weekly: Store) -> None:
    with pytest.raises(PeriodError, match="starts after today"):
        evaluation.report(weekly, Period(dt.date(2027, 1, 1), dt.date(2027, 3, 31)), today=TODAY)


def test_a_period_wholly_past_and_full_says_nothing_of_its_edges(weekly: Store) -> None:
    report = evaluation.report(
        weekly, Period(dt.date(2026, 9, 1), dt.date(2026, 10, 31)), today=TODAY
    )
    assert report.coverage == []
    assert report.current.period == Period(dt.date(2026, 9, 1), dt.date(2026, 10, 31))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    start=st.dates(dt.date(1980, 1, 1), TODAY),
    length=st.integers(0, 365 * 200),
    compare=st.booleans(),
)
def test_no_form_counts_a_day_to_come_or_hides_where_it_stops(
    weekly: Store, start: dt.date, length: int, compare: bool
) -> None:
    """The class: any period that has begun, of any length. The counted period lies inside
    the asked one and ends by today; no month after today's is in the text or the CSV; and
    where the counted period is shorter, each form says where it starts or stops."""
    end = min(start + dt.timedelta(days=length), dt.date(9999, 1, 1))
    asked = Period(start, end)
    report = evaluation.report(weekly, asked, compare_previous_year=compare, today=TODAY)
    counted = report.current.period
    assert asked.start <= counted.start <= counted.end <= min(asked.end, TODAY)
    text = report_bytes(weekly, report, "txt").decode("utf-8")
    data = report_bytes(weekly, report, "csv").decode("utf-8-sig")
    to_come = {m for m in months_in(text) | months_in(data) if m > "2026-11"}
    assert not to_come
    words = " ".join(text.split())
    if asked.end > TODAY:
        assert "The figures stop at 26 Nov 2026" in words
    if counted.start > asked.start:
        day = f"{counted.start.day} {counted.start:%b %Y}"
        assert f"report starts on {day}" in words or f"its last month, from {day}" in words
    if counted.end == TODAY and TODAY.month == (TODAY + dt.timedelta(days=1)).month:
        assert "2026-11" in report.current.period.part_months


def test_visits_per_session_not_worked_out_says_why(store: Store) -> None:
    """A session of fewer than 8 people: the visits are "fewer than 8", so visits per session
    cannot be worked out, and every form says so in words (never "about not shown")."""
    group = add_group(store)
    held(store, group, dt.date(2026, 11, 24), people=3)
    report = evaluation.report(
        store, Period(dt.date(2026, 11, 24), dt.date(2026, 11, 24)), today=TODAY
    )
    for fmt in ("txt", "html"):
        text = report_bytes(store, report, fmt).decode("utf-8")
        assert "about not shown" not in " ".join(text.split())
        assert "not worked out (too few visits shown)" in text
    printed = " ".join(pdf_text(report_bytes(store, report, "pdf")).split())
    assert "not worked out (too few visits shown)" in printed


def test_the_year_before_keeps_the_months_it_has_something_in(weekly: Store) -> None:
    """Compared with the year before, the report starts where either has something: a year
    before with sessions in January keeps this year's January beside it, empty or not."""
    ended = Group(name="Winter Voices", variant=Variant.HEARING_VOICES, archived=True,
                  pattern=MeetingPattern(weekday=1))  # fmt: skip
    weekly.save_group(ended)  # archived: it plans nothing, and held once, in January 2025
    held(weekly, ended, dt.date(2025, 1, 7))
    asked = Period(dt.date(2026, 1, 1), TODAY)
    alone = evaluation.report(weekly, asked, today=TODAY)
    beside = evaluation.report(weekly, asked, compare_previous_year=True, today=TODAY)
    assert alone.current.period.start == dt.date(2026, 9, 1)
    assert beside.current.period.start == dt.date(2026, 1, 1)
    assert beside.previous is not None
    assert beside.previous.total.sessions["held"][evaluation.WHOLE_PERIOD] == 1
