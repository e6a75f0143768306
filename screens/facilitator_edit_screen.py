"""Add or change a facilitator."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Checkbox, Header, Input, Select, Static

from screens.form_screen import FORM_KEYS, FormScreen
from screens.widgets.form import Field, chosen
from screens.widgets.keys_footer import KeysFooter
from screens.widgets.light_select import LightSelect
from screens.widgets.tick_marks import TickBox
from voicesgroup import facilitator_path
from voicesgroup.kinds import PathStage
from voicesgroup.models import Facilitator
from voicesgroup.rota.guard import Covers, keeping_the_rules
from voicesgroup.store import Store

WOMAN_CHOICES = [("Not said", "unset"), ("Yes", "yes"), ("No", "no")]


class FacilitatorEditScreen(FormScreen[None]):
    FORM_FALLBACK = "display_name"
    FORM_SUBJECT = "this facilitator's details"
    HELP_TITLE = "A facilitator"
    HELP = (
        "Ctrl+O sets their availability for the rota."
        " 'A woman?' is asked only when a group wants a woman facilitator."
        " 'Named in reports for funders' is ticked only when they said yes: otherwise the"
        " evaluation counts their sessions and hours within the team's, without a name." + FORM_KEYS
    )
    BINDINGS = [
        Binding("ctrl+s", "submit", "Save", id="save-facilitator"),
        Binding(
            "ctrl+o",
            "availability",
            "Availability",
            id="edit-availability",
            tooltip="Days, dates off, monthly limit and partners (for the rota)",
        ),
        Binding("escape", "leave", "Back", id="back"),
    ]

    def __init__(self, person: Facilitator | None) -> None:
        super().__init__()
        self.person = person

    def compose(self) -> ComposeResult:
        person = self.person
        woman = {None: "unset", True: "yes", False: "no"}[person.is_woman if person else None]
        self.asks_woman = any(group.women_facilitator_rule for group in self.store.groups())
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
            if person is None:
                # Where a new person starts on the path; afterwards the path screen moves them.
                yield Field(
                    "Where they are on the path",
                    LightSelect(
                        [(stage.label.capitalize(), stage.value) for stage in PathStage],
                        value=PathStage.INTERESTED.value,
                        allow_blank=False,
                        id="training",
                    ),
                    name="training",
                )
            else:
                stage = facilitator_path.path_view(self.store, person, self.vg.today())
                yield Static(
                    f"Path: {stage.stage_words} (p on Facilitators for course, shadowing "
                    "and sign-off)",
                    classes="hint",
                    markup=False,
                )
            if self.asks_woman:
                yield Field(
                    "A woman? (asked only for groups that want a woman facilitator)",
                    LightSelect(WOMAN_CHOICES, value=woman, allow_blank=False, id="is_woman"),
                    name="is_woman",
                )
            yield TickBox(
                "Facilitating at the moment", person.active if person else True, id="active"
            )
            yield TickBox(
                "Named in reports for funders (only if they said yes)",
                person.named_in_reports if person else False,
                id="named_in_reports",
            )
            with Horizontal(classes="buttons"):
                yield Button("Save", id="save", variant="primary", compact=True)
                if person is not None:
                    yield Button("Availability", id="availability", compact=True)
                yield Button("Back", id="cancel", compact=True)
        yield KeysFooter(show_command_palette=False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions = {"save": self.action_submit, "availability": self.action_availability}
        actions.get(event.button.id or "", self.action_leave)()

    def action_availability(self) -> None:
        """Days they can't do, dates off, monthly limit and partners (saved on their own)."""
        from screens.availability_screen import AvailabilityScreen

        if self.person is None:
            self.notify("Save the new facilitator first, then set their availability.")
            return
        self.app.push_screen(AvailabilityScreen(self.store.facilitator(self.person.id)))

    def submit_form(self) -> bool:
        changes = {
            "display_name": self.query_one("#display_name", Input).value,
            "active": self.query_one("#active", Checkbox).value,
            "named_in_reports": self.query_one("#named_in_reports", Checkbox).value,
        }
        if self.asks_woman:
            answer = chosen(self.query_one("#is_woman", Select))
            changes["is_woman"] = {"unset": None, "yes": True, "no": False}[answer]
        # Availability may have been saved from its own screen meanwhile: build on the stored one.
        stored = self.store.facilitator(self.person.id) if self.person else None
        person = stored.with_changes(**changes) if stored else Facilitator(**changes)

        def saved(_: object) -> None:
            self.notify(f"{person.display_name} saved.")
            self.dismiss()

        new = stored is None
        stage = PathStage(chosen(self.query_one("#training", Select))) if new else None
        today = self.vg.today()

        def save(store: Store, covers: Covers | None) -> None:
            """Through the rota's guard (made inactive: their sessions to come need cover); a
            new person also starts on the path where the form says (the path service sets
            their training status from it)."""
            with keeping_the_rules(store, today=today, covers=covers):
                store.save_facilitator(person)
                if stage is not None:
                    facilitator_path.begin(
                        store,
                        person,
                        stage,
                        today,
                        by="the coordinator",
                        reason="where they were when added",
                    )

        self.guarded_change(save, saved)
        return False  # `saved` closes the form once the change is made
