"""The consent rule, in one place: a named record exists only with matching current consent.

The store calls `require_consent` before it writes a named attendance, a note, a contact detail
or an attributed strategy. The UI asks `has_consent` to decide what to offer, but never relies
on that alone: the store refuses regardless.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, TypeVar
from uuid import UUID

from voicesgroup.dates import local_day
from voicesgroup.errors import ConsentMissing
from voicesgroup.kinds import ConsentAction, ConsentScope

if TYPE_CHECKING:
    from voicesgroup.models import Member


class ConsentFacts(Protocol):
    """What the rule reads of a consent event: a `ConsentEvent`, or an `EventView`."""

    @property
    def member_id(self) -> UUID: ...
    @property
    def scope(self) -> ConsentScope: ...
    @property
    def action(self) -> ConsentAction: ...
    @property
    def on(self) -> dt.datetime: ...
    @property
    def created_at(self) -> dt.datetime: ...
    @property
    def review_after_months(self) -> int | None: ...


EventT = TypeVar("EventT", bound=ConsentFacts)


class EventView(NamedTuple):
    """The facts the rule reads, taken straight from a stored consent event.

    The home screen asks about consent reviews before any model is loaded; the rule below
    reads these just as it reads `ConsentEvent`s.
    """

    member_id: UUID
    scope: ConsentScope
    action: ConsentAction
    on: dt.datetime
    created_at: dt.datetime
    review_after_months: int | None

    @classmethod
    def of(cls, document: Mapping[str, Any]) -> EventView:
        return cls(
            UUID(document["member_id"]),
            ConsentScope(document["scope"]),
            ConsentAction(document["action"]),
            dt.datetime.fromisoformat(document["on"]),
            dt.datetime.fromisoformat(document["created_at"]),
            document.get("review_after_months"),
        )


SCOPE_PHRASES = {
    ConsentScope.ATTENDANCE_BY_NAME: "to be on the attendance list by name",
    ConsentScope.PERSONAL_NOTES: "to have notes written with them",
    ConsentScope.CONTACT_DETAILS: "to have contact details kept",
    ConsentScope.STRATEGY_ATTRIBUTION: "to have their name beside strategies they share",
}


def latest_events(events: Iterable[EventT], member_id: UUID) -> dict[ConsentScope, EventT]:
    """The most recent event per scope for one member."""
    latest: dict[ConsentScope, EventT] = {}
    for event in events:
        if event.member_id != member_id:
            continue
        current = latest.get(event.scope)
        if current is None or (event.on, event.created_at) >= (current.on, current.created_at):
            latest[event.scope] = event
    return latest


def current_scopes(events: Iterable[ConsentFacts], member_id: UUID) -> set[ConsentScope]:
    """The scopes a member has currently consented to."""
    return {
        scope
        for scope, event in latest_events(events, member_id).items()
        if event.action is ConsentAction.GIVEN
    }


def has_consent(events: Iterable[ConsentFacts], member_id: UUID, scope: ConsentScope) -> bool:
    return scope in current_scopes(events, member_id)


NOT_SAVED = "This was not saved: "
"""How a change refused for want of consent begins its sentence (the reason follows)."""


def require_consent(events: Iterable[ConsentFacts], member: Member, scope: ConsentScope) -> None:
    """Raise `ConsentMissing` unless `member` currently consents to `scope`."""
    if not has_consent(events, member.id, scope):
        raise ConsentMissing(
            f"{NOT_SAVED}{member.display_name} has not agreed {SCOPE_PHRASES[scope]}."
        )


def has_consent_on(
    events: Iterable[ConsentFacts], member_id: UUID, scope: ConsentScope, day: dt.date
) -> bool:
    """Whether `member_id` had consented to `scope` on `day` (the latest event for that scope
    made on or before that day was a yes)."""
    latest: ConsentFacts | None = None
    for event in events:
        if event.member_id != member_id or event.scope is not scope or local_day(event.on) > day:
            continue
        if latest is None or (event.on, event.created_at) >= (latest.on, latest.created_at):
            latest = event
    return latest is not None and latest.action is ConsentAction.GIVEN


def named_on_session_problem(
    events: Iterable[ConsentFacts], member: Member, day: dt.date
) -> str | None:
    """Why `member` may not be on the attendance list by name at a session on `day`, or None.

    The rule: consent to be listed by name must be current now *and* have been current on
    the session's date (nobody is named at a session from before they said yes).
    """
    events = list(events)
    scope = ConsentScope.ATTENDANCE_BY_NAME
    if not has_consent(events, member.id, scope):
        return f"the member {member.display_name} has not agreed {SCOPE_PHRASES[scope]}"
    if not has_consent_on(events, member.id, scope, day):
        return (
            f"the member {member.display_name} had not yet agreed {SCOPE_PHRASES[scope]} on "
            f"{day.isoformat()}, the session's date"
        )
    return None


def require_named_attendance(events: Iterable[ConsentFacts], member: Member, day: dt.date) -> None:
    """Raise `ConsentMissing` unless `member` may be listed by name at a session on `day`."""
    problem = named_on_session_problem(events, member, day)
    if problem is not None:
        raise ConsentMissing(f"{NOT_SAVED}{problem}.")


def review_due(events: Iterable[EventT], member_id: UUID, today: dt.date) -> list[EventT]:
    """Given consents of one member whose review date has come."""
    due = []
    for event in latest_events(events, member_id).values():
        if event.action is ConsentAction.GIVEN and event.review_after_months:
            review_on = add_months(local_day(event.on), event.review_after_months)
            if review_on <= today:
                due.append(event)
    return due


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved on by whole months, clamped to the month's last day."""
    from dateutil.relativedelta import relativedelta  # loaded by the first date sum, not at start

    return day + relativedelta(months=months)
