"""The stored rota reviewed and exported: planned against actual, and the .ics calendar.

Part of the stored rota's service (`service` offers each of these under its own name).
"""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from voicesgroup.models import RotaStatus, SessionStatus
from voicesgroup.rota.planner import RotaInputError
from voicesgroup.rota.review import Review, review
from voicesgroup.rota.words import day_words
from voicesgroup.store import Store


def sessions_actual(store: Store) -> dict[tuple[UUID, dt.date], list[UUID]]:
    """Who actually facilitated each ended session, keyed by (group id, date)."""
    return {
        (session.group_id, session.date): list(session.facilitator_ids)
        for session in store.sessions()
        if session.status is SessionStatus.ENDED
    }


def rota_span(store: Store, group_id: UUID | None = None) -> tuple[dt.date, dt.date] | None:
    """The first and last date on the stored rota (one group's, or all), or None when empty."""
    dates = [item.date for item in store.rota(group_id)]
    return (min(dates), max(dates)) if dates else None


def review_rota(
    store: Store,
    *,
    group_id: UUID | None,
    start: dt.date | None,
    end: dt.date | None,
    today: dt.date,
) -> Review:
    """The coordinator's review of the stored rota against the sessions that ended."""
    if start is not None and end is not None and end < start:
        raise RotaInputError(
            f"The period ends ({day_words(end)}) before it starts ({day_words(start)})."
        )
    return review(
        store.rota(group_id),
        sessions_actual(store),
        store.facilitators(),
        start,
        end,
        group_id,
        groups=store.groups(include_archived=True),
        today=today,
    )


def calendar_file(
    store: Store, facilitator_id: UUID | None = None, *, include_drafts: bool = False
) -> tuple[bytes, int]:
    """The rota as an .ics calendar and the number of sessions in it.

    Published sessions only unless `include_drafts`; only `facilitator_id`'s when given.
    Raises `RotaInputError` when there is nothing to put in the calendar.
    """
    from voicesgroup.calendar_export import rota_to_ics

    chosen = [
        item
        for item in store.rota()
        if (include_drafts or item.status is RotaStatus.PUBLISHED)
        and (facilitator_id is None or facilitator_id in (item.lead_id, item.co_id))
    ]
    if not chosen:
        whose = ""
        if facilitator_id is not None:
            whose = f" for {store.facilitator(facilitator_id).display_name}"
        kind = "sessions" if include_drafts else "published sessions"
        raise RotaInputError(f"There are no {kind} on the rota{whose} to export.")
    ics = rota_to_ics(
        chosen, store.groups(include_archived=True), store.facilitators(), facilitator_id
    )
    return ics, len(chosen)
