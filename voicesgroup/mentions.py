"""Members' names found in free text: themes, follow-ups and notes warn with the same words.

Every screen that warns about a name asks here, and this asks the one name finder,
`voicesgroup.names` with the typed-text policy (accents, look-alike letters, invisible characters;
an everyday word such as "may" counts too, as a question).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from voicesgroup.names import Purpose, names_for

if TYPE_CHECKING:
    from uuid import UUID

    from voicesgroup.store import Store


def names_mentioned(text: str, names: Iterable[str]) -> list[str]:
    """Which of `names` appear in `text`, each once, in order."""
    return list(dict.fromkeys(match.name for match in names_for(Purpose.TYPED_TEXT, text, names)))


def member_names_in(store: Store, text: str, *, besides: UUID | None = None) -> list[str]:
    """Names of stored members that `text` mentions (leaving out the member `besides`)."""
    names = [member.display_name for member in store.members() if member.id != besides]
    return names_mentioned(text, names)
