"""Members' names found in free text: themes, follow-ups and notes warn with the same words.

Every screen that warns about a name asks here, and this asks the one name finder,
`voicesgroup.names` with the typed-text policy (accents, look-alike letters, invisible characters;
an everyday word such as "may" counts too, as a question).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
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


KEEP_IT_ANYWAY = "Change it, or save again to keep it as it is."
"""How every question about a member's name in typed text ends: saving the same words again
keeps them (a name may be a word, a church, a place)."""


@dataclass
class NameQuestions:
    """The warn-then-keep step of a form whose words are shared or printed: a text that names
    a member is asked about once, beside its field; the same text saved again is kept. One
    for each form while it is open; every such form asks here, so each asks alike."""

    asked: dict[str, str] = field(default_factory=dict)
    """Each field's text as it was when it was asked about."""

    def question(self, store: Store, texts: Mapping[str, str], why: str) -> tuple[str, str] | None:
        """The first field whose text names a stored member and was not asked about as it
        stands, with its sentence (`why`: where the words go); None when none is left to ask.
        Asking notes the text, so the next save of the same words keeps them."""
        for field_name, text in texts.items():
            names = member_names_in(store, text) if text and text.strip() else []
            if names and self.asked.get(field_name) != text:
                self.asked[field_name] = text
                return field_name, f"This mentions {', '.join(names)}. {why} {KEEP_IT_ANYWAY}"
        return None
