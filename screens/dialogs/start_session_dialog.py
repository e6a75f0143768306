"""Who is facilitating: two people, pre-filled from the published rota, changeable."""

from __future__ import annotations

from uuid import UUID

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Select, Static

from screens.form_screen import FormDialog
from screens.widgets.facilitator_picker import FacilitatorPicker
from screens.widgets.plain import literal
from voicesgroup.models import Facilitator


class StartSessionDialog(FormDialog[list[UUID] | None]):
    """Asks for the lead and co-facilitator; dismisses with their ids, or None when cancelled."""

    BINDINGS = [
        Binding("escape", "leave", "Cancel", id="cancel-start"),
        Binding("ctrl+s", "submit", "Start", id="confirm-start"),
    ]
    FORM_SUBJECT = "who is facilitating"

    def __init__(
        self,
        title: str,
        facilitators: list[Facilitator],
        chosen: list[UUID],
        from_rota: bool,
        confirm_label: str = "Start",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.facilitators = facilitators
        self.chosen = chosen
        self.from_rota = from_rota
        self.confirm_label = confirm_label

    def compose(self) -> ComposeResult:
        where = (
            "From the published rota: change either if someone else is here."
            if self.from_rota
            else "No published rota for today: choose who is facilitating."
        )
        with VerticalScroll(classes="dialog", id="start-session-dialog", can_focus=False):
            yield Static(literal(self.title_text), classes="section-title")
            yield Static(where, classes="hint")
            yield FacilitatorPicker(
                self.facilitators,
                self.chosen,
                labels=("Lead", "Co-facilitator"),
                nobody="Nobody else today",
                ids=("lead", "co"),
                second_defaults_to_nobody=False,
            )
            with Horizontal(classes="buttons"):
                yield Button(self.confirm_label, id="confirm", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        # Pre-filled from the rota: one Enter starts. Otherwise begin with the lead.
        lead = self.query_one("#lead", Select)
        (lead if lead.value is Select.NULL else self.query_one("#confirm", Button)).focus()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.action_leave()

    @on(Button.Pressed, "#confirm")
    def _confirm(self) -> None:
        self.action_submit()

    @on(Select.Changed)
    def _choice_changed(self) -> None:
        """A sentence about the choice as it was ("Choose who is leading today") goes once
        the choice changes; saving says again what still needs changing."""
        self.clear_problems()

    def submit_form(self) -> bool:
        from voicesgroup.facilitator_path import may_start_with  # the rota's modules

        picker = self.query_one(FacilitatorPicker)
        problem = picker.problem("Choose who is leading today.")
        if problem:
            raise ValueError(problem)
        chosen = picker.chosen()
        known = {person.id: person for person in self.facilitators}
        # The path's rule and the rota's rules for someone in training, from the core.
        problem = may_start_with(self.store, [known[i] for i in chosen if i in known])
        if problem:
            raise ValueError(problem)
        self.dismiss(chosen)
        return False  # dismissed with the pair above
