"""What the home screen shows, computed in the core so any interface can show the same."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from uuid import UUID

from voicesgroup import consent
from voicesgroup.models import Group
from voicesgroup.store import Store


def format_day(day: dt.date) -> str:
    """'Tue 1 Dec' — short, unambiguous in a week view."""
    return f"{day:%a} {day.day} {day:%b}"


@dataclass(frozen=True)
class HomeRow:
    group_id: UUID
    name: str
    kind: str
    next_meeting: str
    next_step: str


def next_meeting(group: Group, today: dt.date) -> dt.date:
    return group.pattern.dates_from(today, 1)[0]


def home_rows(store: Store, today: dt.date) -> list[HomeRow]:
    """One row per active group: when it next meets and the obvious next step."""
    in_progress = {session.group_id for session in store.sessions_in_progress()}
    rows = []
    for group in store.groups():
        meets = next_meeting(group, today)
        when = f"{format_day(meets)}, {group.pattern.start:%H:%M}"
        if group.id in in_progress:
            step = "Resume the session in progress"
        elif meets == today:
            step = "Start today's session"
        else:
            days = (meets - today).days
            step = "Tomorrow" if days == 1 else f"In {days} days"
        rows.append(HomeRow(group.id, group.name, group.variant.label, when, step))
    return rows


LISTED_REVIEWS = 3
"""Consent check-ins named one by one on the home screen; more are summed up in one line."""


def due_items(store: Store, today: dt.date) -> list[str]:
    """Things waiting for a facilitator or the coordinator, as short sentences."""
    items = []
    events = store.events_by_member()
    reviews = []
    for member in store.members():
        due = consent.review_due(events.get(member.id, []), member.id, today)
        if due:
            scopes = ", ".join(event.scope.label.lower() for event in due)
            reviews.append((member.display_name, scopes))
    if len(reviews) <= LISTED_REVIEWS:
        items += [
            f"Check in with {name} about their consent ({scopes})" for name, scopes in reviews
        ]
    else:
        names = ", ".join(name for name, _ in reviews[:LISTED_REVIEWS])
        items.append(
            f"Check in with {names} and {len(reviews) - LISTED_REVIEWS} more about their "
            "consent (open each from Members)"
        )
    for group in store.groups():
        agreement = group.agreement
        if agreement and agreement.review_on <= today:
            items.append(f"{group.name}: the group agreement is due for review")
    from voicesgroup import retention

    kept_too_long = retention.due(store, today)
    if kept_too_long.anything:
        items.append("Past their keeping time: " + "; ".join(kept_too_long.describe()) + " (F2)")
    unchecked = [contact for contact in store.support_contacts() if contact.last_checked is None]
    if unchecked:
        items.append(f"{len(unchecked)} support contact(s) to check before printing")
    return items
