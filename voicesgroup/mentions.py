"""Members' names found in free text: themes, follow-ups and notes warn with the same words.

Every screen that warns about a name asks here; this is the one place that calls the name
finder, so a better finder is switched in by changing one line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from voicesgroup.session_runner import names_mentioned as _find_names

if TYPE_CHECKING:
    from uuid import UUID

    from voicesgroup.store import Store


def member_names_in(store: Store, text: str, *, besides: UUID | None = None) -> list[str]:
    """Names of stored members that `text` mentions (leaving out the member `besides`)."""
    names = [member.display_name for member in store.members() if member.id != besides]
    return _find_names(text, names)
