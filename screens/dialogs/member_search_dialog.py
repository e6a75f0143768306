"""Find someone by name who is not on the group's short list (only those who agreed)."""

from __future__ import annotations

from uuid import UUID

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from screens.access import AppAccess
from voicesgroup.models import Member

MOST_SHOWN = 8


class MemberSearchDialog(AppAccess, ModalScreen[UUID | None]):
    """Type part of a name; Enter marks the highlighted member here. Escape closes."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="cancel-search"),
        Binding("down", "move(1)", "Next match", id="next-match", show=False),
        Binding("up", "move(-1)", "Previous match", id="previous-match", show=False),
    ]

    def __init__(self, members: list[Member]) -> None:
        super().__init__()
        self.members = members
        self.matches: list[Member] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="member-search-dialog"):
            yield Static("Someone else here, by name", classes="section-title")
            yield Static(
                "Only members who agreed to be listed by name can be found.", classes="hint"
            )
            yield Input(placeholder="Type part of their name", id="member-search")
            yield OptionList(id="member-matches")
            yield Static("Enter marks them here · Escape closes", classes="hint")

    def on_mount(self) -> None:
        self._show_matches("")
        self.query_one("#member-search", Input).focus()

    @on(Input.Changed, "#member-search")
    def _typed(self, event: Input.Changed) -> None:
        self._show_matches(event.value)

    def _show_matches(self, text: str) -> None:
        from voicesgroup.names import name_matches_query

        self.matches = [m for m in self.members if name_matches_query(m.display_name, text)]
        shown = self.query_one("#member-matches", OptionList)
        shown.set_options(Option(Text(m.display_name)) for m in self.matches[:MOST_SHOWN])
        if len(self.matches) > MOST_SHOWN:
            shown.add_option(
                Option(Text(f"… {len(self.matches) - MOST_SHOWN} more"), disabled=True)
            )
        if not self.matches:
            shown.add_option(Option(Text("Nobody who agreed has that name"), disabled=True))
        else:
            shown.highlighted = 0

    def action_move(self, step: int) -> None:
        shown = self.query_one("#member-matches", OptionList)
        count = min(len(self.matches), MOST_SHOWN)
        if count:
            shown.highlighted = ((shown.highlighted or 0) + step) % count

    @on(Input.Submitted, "#member-search")
    def _chosen_by_enter(self) -> None:
        highlighted = self.query_one("#member-matches", OptionList).highlighted
        if self.matches and highlighted is not None and highlighted < len(self.matches):
            self.dismiss(self.matches[highlighted].id)

    @on(OptionList.OptionSelected, "#member-matches")
    def _chosen_by_click(self, event: OptionList.OptionSelected) -> None:
        if event.option_index < len(self.matches):
            self.dismiss(self.matches[event.option_index].id)

    def action_cancel(self) -> None:
        self.dismiss(None)
