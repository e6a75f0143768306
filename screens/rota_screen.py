"""The facilitator rota: plan it, publish it, and change it openly (swaps and cover)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Header, Select, Static

from screens.guarded_change import GuardsChanges
from screens.widgets.keys_footer import KeysFooter
from screens.widgets.light_select import LightSelect
from screens.widgets.plain import literal, plain
from voicesgroup import dates
from voicesgroup.errors import VoicesGroupError, shown
from voicesgroup.rota import RotaResult
from voicesgroup.rota import service as rota_service
from voicesgroup.rota.service import GenerateRequest, PreparedGeneration, RotaLine

if TYPE_CHECKING:
    from voicesgroup.rota.guard import Change

ALL_GROUPS = "all"


class RotaScreen(GuardsChanges, Screen[None]):
    """Every session with its lead and co-facilitator, why they were chosen, and its history."""

    HELP_TITLE = "Facilitator rota"
    HELP = (
        "Each session with its lead and co-facilitator. The box below says why they were "
        "chosen, or why a place is open, and every change since. Plan a rota (it is a draft), "
        "then publish the drafts shown. After that, changes are explicit and kept: swap lead "
        "and co, swap someone with another session, or say someone can't make it and choose "
        "cover from a list, best first. A change that would break a rule (training pairs, "
        "nobody twice a day, days off, monthly limits) is refused with the reason. The review "
        "is the coordinator's view of load, gaps and planned against actual."
    )
    BINDINGS = [
        Binding("g", "generate", "Plan", id="plan-rota", tooltip="Plan a rota (drafts)"),
        Binding("p", "publish", "Publish", id="publish-rota", tooltip="Publish the drafts shown"),
        Binding(
            "c",
            "cover",
            "Can't make it",
            id="cant-make-it",
            tooltip="Can't make it: find cover, best first",
        ),
        Binding(
            "w",
            "swap_roles",
            "Swap roles",
            id="swap-roles",
            tooltip="Swap roles: lead and co trade places",
            show=False,
        ),
        Binding(
            "x",
            "swap_people",
            "Swap sessions",
            id="swap-sessions",
            tooltip="Swap sessions: trade places with someone on another session",
            show=False,
        ),
        Binding(
            "r",
            "review",
            "Review",
            id="rota-review",
            tooltip="Review: load, gaps, rule breaks, planned against actual",
        ),
        # Escape goes back as everywhere; hidden from the footer so F1 Help fits at 80 columns.
        Binding("escape", "back", "Back", id="back", show=False),
    ]

    @dataclass
    class Planned(Message):
        """The planner finished; the plan is ready to be saved."""

        prepared: PreparedGeneration
        result: RotaResult

    @dataclass
    class PlanFailed(Message):
        """The planner could not plan; `reason` is one sentence."""

        reason: str

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[RotaLine] = []
        self._read_once = False
        self.group_id: UUID | None = None
        self._planning = False
        self._said = ""
        """Why the last change was not made, or that one is being checked ('' for neither)."""

    def compose(self) -> ComposeResult:
        groups = self.store.groups()
        yield Header()
        with Vertical(classes="list-screen", id="rota"):
            with Horizontal(id="rota-bar"):
                yield Static("Facilitator rota", classes="section-title", id="rota-title")
                yield LightSelect(
                    [("All groups", ALL_GROUPS)] + [(literal(g.name), str(g.id)) for g in groups],
                    value=ALL_GROUPS,
                    allow_blank=False,
                    compact=True,
                    id="rota-group",
                )
            yield Static("", classes="hint", id="rota-summary")
            table: DataTable[str] = DataTable(
                id="rota-table", cursor_type="row", zebra_stripes=True
            )
            table.add_columns("Date", "Group", "Lead", "Co", "Status")
            yield table
            with VerticalScroll(id="rota-detail-box"):
                yield Static("", id="rota-detail")
        yield KeysFooter(show_command_palette=False)

    def on_mount(self) -> None:
        # Ten years of rota take a moment to read: the screen paints first, saying so, and the
        # rows follow on the next frame (keys typed meanwhile wait for them).
        self.query_one("#rota-summary", Static).update("Reading the rota…")
        self.query_one("#rota-table", DataTable).focus()
        self.call_after_refresh(self.refresh_data, first=True)

    def on_screen_resume(self) -> None:
        if self._read_once:  # back from a dialog or screen: read again; the first read is above
            self.refresh_data()

    # -- showing ---------------------------------------------------------------------------

    def refresh_data(self, *, first: bool = False, select: UUID | None = None) -> None:
        """Read the rota again and keep the cursor on the same session (or on today's)."""
        self._read_once = True
        table = self.query_one("#rota-table", DataTable)
        keep = select or (self.selected.id if self.selected and not first else None)
        self.lines = rota_service.rota_lines(self.store, self.group_id)
        table.clear()
        every_day = dates.days_in([line.date for line in self.lines], today=self.vg.today())
        for line, day in zip(self.lines, every_day, strict=True):
            table.add_row(
                *plain(
                    day,
                    line.group,
                    line.lead or "(open)",
                    line.co or "(open)",
                    line.status,
                ),
                key=str(line.id),
            )
        if not self.lines:
            table.add_row("No rota yet", "", "", "", "press g to plan one", key="none")
        today = self.vg.today()
        row = next((i for i, line in enumerate(self.lines) if line.id == keep), None)
        if row is None:
            row = next((i for i, line in enumerate(self.lines) if line.date >= today), 0)
        table.move_cursor(row=row, scroll=True)
        # The table measures its new rows when idle; a frame drawn before that would keep its
        # header at the old widths, so its drawing is forgotten once they are measured.
        table.call_after_refresh(table.notify_style_update)
        self._show_summary()
        self._show_detail()

    def _show_summary(self) -> None:
        lines = self.lines
        drafts = sum(line.is_draft for line in lines)
        open_count = sum(line.assignment.is_open for line in lines)
        if not lines:
            words = "Nothing planned yet. Press g to plan a rota; it stays a draft until published."
        else:
            published = len(lines) - drafts
            parts = [f"{len(lines)} sessions"]
            parts += [f"{drafts} draft"] if drafts else []
            parts += [f"{published} published"] if published else []
            parts += [f"{open_count} with an open place"] if open_count else []
            words = ", ".join(parts) + "."
            words += (
                " p publishes the drafts."
                if drafts
                else " w swaps roles, x swaps with another session."
            )
        summary = self.query_one("#rota-summary", Static)
        summary.update(Text(self._said) if self._said else words)
        summary.set_class(self._said.startswith("!"), "form-problem")

    def show_problem(self, error: Exception) -> None:
        """Why a change made here was not made, in the line above the rota until the next."""
        self._said = f"! {shown(error)}"
        self._show_summary()

    def show_working(self, words: str) -> None:
        self._said = words
        self._show_summary()

    @property
    def selected(self) -> RotaLine | None:
        """The session under the cursor."""
        table = self.query_one("#rota-table", DataTable)
        if not self.lines or not 0 <= table.cursor_row < len(self.lines):
            return None
        return self.lines[table.cursor_row]

    def _show_detail(self) -> None:
        line = self.selected
        detail = self.query_one("#rota-detail", Static)
        if line is None:
            detail.update("")
            return
        text = Text()
        text.append(f"{rota_service.day_words(line.date)} · {line.group} · {line.status}", "bold")
        text.append(f"\nWhy: {line.reason or 'chosen by hand'}")
        for change in line.assignment.history[-3:]:
            text.append(f"\n{dates.date(change.on, year=False)}: {change.what}")
        detail.update(text)

    @on(DataTable.RowHighlighted, "#rota-table")
    def _moved(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail()

    @on(Select.Changed, "#rota-group")
    def _group_changed(self, event: Select.Changed) -> None:
        event.stop()
        value = event.value
        self.group_id = UUID(value) if isinstance(value, str) and value != ALL_GROUPS else None
        self.refresh_data(first=True)

    def _needs_session(self) -> RotaLine | None:
        line = self.selected
        if line is None:
            self.notify("There is no session here yet: press g to plan a rota.")
        return line

    # -- planning ---------------------------------------------------------------------------

    def action_generate(self) -> None:
        """Ask what to plan, then plan it in a worker."""
        if self._planning:
            self.notify("Still planning the last rota…")
            return
        self._ask_what_to_plan(None)

    def _ask_what_to_plan(self, start: dt.date | None) -> None:
        """The plan dialog, starting from `start`, or today unless the meetings from today
        are already published (then the first that is not)."""
        from screens.dialogs.generate_rota_dialog import GenerateRotaDialog

        if start is None:
            start = rota_service.plan_start(self.store, self.group_id, self.vg.today())
        self.app.push_screen(GenerateRotaDialog(group_id=self.group_id, start=start), self._plan)

    def _plan(self, request: GenerateRequest | None) -> None:
        if request is None:
            return
        try:
            prepared = rota_service.prepare_generation(self.store, request)
        except rota_service.AlreadyPublished as error:
            self.notify(str(error), title="Nothing to plan", severity="warning", timeout=10)
            if error.first_open is not None:
                self._ask_what_to_plan(error.first_open)
            return
        except VoicesGroupError as error:
            self.notify(str(error), title="No rota planned", severity="warning", timeout=8)
            return
        self._planning = True
        self.query_one("#rota-summary", Static).update(
            literal(f"Planning a rota for {prepared.label}…")
        )
        self._run_planner(prepared)

    @work(thread=True, exit_on_error=False, exclusive=True, group="rota-plan")
    def _run_planner(self, prepared: PreparedGeneration) -> None:
        try:
            result = rota_service.plan_generation(prepared)
        except VoicesGroupError as error:
            self.post_message(self.PlanFailed(str(error)))
        except Exception as error:  # never a crash: say what happened instead
            self.post_message(self.PlanFailed(f"The rota could not be planned: {error}"))
        else:
            self.post_message(self.Planned(prepared, result))

    def on_rota_screen_planned(self, message: Planned) -> None:
        self._planning = False
        prepared, result, today = message.prepared, message.result, self.vg.today()

        def saved(outcome: rota_service.GenerateOutcome) -> None:
            self.notify(outcome.summary(), title="Rota planned", timeout=10)
            coming = [a for a in outcome.added if a.date >= today] or outcome.added
            self.refresh_data(select=coming[0].id if coming else None)

        self._said = ""
        self.guarded_change(
            lambda store, _: rota_service.apply_generation(store, prepared, result, today=today),
            saved,
        )

    def on_rota_screen_plan_failed(self, message: PlanFailed) -> None:
        self._planning = False
        self.notify(message.reason, title="No rota planned", severity="warning", timeout=10)
        self.refresh_data()

    # -- publishing -------------------------------------------------------------------------

    def action_publish(self) -> None:
        """Publish every draft shown, after a confirmation."""
        from screens.dialogs.confirm_dialog import ConfirmDialog

        drafts = [line.id for line in self.lines if line.is_draft]
        if not drafts:
            self.notify("There are no drafts to publish here.")
            return
        whose = "all groups" if self.group_id is None else self.lines[0].group
        count = len(drafts)
        question = (
            f"Publish {count} draft session{'s' if count != 1 else ''} for {whose}? "
            "The published rota is what facilitators go by and what the session screen "
            "fills in; after this every change is kept in the session's history."
        )

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            today = self.vg.today()

            def published(count: int) -> None:
                self.notify(f"Published {count} session{'s' if count != 1 else ''}.")
                self.refresh_data()

            self._change(
                lambda store, _: rota_service.publish(store, drafts, today=today), published
            )

        self.app.push_screen(
            ConfirmDialog("Publish the rota?", question, confirm="Publish", destructive=False),
            answered,
        )

    # -- changes ------------------------------------------------------------------------------

    def _change(self, change: Change, done: str | Callable[[Any], None]) -> None:
        """Make a change through the rota's guard (in a worker); a refusal stays above the
        rota with the rule's sentence."""

        def made(result: object) -> None:
            if callable(done):
                done(result)
                return
            self.notify(done)
            self.refresh_data()

        self._said = ""
        self.guarded_change(change, made)

    def _made(self, done: str) -> None:
        """A dialog made the change: say so and show the rota as it now stands."""
        self._said = ""
        self.notify(done)
        self.refresh_data()

    def action_swap_roles(self) -> None:
        """Swap lead and co-facilitator on the chosen session."""
        line = self._needs_session()
        if line is None:
            return
        today = self.vg.today()
        self._change(
            lambda store, _: rota_service.swap_roles(store, line.id, today=today),
            f"{line.co or 'Nobody'} now leads; {line.lead or 'nobody'} co-facilitates.",
        )

    def action_swap_people(self) -> None:
        """Swap someone on this session with someone on another session."""
        from screens.dialogs.swap_dialog import SwapDialog

        line = self._needs_session()
        if line is None:
            return
        if not line.people:
            self.notify(f"{rota_service.NOBODY_ON_IT} There is nobody to swap.")
            return

        def chosen(choice: SwapDialog.Choice | None) -> None:
            if choice is not None:  # the dialog made the swap
                self._made("Swapped; both sessions keep a note of it.")

        self.app.push_screen(SwapDialog(line, self.lines), chosen)

    def action_cover(self) -> None:
        """Someone can't make the chosen session: offer cover, best first."""
        from screens.dialogs.cover_dialog import CoverDialog

        line = self._needs_session()
        if line is None:
            return
        if not line.people:
            self.notify(rota_service.NOBODY_ON_IT)
            return

        def chosen(choice: CoverDialog.Choice | None) -> None:
            if choice is None:
                return  # the dialog made the change, or nothing was changed
            if choice.cover is None:
                self._made("The place is open; it shows as a gap in the review.")
            else:
                self._made(
                    f"{choice.cover.name} covers; the change is kept in the session's history."
                )

        self.app.push_screen(CoverDialog(line), chosen)

    # -- elsewhere ------------------------------------------------------------------------------

    def action_review(self) -> None:
        """The coordinator's review: load, gaps, rule breaks, planned against actual."""
        from screens.rota_review_screen import RotaReviewScreen

        self.app.push_screen(RotaReviewScreen(group_id=self.group_id))

    def action_back(self) -> None:
        """Back to where the rota was opened from."""
        self.dismiss()
