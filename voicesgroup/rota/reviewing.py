"""The coordinator's review of the stored rota, reading only the years it shows: the slots of
those years, and who actually facilitated the sessions that ended in them (`review.py` makes
the review itself from these, a pure function). What the review says of a session depends on
the rota of its own day and month and on the sessions held then, so those years are enough;
the records are built for the review and not kept by the store (`Store.records_of_years`)."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from voicesgroup import dates, rota
from voicesgroup.kinds import SessionStatus
from voicesgroup.models import RotaAssignment, Session
from voicesgroup.store import Store


def sessions_actual(
    store: Store, first_year: int | None = None, last_year: int | None = None
) -> dict[tuple[UUID, dt.date], list[UUID]]:
    """Who actually facilitated each ended session, keyed by (group id, date): of the years
    from `first_year` to `last_year` (None: every year at that end). Each session is checked
    by its model as it is read, and none is kept (`Store.records_of_years`)."""
    ended = SessionStatus.ENDED.value
    one: dict[UUID, UUID] = {}  # each group's and person's id held once, not once a session
    return {
        (one.setdefault(session.group_id, session.group_id), session.date): [
            one.setdefault(person, person) for person in session.facilitator_ids
        ]
        for session in store.records_of_years(
            Session, first_year, last_year, keep=lambda document: document.get("status") == ended
        )
        if session.status is SessionStatus.ENDED
    }


def rota_of_years(
    store: Store, group_id: UUID | None, first_year: int | None, last_year: int | None
) -> list[RotaAssignment]:
    """The stored rota (one group's, or all) from `first_year` to `last_year` (None: every
    year at that end), in the order `Store.rota` gives it; built for the caller, not kept."""
    wanted = None if group_id is None else str(group_id)
    found = store.records_of_years(
        RotaAssignment,
        first_year,
        last_year,
        keep=None if wanted is None else lambda document: document.get("group_id") == wanted,
    )
    return sorted(found, key=lambda item: (item.date, str(item.group_id)))


def rota_span(store: Store, group_id: UUID | None = None) -> tuple[dt.date, dt.date] | None:
    """The first and last date on the stored rota (one group's, or all), or None when empty:
    read from the stored dates, a piece of the table at a time, no slot built or kept."""
    wanted = None if group_id is None else str(group_id)
    try:
        days = [
            dt.date.fromisoformat(document["date"])
            for document in store.each_document("rota")
            if wanted is None or document.get("group_id") == wanted
        ]
    except (KeyError, TypeError, ValueError):  # not stored as a date: the slots' reading says
        days = [item.date for item in store.rota(group_id)]
    return (min(days), max(days)) if days else None


def review_rota(
    store: Store,
    *,
    group_id: UUID | None,
    start: dt.date | None,
    end: dt.date | None,
    today: dt.date,
) -> rota.Review:
    """The coordinator's review of the stored rota against the sessions that ended."""
    from voicesgroup.facilitator_path import not_yet_on_the_rota as waiting

    if start is not None and end is not None and end < start:
        raise rota.RotaInputError(
            f"The period ends ({dates.day(end)}) before it starts ({dates.day(start)})."
        )
    # Only the years under review are read: what the review says of a session depends on
    # the rota of its own day and month, and on the sessions held in those years alone.
    first, last = (start.year if start else None), (end.year if end else None)
    return rota.review(
        rota_of_years(store, group_id, first, last),
        sessions_actual(store, first, last),
        store.facilitators(),
        start,
        end,
        group_id,
        groups=store.groups(include_archived=True),
        today=today,
        waiting=waiting(store),
    )
