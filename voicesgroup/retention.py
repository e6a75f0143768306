"""Retention: personal notes, debriefs and named attendance are not kept for ever.

The periods are the organisation's (Settings); defaults are 12 months for notes, 24 for debriefs,
and names on attendance become plain counts after 24 months. Nothing is done until a person
confirms: `due` only lists, `apply` acts, in one atomic save.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from voicesgroup.consent import add_months
from voicesgroup.counting import counted

if TYPE_CHECKING:
    from voicesgroup.store import Store


@dataclass(frozen=True)
class RetentionDue:
    """What the retention periods say should go now, counted, never named."""

    notes: int
    debriefs: int
    named_sessions: int
    debrief_follow_ups: int = 0
    """Copies of a debrief's follow-ups (`FollowUpState.text`, which carry them to the laptops
    that do not hold the group): kept no longer than the debrief itself."""

    @property
    def anything(self) -> bool:
        return bool(self.notes or self.debriefs or self.named_sessions or self.debrief_follow_ups)

    def describe(self) -> list[str]:
        lines = []
        if self.notes:
            lines.append(
                f"{counted(self.notes, 'note')} written with members past their keeping time"
            )
        if self.debriefs:
            lines.append(
                counted(self.debriefs, "facilitators' debrief") + " past their keeping time"
            )
        if self.debrief_follow_ups:
            lines.append(
                counted(self.debrief_follow_ups, "follow-up")
                + " from a debrief, its words past their keeping time"
            )
        if self.named_sessions:
            lines.append(
                f"{counted(self.named_sessions, 'session')} whose names should become counts"
            )
        return lines

    def summary(self) -> str:
        """One line for Home, Settings and the command line."""
        if not self.anything:
            return "Nothing is past its keeping time."
        return "Past their keeping time: " + "; ".join(self.describe())


@dataclass(frozen=True)
class Cutoffs:
    notes_before: dt.date
    debriefs_before: dt.date
    names_before: dt.date


def cutoffs(store: Store, today: dt.date) -> Cutoffs:
    return Cutoffs(
        notes_before=add_months(today, -store.setting("notes_months")),
        debriefs_before=add_months(today, -store.setting("debriefs_months")),
        names_before=add_months(today, -store.setting("named_attendance_months")),
    )


def due(store: Store, today: dt.date) -> RetentionDue:
    """Count what the retention periods say is due today.

    Counted from the stored documents (ISO dates compare as strings), so the home screen can
    ask every time it is shown without building thousands of models.
    """
    limits = cutoffs(store, today)
    notes_before = limits.notes_before.isoformat()
    debriefs_before = limits.debriefs_before.isoformat()
    names_before = limits.names_before.isoformat()
    debriefs = named_sessions = 0
    old_sessions: set[str] = set()
    for doc in store.each_document("sessions"):  # one pass over every year, none kept
        debriefs += bool(doc.get("debrief")) and doc["date"] < debriefs_before
        named_sessions += bool(doc.get("named_member_ids")) and doc["date"] < names_before
        if doc["date"] < debriefs_before:
            old_sessions.add(doc["id"])
    return RetentionDue(
        notes=store.count_raw("notes", lambda doc: doc["created_at"][:10] < notes_before),
        debriefs=debriefs,
        named_sessions=named_sessions,
        debrief_follow_ups=len(_old_debrief_copies(store, old_sessions)),
    )


def _old_debrief_copies(store: Store, old_sessions: set[str]) -> list[str]:
    """The ids of follow-up records that still carry words from a debrief now past its
    keeping time (`FollowUpState.text` of a "d" key)."""
    if not old_sessions:
        return []
    return [
        doc["id"]
        for doc in store.documents("follow_ups")
        if doc.get("text") is not None
        and str(doc.get("key", "")).startswith("d")
        and doc.get("session_id") in old_sessions
    ]


def apply(store: Store, today: dt.date) -> RetentionDue:
    """Erase old notes and debriefs and turn old names into counts; returns what was done."""
    limits = cutoffs(store, today)
    done = due(store, today)
    with store.batch():
        store.delete_notes(
            [note.id for note in store.all_notes() if note.created_at.date() < limits.notes_before]
        )
        for session in store.sessions():
            changes: dict[str, object] = {}
            if session.debrief and session.date < limits.debriefs_before:
                changes["debrief"] = None
            if session.named_member_ids and session.date < limits.names_before:
                changes["named_member_ids"] = []
                changes["anonymous_count"] = session.anonymous_count + len(session.named_member_ids)
                changes["round_marks"] = {}
            if changes:
                store.save_session(session.with_changes(**changes))
        old = {str(s.id) for s in store.sessions() if s.date < limits.debriefs_before}
        copies = set(_old_debrief_copies(store, old))
        if copies:
            from voicesgroup.models import FollowUpState

            for state in store.records(FollowUpState):
                if str(state.id) in copies:
                    store.save_record(state.with_changes(text=None))
        if done.anything:
            store.audit("retention applied", "; ".join(done.describe()))
    return done
