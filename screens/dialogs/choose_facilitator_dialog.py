"""Who should it be? One facilitator from a list (or nobody), e.g. a follow-up's owner."""

from __future__ import annotations

from uuid import UUID

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from screens.widgets.plain import literal
from voicesgroup.models import Facilitator

NOBODY = "nobody"
"""The dismiss value for "nobody"; otherwise a facilitator's id as text, or None (Escape)."""


class ChooseFacilitatorDialog(ModalScreen[str | None]):
    """Enter chooses the highlighted person; Escape changes nothing."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel-choose-facilitator")]

    def __init__(self, title: str, people: list[Facilitator], current: UUID | None) -> None:
        super().__init__()
        self.title_text = title
        self.people = people
        self.current = current

    def compose(self) -> ComposeResult:
        options = [
            Option(literal(person.display_name), id=str(person.id)) for person in self.people
        ]
        options.append(Option("Nobody for now", id=NOBODY))
        with Vertical(classes="dialog", id="choose-facilitator-dialog"):
            yield Static(literal(self.title_text), classes="section-title")
            yield OptionList(*options, id="facilitator-choices")
            yield Static("Enter chooses · Escape changes nothing", classes="hint")

    def on_mount(self) -> None:
        choices = self.query_one("#facilitator-choices", OptionList)
        ids = [str(person.id) for person in self.people]
        choices.highlighted = ids.index(str(self.current)) if str(self.current) in ids else 0
        choices.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
