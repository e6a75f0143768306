"""Quitting with changes that are not on disk: say so, and offer what can still be done."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from screens.access import AppAccess
from screens.widgets.plain import literal


class UnsavedDialog(AppAccess, ModalScreen[None]):
    """Try the save again, write the changes to a file beside the data file, quit without
    them, or stay (Escape)."""

    BINDINGS = [Binding("escape", "stay", "Stay", id="stay-unsaved")]

    def __init__(self, problem: str) -> None:
        super().__init__()
        self.problem = problem

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="unsaved-dialog"):
            yield Static("Some changes are not saved", classes="section-title")
            yield Static(literal(self.problem), id="unsaved-problem")
            yield Static(
                "They are kept in this window only. Try again, or write them to a new file "
                "beside the data file (voicesgroup restore can bring them back later).",
                classes="hint",
            )
            with Horizontal(classes="buttons"):
                yield Button("Try again", id="retry", variant="primary", compact=True)
                yield Button("Write to a file", id="write", compact=True)
                yield Button("Quit without them", id="discard", variant="error", compact=True)
                yield Button("Stay", id="stay", compact=True)

    def on_mount(self) -> None:
        self.query_one("#retry", Button).focus()

    @on(Button.Pressed, "#retry")
    def _retry(self) -> None:
        problem = self.vg.try_saving_again()
        if problem is None:
            self.app.exit()
            return
        self.problem = problem
        self.query_one("#unsaved-problem", Static).update(literal(f"Still not saved: {problem}"))

    @on(Button.Pressed, "#write")
    def _write(self) -> None:
        try:
            path = self.vg.write_unsaved_beside()
        except OSError as error:
            self.query_one("#unsaved-problem", Static).update(
                literal(f"That could not be written either: {error.strerror or error}")
            )
            return
        self.vg.quit_without_saving()
        self.vg.startup_error = (
            f"Your unsaved changes were written to {path}; the data file was left as it was. "
            f"To use them: voicesgroup --db {self.vg.db_path} restore {path}"
        )

    @on(Button.Pressed, "#discard")
    def _discard(self) -> None:
        self.vg.quit_without_saving()

    @on(Button.Pressed, "#stay")
    def action_stay(self) -> None:
        self.dismiss(None)
