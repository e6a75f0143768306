"""Escape on a form with something typed in it: keep writing, or let it go."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from screens.widgets.plain import literal


class LeaveFormDialog(ModalScreen[bool]):
    """True to discard what was typed; Escape, Enter on the first button, keep writing."""

    BINDINGS = [Binding("escape", "keep_writing", "Keep writing", id="keep-writing")]

    def __init__(self, subject: str) -> None:
        super().__init__()
        self.subject = subject

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="leave-form-dialog"):
            yield Static("Leave without keeping it?", classes="section-title")
            yield Static(
                literal(f"You have changed {self.subject}; the change is not kept yet."),
                id="question",
            )
            with Horizontal(classes="buttons"):
                yield Button("Keep writing", id="keep-writing", variant="primary", compact=True)
                yield Button("Discard", id="discard", variant="warning", compact=True)

    def on_mount(self) -> None:
        self.query_one("#keep-writing", Button).focus()

    @on(Button.Pressed, "#keep-writing")
    def action_keep_writing(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#discard")
    def _discard(self) -> None:
        self.dismiss(True)
