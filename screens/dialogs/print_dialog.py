"""Print a handout: see exactly what will be on it, choose the options, and send it to a
printer (nothing is written to disk) or save it as a file."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path
from uuid import UUID

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Checkbox, Input, Select, Static
from textual.worker import get_current_worker

from screens.dialogs.confirm_dialog import ConfirmDialog
from screens.dialogs.leave_out_question import NOT_LEFT_OUT, answered_with, leave_out_question
from screens.form_screen import FormDialog
from screens.widgets.light_select import LightSelect
from screens.widgets.plain import literal
from screens.widgets.printer_choice import PrinterChoice
from screens.widgets.tick_marks import TickBox
from voicesgroup import dates, library, outputs, printers, printing
from voicesgroup.errors import (
    CannotPrintCharacters,
    NameToConfirm,
    OutputRefused,
    UncheckedContacts,
    VoicesGroupError,
    shown,
)
from voicesgroup.models import Group, Member
from voicesgroup.store.snapshot import Snapshot

FORMATS = [("PDF", "pdf"), ("Plain text", "txt"), ("Web page", "html")]
NOT_ON_IT = "not offered"
"""Said beside a choice this kind of printout does not offer (with a dash in its box)."""
OUTPUTS: dict[object, printing.Output] = {"pdf": "pdf", "txt": "txt", "html": "html"}
"""Each format's choice as the print request's output."""
NO_GROUP = ""
FOLLOW_SECONDS = 120
"""How long the dialog follows a job in the printer's queue before leaving it to the printer."""
FOLLOW_EVERY = 0.5
NO_MEMBERS: tuple[str | Text, str] = ("No members yet", "")


class PrintDialog(FormDialog[None]):
    """Choose a handout and its options; the dialog lists what it will carry before printing.

    A form like every other (`FormDialog`): a choice that cannot be printed keeps everything
    chosen and typed, with the sentence above the buttons; Escape after changing something asks
    first; keys typed while it opens reach it. Printing does not close it: it says how the job
    went, and what it printed counts as kept."""

    HELP_TITLE = "Print a handout"
    HELP = (
        "Choose what to print, for which group, and how. 'What will be printed' lists "
        "everything the handout will carry before anything is made; a discreet sheet says "
        "what it leaves out and why. Plain text and web page are the same handout for a "
        "screen reader. Ctrl+S sends it to the printer chosen in 'Print to' (the one used "
        "last comes first; nothing is written to disk), or saves it as a file when 'A file' "
        "is chosen; it asks before replacing a file. The folder you save in is remembered. "
        "A member's own record is chosen here like any handout. Escape closes, asking first "
        "when something chosen or typed has not been printed."
    )
    FORM_SUBJECT = "what to print"
    BINDINGS = [
        Binding("ctrl+s", "submit", "Print", id="print-handout", tooltip="Print, or save the file"),
        Binding("escape", "leave", "Close", id="close-print"),
    ]

    @dataclass
    class HandoutSaved(Message):
        """The handout is on disk."""

        path: Path
        printed: printing.Printed

    @dataclass
    class HandoutSent(Message):
        """The printer took the handout (nothing was written to disk)."""

        job: printers.Job
        printed: printing.Printed

    @dataclass
    class JobFollowed(Message):
        """Where a job sent from here is now, in plain words."""

        progress: printers.Progress
        words: str

    @dataclass
    class HandoutFailed(Message):
        """Nothing could be saved; `reason` is one sentence for the person printing."""

        reason: str

    @dataclass
    class HandoutQuestion(Message):
        """Printing stopped on something only a person can answer (nothing was saved)."""

        error: VoicesGroupError

    def __init__(
        self,
        group_id: UUID | None = None,
        strategy_ids: list[UUID] | None = None,
        *,
        member_id: UUID | None = None,
    ) -> None:
        super().__init__()
        self.group_id = group_id
        self.member_id = member_id
        self.strategy_ids = tuple(strategy_ids or ())
        self._default_path = ""
        self._busy = False
        self._mounted_choices = False
        self._force = False
        self._leave_out: tuple[str, ...] = ()
        """Characters no font prints as typed that the person said to print without."""
        self._members_listed = False
        self._choices = printing.dialog_choices()
        """The dialog's list: every kind of printout the registry shows here."""

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        groups = self.store.groups()
        group_ids = [str(group.id) for group in groups]
        chosen = str(self.group_id) if str(self.group_id) in group_ids else NO_GROUP
        if not chosen and groups and not self.strategy_ids:
            chosen = group_ids[0]
        with Vertical(classes="dialog", id="print-dialog"):
            yield Static("Print a handout", classes="section-title")
            with Horizontal(classes="print-row"):
                yield Static("What", classes="print-label")
                yield LightSelect(
                    [(choice.label, key) for key, choice in self._choices.items()],
                    value="member-record" if self.member_id else "strategies",
                    allow_blank=False,
                    compact=True,
                    id="print-kind",
                )
                yield Static("Group", classes="print-label print-label-2", id="print-group-label")
                yield LightSelect(
                    [("No group", NO_GROUP)]
                    + [(literal(group.name), str(group.id)) for group in groups],
                    value=chosen,
                    allow_blank=False,
                    compact=True,
                    id="print-group",
                )
                yield self._member_select()
            with Horizontal(classes="print-row"):
                yield Static("Paper", classes="print-label")
                yield LightSelect(
                    [("A4", "a4"), ("Letter", "letter")],
                    value="a4",
                    allow_blank=False,
                    compact=True,
                    id="print-paper",
                )
                yield TickBox("Large print", compact=True, id="print-large")
                yield TickBox("Discreet", compact=True, id="print-discreet")
                meeting = TickBox("Show meeting", compact=True, id="print-meeting")
                meeting.display = False  # only on a discreet sheet that can carry it
                yield meeting
            yield PrinterChoice(printers.chosen_printer(self.store))
            with Horizontal(classes="print-row"):
                yield Static("Save as", classes="print-label")
                yield Input(compact=True, id="print-path")
                yield LightSelect(
                    FORMATS, value="pdf", allow_blank=False, compact=True, id="print-format"
                )
            yield Static("What will be printed", classes="section-title", id="print-preview-title")
            with VerticalScroll(id="print-preview-box"):
                yield Static("", id="print-preview")
            yield Static("", id="print-message", classes="form-message")
            with Horizontal(classes="buttons"):
                yield Button("Print", id="print", variant="primary", compact=True)
                yield Button("Close", id="close", compact=True)

    def _member_select(self) -> Select[str]:
        """The member whose own record is printed: hidden, and its list of every member read,
        only once that handout is chosen (years of members slow the dialog's first paint)."""
        options, chosen = self._member_options() if self.member_id else ([NO_MEMBERS], "")
        select = LightSelect(
            options, value=chosen, allow_blank=False, compact=True, id="print-member"
        )
        select.display = self._members_listed = self.member_id is not None
        return select

    def _member_options(self) -> tuple[list[tuple[str | Text, str]], str]:
        """Every member as a choice, and the one to start on."""
        members = self.store.members()
        ids = [str(member.id) for member in members]
        chosen = str(self.member_id) if str(self.member_id) in ids else (ids or [""])[0]
        options: list[tuple[str | Text, str]] = [
            (literal(member.display_name), str(member.id)) for member in members
        ]
        return options or [NO_MEMBERS], chosen

    def _list_members(self) -> None:
        """Fill the member choice the first time it is shown."""
        if self._members_listed:
            return
        self._members_listed = True
        select: Select[str] = self.query_one("#print-member", Select)
        options, chosen = self._member_options()
        with self.prevent(Select.Changed):  # the update under way shows the chosen member
            select.set_options(options)
            select.value = chosen

    def on_mount(self) -> None:
        # The dialog paints first; its choices and preview are worked out once, just after
        # (the choices' own Changed messages while it mounts are that same first update).
        self.query_one("#print-kind", Select).focus()
        self.call_after_refresh(self._first_update)

    def _first_update(self) -> None:
        self._mounted_choices = True
        self._update()
        self.remember_form()  # the path filled in above is the dialog's, not typed

    # -- reading the choices ---------------------------------------------------------------

    @property
    def kind(self) -> str:
        value = self.query_one("#print-kind", Select).value
        return value if isinstance(value, str) else "strategies"

    @property
    def choice(self) -> printing.Choice:
        """The line chosen in the list, with the kind of printout it stands for."""
        return self._choices.get(self.kind) or self._choices["strategies"]

    @property
    def handout(self) -> printing.HandoutKind:
        """What the registry says of the kind of printout chosen."""
        return printing.KINDS[self.choice.kind]

    @property
    def group(self) -> Group | None:
        """The group chosen in the dialog, if any."""
        value = self.query_one("#print-group", Select).value
        if not isinstance(value, str) or not value:
            return None
        return self.store.group(UUID(value))

    @property
    def member(self) -> Member | None:
        """The member whose own record is chosen, if any."""
        value = self.query_one("#print-member", Select).value
        if not isinstance(value, str) or not value:
            return None
        return self.store.member(UUID(value))

    def request(self) -> printing.PrintRequest:
        """The choices on screen as the core's print request."""
        choice, handout = self.choice, self.handout
        paper: printing.Paper = (
            "letter" if self.query_one("#print-paper", Select).value == "letter" else "a4"
        )
        request = printing.PrintRequest(
            choice.kind,
            group=self.group if handout.uses_group else None,
            member=self.member if handout.needs_member else None,
            strategy_ids=self.strategy_ids,
            show_meeting=self._show_meeting(),
            paper=paper,
            output=OUTPUTS.get(self.query_one("#print-format", Select).value, "pdf"),
            large_print=self.query_one("#print-large", Checkbox).value,
            discreet=self.query_one("#print-discreet", Checkbox).value,
            today=self.vg.today(),
            leave_out=self._leave_out,
        )
        return replace(request, **choice.settings)

    def _show_meeting(self) -> bool:
        meeting = self.query_one("#print-meeting", Checkbox)
        return meeting.display and meeting.value

    def default_path(self) -> str:
        """Where the handout goes unless the person says otherwise: the folder chosen last
        time (the home folder at first), with a file name that gives nothing away."""
        path = printing.default_path(self.store, self.request())
        home = str(Path.home())
        text = str(path)
        return "~" + text[len(home) :] if text.startswith(home + "/") else text

    # -- keeping the preview true -----------------------------------------------------------

    @on(Select.Changed)
    @on(Checkbox.Changed)
    @on(PrinterChoice.Changed)
    def _choice_changed(
        self, event: Select.Changed | Checkbox.Changed | PrinterChoice.Changed
    ) -> None:
        event.stop()
        if not self._mounted_choices:
            return
        self._leave_out = ()  # said of the handout as it was: asked again if it still holds any
        self._update()
        self._forget_result()

    @on(Input.Changed, "#print-path")
    def _path_changed(self) -> None:
        self._forget_result()

    def _forget_result(self) -> None:
        """An old "✓ Saved" was about the handout as it was: once anything changes it goes."""
        if str(self.query_one("#print-message", Static).render()).startswith("✓"):
            self._say("")

    def _update(self) -> None:
        path_input = self.query_one("#print-path", Input)
        if path_input.value in ("", self._default_path):
            self._default_path = self.default_path()
            path_input.value = self._default_path
        handout = self.handout
        discreet = self.query_one("#print-discreet", TickBox)
        discreet.not_here(None if handout.discreet else NOT_ON_IT)
        # "Show meeting" means something only on a discreet copy of a sheet that may carry
        # the meeting: anywhere else it is not offered at all.
        self.query_one("#print-meeting", Checkbox).display = bool(
            handout.shows_meeting and discreet.value
        )
        large = self.query_one("#print-large", TickBox)
        large.not_here(None if handout.large_print else NOT_ON_IT)
        for_member = handout.needs_member
        if for_member:
            self._list_members()
        self.query_one("#print-group", Select).display = not for_member
        self.query_one("#print-member", Select).display = for_member
        self.query_one("#print-group-label", Static).update("Member" if for_member else "Group")
        self.query_one("#print-group", Select).disabled = not handout.uses_group
        to_printer = self._printer() is not None
        path_input.disabled = to_printer
        format_select = self.query_one("#print-format", Select)
        if to_printer and format_select.value != "pdf":
            format_select.value = "pdf"
        format_select.disabled = to_printer
        self.query_one("#print", Button).label = "Print" if to_printer else "Save"
        self.query_one("#print-preview", Static).update(self.preview())

    def _printer(self) -> printers.Printer | None:
        """The printer to send to, or None to save a file."""
        return self.query_one(PrinterChoice).printer

    def preview(self) -> Text:
        """Exactly what the handout will carry, in words, before anything is printed."""
        text = Text()
        for piece, strong in printing.describe(
            self.store, self.request(), self.choice.label
        ).pieces:
            text.append(piece, style="bold" if strong else "")
        return text

    # -- printing --------------------------------------------------------------------------

    @on(Button.Pressed, "#close")
    def _close_pressed(self) -> None:
        self.action_leave()

    @on(Button.Pressed, "#print")
    def _print_pressed(self) -> None:
        self.action_submit()

    def submit_form(self) -> bool:
        """Check the choices, then make the handout in a worker thread and send it to the
        printer or write the file; the audit notes it on this thread once the printer took
        it or the file is on disk. A choice that cannot be printed raises (the base shows the
        sentence; everything chosen stays). The dialog stays open to say how it went."""
        if self._busy:
            return False
        handout = self.handout
        if handout.needs_group and self.group is None:
            raise ValueError(f"Choose a group: a {self.choice.label.lower()} is for one group.")
        if handout.needs_member and self.member is None:
            raise ValueError(printing.CHOOSE_MEMBER)
        printer = self._printer()
        if printer is not None:
            copies = self.query_one(PrinterChoice).copies
            if copies is None:
                raise ValueError("Copies: a number from 1 to 99.")
            try:  # before the work, as for a file: the audit log must be able to note it
                outputs.refuse_unaudited(self.store)
            except OutputRefused as error:
                raise OutputRefused(f"Nothing printed. {error}") from error
            self._start(f"Sending to {printer.label}…")
            self._send_handout(self._copy_to_print(), self.request(), printer, copies)
            return False
        raw_path = self.query_one("#print-path", Input).value.strip()
        if not raw_path:
            raise ValueError("Say where to save it (a file name).")
        path = Path(raw_path).expanduser()
        if outputs.is_folder(path):
            path = path / printing.file_name(self.request())
        try:
            outputs.check_audited_output(path, self.store, force=self._force)
        except OutputRefused as error:
            if getattr(error, "exists", False):
                self._ask_replace(path)
                return False
            raise OutputRefused(f"Nothing printed. {error}") from error
        self._start("Making it…")
        # The worker reads a copy of the data, taken here: the store stays with this thread.
        self._make_handout(self._copy_to_print(), self.request(), path, self._force)
        return False

    def clear_problems(self) -> None:
        self._say("")

    def show_problem(self, error: Exception) -> None:
        """The sentence in the dialog's own message line, above the buttons."""
        self._say(f"! {shown(error)}", error=True)

    def _start(self, words: str) -> None:
        self._busy = True
        self.query_one("#print", Button).disabled = True
        self._say(words)

    def _done(self) -> None:
        self._busy = False
        self._force = False
        self.query_one("#print", Button).disabled = False

    def _ask_replace(self, path: Path) -> None:
        def answered(replace: bool | None) -> None:
            if replace:
                self._force = True
                self.action_submit()
            else:
                self._say("Nothing printed: choose another file name.", error=True)

        self.app.push_screen(
            ConfirmDialog(
                "Replace the file?",
                f"{path} already exists. Replace it with this handout?",
                confirm="Replace it",
            ),
            answered,
        )

    def _copy_to_print(self) -> Snapshot:
        """The copy of the data the worker prints from, once the open file is ready for it."""
        printing.prepare(self.store, self.request())
        return Snapshot.of(self.store)

    def _made(self, snapshot: Snapshot, request: printing.PrintRequest) -> printing.Printed | None:
        """The handout, or None after posting why it could not be made (in a worker)."""
        try:
            return printing.make(snapshot.open(), request)
        except (NameToConfirm, UncheckedContacts, CannotPrintCharacters) as error:
            if isinstance(error, NameToConfirm) and not error.matches:
                self.post_message(self.HandoutFailed(str(error)))  # nothing a person could answer
            else:
                self.post_message(self.HandoutQuestion(error))
        except (VoicesGroupError, OSError, ValueError) as error:
            self.post_message(self.HandoutFailed(f"Nothing printed. {error}"))
        except Exception as error:  # never a crash in the room: say what happened instead
            self.post_message(
                self.HandoutFailed(f"Nothing printed: it could not be made ({error}).")
            )
        return None

    @work(thread=True, exit_on_error=False, exclusive=True, group="print")
    def _make_handout(
        self, snapshot: Snapshot, request: printing.PrintRequest, path: Path, force: bool
    ) -> None:
        printed = self._made(snapshot, request)
        if printed is None:
            return
        try:
            path = outputs.write_output(path, printed.data, data_file=snapshot.path, force=force)
        except (VoicesGroupError, OSError) as error:
            self.post_message(self.HandoutFailed(f"Nothing printed. {error}"))
            return
        self.post_message(self.HandoutSaved(path, printed))

    @work(thread=True, exit_on_error=False, exclusive=True, group="print")
    def _send_handout(
        self,
        snapshot: Snapshot,
        request: printing.PrintRequest,
        printer: printers.Printer,
        copies: int,
    ) -> None:
        """Make the handout and hand its bytes to the printer (nothing touches the disk),
        then follow the job in the queue for a while, saying where it is."""
        printed = self._made(snapshot, request)
        if printed is None:
            return
        try:
            job = printing.to_printer(printed, printer, copies=copies)
        except printers.PrinterProblem as error:
            self.post_message(self.HandoutFailed(str(error)))
            return
        except Exception as error:  # never a crash in the room
            self.post_message(self.HandoutFailed(printers.did_not_take_it(printer, str(error))))
            return
        self.post_message(self.HandoutSent(job, printed))
        said = ""
        deadline = time.monotonic() + FOLLOW_SECONDS
        worker = get_current_worker()
        while time.monotonic() < deadline and not worker.is_cancelled:  # closed: stop following
            try:
                progress, words = printers.job_progress(job)
            except printers.PrinterProblem as error:
                progress, words = "problem", str(error)
            if words != said:
                self.post_message(self.JobFollowed(progress, words))
                said = words
            if progress in ("done", "problem"):
                return
            time.sleep(FOLLOW_EVERY)
        self.post_message(
            self.JobFollowed("done", f"Sent to {printer.label}; it is still in its queue.")
        )

    def on_print_dialog_handout_saved(self, message: HandoutSaved) -> None:
        store = self.store
        printed = message.printed
        printing.record_printed(store, printed)  # the file is on disk: now, and only now
        printing.remember_print_folder(store, message.path.parent)
        self.vg.changed()
        self._done()
        self.remember_form()  # what was chosen is printed: closing now loses nothing
        said = "".join(f" {sentence}" for sentence in printed.said)
        self._say(f"✓ Saved. It is at {message.path}{said}")

    def on_print_dialog_handout_sent(self, message: HandoutSent) -> None:
        store = self.store
        printing.record_printed(store, message.printed)  # the printer took it
        printers.remember_printer(store, message.job.printer.name)
        self.vg.changed()
        self._done()
        self.remember_form()
        said = "".join(f" {sentence}" for sentence in message.printed.said)
        self._say(f"Sending to {message.job.printer.label}…{said}")

    def on_print_dialog_job_followed(self, message: JobFollowed) -> None:
        mark = {"done": "✓ ", "problem": "! "}.get(message.progress, "")
        self._say(f"{mark}{message.words}", error=message.progress == "problem")

    def on_print_dialog_handout_failed(self, message: HandoutFailed) -> None:
        self._done()
        self._say(f"! {message.reason}", error=True)

    def on_print_dialog_handout_question(self, message: HandoutQuestion) -> None:
        self._busy = False
        self.query_one("#print", Button).disabled = False
        error = message.error
        store = self.store
        if isinstance(error, CannotPrintCharacters):
            self._ask_leave_out(error)
            return
        if isinstance(error, UncheckedContacts):
            names = ", ".join(contact.name for contact in error.contacts)

            def checked(yes: bool | None) -> None:
                if yes:
                    library.mark_checked(store, error.contacts, self.vg.today())
                    self.vg.changed()
                    self._update()
                    self.action_submit()
                else:
                    self._say(
                        f"! Nothing printed: {names} still to be checked (Support contacts, "
                        "c in the library).",
                        error=True,
                    )

            self.app.push_screen(
                ConfirmDialog(
                    "Check the support contacts",
                    f"These have not been checked yet: {names}. A member must be able to "
                    "trust every number on the sheet. Check each one now (ring it or look "
                    f"it up); then mark them checked today, {dates.date(self.vg.today())}?",
                    confirm="They are checked",
                ),
                checked,
            )
            return
        assert isinstance(error, NameToConfirm)
        words = "; ".join(dict.fromkeys(f"“{m.found}” in “{m.context}”" for _, m in error.matches))
        members = ", ".join(dict.fromkeys(m.name for _, m in error.matches))

        def confirmed(yes: bool | None) -> None:
            if yes:
                printing.remember_words(store, error)
                self.vg.changed()
                self.action_submit()
            else:
                self._say(
                    "! Nothing printed: change the wording so it does not name a member.",
                    error=True,
                )

        if any(match.certain for _, match in error.matches):
            question = (
                f"{words} reads as the name of a member, {members}. A handout never carries "
                "another member's name. Is it an everyday word here? Your answer is "
                "remembered for this text."
            )
        else:
            question = (
                f"{words}: is this the everyday word, not {members}? Your answer is "
                "remembered for this text."
            )
        self.app.push_screen(
            ConfirmDialog("A word or a member's name?", question, confirm="It is the word"),
            confirmed,
        )

    def _ask_leave_out(self, error: CannotPrintCharacters) -> None:
        """Characters no font prints as typed: print without them only when the person says
        so; nothing typed is dropped without this question."""

        def again(characters: tuple[str, ...]) -> None:
            self._leave_out = tuple(dict.fromkeys((*self._leave_out, *characters)))
            self.action_submit()

        def refused() -> None:
            self._say(f"! {NOT_LEFT_OUT}", error=True)

        self.app.push_screen(leave_out_question(error), answered_with(error, again, refused))

    def _say(self, words: str, *, error: bool = False) -> None:
        message = self.query_one("#print-message", Static)
        message.update(Text(words))
        message.set_class(error, "-error")
        message.set_class(bool(words), "-shown")
