"""A yes/no question with the consequence spelled out; Escape is always 'no'."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from screens.access import AppAccess
from screens.widgets.plain import literal


class ConfirmDialog(AppAccess, ModalScreen[bool]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel-confirm")]

    def __init__(
        self, title: str, question: str, *, confirm: str = "Yes", destructive: bool = True
    ) -> None:
        super().__init__()
        self._title = title
        self._question = question
        self._confirm = confirm
        self.destructive = destructive
        """Whether confirming loses something: then Cancel has the focus, so a stray Enter
        keeps everything; otherwise (publishing, say) Enter does what was asked."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="confirm-dialog"):
            yield Static(literal(self._title), classes="section-title")
            yield Static(literal(self._question), id="question")
            with Horizontal(classes="buttons"):
                yield Button(
                    self._confirm,
                    id="confirm",
                    variant="warning" if self.destructive else "primary",
                    compact=True,
                )
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#cancel" if self.destructive else "#confirm", Button).focus()

    @on(Button.Pressed, "#confirm")
    def _confirmed(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
