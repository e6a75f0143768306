"""When a facilitator can facilitate, how often, and with whom: what the rota planner respects."""

from __future__ import annotations

from uuid import UUID

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import (
    Button,
    Checkbox,
    DataTable,
    Header,
    Input,
    Label,
    Static,
)

from screens.form_screen import FORM_KEYS, FormScreen
from screens.widgets.form import Field, FieldProblem, clear_messages, save_and_back, show_validation
from screens.widgets.keys_footer import KeysFooter
from screens.widgets.tick_marks import TickBox
from voicesgroup.errors import VoicesGroupError
from voicesgroup.kinds import WEEKDAYS
from voicesgroup.models import DateRange, Facilitator
from voicesgroup.rota import guard, rules
from voicesgroup.rota.service import day_words, parse_date


class AvailabilityScreen(FormScreen[None]):
    """Days someone can't do, dates off, a monthly limit, and who they'd like (not) to pair with."""

    HELP_TITLE = "Availability"
    HELP = (
        "What the rota respects for this facilitator: weekdays they can't do, dates they are "
        "away, the most sessions a month (blank for no limit), and partners. 'Would rather not "
        "be paired with' is kept strictly: the rota leaves a place open rather than pair them. "
        "Space ticks a day or a name; Enter in a date box adds the dates off; Delete removes "
        "the chosen dates off." + FORM_KEYS
    )
    BINDINGS = [
        Binding("ctrl+s", "submit", "Save", id="save-availability"),
        Binding(
            "delete",
            "remove_dates_off",
            "Remove dates off",
            id="remove-dates-off",
            show=False,
        ),
        Binding("escape", "leave", "Back", id="back"),
    ]

    ENTER_SUBMITS = False  # Enter in a date box adds the dates off
    FORM_FALLBACK = "max_per_month"
    FORM_SUBJECT = "their availability"

    def __init__(self, person: Facilitator) -> None:
        super().__init__()
        self.person = person
        self.dates_off: list[DateRange] = sorted(person.dates_off, key=lambda r: r.start)

    def compose(self) -> ComposeResult:
        person = self.person
        others = [p for p in self.store.facilitators() if p.id != person.id]
        limit = "" if person.max_per_month is None else str(person.max_per_month)
        yield Header()
        with VerticalScroll(classes="form", id="availability-form"):
            yield Static(
                f"Availability: {person.display_name} ({person.training.label})",
                classes="section-title",
            )
            yield Label("Days they can't do", classes="field-label")
            with Horizontal(classes="checkbox-row", id="weekdays"):
                for number, day in enumerate(WEEKDAYS):
                    yield TickBox(
                        day[:3],
                        number in person.unavailable_weekdays,
                        compact=True,
                        id=f"day-{number}",
                    )
            with Horizontal(classes="row"):
                yield Field(
                    "Most sessions a month",
                    Input(limit, placeholder="no limit", type="integer", id="max_per_month"),
                    name="max_per_month",
                )
                yield Field(
                    "Away from", Input(placeholder="YYYY-MM-DD", id="off-from"), name="from"
                )
                yield Field("Until", Input(placeholder="YYYY-MM-DD", id="off-to"), name="to")
                yield Button("Add", id="add-off", compact=True)
            yield Label("Dates off (Delete removes the chosen line)", classes="field-label")
            table: DataTable[str] = DataTable(id="dates-off", cursor_type="row")
            table.add_columns("From", "Until", "Days")
            yield table
            with Horizontal(id="partners"):
                for kind, label, chosen in (
                    ("prefer", "Would like to work with", person.prefers),
                    ("avoid", "Would rather not be paired with", person.avoids),
                ):
                    with Vertical(classes="partner-column", id=f"{kind}s"):
                        yield Label(label, classes="field-label")
                        for other in others:
                            yield TickBox(
                                other.display_name,
                                other.id in chosen,
                                compact=True,
                                id=f"{kind}-{other.id.hex}",
                                name=str(other.id),
                            )
            yield Static("", classes="field-message-inline", id="partners-message", markup=False)
            yield save_and_back()
        yield KeysFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self._show_dates_off()
        self.query_one("#day-0", Checkbox).focus()

    # -- dates off ---------------------------------------------------------------------------

    def _show_dates_off(self) -> None:
        table = self.query_one("#dates-off", DataTable)
        table.clear()
        for span in self.dates_off:
            days = (span.end - span.start).days + 1
            table.add_row(
                day_words(span.start), day_words(span.end), f"{days} day{'s' if days != 1 else ''}"
            )
        if not self.dates_off:
            table.add_row("None", "", "", key="none")
        table.display = True

    def _date_off_from_inputs(self) -> DateRange:
        start_box, end_box = self.query_one("#off-from", Input), self.query_one("#off-to", Input)
        try:
            start = parse_date(start_box.value, "first day away")
        except VoicesGroupError as error:
            raise FieldProblem("from", str(error)) from None
        try:
            end = parse_date(end_box.value, "last day away") if end_box.value.strip() else start
        except VoicesGroupError as error:
            raise FieldProblem("to", str(error)) from None
        try:
            return DateRange(start=start, end=end)
        except ValueError:  # the range's own rule: it ends on or after its start
            raise FieldProblem("to", "The last day away is before the first.") from None

    @on(Button.Pressed, "#add-off")
    @on(Input.Submitted, "#off-from, #off-to")
    def action_add_dates_off(self) -> None:
        """Add the dates typed in 'Away from' and 'Until' (one day when 'Until' is empty)."""
        try:
            span = self._date_off_from_inputs()
        except FieldProblem as problem:
            show_validation(self, problem, fallback="from")
            return
        clear_messages(self)
        self.dates_off = sorted([*self.dates_off, span], key=lambda r: r.start)
        self.query_one("#off-from", Input).value = ""
        self.query_one("#off-to", Input).value = ""
        self._show_dates_off()
        self.notify(f"Away {day_words(span.start)} to {day_words(span.end)} added; Ctrl+S saves.")

    def action_remove_dates_off(self) -> None:
        """Remove the dates off chosen in the list."""
        table = self.query_one("#dates-off", DataTable)
        if self.focused is not table:
            self.notify("Choose the dates off in the list first (Tab to it), then press Delete.")
            return
        if not self.dates_off or table.cursor_row < 0:
            return
        removed = self.dates_off.pop(min(table.cursor_row, len(self.dates_off) - 1))
        self._show_dates_off()
        self.notify(f"Removed {day_words(removed.start)} to {day_words(removed.end)}.")

    # -- saving ------------------------------------------------------------------------------

    def _chosen(self, column_id: str) -> list[UUID]:
        column = self.query_one(column_id, Vertical)
        return [UUID(box.name) for box in column.query(Checkbox) if box.value and box.name]

    def availability(self) -> dict[str, object]:
        """The answers as Facilitator fields; raises FieldProblem for one that cannot be used."""
        limit_text = self.query_one("#max_per_month", Input).value.strip()
        try:
            limit = int(limit_text) if limit_text else None
        except ValueError:
            raise FieldProblem("max_per_month", "Write a number, or leave it empty.") from None
        prefers, avoids = self._chosen("#prefers"), self._chosen("#avoids")
        dates_off = list(self.dates_off)
        if any(self.query_one(box, Input).value.strip() for box in ("#off-from", "#off-to")):
            # Dates typed but not added yet are saved with the rest, never dropped unseen.
            dates_off = sorted([*dates_off, self._date_off_from_inputs()], key=lambda r: r.start)
        return {
            "unavailable_weekdays": [
                number for number in range(7) if self.query_one(f"#day-{number}", Checkbox).value
            ],
            "dates_off": dates_off,
            "max_per_month": limit,
            "prefers": prefers,
            "avoids": avoids,
        }

    def _partners_make_sense(self) -> bool:
        """Nobody may be in both partner lists; says so beside the lists when they are."""
        names = {p.id: p.display_name for p in self.store.facilitators()}
        problem = rules.asked_both_ways(self._chosen("#prefers"), self._chosen("#avoids"), names)
        self.query_one("#partners-message", Static).update(f"! {problem}" if problem else "")
        return problem is None

    def form_changed(self) -> bool:
        return super().form_changed() or self.dates_off != sorted(
            self.person.dates_off, key=lambda r: r.start
        )

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_submit()

    def submit_form(self) -> bool:
        """Save the availability onto the stored facilitator (other details untouched)."""
        if not self._partners_make_sense():
            return False
        changes = self.availability()
        stored = self.store.facilitator(self.person.id)
        person = stored.with_changes(**changes)

        def saved(_: object) -> None:
            self.notify(f"{person.display_name}'s availability saved.")
            self.dismiss()

        today = self.vg.today()
        self.guarded_change(
            lambda store, covers: guard.save_facilitator(store, person, today=today, covers=covers),
            saved,
        )
        return False  # `saved` closes the form once the change is made

    @on(Button.Pressed, "#cancel")
    def _back_pressed(self) -> None:
        self.action_leave()
