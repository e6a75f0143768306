"""Choose a theme or follow-up noted in this session, to reword it or take it back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from screens.access import AppAccess
from screens.widgets.plain import literal

Kind = Literal["theme", "follow-up"]


@dataclass(frozen=True)
class NoteChoice:
    """What to do with which line: reword it, or take it back."""

    kind: Kind
    index: int
    remove: bool


class ChangeNotesDialog(AppAccess, ModalScreen[NoteChoice | None]):
    """Every theme and follow-up of the session; Enter rewords one, x takes it back."""

    BINDINGS = [
        Binding("x,delete", "remove", "Take back", id="remove-note-line"),
        Binding("escape", "cancel", "Cancel", id="cancel-change-notes"),
    ]

    def __init__(self, themes: list[str], follow_ups: list[str]) -> None:
        super().__init__()
        self.lines: list[tuple[Kind, int]] = [("theme", i) for i in range(len(themes))]
        self.lines += [("follow-up", i) for i in range(len(follow_ups))]
        self.texts = {"theme": themes, "follow-up": follow_ups}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="change-notes-dialog"):
            yield Static("Change a theme or a follow-up", classes="section-title")
            options = [
                Option(
                    literal(
                        f"{'Theme' if kind == 'theme' else 'To follow up'}: "
                        f"{self.texts[kind][index]}"
                    )
                )
                for kind, index in self.lines
            ]
            if not options:
                options = [Option("Nothing noted yet.", disabled=True)]
            yield OptionList(*options, id="note-lines")
            yield Static("Enter rewords it · x takes it back · Escape closes", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#note-lines", OptionList).focus()

    def _chosen(self) -> tuple[Kind, int] | None:
        highlighted = self.query_one("#note-lines", OptionList).highlighted
        if highlighted is None or not self.lines:
            return None
        return self.lines[highlighted]

    @on(OptionList.OptionSelected)
    def _reword(self) -> None:
        chosen = self._chosen()
        if chosen is not None:
            self.dismiss(NoteChoice(chosen[0], chosen[1], remove=False))

    def action_remove(self) -> None:
        chosen = self._chosen()
        if chosen is not None:
            self.dismiss(NoteChoice(chosen[0], chosen[1], remove=True))

    def action_cancel(self) -> None:
        self.dismiss(None)
