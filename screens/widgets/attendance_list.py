"""Members who said yes to being on the attendance list by name; Enter marks them here or not."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from rich.text import Text
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from voicesgroup.models import Member


class AttendanceList(OptionList):
    """A checklist of members; the screen sets `members` and `present`, it reports toggles."""

    @dataclass
    class MemberToggled(Message):
        """The facilitator pressed Enter on a member: here ↔ not here."""

        member_id: UUID

    members: reactive[tuple[Member, ...]] = reactive(())
    present: reactive[frozenset[UUID]] = reactive(frozenset())

    def watch_members(self, members: tuple[Member, ...]) -> None:
        highlighted = self.highlighted
        self.set_options(Option(self._prompt(member), id=str(member.id)) for member in members)
        if members:
            self.highlighted = min(highlighted or 0, len(members) - 1)

    def watch_present(self, before: frozenset[UUID], after: frozenset[UUID]) -> None:
        # Only the lines that changed are redrawn: a big club stays quick.
        for index, member in enumerate(self.members):
            if (member.id in before) != (member.id in after):
                self.replace_option_prompt_at_index(index, self._prompt(member))

    def _prompt(self, member: Member) -> Text:
        here = member.id in self.present
        return Text(f"{'✓' if here else '·'} {member.display_name}{' (here)' if here else ''}")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.MemberToggled(UUID(event.option.id)))
