"""The organisation's settings: the idle lock, how long records are kept, the passphrase."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, DataTable, Header, Input, Static

from screens.form_screen import FormScreen
from screens.paint_first import PaintsFirst
from screens.widgets.form import Field, FieldProblem
from screens.widgets.keys_footer import KeysFooter
from screens.widgets.plain import literal, plain
from voicesgroup import dates, protection, retention, setting_numbers

THRESHOLD = "report_smallest_count"
"""The setting that protects counts in reports (`protection`): its consequence is shown
beside it."""

AUDIT_WHEN_WIDTH = 21  # "Tue 1 Dec 2026, 14:05"
AUDIT_WHAT_WIDTH = 20
AUDIT_MARGIN = 6
"""The form's padding and its scroll bar, beside the log's three columns."""


class SettingsScreen(FormScreen[None], PaintsFirst):
    """The settings form; the log, retention and protection lines are read just after the
    first paint (the log's chain is checked from its first entry)."""

    HELP_TITLE = "Settings and safety"
    HELP = (
        "How long records are kept, when the screen locks itself, the passphrase, and the log "
        "of what was done (never what was said). Ctrl+S saves."
    )
    BINDINGS = [
        Binding("ctrl+s", "submit", "Save", id="save-settings"),
        Binding("p", "passphrase", "Passphrase", id="passphrase"),
        Binding("escape", "leave", "Back", id="back"),
    ]

    FORM_FALLBACK = "organisation"
    FORM_SUBJECT = "the settings"

    NUMBERS = {
        "idle_lock_minutes": "Lock the screen after this many idle minutes",
        "session_lock_minutes": ("In a session the room view comes on then; lock after (minutes)"),
        "notes_months": "Keep notes written with members for (months)",
        "debriefs_months": "Keep facilitators' debriefs for (months)",
        "named_attendance_months": "Keep names on attendance for (months), then count only",
        "report_smallest_count": "Reports round counts of people to the nearest (3 or more)",
        "report_preparation_minutes": "Reports add preparation minutes to volunteer hours",
        "report_debrief_minutes": "Reports add debrief minutes to volunteer hours",
        "shadowing_before_sign_off": "Shadowed sessions before sign-off is suggested",
        "supervision_weeks": "Supervision is due after this many weeks",
    }

    def compose(self) -> ComposeResult:
        settings = self.store.settings()
        yield Header()
        with VerticalScroll(classes="form"):
            yield Static("Settings and safety", classes="section-title")
            yield Field(
                "Organisation (printed on handouts)",
                Input(settings.organisation, id="organisation"),
                name="organisation",
            )
            for name, label in self.NUMBERS.items():
                yield Field(
                    label, Input(str(getattr(settings, name)), id=name, type="integer"), name=name
                )
                if name == THRESHOLD:
                    yield Static(
                        self._threshold_words(str(settings.report_smallest_count)),
                        id="threshold-words",
                        classes="hint",
                        markup=False,
                    )
            with Horizontal(classes="buttons"):
                yield Button("Save", id="save", variant="primary", compact=True)
                yield Button("Passphrase…", id="passphrase", compact=True)
                yield Button("Apply retention…", id="retention", compact=True)
            yield Static("", id="retention-due", classes="hint")
            yield Static("", id="protection", classes="hint")
            yield Static("What was done", classes="section-title")
        yield KeysFooter(show_command_palette=False)

    @staticmethod
    def _threshold_words(typed: str) -> str:
        """What the threshold typed does to a report's counts, in the report's own words."""
        try:
            threshold = setting_numbers.read(THRESHOLD, typed)
        except setting_numbers.SettingRefused:
            return ""  # said on saving, beside the field
        return f"In reports, each count is {protection.hidden_words(threshold)}."

    @on(Input.Changed, f"#{THRESHOLD}")
    def _threshold_typed(self, event: Input.Changed) -> None:
        self.query_one("#threshold-words", Static).update(self._threshold_words(event.value))

    def _audit_table(self) -> DataTable[str | Text]:
        """The log's table, made as it is first read: it is below the fold, and a table costs
        the first paint as much as several fields."""
        for found in self.query("#audit").results(DataTable):
            return found
        table: DataTable[str | Text] = DataTable(id="audit", cursor_type="none")
        # The detail takes the width left over, so a long one ends in "…" on screen rather
        # than running off its edge (as History's themes do).
        left = self.app.size.width - AUDIT_WHEN_WIDTH - AUDIT_WHAT_WIDTH - 3 * 2 - AUDIT_MARGIN
        table.add_column("When", width=AUDIT_WHEN_WIDTH)
        table.add_column("What", width=AUDIT_WHAT_WIDTH)
        table.add_column("Detail", width=max(left, 12))
        self.query_one(".form", VerticalScroll).mount(table)
        return table

    def refresh_data(self) -> None:
        from voicesgroup.store.audit import chain_problems

        store = self.store
        protection = (
            "This file is encrypted with a passphrase."
            if store.encrypted
            else "This file has no passphrase: anyone with the laptop could read it."
        )
        entries = store.audit_log()
        problems = chain_problems(entries)
        chain = (
            "The log's chain holds."
            if not problems
            else f"! The log was tampered with: {problems[0]}"
        )
        self.query_one("#protection", Static).update(literal(f"{protection}\n{chain}"))
        due = retention.due(store, self.vg.today())
        self.query_one("#retention-due", Static).update(literal(due.summary()))
        self.query_one("#retention", Button).disabled = not due.anything
        log = self._audit_table()
        log.clear()
        for entry in reversed(entries[-200:]):
            log.add_row(*plain(dates.day_and_clock(entry.created_at), entry.action, entry.detail))

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_submit()

    def submit_form(self) -> bool:
        """Save the settings; the screen stays open (it holds the log and retention too)."""
        organisation = self.query_one("#organisation", Input).value
        self.ask_about_names(
            {"organisation": organisation},
            "The organisation's name prints on every handout and goes to every laptop: keep "
            "members' names out.",
        )
        values: dict[str, object] = {"organisation": organisation}
        for name in self.NUMBERS:
            try:
                values[name] = setting_numbers.read(name, self.query_one(f"#{name}", Input).value)
            except setting_numbers.SettingRefused as refused:
                raise FieldProblem(name, str(refused)) from None
        current = self.store.settings()
        # Only the fields on this form change: the rest (the print folder, words that
        # are not names…) are kept as they are.
        settings = current.model_validate({**current.model_dump(), **values})
        if self.form_attempt(lambda: self.store.save_settings(settings), ("Settings saved.", "")):
            for name in self.NUMBERS:  # as kept: "０５" shows as 5
                self.query_one(f"#{name}", Input).value = str(getattr(settings, name))
            self.remember_form()
        return False

    def show_log(self) -> None:
        """Scroll to "What was done", the log at the foot of the settings."""
        self.query_one(".form", VerticalScroll).scroll_end(animate=False)

    @on(Button.Pressed, "#passphrase")
    def action_passphrase(self) -> None:
        from screens.dialogs.passphrase_dialog import PassphraseDialog

        self.app.push_screen(PassphraseDialog(), lambda _: self.refresh_data())

    @on(Button.Pressed, "#retention")
    def action_apply_retention(self) -> None:
        from screens.dialogs.confirm_dialog import ConfirmDialog

        due = retention.due(self.store, self.vg.today())
        if not due.anything:
            self.notify(due.summary())
            return
        question = "This will:\n• " + "\n• ".join(due.describe()) + "\nIt cannot be undone."
        self.app.push_screen(
            ConfirmDialog("Apply the retention periods?", question, confirm="Apply"),
            self._apply_retention,
        )

    def _apply_retention(self, confirmed: bool | None) -> None:
        if confirmed and self.vg.attempt(
            lambda: retention.apply(self.store, self.vg.today()), ("Retention applied.", "")
        ):
            self.refresh_data()

    def leave_form(self) -> None:
        self.dismiss()
