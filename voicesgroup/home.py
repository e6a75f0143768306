"""What the home screen shows, computed in the core so any interface can show the same.

It is the first thing painted, so it reads the stored documents directly: with ten years of
data that is quicker than building models, and pydantic need not load before the first paint.
The consent rule and the meeting dates are the same functions the models use.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from voicesgroup import consent, dates, retention
from voicesgroup.counting import counted
from voicesgroup.kinds import SessionStatus, Variant, describe_meeting, meeting_dates

if TYPE_CHECKING:
    from voicesgroup.store import Store

Document = Mapping[str, Any]


def format_day(day: dt.date) -> str:
    """'Tue 1 Dec' — short, unambiguous in a week view."""
    return dates.day(day, year=False)


@dataclass(frozen=True)
class HomeRow:
    group_id: UUID
    name: str
    kind: str
    next_meeting: str
    next_step: str


def _by_name(documents: Iterable[Document], key: str) -> list[Document]:
    return sorted(documents, key=lambda document: document[key].casefold())


def next_meeting(pattern: Document, today: dt.date) -> dt.date:
    """The next meeting on or after `today` of a stored meeting pattern."""
    first_date = dt.date.fromisoformat(pattern["first_date"]) if pattern["first_date"] else None
    return meeting_dates(pattern["weekday"], pattern["every_weeks"], first_date, today, 1)[0]


def _running_here(store: Store) -> tuple[Document, ...]:
    """The sessions in progress this laptop runs. The coordinator's laptop runs none: a group's
    session that reached it while still in progress is that group's, not one to resume, hold
    the exchange for, or hide the screen for.

    Every screen asks (is the room view on? may Settings open?) several times as it opens,
    and the answer reads every session: it is worked out once per change to the data."""
    return store.worked_out("sessions running here", lambda: _find_running_here(store))


def _find_running_here(store: Store) -> tuple[Document, ...]:
    from voicesgroup.exchange import state

    if state.stored_role(store.storage) == state.COORDINATOR:
        return ()
    return tuple(
        document
        for document in store.documents("sessions")
        if document["status"] == SessionStatus.IN_PROGRESS
    )


def groups_in_session(store: Store) -> set[str]:
    """Ids of the groups with a session still in progress on this laptop."""
    return {document["group_id"] for document in _running_here(store)}


def room_view_on(store: Store) -> bool:
    """Whether a session in progress has the room view on (every screen then hides names)."""
    return any(document.get("room_view") for document in _running_here(store))


def groups_met_on(store: Store, day: dt.date) -> set[str]:
    """Ids of the groups whose session on `day` has ended."""
    wanted = day.isoformat()
    return {
        document["group_id"]
        for document in store.documents_since("sessions", day.year).values()
        if document["status"] == SessionStatus.ENDED and document["date"] == wanted
    }


def active_groups(store: Store) -> list[Document]:
    """The stored documents of the groups not archived, by name: the groups `Store.groups()`
    gives, in its order, without loading the models (Home, and `voicesgroup groups`)."""
    return _by_name((group for group in store.documents("groups") if not group["archived"]), "name")


def group_listing(store: Store) -> list[dict[str, object]]:
    """The active groups as `voicesgroup groups` lists them: id, name, kind, when they meet,
    venue."""
    rows: list[dict[str, object]] = []
    for group in active_groups(store):
        pattern = group["pattern"]
        meets = describe_meeting(
            pattern["weekday"],
            pattern["every_weeks"],
            dt.time.fromisoformat(pattern["start"]),
            pattern["minutes"],
        )
        rows.append(
            {
                "id": group["id"],
                "name": group["name"],
                "variant": Variant(group["variant"]).label,
                "meets": meets,
                "venue": group["venue"],
            }
        )
    return rows


def home_rows(store: Store, today: dt.date) -> list[HomeRow]:
    """One row per active group: when it next meets and the obvious next step."""
    return _rows(store, today, groups_in_session(store), groups_met_on(store, today))


def _rows(
    store: Store, today: dt.date, in_progress: set[str], met_today: set[str]
) -> list[HomeRow]:
    rows = []
    for group in active_groups(store):
        pattern = group["pattern"]
        meets = _next_to_come(group, today, met_today)
        when = f"{format_day(meets)}, {dates.clock(dt.time.fromisoformat(pattern['start']))}"
        if group["id"] in in_progress:
            step = "Resume the session"
        elif group["id"] in met_today:
            step = "Met today"
        elif meets == today:
            step = "Start today"
        else:
            days = (meets - today).days
            step = "Tomorrow" if days == 1 else f"In {days} days"
        rows.append(
            HomeRow(UUID(group["id"]), group["name"], Variant(group["variant"]).label, when, step)
        )
    return rows


def _next_to_come(group: Document, today: dt.date, met_today: set[str]) -> dt.date:
    """The group's next meeting: today's, unless today's session has ended ("next" is never
    a session that has ended), then the one after."""
    held = group["id"] in met_today
    return next_meeting(group["pattern"], today + dt.timedelta(days=1) if held else today)


def rota_rows(store: Store, today: dt.date) -> list[HomeRow]:
    """The coordinator's rows: each active group's next meeting and who is on the rota for it
    (the coordinator's laptop runs no sessions, so that is its next step)."""
    names = {doc["id"]: doc["display_name"] for doc in store.documents("facilitators")}
    # Only this year's slots and later ones: a next meeting is never earlier.
    slots = {
        (doc["group_id"], doc["date"]): doc
        for doc in store.documents_since("rota", today.year).values()
    }
    # Only today's ended sessions are read (this year's, as for the rota): a session held
    # today is not the next meeting, on this laptop as on the group's.
    met_today = groups_met_on(store, today)
    meets = {
        group["id"]: _next_to_come(group, today, met_today).isoformat()
        for group in store.documents("groups")
        if not group["archived"]
    }
    rows = []
    for row in _rows(store, today, set(), met_today):
        slot = slots.get((str(row.group_id), meets.get(str(row.group_id))))
        people = [
            names.get(slot.get(role), "someone")
            for role in ("lead_id", "co_id")
            if slot is not None and slot.get(role)
        ]
        # Under the heading "On the rota" (Home's), so two names fit in 80 columns.
        step = " & ".join(people) if people else "Nobody on the rota"
        rows.append(HomeRow(row.group_id, row.name, row.kind, row.next_meeting, step))
    return rows


LISTED_REVIEWS = 3
"""Consent check-ins named one by one on the home screen; more are summed up in one line."""


def due_items(store: Store, today: dt.date) -> list[str]:
    """Things waiting for a facilitator or the coordinator, as short sentences."""
    items = _consent_reviews(store, today)
    for group in _by_name(store.documents("groups"), "name"):
        agreements = group["agreements"]
        if group["archived"] or not agreements:
            continue
        if dt.date.fromisoformat(agreements[-1]["review_on"]) <= today:
            items.append(f"{group['name']}: the group agreement is due for review")
    kept_too_long = retention.due(store, today)
    if kept_too_long.anything:
        items.append(kept_too_long.summary() + " (F2)")
    unchecked = sum(
        1 for contact in store.documents("support_contacts") if not contact["last_checked"]
    )
    if unchecked:
        items.append(f"{counted(unchecked, 'support contact')} to check before printing")
    from voicesgroup.facilitator_counts import due_items as facilitators_due

    items += facilitators_due(store, today)
    return items


def _consent_reviews(store: Store, today: dt.date) -> list[str]:
    events_by_member = store.event_views_by_member()
    reviews = []
    for member in _by_name(store.documents("members"), "display_name"):
        events = events_by_member.get(member["id"])
        if not events:
            continue
        due = consent.review_due(events, events[0].member_id, today)
        if due:
            scopes = ", ".join(event.scope.label.lower() for event in due)
            reviews.append((member["display_name"], scopes))
    if len(reviews) <= LISTED_REVIEWS:
        return [f"Check in with {name} about their consent ({scopes})" for name, scopes in reviews]
    names = ", ".join(name for name, _ in reviews[:LISTED_REVIEWS])
    return [
        f"Check in with {names} and {len(reviews) - LISTED_REVIEWS} more about their "
        "consent (open each from Members)"
    ]
