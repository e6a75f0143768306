"""Swap one person on this session with one person on another session."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Select, Static

from screens.guarded_change import GuardsChanges
from screens.widgets.light_select import LightSelect
from screens.widgets.plain import literal
from voicesgroup.rota import service as rota_service
from voicesgroup.rota.service import RotaLine, day_words, short_day
from voicesgroup.rota.swaps import swap_partners

WORKING_OUT = "Working out whom the rota's rules allow…"
"""Said for the moment the choices of "Swaps with" are being worked out."""


class SwapDialog(GuardsChanges, ModalScreen["SwapDialog.Choice | None"]):
    """Pick who moves from this session and whose place on another session they take; the
    swap is made from here, and a refusal stays here with the rule's sentence."""

    HELP_TITLE = "Swap with another session"
    HELP = (
        "Two people trade places: each takes the other's role on the other's session. Only "
        "swaps that keep the rules (training pairs, nobody twice a day, days off, monthly "
        "limits) are offered, from sessions within six weeks, worked out again when you "
        "change who moves. Ctrl+S swaps; Escape cancels."
    )
    BINDINGS = [
        Binding("ctrl+s", "swap", "Swap", id="swap-people", tooltip="Swap the two people"),
        Binding("escape", "cancel", "Cancel", id="cancel-swap"),
    ]

    @dataclass(frozen=True)
    class Choice:
        """Who moves from this session, and the session and person they trade with."""

        person_id: UUID
        other_id: UUID
        other_person_id: UUID

    def __init__(self, line: RotaLine, lines: Sequence[RotaLine]) -> None:
        super().__init__()
        self.line = line
        self.lines = lines
        self.mine = [(literal(f"{name} ({role})"), str(fid)) for fid, name, role in line.people]
        self._offered_for: str | None = None
        self._painted = False
        """Who moves, for whom the choices of "Swaps with" were worked out."""

    def partners(self, mover: UUID) -> list[tuple[Text, str]]:
        """The choices of whom `mover` swaps with: only swaps the rota's rules allow."""
        self._offered_for = str(mover)
        return [
            (
                literal(f"{short_day(other.date)} · {other.group} · {name} ({role})"),
                f"{other.id}/{fid}",
            )
            for other, fid, name, role in swap_partners(
                self.store, self.line, self.lines, mover, today=self.vg.today()
            )
        ]

    def compose(self) -> ComposeResult:
        line = self.line
        with Vertical(classes="dialog", id="swap-dialog"):
            yield Static(
                literal(f"Swap: {line.group}, {day_words(line.date)}"), classes="section-title"
            )
            with Horizontal(classes="choice-row"):
                yield Static("Who moves", classes="row-label")
                yield LightSelect(
                    self.mine,
                    value=self.mine[0][1] if self.mine else Select.BLANK,
                    allow_blank=not self.mine,
                    compact=True,
                    id="swap-mine",
                )
            with Horizontal(classes="choice-row"):
                yield Static("Swaps with", classes="row-label")
                # Filled just after the first paint: each choice is a rule check.
                yield LightSelect([], compact=True, id="swap-theirs", prompt="Choose…")
            yield Static(WORKING_OUT, id="swap-offered", classes="hint")
            with Horizontal(classes="buttons"):
                yield Button("Swap", id="swap", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#swap-theirs", Select).focus()
        self.call_after_refresh(self._first_offer)

    def _first_offer(self) -> None:
        """The first choices, once the dialog is on screen."""
        self._painted = True
        self._mover_changed()

    @staticmethod
    def _offered_words(offered: int) -> str:
        """What the choices are: every swap offered keeps the rules; or that there is none."""
        if offered == 0:
            return (
                "Nobody on a session within six weeks can swap with them without breaking a "
                "rule of the rota (days off, one session a day, training pairs, limits)."
            )
        return (
            "Each takes the other's place and role. Only swaps the rota's rules allow are offered."
        )

    @on(Select.Changed, "#swap-mine")
    def _mover_changed(self) -> None:
        """Whom they may swap with depends on who moves: the choices are worked out again,
        the choice kept where it is still offered, and any earlier sentence cleared."""
        mine = self.query_one("#swap-mine", Select).value
        if not self._painted or mine == self._offered_for:
            return  # the choice first shown, or chosen again
        theirs = self.query_one("#swap-theirs", Select)
        chosen = theirs.value
        options = self.partners(UUID(mine)) if isinstance(mine, str) else []
        theirs.set_options(options)
        if any(value == chosen for _, value in options):
            theirs.value = chosen
        self.query_one("#swap-offered", Static).update(self._offered_words(len(options)))
        self.clear_problems()

    @on(Select.Changed, "#swap-theirs")
    def _partner_changed(self) -> None:
        """A sentence about an earlier choice no longer holds."""
        self.clear_problems()

    @on(Button.Pressed, "#swap")
    def action_swap(self) -> None:
        """Make the chosen swap through the rota's guard; closes once it is made."""
        mine = self.query_one("#swap-mine", Select).value
        theirs = self.query_one("#swap-theirs", Select).value
        self.clear_problems()
        if not isinstance(mine, str) or not isinstance(theirs, str):
            self.show_problem(ValueError("Choose who moves and whom they swap with."))
            return
        other_id, other_person = theirs.split("/")
        choice = self.Choice(UUID(mine), UUID(other_id), UUID(other_person))
        line_id, today = self.line.id, self.vg.today()
        self.guarded_change(
            lambda store, _: rota_service.swap_people(
                store,
                line_id,
                choice.person_id,
                choice.other_id,
                choice.other_person_id,
                today=today,
            ),
            lambda _: self.dismiss(choice),
        )

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        """Change nothing: a change being checked is dropped, whenever its check ends."""
        self.drop_change()
        self.dismiss(None)
