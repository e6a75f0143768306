"""Plan a rota: for one group or all together, how many weeks, from which day."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Select, Static

from screens.form_screen import FormDialog
from screens.widgets.form import Field, FieldProblem
from screens.widgets.light_select import LightSelect
from screens.widgets.plain import literal
from voicesgroup import dates
from voicesgroup.errors import VoicesGroupError
from voicesgroup.rota.service import DEFAULT_WEEKS, GenerateRequest, parse_date, parse_weeks

ALL_GROUPS = "all"


class GenerateRotaDialog(FormDialog[GenerateRequest | None]):
    """Asks what to plan; dismisses with a `GenerateRequest`, or None when cancelled."""

    HELP_TITLE = "Plan a rota"
    HELP = (
        "Choose one group or all groups together, the first day and how many weeks. Draft "
        "sessions in those weeks are planned again; published sessions are kept as they are. "
        "Ctrl+S (or Enter in a box) plans; Escape cancels."
    )
    FORM_FALLBACK = "weeks"
    FORM_SUBJECT = "what to plan"
    BINDINGS = [
        Binding("ctrl+s", "submit", "Plan", id="plan-rota", tooltip="Plan the rota"),
        Binding("escape", "leave", "Cancel", id="cancel-plan"),
    ]

    def __init__(self, *, group_id: UUID | None, start: dt.date) -> None:
        super().__init__()
        self.group_id = group_id
        self.start = start

    def compose(self) -> ComposeResult:
        groups = self.store.groups()
        choices = [("All groups together", ALL_GROUPS)] + [
            (literal(group.name), str(group.id)) for group in groups
        ]
        chosen = str(self.group_id) if self.group_id else ALL_GROUPS
        if all(value != chosen for _, value in choices):
            chosen = ALL_GROUPS
        with Vertical(classes="dialog", id="generate-dialog"):
            yield Static("Plan a rota", classes="section-title")
            yield Field(
                "For",
                LightSelect(choices, value=chosen, allow_blank=False, id="rota-group"),
                name="group",
            )
            with Horizontal(classes="row"):
                yield Field(
                    "From (YYYY-MM-DD)",
                    Input(dates.typed(self.start), id="rota-from"),
                    name="from",
                )
                yield Field(
                    "Weeks",
                    Input(str(DEFAULT_WEEKS), id="rota-weeks", type="integer"),
                    name="weeks",
                )
            yield Static(
                "Drafts in those weeks are planned again; published sessions stay as they are.",
                classes="hint",
            )
            with Horizontal(classes="buttons"):
                yield Button("Plan", id="generate", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#rota-weeks", Input).focus()

    def request(self) -> GenerateRequest:
        """What was asked for; raises `FieldProblem` naming the field that cannot be used."""
        value = self.query_one("#rota-group", Select).value
        group_id = UUID(value) if isinstance(value, str) and value != ALL_GROUPS else None
        try:
            start = parse_date(self.query_one("#rota-from", Input).value, "start date")
        except VoicesGroupError as error:
            raise FieldProblem("from", str(error)) from None
        try:
            weeks = parse_weeks(self.query_one("#rota-weeks", Input).value)
        except VoicesGroupError as error:
            raise FieldProblem("weeks", str(error)) from None
        try:
            return GenerateRequest(group_id, start, weeks)
        except VoicesGroupError as error:
            raise FieldProblem("from", str(error)) from None

    @on(Button.Pressed, "#generate")
    def _generate_pressed(self) -> None:
        self.action_submit()

    def submit_form(self) -> bool:
        """Check the answers and hand them back to the rota screen."""
        self.dismiss(self.request())
        return False  # dismissed with the request above

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_leave()
