"""Check before ending: what was recorded, and that the debrief comes next."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from screens.access import AppAccess


class EndSessionDialog(AppAccess, ModalScreen[bool]):
    """Dismisses True to end the session and go to the facilitators' debrief."""

    BINDINGS = [
        Binding("escape", "carry_on", "Carry on", id="carry-on"),
        Binding("enter", "end", "End", id="confirm-end"),
    ]

    def __init__(self, title: str, summary: str) -> None:
        super().__init__()
        self.title_text = title
        self.summary = summary

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="end-dialog"):
            yield Static(self.title_text, classes="section-title")
            yield Static(self.summary, id="end-summary")
            yield Static(
                "Next: the facilitators' debrief (every question optional).", classes="hint"
            )
            with Horizontal(classes="buttons"):
                yield Button("End and debrief", id="end", variant="primary")
                yield Button("Carry on", id="carry")

    def on_mount(self) -> None:
        self.query_one("#end", Button).focus()

    @on(Button.Pressed, "#end")
    def action_end(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#carry")
    def action_carry_on(self) -> None:
        self.dismiss(False)
