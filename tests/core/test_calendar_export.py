"""The rota as an .ics file, read back with icalendar as a calendar app would."""

from __future__ import annotations

import datetime as dt
import re
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from voicesgroup.calendar_export import CalendarExportError, rota_to_ics
from voicesgroup.models import (
    Facilitator,
    Group,
    MeetingPattern,
    RotaAssignment,
    RotaStatus,
    TrainingStatus,
    Variant,
)
from voicesgroup.rota import generate


def people() -> list[Facilitator]:
    return [
        Facilitator(id=UUID(int=1), display_name="Ana", training=TrainingStatus.EXPERIENCED),
        Facilitator(id=UUID(int=2), display_name="Ben", training=TrainingStatus.EXPERIENCED),
        Facilitator(id=UUID(int=3), display_name="Cal"),
    ]


def groups() -> list[Group]:
    return [
        Group(
            id=UUID(int=101),
            name="Tuesday voices",
            variant=Variant.HEARING_VOICES,
            pattern=MeetingPattern(weekday=1, start=dt.time(18, 30), minutes=90),
            venue="Community centre, room 2",
        ),
        Group(
            id=UUID(int=102),
            name="Thursday beliefs",
            variant=Variant.PARANOIA_BELIEFS,
            pattern=MeetingPattern(weekday=3, start=dt.time(14, 0), minutes=120),
        ),
    ]


def events(data: bytes) -> list:
    return list(Calendar.from_ical(data).walk("VEVENT"))


def test_one_event_per_session_with_london_times_and_unique_uids():
    # Across the clocks going forward (30 March 2025): GMT, then BST.
    result = generate(groups(), people(), dt.date(2025, 3, 17), 4)
    data = rota_to_ics(result.assignments, groups(), people())
    calendar = Calendar.from_ical(data)
    assert str(calendar["VERSION"]) == "2.0"
    assert "voicesgroup" in str(calendar["PRODID"])
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]

    found = events(data)
    assert len(found) == len(result.assignments) == 8
    uids = [str(e["UID"]) for e in found]
    assert len(set(uids)) == len(uids)
    assert set(uids) == {f"{a.id}@voicesgroup" for a in result.assignments}

    by_uid = {str(e["UID"]): e for e in found}
    for assignment in result.assignments:
        event = by_uid[f"{assignment.id}@voicesgroup"]
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert start.tzinfo is not None and start.date() == assignment.date
        if assignment.group_id == UUID(int=101):
            assert start.time() == dt.time(18, 30)
            assert end - start == dt.timedelta(minutes=90)
            assert str(event["LOCATION"]) == "Community centre, room 2"
        else:
            assert start.time() == dt.time(14, 0)
            assert end - start == dt.timedelta(minutes=120)
            assert "LOCATION" not in event
        assert event.decoded("DTSTAMP").tzinfo is not None

    utc = {e.decoded("DTSTART").date(): e.decoded("DTSTART").astimezone(dt.UTC) for e in found}
    assert utc[dt.date(2025, 3, 18)].time() == dt.time(18, 30)  # GMT
    assert utc[dt.date(2025, 4, 1)].time() == dt.time(17, 30)  # BST


def test_summaries_name_lead_and_co_or_say_open():
    group = groups()[0]
    assignments = [
        RotaAssignment(
            group_id=group.id,
            date=dt.date(2025, 3, 18),
            lead_id=UUID(int=1),
            co_id=UUID(int=2),
            status=RotaStatus.PUBLISHED,
        ),
        RotaAssignment(group_id=group.id, date=dt.date(2025, 3, 25), lead_id=UUID(int=3)),
    ]
    found = events(rota_to_ics(assignments, groups(), people()))
    summaries = [str(e["SUMMARY"]) for e in found]
    assert summaries == [
        "Tuesday voices: lead Ana, co Ben",
        "Tuesday voices: lead Cal, co open",
    ]
    assert [str(e["STATUS"]) for e in found] == ["CONFIRMED", "TENTATIVE"]


def test_one_facilitators_calendar_holds_only_their_sessions_in_their_words():
    result = generate(groups(), people(), dt.date(2025, 3, 17), 6)
    ana = UUID(int=1)
    mine = [a for a in result.assignments if ana in (a.lead_id, a.co_id)]
    found = events(rota_to_ics(result.assignments, groups(), people(), facilitator_id=ana))
    assert len(found) == len(mine) > 0
    by_uid = {str(e["UID"]): str(e["SUMMARY"]) for e in found}
    for assignment in mine:
        summary = by_uid[f"{assignment.id}@voicesgroup"]
        word = "you lead" if assignment.lead_id == ana else "you co-facilitate"
        assert summary.endswith(f": {word}")
    assert "Ana" in str(
        Calendar.from_ical(rota_to_ics(mine, groups(), people(), ana))["X-WR-CALNAME"]
    )


def test_the_same_rota_exports_the_same_bytes():
    result = generate(groups(), people(), dt.date(2025, 3, 17), 4)
    first = rota_to_ics(result.assignments, groups(), people())
    assert rota_to_ics(list(reversed(result.assignments)), groups(), people()) == first


def test_an_empty_rota_is_still_a_valid_calendar():
    calendar = Calendar.from_ical(rota_to_ics([], groups(), people()))
    assert str(calendar["VERSION"]) == "2.0"
    assert list(calendar.walk("VEVENT")) == []


def test_a_session_of_an_unknown_group_is_refused():
    stray = RotaAssignment(group_id=UUID(int=999), date=dt.date(2025, 3, 18))
    with pytest.raises(CalendarExportError, match="not in the list of groups"):
        rota_to_ics([stray], groups(), people())


@settings(max_examples=25, deadline=None)
@given(
    days=st.lists(
        st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2070, 12, 31)),
        min_size=1,
        max_size=4,
    )
)
def test_the_files_time_zone_covers_every_session_in_it(days: list[dt.date]) -> None:
    """The file's own time zone ("only works from … to …") is drawn for the years of the
    sessions in it, whatever they are: each year holds London's clock changes, so a calendar
    app places every session at its hour (a rota planned into 2029 included)."""
    group = groups()[0]
    assignments = [
        RotaAssignment(group_id=group.id, date=day, lead_id=UUID(int=1), co_id=UUID(int=2))
        for day in days
    ]
    calendar = Calendar.from_ical(rota_to_ics(assignments, groups(), people()))
    (zone,) = calendar.walk("VTIMEZONE")
    drawn = zone.to_tz()  # the zone as the file itself draws it, as a calendar app reads it
    said = re.search(r"works from (\S+) to (\S+)\.", str(zone["COMMENT"]))
    assert said is not None, zone["COMMENT"]
    works_from, works_to = (dt.date.fromisoformat(text) for text in said.groups())
    assert all(works_from <= day < works_to for day in days), (works_from, works_to)
    for day in days:
        start = next(
            event.decoded("DTSTART")
            for event in calendar.walk("VEVENT")
            if event.decoded("DTSTART").date() == day
        )
        wall = start.replace(tzinfo=None)
        london = wall.replace(tzinfo=ZoneInfo("Europe/London")).utcoffset()
        assert wall.replace(tzinfo=drawn).utcoffset() == london, day
