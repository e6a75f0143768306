"""Which member? Asked whenever a name matches more than one person (two Sams, say)."""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from screens.access import AppAccess
from screens.widgets.plain import literal
from voicesgroup import dates
from voicesgroup.models import Member

SOMEONE_NEW = "someone-new"
"""The dismiss value when the person is not any of the members listed."""


def telling_apart(member: Member, agreed: Sequence[str] = ()) -> str:
    """A member as a line that tells them apart from others with the same name."""
    line = f"{member.display_name}, who joined on {dates.date(member.joined_on)}"
    if agreed:
        line += " · agreed to: " + ", ".join(agreed)
    return line


class ChooseMemberDialog(AppAccess, ModalScreen[str | None]):
    """Lists the members a name could mean; dismisses with the chosen member's id as text,
    `SOMEONE_NEW` when offered and chosen, or None when cancelled."""

    BINDINGS = [
        Binding("enter", "choose", "Choose", id="choose-member", show=False),
        Binding("escape", "cancel", "Cancel", id="cancel-choose-member"),
    ]

    def __init__(self, name: str, members: Sequence[Member], *, offer_new: bool = False) -> None:
        super().__init__()
        self.typed_name = name
        self.members = list(members)
        self.offer_new = offer_new

    def compose(self) -> ComposeResult:
        store = self.store
        options = []
        for member in self.members:
            agreed = sorted(scope.label.lower() for scope in store.current_consents(member.id))
            options.append(Option(literal(telling_apart(member, agreed)), id=str(member.id)))
        if self.offer_new:
            options.append(
                Option(literal(f"Someone new, also called {self.typed_name}"), id=SOMEONE_NEW)
            )
        count = len(self.members)
        question = (
            f"There is already a member called {self.typed_name}. Is this them?"
            if count == 1
            else f"{count} members are called {self.typed_name}. Which one do you mean?"
        )
        with Vertical(classes="dialog", id="choose-member-dialog"):
            yield Static("Which member?", classes="section-title")
            yield Static(literal(question), id="choose-member-question")
            yield Static("The date they joined tells them apart.", classes="hint")
            yield OptionList(*options, id="member-choices")
            yield Static("Enter chooses · Escape goes back", classes="hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_choose(self) -> None:
        choices = self.query_one(OptionList)
        if choices.highlighted is not None:
            self.dismiss(choices.get_option_at_index(choices.highlighted).id)

    def action_cancel(self) -> None:
        self.dismiss(None)
