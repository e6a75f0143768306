"""Follow-ups from sessions and debriefs: who takes each on, and when it was done.

Their words live in the session (counted in `facilitator_counts`); an owner and a done day are
a `FollowUpState` kept beside it. Part of the facilitators' service (see `facilitator_path`).
"""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from voicesgroup.facilitator_base import not_after_today
from voicesgroup.facilitator_counts import (
    FollowUpRow,
    follow_up_texts,
    follow_ups,
    groups_holding_words,
)
from voicesgroup.models import Facilitator, FollowUpState, Session
from voicesgroup.names import texts_naming_members
from voicesgroup.store import Store

# -- follow-ups ------------------------------------------------------------------------------


def follow_up_list(
    store: Store, *, group_id: UUID | None = None, open_only: bool = False
) -> list[FollowUpRow]:
    """Follow-ups from sessions and debriefs, newest first."""
    rows = follow_ups(store)
    if group_id is not None:
        rows = [row for row in rows if row.group_id == str(group_id)]
    if open_only:
        rows = [row for row in rows if row.done_on is None]
    return rows


def open_before_session(store: Store, group_id: UUID, day: dt.date) -> list[FollowUpRow]:
    """What is still open from this group's earlier sessions: shown as the next one starts."""
    return [
        row
        for row in follow_up_list(store, group_id=group_id, open_only=True)
        if row.session_date < day
    ]


def _state(store: Store, row: FollowUpRow) -> FollowUpState:
    for state in store.records(FollowUpState, session_id=UUID(row.session_id)):
        if state.key == row.key:
            return state
    return FollowUpState(session_id=UUID(row.session_id), key=row.key)


def follow_ups_moved(store: Store, before: Session, after: Session) -> None:
    """Keep each owner and done day with its follow-up when a session's follow-ups change.

    A follow-up is known by its place ("s1", "d0"), so taking one back, or rewriting the
    debrief's lines, moves the others: each state follows its words (the same words first,
    then the same place where the count is unchanged, as after a rewording); the state of a
    follow-up that is gone goes with it.
    """
    old = dict(follow_up_texts(before.model_dump(mode="json")))
    new = dict(follow_up_texts(after.model_dump(mode="json")))
    if old == new:
        return
    states = store.records(FollowUpState, session_id=after.id)
    if not states:
        _given_records(store, after, new, set())
        return
    moved: dict[str, str] = {}
    for prefix in ("s", "d"):
        old_keys = [key for key in old if key.startswith(prefix)]
        new_keys = [key for key in new if key.startswith(prefix)]
        free = list(new_keys)
        for key in old_keys:
            same_words = next((k for k in free if new[k] == old[key]), None)
            if same_words is not None:
                moved[key] = same_words
                free.remove(same_words)
        if len(old_keys) == len(new_keys):
            for key in old_keys:
                if key not in moved and key in free:
                    moved[key] = key
                    free.remove(key)
    with store.batch():
        for state in states:
            if state.key not in moved:
                store.delete_record(state)
                continue
            key = moved[state.key]
            words = shared_words(store, new[key])  # reworded: the copy follows the words
            if key != state.key or words != state.text:
                store.save_record(state.with_changes(key=key, text=words))
        _given_records(store, after, new, {moved[s.key] for s in states if s.key in moved})


def record_every_follow_up(store: Store) -> None:
    """A record for every follow-up of a group this laptop holds that has none yet: when a
    laptop begins to share, so the follow-ups noted before then reach the coordinator too."""
    held = groups_holding_words(store)
    if held is None:
        return
    have = {(str(s.session_id), s.key) for s in store.records(FollowUpState)}
    with store.batch():
        for session in store.sessions():
            if str(session.group_id) not in held:
                continue
            texts = dict(follow_up_texts(session.model_dump(mode="json")))
            kept = {key for key in texts if (str(session.id), key) in have}
            _given_records(store, session, texts, kept)


def _given_records(store: Store, session: Session, texts: dict[str, str], kept: set[str]) -> None:
    """On a laptop that shares, a record for each follow-up new in `session` (not in `kept`),
    so the laptops that do not hold the group (the coordinator's) list it before anyone owns
    it. A laptop that does not share keeps only the records someone gave an owner or a day."""
    if groups_holding_words(store) is None:
        return
    for key, text in texts.items():
        if key not in kept:
            record = FollowUpState(session_id=session.id, key=key)
            store.save_record(record.with_changes(text=shared_words(store, text)))


def shared_words(store: Store, text: str) -> str | None:
    """The copy of a follow-up's words its record carries to the laptops that do not hold the
    session's group: the words, or None where they name a member (the report's policy, as the
    exchange reads every text that leaves: `exchange.sharing`), so the coordinator's laptop
    counts that follow-up as held on the group's laptop instead of showing a name."""
    names = [doc["display_name"] for doc in store.documents("members")]
    return None if names and texts_naming_members([text], names) else text


def _with_words(store: Store, row: FollowUpRow, state: FollowUpState) -> FollowUpState:
    """`state` with the copy of the row's words, where this laptop holds them."""
    if not row.words_here:
        return state  # the copy it came with: this laptop cannot tell it any better
    return state.with_changes(text=shared_words(store, row.text))


def set_owner(store: Store, row: FollowUpRow, owner: Facilitator | None) -> FollowUpState:
    """Who takes this follow-up on (None: nobody yet)."""
    state = _state(store, row).with_changes(owner_id=owner.id if owner else None)
    state = _with_words(store, row, state)
    store.save_record(state)
    return state


def mark_done(store: Store, row: FollowUpRow, on: dt.date | None) -> FollowUpState:
    """Done on a day, or open again with None."""
    if on is not None:
        not_after_today(on, "day the follow-up was done")
    state = _with_words(store, row, _state(store, row).with_changes(done_on=on))
    store.save_record(state)
    return state
