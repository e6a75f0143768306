"""What becomes of the records a consent covered, once it is withdrawn or the member forgotten.

Named attendance becomes an anonymous head count (the session's total does not change); a
strategy loses the member's name and stays in the library; notes and contact details are
erased, or kept restricted (shown only in the member's own record). `Store.withdraw_consent`
and `forgetting` both do it through here, on the store's `Tables`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from uuid import UUID

from voicesgroup.store.tables import models

if TYPE_CHECKING:
    from voicesgroup.models import ContactDetail, Note
    from voicesgroup.store.tables import Tables


def anonymise_attendance(tables: Tables, member_id: UUID) -> int:
    """The member taken off every session's names and counted anonymously; how many sessions."""
    key = str(member_id)

    def attended(value: Mapping[str, Any]) -> bool:  # read before any model is built
        named = value.get("named_member_ids")
        return isinstance(named, list) and key in named

    changed = 0
    for session in tables.search(models.Session, attended):
        if member_id not in session.named_member_ids:
            continue
        tables.put(
            session.with_changes(
                named_member_ids=[mid for mid in session.named_member_ids if mid != member_id],
                anonymous_count=session.anonymous_count + 1,
                round_marks={k: v for k, v in session.round_marks.items() if k != key},
            )
        )
        changed += 1
    return changed


def remove_attribution(tables: Tables, member_id: UUID) -> None:
    """The member's name taken from beside every strategy they shared."""
    for strategy in tables.where(models.CopingStrategy, attributed_member_id=member_id):
        tables.put(strategy.with_changes(attributed_member_id=None))


def erase_or_restrict(
    tables: Tables, model: type[Note | ContactDetail], member_id: UUID, erase: bool
) -> None:
    """The member's notes or contact details erased, or kept restricted."""
    records = tables.where(model, member_id=member_id)
    if erase:
        tables.delete(model, [record.id for record in records])
    else:
        for record in records:
            tables.put(record.with_changes(restricted=True))
