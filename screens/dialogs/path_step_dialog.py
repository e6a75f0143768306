"""A few lines to fill in for one step of a facilitator's path: sign-off, a skip, a break."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static


class PathStepDialog(ModalScreen[dict[str, str] | None]):
    """Labelled one-line answers; Ctrl+S or the button keeps them, Escape drops them.

    `fields` are (key, label, starting text). The answers come back by key; the service that
    receives them decides whether they are enough and says why not.
    """

    BINDINGS = [
        Binding("ctrl+s", "keep", "Keep", id="keep-step"),
        Binding("escape", "cancel", "Cancel", id="cancel-step"),
    ]

    def __init__(
        self, title: str, hint: str, fields: list[tuple[str, str, str]], *, confirm: str = "Keep"
    ) -> None:
        super().__init__()
        self.title_text = title
        self.hint = hint
        self.fields = fields
        self.confirm = confirm

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="path-step-dialog"):
            yield Static(self.title_text, classes="section-title")
            yield Static(self.hint, classes="hint")
            for key, label, value in self.fields:
                yield Label(label)
                yield Input(value, id=f"step-{key}", max_length=500, compact=True)
            with Horizontal(classes="buttons"):
                yield Button(self.confirm, id="keep", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def action_keep(self) -> None:
        self.dismiss(
            {key: self.query_one(f"#step-{key}", Input).value for key, _, _ in self.fields}
        )

    @on(Button.Pressed, "#keep")
    def _keep(self) -> None:
        self.action_keep()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_keep()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
