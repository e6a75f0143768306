"""Everything held about one member, for them: as data (export) and as the basis of a printout.

It includes what is kept restricted after a withdrawal — this record is the one place that is
shown — and nothing about anyone else: other members present at a session are not named.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from voicesgroup.store import Store


def member_record(store: Store, member_id: UUID) -> dict[str, Any]:
    """A plain, JSON-ready account of every record about one member."""
    member = store.member(member_id)
    groups = {group.id: group.name for group in store.groups(include_archived=True)}
    return {
        "member": {"name": member.display_name, "joined": member.joined_on.isoformat()},
        "consents": [
            {
                "what": event.scope.label,
                "answer": event.action.value,
                "when": event.on.isoformat(),
                "how": event.method.label,
                "wording_version": event.wording_version,
                "recorded_by": event.recorded_by,
                "review_after_months": event.review_after_months,
            }
            for event in store.consent_events(member_id)
        ],
        "notes": [
            {
                "written": note.created_at.isoformat(),
                "updated": note.updated_at.isoformat(),
                "your_words": note.member_words,
                "what_helped": note.what_helped,
                "to_remember": note.to_remember,
                "facilitator_words": note.facilitator_words,
                "restricted": note.restricted,
            }
            for note in store.notes(member_id, include_restricted=True)
        ],
        "contact_details": [
            {"kind": item.kind, "value": item.value, "restricted": item.restricted}
            for item in store.contact_details(member_id, include_restricted=True)
        ],
        "named_attendance": [
            {"date": session.date.isoformat(), "group": groups.get(session.group_id, "")}
            for session in reversed(store.sessions())
            if member_id in session.named_member_ids
        ],
        "strategies_with_your_name": [
            {"title": strategy.title, "description": strategy.description}
            for strategy in store.strategies(include_archived=True)
            if strategy.attributed_member_id == member_id
        ],
    }
