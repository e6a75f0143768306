"""Records made for a test: a group, a member with consent, a consent event, and a small file
with one member noted everywhere (`small_file`, whose `NAME` a search of the bytes finds)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from voicesgroup.models import (
    ConsentAction,
    ConsentEvent,
    ConsentMethod,
    ConsentScope,
    Group,
    MeetingPattern,
    Member,
    Note,
    Session,
    Variant,
)
from voicesgroup.store import Store

CONSENT_SINCE = dt.datetime(2024, 1, 1, 12, tzinfo=dt.UTC)


def event(
    member: Member,
    scope: ConsentScope,
    action: ConsentAction = ConsentAction.GIVEN,
    on: dt.datetime | None = None,
) -> ConsentEvent:
    """A consent event as a facilitator would record it (by default long before any session
    in these tests: named attendance needs consent current on the session's date)."""
    extra = {"on": on if on is not None else CONSENT_SINCE}
    return ConsentEvent(
        member_id=member.id,
        scope=scope,
        action=action,
        method=ConsentMethod.SAID_IN_ROOM,
        wording_version="1",
        recorded_by="Rosa",
        **extra,
    )


def add_member(store: Store, name: str, *scopes: ConsentScope) -> Member:
    """Save a member and give them consent for `scopes`."""
    member = Member(display_name=name)
    store.save_member(member)
    for scope in scopes:
        store.give_consent(event(member, scope))
    return member


def add_group(store: Store, name: str = "Tuesday Voices") -> Group:
    group = Group(name=name, variant=Variant.HEARING_VOICES, pattern=MeetingPattern(weekday=1))
    store.save_group(group)
    return group


NAME = "Quillonia"
"""A name found nowhere else, so a search of the bytes finds only her."""


def small_file(path: Path, *, opens: int = 3) -> Store:
    """A small file with one member noted everywhere, opened `opens` times (so it has backups).

    Returns the store, open; the caller closes it.
    """
    store = Store.open(path, seed=False)
    group = add_group(store)
    member = add_member(
        store,
        NAME,
        ConsentScope.ATTENDANCE_BY_NAME,
        ConsentScope.PERSONAL_NOTES,
        ConsentScope.STRATEGY_ATTRIBUTION,
    )
    store.save_note(Note(member_id=member.id, member_words="Walking helps", agreed_by_member=True))
    store.save_session(
        Session(group_id=group.id, date=dt.date(2025, 2, 4), named_member_ids=[member.id])
    )
    for number in range(opens - 1):
        store.close()
        store = Store.open(path)
        add_member(store, f"Visitor {number}")
    return store
