"""The facilitator rota as an iCalendar (.ics) file, for phones and calendar apps.

One event per session, in Europe/London time (with its VTIMEZONE, so any app places it
right across the clock changes). The event's UID comes from the assignment's id, so
importing a newer export updates the same events instead of adding copies. Only names of
facilitators, the group and its venue appear: nothing about any member.

Every assignment given is exported; choosing which (published only, one month…) is the
caller's business.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from uuid import UUID
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from voicesgroup import dates
from voicesgroup.errors import VoicesGroupError
from voicesgroup.models import Facilitator, Group, RotaAssignment, RotaStatus

LONDON = ZoneInfo("Europe/London")
PRODID = "-//voicesgroup//facilitator rota//EN"
UID_DOMAIN = "voicesgroup"


class CalendarExportError(VoicesGroupError):
    """The rota could not be turned into a calendar; the message says why."""


def _uid(assignment: RotaAssignment) -> str:
    return f"{assignment.id}@{UID_DOMAIN}"


def _stamp(assignment: RotaAssignment) -> dt.datetime:
    """When this assignment last changed (UTC): stable from one export to the next."""
    latest = max([assignment.created_at, *(change.on for change in assignment.history)])
    return latest.astimezone(dt.UTC)


def _summary(
    group: Group,
    assignment: RotaAssignment,
    names: dict[UUID, str],
    facilitator_id: UUID | None,
) -> tuple[str, str]:
    """The event's title and description."""

    def name(fid: UUID | None) -> str:
        if fid is None:
            return "open"
        return names.get(fid, "someone not on the list")

    lead, co = name(assignment.lead_id), name(assignment.co_id)
    if facilitator_id is not None and facilitator_id == assignment.lead_id:
        title = f"{group.name}: you lead"
        detail = f"You lead; co-facilitator: {co}."
    elif facilitator_id is not None and facilitator_id == assignment.co_id:
        title = f"{group.name}: you co-facilitate"
        detail = f"You co-facilitate; lead: {lead}."
    else:
        title = f"{group.name}: lead {lead}, co {co}"
        detail = f"Lead: {lead}. Co-facilitator: {co}."
    status = assignment.status.value
    return title, f"{detail} Rota status: {status}."


def rota_to_ics(
    assignments: Sequence[RotaAssignment],
    groups: Sequence[Group],
    facilitators: Sequence[Facilitator],
    facilitator_id: UUID | None = None,
) -> bytes:
    """The assignments as an .ics calendar.

    With `facilitator_id`, only that person's sessions are included and the titles say
    "you lead" / "you co-facilitate". Raises `CalendarExportError` when an assignment's group
    is not among `groups`.
    """
    group_by_id = {g.id: g for g in groups}
    names = {f.id: f.display_name for f in facilitators}
    chosen = [
        a for a in assignments if facilitator_id is None or facilitator_id in (a.lead_id, a.co_id)
    ]
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    title = "Facilitator rota"
    if facilitator_id is not None and facilitator_id in names:
        title = f"Facilitator rota: {names[facilitator_id]}"
    calendar.add("x-wr-calname", title)
    calendar.add("x-wr-timezone", "Europe/London")

    for assignment in chosen:
        if assignment.group_id not in group_by_id:
            raise CalendarExportError(
                f"The rota has a session on {dates.date(assignment.date)} for a group that is "
                "not in the list of groups."
            )

    def order(a: RotaAssignment) -> tuple[dt.date, dt.time, str, str]:
        group = group_by_id[a.group_id]
        return (a.date, group.pattern.start, group.name.casefold(), str(a.id))

    for assignment in sorted(chosen, key=order):
        group = group_by_id[assignment.group_id]
        starts = dt.datetime.combine(assignment.date, group.pattern.start, tzinfo=LONDON)
        ends = starts + dt.timedelta(minutes=group.pattern.minutes)
        summary, description = _summary(group, assignment, names, facilitator_id)
        event = Event()
        event.add("uid", _uid(assignment))
        event.add("dtstamp", _stamp(assignment))
        event.add("dtstart", starts)
        event.add("dtend", ends)
        event.add("summary", summary)
        event.add("description", description)
        if group.venue:
            event.add("location", group.venue)
        published = assignment.status is RotaStatus.PUBLISHED
        event.add("status", "CONFIRMED" if published else "TENTATIVE")
        event.add("transp", "OPAQUE")
        calendar.add_component(event)

    if chosen:
        first = min(a.date for a in chosen)
        last = max(a.date for a in chosen)
        calendar.add_missing_timezones(
            first_date=dt.date(first.year - 1, 1, 1), last_date=dt.date(last.year + 2, 1, 1)
        )
    ical: bytes = calendar.to_ical()
    return ical
