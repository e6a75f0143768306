"""A change to someone would break sessions to come: choose cover (or an open place) for each.

Every screen makes such a change (a break, availability, someone made inactive, no longer
experienced) with `guarded_change` (screens/guarded_change.py): when the core's guard lists
sessions that need cover, this dialog asks, and the change is made again with the answers, all
in one save. Cancel changes nothing, and the screen keeps what was typed.
"""

from __future__ import annotations

from uuid import UUID

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Select, Static

from screens.widgets.light_select import LightSelect
from screens.widgets.plain import literal
from voicesgroup.rota import CoverSuggestion
from voicesgroup.rota.guard import CoverNeeded, Touched

LEAVE_OPEN = "open"


class CoverNeededDialog(ModalScreen[dict[UUID, CoverSuggestion | None] | None]):
    """Each session the change would break, with who could cover it, best first."""

    HELP_TITLE = "Cover needed"
    HELP = (
        "This change would leave someone on sessions to come that they can no longer hold. "
        "For each, choose who covers (best first, each keeping every rule) or leave the place "
        "open. Ctrl+S makes the change with that cover, in one go; Escape changes nothing."
    )
    BINDINGS = [
        Binding("ctrl+s", "keep", "Make the change", id="keep-with-cover"),
        Binding("escape", "cancel", "Cancel", id="cancel-cover-needed"),
    ]

    def __init__(self, needed: CoverNeeded) -> None:
        super().__init__()
        self.needed = needed
        self.touched: list[Touched] = needed.touched

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="cover-needed-dialog"):
            yield Static("Cover needed", classes="section-title")
            yield Static(literal(str(self.needed)), classes="hint", id="cover-needed-why")
            with VerticalScroll(id="cover-needed-list"):
                for number, touched in enumerate(self.touched):
                    yield Static(literal(touched.line), classes="cover-needed-line")
                    options = [
                        (literal(suggestion.reason), str(suggestion.facilitator_id))
                        for suggestion in touched.suggestions
                    ]
                    options.append((literal("Leave the place open"), LEAVE_OPEN))
                    yield LightSelect(
                        options,
                        value=options[0][1],
                        allow_blank=False,
                        compact=True,
                        id=f"cover-choice-{number}",
                    )
            with Horizontal(classes="buttons"):
                yield Button("Make the change", id="keep", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        if self.touched:
            self.query_one("#cover-choice-0", Select).focus()

    def choices(self) -> dict[UUID, CoverSuggestion | None]:
        """What is chosen for each session: a cover, or None for an open place."""
        chosen: dict[UUID, CoverSuggestion | None] = {}
        for number, touched in enumerate(self.touched):
            value = self.query_one(f"#cover-choice-{number}", Select).value
            chosen[touched.assignment.id] = next(
                (s for s in touched.suggestions if str(s.facilitator_id) == value), None
            )
        return chosen

    @on(Button.Pressed, "#keep")
    def action_keep(self) -> None:
        """Make the change, with the cover chosen for each session."""
        self.dismiss(self.choices())

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        """Change nothing."""
        self.dismiss(None)
