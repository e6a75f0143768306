"""What recording a consent answer does to what is kept, in words, before and after.

`Store.withdraw_consent` does it; this module says it, once, for the consent dialog and any
other front door: what a yes allows, what a withdrawal will change with this member's own
numbers, whether erase-or-restrict must be asked, and afterwards what was done.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from voicesgroup.consent import SCOPE_PHRASES
from voicesgroup.counting import counted
from voicesgroup.kinds import ConsentAction, ConsentScope

if TYPE_CHECKING:
    from uuid import UUID

    from voicesgroup.store import Store

COVERS_RECORDS = frozenset({ConsentScope.PERSONAL_NOTES, ConsentScope.CONTACT_DETAILS})
"""Withdrawing these asks whether what they covered is erased now or kept restricted."""

KINDS = {
    ConsentScope.PERSONAL_NOTES: ("note", "notes"),
    ConsentScope.CONTACT_DETAILS: ("contact detail", "contact details"),
}


def covered_count(store: Store, member_id: UUID, scope: ConsentScope) -> int:
    """How many stored records a withdrawal of `scope` would touch for the member."""
    if scope is ConsentScope.PERSONAL_NOTES:
        return len(store.notes(member_id, include_restricted=True))
    if scope is ConsentScope.CONTACT_DETAILS:
        return len(store.contact_details(member_id, include_restricted=True))
    if scope is ConsentScope.ATTENDANCE_BY_NAME:
        return sum(member_id in session.named_member_ids for session in store.sessions())
    return sum(
        strategy.attributed_member_id == member_id
        for strategy in store.strategies(include_archived=True)
    )


def needs_erase_choice(
    store: Store, member_id: UUID, scope: ConsentScope, action: ConsentAction
) -> bool:
    """A withdrawal of notes or contact details, with some kept, needs erase-or-restrict."""
    return (
        action is ConsentAction.WITHDRAWN
        and scope in COVERS_RECORDS
        and covered_count(store, member_id, scope) > 0
    )


def what_it_will_do(
    store: Store,
    member_id: UUID,
    name: str,
    scope: ConsentScope,
    action: ConsentAction,
    erase: bool | None,
) -> str:
    """What recording this answer will do to what is kept, with this member's numbers.

    `erase` is True (erase now), False (keep restricted) or None (not chosen yet); it matters
    only for notes and contact details.
    """
    if action is ConsentAction.GIVEN:
        return (
            f"Nothing is written yet: from now on {name} agrees {SCOPE_PHRASES[scope]}. "
            "They can take it back whenever they like."
        )
    count = covered_count(store, member_id, scope)
    if scope is ConsentScope.ATTENDANCE_BY_NAME:
        if not count:
            return f"{name} is not named at any session; from now on they are counted, unnamed."
        return (
            f"{name}'s name comes off {counted(count, 'session', 'sessions')} now. Each keeps "
            "its head count, with one more person counted without a name."
        )
    if scope is ConsentScope.STRATEGY_ATTRIBUTION:
        if not count:
            return f"No strategy has {name}'s name beside it, so nothing changes there."
        return (
            f"{name}'s name is taken from beside {counted(count, 'strategy', 'strategies')} "
            "now. The strategies stay in the library."
        )
    one, many = KINDS[scope]
    if not count:
        return f"No {many} are kept about {name}, so there is nothing to erase or keep."
    things = counted(count, one, many)
    if erase is True:
        return f"{things} will be erased now. This cannot be undone."
    if erase is False:
        return (
            f"{things} will be kept restricted: shown only in {name}'s own record, never used or "
            "shown anywhere else."
        )
    return f"{things} kept about {name}. Ask them: erase now, or keep restricted?"


def what_was_done(
    name: str, scope: ConsentScope, action: ConsentAction, count: int, erase: bool
) -> str:
    """After recording: what happened, in one sentence (`count` as it was before)."""
    if action is ConsentAction.GIVEN:
        return f"Recorded: {name} agrees {SCOPE_PHRASES[scope]}."
    said = f"Recorded: {name} withdrew consent {SCOPE_PHRASES[scope]}."
    if not count:
        return said
    if scope is ConsentScope.ATTENDANCE_BY_NAME:
        return f"{said} Their name came off {counted(count, 'session', 'sessions')}."
    if scope is ConsentScope.STRATEGY_ATTRIBUTION:
        return f"{said} Their name came off {counted(count, 'strategy', 'strategies')}."
    one, many = KINDS[scope]
    done = "erased" if erase else "kept restricted, only in their own record"
    return f"{said} {counted(count, one, many).capitalize()} {done}."
