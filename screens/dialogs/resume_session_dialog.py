"""Offered on start-up: a session was left in progress; pick it up exactly where it was."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from screens.access import AppAccess


class ResumeSessionDialog(AppAccess, ModalScreen[bool]):
    """Says what was in progress; dismisses True to resume, False to leave it for now."""

    BINDINGS = [
        Binding("escape", "later", "Not now", id="resume-later"),
        Binding("enter", "resume", "Resume", id="resume-session"),
    ]

    def __init__(self, description: str) -> None:
        super().__init__()
        self.description = description

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="resume-dialog"):
            yield Static("A session is still in progress", classes="section-title")
            yield Static(self.description, id="resume-description")
            yield Static(
                "Everything entered so far was kept. Resume to carry on exactly where it was.",
                classes="hint",
            )
            with Horizontal(classes="buttons"):
                yield Button("Resume", id="resume", variant="primary")
                yield Button("Not now", id="later")

    def on_mount(self) -> None:
        self.query_one("#resume", Button).focus()

    @on(Button.Pressed, "#resume")
    def action_resume(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#later")
    def action_later(self) -> None:
        self.dismiss(False)
