"""One member: their name, what they agreed to, notes written with them, their own record.

Everything a member can ask for starts here: see what is kept (their consents, their notes,
a printout of it all), change it (a note corrected with them), stop it (a withdrawal) or end
it (forgetting them). Writing a note is offered only while they agree to notes.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, DataTable, Header, Input, Static

from screens.form_screen import FormScreen
from screens.widgets.form import Field, FieldProblem
from screens.widgets.kept_row import highlight_kept
from screens.widgets.keys_footer import KeysFooter
from screens.widgets.plain import literal, plain
from voicesgroup import consent, dates
from voicesgroup.errors import NotFound
from voicesgroup.members import others_with_the_same_name
from voicesgroup.models import ConsentAction, ConsentScope, Member, Note
from voicesgroup.store import ForgetReport

if TYPE_CHECKING:
    pass

PREVIEW_LENGTH = 56


def preview(text: str) -> str:
    """The start of a note, on one line."""
    flat = " ".join(text.split())
    return flat if len(flat) <= PREVIEW_LENGTH else flat[: PREVIEW_LENGTH - 1] + "…"


class MemberScreen(FormScreen[None]):
    HELP_TITLE = "A member, what they agreed to, and what is kept"
    HELP = (
        "What this member has agreed to, and every change, with who recorded it and the wording "
        "that was read out. Notes are written with them and read back before they are kept; "
        "open one to correct it with them. They can have everything kept about them printed, "
        "and can ask to be forgotten."
    )
    BINDINGS = [
        Binding("ctrl+s", "submit", "Save name", id="save-member", show=False),
        Binding("c", "consent", "Consent", id="record-consent"),
        Binding("n", "write_note", "Write a note", id="write-note"),
        Binding("o", "open_note", "Open note", id="open-note", show=False),
        Binding("p", "print_record", "Print their record", id="print-record"),
        Binding("f", "forget", "Forget", id="forget-member", tooltip="Forget this member"),
        Binding("escape", "leave", "Back", id="back"),
    ]

    ENTER_SUBMITS = False  # Enter in the record's path prints it (below)
    FORM_FALLBACK = "display_name"
    FORM_SUBJECT = "the name"

    def __init__(self, member: Member | None) -> None:
        super().__init__()
        self.member = member
        self._notes: list[Note] = []
        if member is not None:
            # An open member is read and acted on with keys (c, n, p): the focus starts on a
            # button from the first frame, so a key pressed at once never lands in the name.
            self.AUTO_FOCUS = "#consent"  # type: ignore[misc]  # this screen's own choice

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        member = self.member
        yield Header()
        with VerticalScroll(classes="form", id="member-form"):
            yield Static(literal(self._title()), classes="section-title", id="member-title")
            with Horizontal(classes="row"):
                yield Field(
                    "First or chosen name",
                    Input(member.display_name if member else "", id="display_name"),
                    name="display_name",
                )
                yield Field(
                    "Joined (YYYY-MM-DD)",
                    Input(
                        dates.typed(member.joined_on if member else self.vg.today()),
                        id="joined_on",
                    ),
                    name="joined_on",
                )
            with Horizontal(classes="buttons"):
                yield Button("Save name", id="save", variant="primary", compact=True)
                yield Button("Record consent", id="consent", compact=True)
            yield Static("What they have agreed to", classes="section-title")
            yield Static("", id="consent-state", classes="consent-state")
            yield Static("Notes written with them", classes="section-title")
            yield Static("", id="notes-why", classes="hint")
            notes: DataTable[str] = DataTable(id="member-notes", cursor_type="row")
            notes.add_columns("Written", "In their words")
            yield notes
            with Horizontal(classes="buttons"):
                yield Button("Write a note", id="write-note", compact=True)
                yield Button("Open note", id="open-note", compact=True)
            yield Static("Their own record", classes="section-title")
            yield Static(
                "Everything kept about them, printed for them to keep: consents, notes "
                "(restricted ones too), named attendance, strategies, contact details. It goes "
                "to the printer, or to a file whose name never carries theirs.",
                classes="hint",
            )
            with Horizontal(classes="buttons"):
                yield Button("Print their record…", id="print-record", compact=True)
                yield Button("Forget this member…", id="forget", variant="error", compact=True)
            yield Static("History", classes="section-title")
            history: DataTable[str] = DataTable(id="consent-history", cursor_type="none")
            history.add_columns(
                "When", "What", "Given or withdrawn", "How", "Wording", "Recorded by"
            )
            yield history
        yield KeysFooter(show_command_palette=False)

    def _title(self) -> str:
        member = self.member
        if member is None:
            return "New member"
        return f"Member: {member.display_name} · joined {dates.date(member.joined_on)}"

    def on_mount(self) -> None:
        if self.member is not None:
            # An open member is read and acted on with keys (c, n, p): letters must not
            # land in the name field. A new member starts with the name.
            self.query_one("#consent", Button).focus()

    def on_screen_resume(self) -> None:
        self.refresh_data()

    # -- what the screen shows -------------------------------------------------------------

    @property
    def may_write_notes(self) -> bool:
        """Whether the member agrees to notes now (the store checks again when saving)."""
        return self.member is not None and self.store.has_consent(
            self.member.id, ConsentScope.PERSONAL_NOTES
        )

    def refresh_data(self) -> None:
        state = self.query_one("#consent-state", Static)
        history = self.query_one("#consent-history", DataTable)
        history.clear()
        if self.member is None:
            state.update("Save the name first; then you can record what they agree to.")
            self._show_notes()
            self.refresh_bindings()
            return
        try:
            self.member = self.store.member(self.member.id)
        except NotFound:
            return  # just forgotten: the screen is closing
        self.query_one("#member-title", Static).update(literal(self._title()))
        events = self.store.consent_events(self.member.id)
        latest = consent.latest_events(events, self.member.id)
        lines = []
        for scope in ConsentScope:
            event = latest.get(scope)
            if event is None:
                lines.append(f"–  {scope.label}: not asked")
            elif event.action is ConsentAction.GIVEN:
                lines.append(f"✓  {scope.label}: yes, since {dates.date(event.on)}")
            else:
                lines.append(f"✗  {scope.label}: withdrawn {dates.date(event.on)}")
        state.update("\n".join(lines))
        for event in reversed(events):
            history.add_row(
                *plain(
                    dates.date(event.on),
                    event.scope.label,
                    event.action.value,
                    event.method.label,
                    event.wording_version,
                    event.recorded_by,
                )
            )
        self._show_notes()
        self.refresh_bindings()

    def _show_notes(self) -> None:
        table = self.query_one("#member-notes", DataTable)
        with highlight_kept(table):
            table.clear()
            member = self.member
            self._notes = self.store.notes(member.id, include_restricted=True) if member else []
            for note in self._notes:
                words = (
                    "kept restricted: shown only in their own record"
                    if note.restricted
                    else preview(note.member_words)
                )
                table.add_row(*plain(dates.date(note.created_at), words), key=str(note.id))
        table.display = bool(self._notes)
        self.query_one("#notes-why", Static).update(literal(self._notes_sentence()))
        self.query_one("#write-note", Button).disabled = not self.may_write_notes
        self.query_one("#open-note", Button).disabled = not self._notes
        for button_id in ("#print-record", "#forget"):
            self.query_one(button_id, Button).disabled = member is None

    def _notes_sentence(self) -> str:
        member = self.member
        if member is None:
            return "Save the name first."
        name = member.display_name
        count = len(self._notes)
        kept = "No notes are kept." if not count else f"{count} kept."
        if self.may_write_notes:
            correcting = (
                " o opens one to correct it with them."
                if any(not note.restricted for note in self._notes)
                else ""
            )
            return (
                f"{kept} n writes a note with {name}: it is read back to them and kept only if "
                f"they agree.{correcting}"
            )
        return (
            f"{kept} No note can be written: {name} has not said yes to notes written with "
            "them. Ask them first and record their answer (c)."
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys that need a saved member, or their consent, are shown but disabled."""
        if action == "write_note":
            return True if self.may_write_notes else None
        if action == "open_note":
            return True if self._notes else None
        if action in ("consent", "print_record", "forget"):
            return True if self.member is not None else None
        return True

    # -- buttons ---------------------------------------------------------------------------

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#consent")
    def _consent_pressed(self) -> None:
        self.action_consent()

    @on(Button.Pressed, "#write-note")
    def _write_pressed(self) -> None:
        self.action_write_note()

    @on(Button.Pressed, "#open-note")
    def _open_pressed(self) -> None:
        self.action_open_note()

    @on(Button.Pressed, "#print-record")
    def _print_pressed(self) -> None:
        self.action_print_record()

    @on(Button.Pressed, "#forget")
    def _forget_pressed(self) -> None:
        self.action_forget()

    @on(DataTable.RowSelected, "#member-notes")
    def _note_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_note()

    # -- actions ---------------------------------------------------------------------------

    def leave_form(self) -> None:
        self.dismiss()

    def form_changed(self) -> bool:
        """The name or the day they joined differs from what is kept (the path of their
        printed record is not something to lose)."""
        member = self.member
        kept = (member.display_name, dates.typed(member.joined_on)) if member else ("", "")
        name = self.query_one("#display_name", Input).value.strip()
        joined = self.query_one("#joined_on", Input).value.strip()
        if member is None:
            return bool(name)
        return (name, joined) != kept

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        """Enter saves the name."""
        event.stop()
        self.action_submit()

    def submit_form(self) -> bool:
        """Save the name and the day they joined; the member's screen stays open."""
        joined_text = self.query_one("#joined_on", Input).value.strip()
        try:
            joined = dates.read_day(joined_text, "date they joined")
        except ValueError as error:
            raise FieldProblem("joined_on", str(error)) from None
        changes = {
            "display_name": self.query_one("#display_name", Input).value,
            "joined_on": joined,
        }
        member = self.member.with_changes(**changes) if self.member else Member(**changes)
        same_name = others_with_the_same_name(self.store, member)
        if same_name and self.member is None:
            from screens.dialogs.choose_member_dialog import ChooseMemberDialog

            self.app.push_screen(
                ChooseMemberDialog(member.display_name, same_name, offer_new=True),
                partial(self._same_name_answered, member),
            )
            return False
        self._keep_member(member)
        if same_name:
            self.notify(
                f"Another member is also called {member.display_name}; the date they joined "
                "tells them apart.",
                title="Same name",
            )
        return False

    def _same_name_answered(self, member: Member, choice: str | None) -> None:
        from screens.dialogs.choose_member_dialog import SOMEONE_NEW

        if choice is None:
            return
        if choice == SOMEONE_NEW:
            self._keep_member(member)
            return
        existing = next(m for m in self.store.members() if str(m.id) == choice)
        self.member = existing
        self.query_one("#display_name", Input).value = existing.display_name
        self.query_one("#joined_on", Input).value = dates.typed(existing.joined_on)
        self.refresh_data()
        self.query_one("#consent", Button).focus()  # now a member: the letter keys act

    def _keep_member(self, member: Member) -> None:
        was_new = self.member is None
        if self.form_attempt(
            lambda: self.store.save_member(member), (f"{member.display_name} saved.", "")
        ):
            self.member = member
            if was_new:
                self.query_one("#consent", Button).focus()  # now a member: the letter keys act
            self.refresh_data()

    def action_consent(self) -> None:
        from screens.dialogs.consent_dialog import ConsentDialog

        if self.member is None:
            self.notify("Save the member's name first.", severity="warning")
            return
        self.app.push_screen(ConsentDialog(self.member), lambda _: self.refresh_data())

    def action_write_note(self) -> None:
        from screens.note_screen import NoteScreen

        if self.member is None:
            return
        if not self.may_write_notes:
            self.notify(self._notes_sentence(), title="No note", severity="warning")
            return
        self.app.push_screen(NoteScreen(self.member), lambda _: self.refresh_data())

    def selected_note(self) -> Note | None:
        table = self.query_one("#member-notes", DataTable)
        if not self._notes or table.cursor_row < 0:
            return None
        return self._notes[min(table.cursor_row, len(self._notes) - 1)]

    def action_open_note(self) -> None:
        from screens.note_screen import NoteScreen

        note = self.selected_note()
        if note is None or self.member is None:
            return
        name = self.member.display_name
        if note.restricted:
            self.notify(
                f"This note is kept restricted: it is shown only in {name}'s own record "
                "(p prints it for them).",
                title="Kept restricted",
            )
            return
        if not self.may_write_notes:
            self.notify(self._notes_sentence(), title="No change", severity="warning")
            return
        self.app.push_screen(NoteScreen(self.member, note), lambda _: self.refresh_data())

    def action_print_record(self) -> None:
        """Their own record, chosen in the print dialog like any handout: to the printer
        (nothing left on disk) or to a file named without their name."""
        from screens.dialogs.print_dialog import PrintDialog

        if self.member is None:
            return
        self.app.push_screen(PrintDialog(member_id=self.member.id))

    def action_forget(self) -> None:
        from screens.dialogs.forget_dialog import ForgetDialog

        if self.member is None:
            return
        self.app.push_screen(ForgetDialog(self.member), self._forgotten)

    def _forgotten(self, report: ForgetReport | None) -> None:
        if report is not None:
            self.dismiss()
