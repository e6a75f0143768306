"""Add or change a facilitator."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Footer, Header, Input, Select, Static

from screens.widgets.form import Field, clear_messages, show_validation
from voicesgroup.models import Facilitator, TrainingStatus

WOMAN_CHOICES = [("Not said", "unset"), ("Yes", "yes"), ("No", "no")]


class FacilitatorEditScreen(Screen[None]):
    HELP_TITLE = "A facilitator"
    HELP = "Ctrl+S saves; Escape goes back without saving."
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="save-facilitator"),
        Binding("escape", "back", "Back", id="back"),
    ]

    def __init__(self, person: Facilitator | None) -> None:
        super().__init__()
        self.person = person

    def compose(self) -> ComposeResult:
        person = self.person
        woman = {None: "unset", True: "yes", False: "no"}[person.is_woman if person else None]
        yield Header()
        with VerticalScroll(classes="form"):
            yield Static(
                "New facilitator" if person is None else f"Facilitator: {person.display_name}",
                classes="section-title",
            )
            yield Field(
                "Name (first or chosen name)",
                Input(person.display_name if person else "", id="display_name"),
                name="display_name",
            )
            yield Field(
                "Training",
                Select(
                    [(status.label.capitalize(), status.value) for status in TrainingStatus],
                    value=(person.training if person else TrainingStatus.TRAINED).value,
                    allow_blank=False,
                    id="training",
                ),
                name="training",
            )
            yield Field(
                "A woman? (asked only for groups that want a woman facilitator)",
                Select(WOMAN_CHOICES, value=woman, allow_blank=False, id="is_woman"),
                name="is_woman",
            )
            yield Checkbox(
                "Facilitating at the moment", person.active if person else True, id="active"
            )
            with Horizontal(classes="buttons"):
                yield Button("Save", id="save", variant="primary", compact=True)
                yield Button("Back", id="cancel", compact=True)
        yield Footer()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_save() if event.button.id == "save" else self.action_back()

    def action_back(self) -> None:
        self.dismiss()

    def action_save(self) -> None:
        woman = {"unset": None, "yes": True, "no": False}[self.query_one("#is_woman", Select).value]
        changes = {
            "display_name": self.query_one("#display_name", Input).value,
            "training": TrainingStatus(self.query_one("#training", Select).value),
            "is_woman": woman,
            "active": self.query_one("#active", Checkbox).value,
        }
        try:
            person = self.person.with_changes(**changes) if self.person else Facilitator(**changes)
        except ValueError as error:
            show_validation(self, error, fallback="display_name")
            return
        clear_messages(self)
        if self.app.attempt(lambda: self.app.store.save_facilitator(person)):
            self.notify(f"{person.display_name} saved.")
            self.dismiss()
