"""A few lines to fill in for one step of a facilitator's path: sign-off, a skip, a break."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from screens.form_screen import FormDialog

if TYPE_CHECKING:
    from voicesgroup.rota.guard import Change

Answers = dict[str, str]


class PathStepDialog(FormDialog[Answers | None]):
    """Labelled one-line answers; Ctrl+S, Enter or the button keeps them, Escape goes back.

    `fields` are (key, label, starting text). `keep` receives the answers by key and gives the
    change to make (`guard.Change`), made through the rota's guard in a worker
    (`guarded_change`); when the answers or the rules say it cannot be kept, the sentence is
    shown here and the dialog stays open with everything typed. Dismisses with the answers
    once kept.
    """

    BINDINGS = [
        Binding("ctrl+s", "submit", "Keep", id="keep-step"),
        Binding("escape", "leave", "Cancel", id="cancel-step"),
    ]
    FORM_SUBJECT = "these answers"

    def __init__(
        self,
        title: str,
        hint: str,
        fields: list[tuple[str, str, str]],
        keep: Callable[[Answers], Change],
        *,
        confirm: str = "Keep",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.hint = hint
        self.fields = fields
        self.keep = keep
        self.confirm = confirm

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="path-step-dialog"):
            yield Static(self.title_text, classes="section-title", markup=False)
            yield Static(self.hint, classes="hint", markup=False)
            for key, label, value in self.fields:
                yield Label(label)
                # No max_length: Textual drops a paste that would pass it, silently and whole.
                # The model's limit is said on saving, with everything kept.
                yield Input(value, id=f"step-{key}", compact=True)
            with Horizontal(classes="buttons"):
                yield Button(self.confirm, id="keep", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def answers(self) -> Answers:
        return {key: self.query_one(f"#step-{key}", Input).value for key, _, _ in self.fields}

    def submit_form(self) -> bool:
        change = self.keep(self.answers())  # answers that cannot be read raise here
        self.guarded_change(change, lambda _: self.dismiss_form())
        return False  # closed once the change is made

    def dismiss_form(self) -> None:
        self.dismiss(self.answers())

    @on(Button.Pressed, "#keep")
    def _keep(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.action_leave()
