"""Someone can't make a session: who could cover, best first, each with the reason."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, OptionList, Select, Static
from textual.widgets.option_list import Option

from screens.guarded_change import GuardsChanges
from screens.widgets.light_select import LightSelect
from screens.widgets.plain import literal
from voicesgroup.errors import VoicesGroupError
from voicesgroup.rota import CoverSuggestion
from voicesgroup.rota import service as rota_service
from voicesgroup.rota.service import NOBODY_ON_IT, RotaLine, cover_suggestions, day_words


class CoverDialog(GuardsChanges, ModalScreen["CoverDialog.Choice | None"]):
    """Choose who can't make it, then someone to cover (or leave the place open). The change
    is made from here; a refusal stays here, with the rule's sentence above the buttons."""

    HELP_TITLE = "Can't make it"
    HELP = (
        "Choose who can't make it. The list shows who could cover, best first: only people "
        "who keep every rule (free that day, under their monthly limit, a training pair that "
        "works) are offered, and each line says why. Enter on a name covers with them; "
        "'Leave open' leaves the place for later. Either way the day becomes one of their "
        "dates off, so no later swap puts them back on it. Every change is kept in the "
        "session's history. Escape cancels."
    )
    BINDINGS = [
        Binding("ctrl+s", "cover", "Cover", id="choose-cover", tooltip="Cover with the chosen one"),
        Binding("ctrl+o", "leave_open", "Leave open", id="leave-open"),
        Binding("escape", "cancel", "Cancel", id="cancel-cover"),
    ]

    @dataclass(frozen=True)
    class Choice:
        """What was decided: who leaves, and who covers (None leaves the place open)."""

        leaving_id: UUID
        cover: CoverSuggestion | None

    def __init__(self, line: RotaLine, leaving_id: UUID | None = None) -> None:
        super().__init__()
        self.line = line
        item = line.assignment
        self.people = [
            (fid, name, role)
            for fid, name, role in (
                (item.lead_id, line.lead, "leads"),
                (item.co_id, line.co, "co-facilitates"),
            )
            if fid is not None
        ]
        ids = [fid for fid, _, _ in self.people]
        self.leaving_id = leaving_id if leaving_id in ids else (ids[0] if ids else None)
        self.suggestions: list[CoverSuggestion] = []

    def compose(self) -> ComposeResult:
        line = self.line
        with Vertical(classes="dialog", id="cover-dialog"):
            yield Static(
                literal(f"Can't make it: {line.group}, {day_words(line.date)}"),
                classes="section-title",
            )
            with Horizontal(classes="choice-row"):
                yield Static("Who can't", classes="row-label")
                yield LightSelect(
                    [(literal(f"{name} ({role})"), str(fid)) for fid, name, role in self.people],
                    value=str(self.leaving_id) if self.leaving_id else Select.BLANK,
                    allow_blank=self.leaving_id is None,
                    compact=True,
                    id="cover-leaving",
                )
            yield Static("Who could cover, best first", classes="hint", id="cover-heading")
            yield OptionList(id="cover-suggestions")
            with Horizontal(classes="buttons"):
                yield Button("Cover", id="cover", variant="primary", compact=True)
                yield Button("Leave open", id="open", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        self._show_suggestions()
        self.query_one("#cover-suggestions", OptionList).focus()

    @on(Select.Changed, "#cover-leaving")
    def _leaving_changed(self, event: Select.Changed) -> None:
        event.stop()
        if isinstance(event.value, str):
            self.leaving_id = UUID(event.value)
            self._show_suggestions()

    def _show_suggestions(self) -> None:
        options = self.query_one("#cover-suggestions", OptionList)
        options.clear_options()
        heading = self.query_one("#cover-heading", Static)
        self.suggestions = []
        if self.leaving_id is None:
            heading.update(NOBODY_ON_IT)
            return
        try:
            self.suggestions = cover_suggestions(self.store, self.line.id, self.leaving_id)
        except VoicesGroupError as error:
            heading.update(literal(f"! {error}"))
            return
        if not self.suggestions:
            heading.update(
                "Nobody else can cover without breaking a rule. Leave the place open, "
                "or ask around."
            )
            return
        heading.update(f"Who could cover, best first ({len(self.suggestions)})")
        for rank, suggestion in enumerate(self.suggestions, start=1):
            prompt = Text.assemble(
                (f"{rank}. {suggestion.name}", "bold"),
                f", could {suggestion.role_words}:\n{suggestion.why}",
            )
            if rank > 1:
                options.add_option(None)
            options.add_option(Option(prompt, id=str(suggestion.facilitator_id)))
        options.highlighted = 0

    @on(OptionList.OptionSelected, "#cover-suggestions")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_cover()

    @on(Button.Pressed, "#cover")
    def action_cover(self) -> None:
        """Cover with the highlighted person."""
        option = self.query_one("#cover-suggestions", OptionList).highlighted_option
        chosen = next(
            (s for s in self.suggestions if option and str(s.facilitator_id) == option.id), None
        )
        self.clear_problems()
        if self.leaving_id is None or chosen is None:
            self.show_problem(ValueError("Nobody to choose: leave the place open instead."))
            return
        self._make(self.Choice(self.leaving_id, chosen))

    @on(Button.Pressed, "#open")
    def action_leave_open(self) -> None:
        """Take them off the session and leave the place open."""
        self.clear_problems()
        if self.leaving_id is not None:
            self._make(self.Choice(self.leaving_id, None))

    def _make(self, choice: Choice) -> None:
        """Make the change through the rota's guard; closes with `choice` once it is made."""
        line_id, leaving, cover, today = (
            self.line.id,
            choice.leaving_id,
            choice.cover,
            self.vg.today(),
        )
        if cover is None:
            self.guarded_change(
                lambda store, _: rota_service.leave_open(store, line_id, leaving, today=today),
                lambda _: self.dismiss(choice),
            )
        else:
            self.guarded_change(
                lambda store, _: rota_service.apply_cover(
                    store, line_id, leaving, cover, today=today
                ),
                lambda _: self.dismiss(choice),
            )

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        """Change nothing."""
        self.dismiss(None)
