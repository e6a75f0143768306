"""Who is facilitating: two people, pre-filled from the published rota, changeable."""

from __future__ import annotations

from uuid import UUID

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Select, Static

from screens.access import AppAccess
from screens.widgets.plain import literal
from voicesgroup.models import Facilitator

NOBODY = "nobody"


class StartSessionDialog(AppAccess, ModalScreen[list[UUID] | None]):
    """Asks for the lead and co-facilitator; dismisses with their ids, or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="cancel-start"),
        Binding("ctrl+s", "confirm", "Start", id="confirm-start"),
    ]

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
        options = [(literal(person.display_name), str(person.id)) for person in self.facilitators]
        known = {str(person.id) for person in self.facilitators}
        chosen = [str(person) for person in self.chosen if str(person) in known]
        where = (
            "From the published rota: change either if someone else is here."
            if self.from_rota
            else "No published rota for today: choose who is facilitating."
        )
        with VerticalScroll(classes="dialog", id="start-session-dialog", can_focus=False):
            yield Static(literal(self.title_text), classes="section-title")
            yield Static(where, classes="hint")
            with Horizontal(classes="picker-row"):
                yield Static("Lead", classes="row-label")
                yield Select(
                    options,
                    value=chosen[0] if chosen else Select.NULL,
                    prompt="Choose…",
                    id="lead",
                )
            with Horizontal(classes="picker-row"):
                yield Static("Co-facilitator", classes="row-label")
                yield Select(
                    [("Nobody else today", NOBODY), *options],
                    value=chosen[1] if len(chosen) > 1 else Select.NULL,
                    prompt="Choose…",
                    id="co",
                )
            yield Static("", id="start-problem", classes="hint")
            with Horizontal(classes="buttons"):
                yield Button(self.confirm_label, id="confirm", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        # Pre-filled from the rota: one Enter starts. Otherwise begin with the lead.
        lead = self.query_one("#lead", Select)
        (lead if lead.value is Select.NULL else self.query_one("#confirm", Button)).focus()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#confirm")
    def action_confirm(self) -> None:
        lead = self.query_one("#lead", Select).value
        co = self.query_one("#co", Select).value
        problem = self.query_one("#start-problem", Static)
        if lead is Select.NULL:
            problem.update("! Choose who is leading today.")
            return
        if co is Select.NULL:
            problem.update("! Choose a co-facilitator, or 'Nobody else today'.")
            return
        if co == lead:
            problem.update("! Choose two different people.")
            return
        ids = [UUID(str(lead))] + ([] if co == NOBODY else [UUID(str(co))])
        self.dismiss(ids)
