"""Forget a member: what will happen, in words; their name typed to confirm; then what was done.

Forgetting cannot be undone, so the dialog spells out every consequence with the numbers for
this member, asks for their name to be typed (a slip of a key is not enough), does the work
off the UI thread (backups are rewritten too), and ends with the store's own report: which
backups were rewritten or erased, and which texts now say "another member" for the name.

The steps are the core's (`voicesgroup.store.forgetting`), split as the app's one pattern asks:
the store is changed here on the UI thread (`start`, `note_done`), and the two workers only
write files (`write_files`, `finish`), each posting a message that carries what it did.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Static

from screens.form_screen import FormDialog
from screens.widgets.plain import literal
from screens.widgets.tick_marks import TickList
from voicesgroup import dates
from voicesgroup.errors import VoicesGroupError
from voicesgroup.models import Member
from voicesgroup.store import ForgetReport, Store, forgetting, redaction
from voicesgroup.store.snapshot import Snapshot


def counted(count: int, one: str, many: str) -> str:
    """'1 note', '3 notes', 'no notes'."""
    if count == 0:
        return f"no {many}"
    return f"{count} {one if count == 1 else many}"


def what_forgetting_does(
    store: Store,
    member: Member,
    texts: list[redaction.Mention] | None,
    kept: frozenset[int] = frozenset(),
) -> list[str]:
    """Each consequence of forgetting `member`, with their own numbers, as sentences
    (`texts`: the free texts that name them, None while they are being looked for)."""
    notes = store.notes(member.id, include_restricted=True)
    details = store.contact_details(member.id, include_restricted=True)
    events = store.consent_events(member.id)
    sessions = [s for s in store.sessions() if member.id in s.named_member_ids]
    strategies = [
        s for s in store.strategies(include_archived=True) if s.attributed_member_id == member.id
    ]
    attendance = (
        f"Their attendance becomes anonymous counts: {len(sessions)} "
        f"{'session keeps' if len(sessions) == 1 else 'sessions keep'} the same head count, "
        "with one more person counted without a name."
        if sessions
        else "Their attendance is already only in anonymous counts: no session names them."
    )
    attribution = (
        f"Their name is removed from {counted(len(strategies), 'strategy', 'strategies')}; "
        "the strategies stay in the library."
        if strategies
        else "Their name is beside no strategy, so the library stays as it is."
    )
    return [
        f"Every personal record is erased: {counted(len(notes), 'note', 'notes')}, "
        f"{counted(len(details), 'contact detail', 'contact details')}, "
        f"{counted(len(events), 'consent record', 'consent records')} and their name itself.",
        attendance,
        attribution,
        "Every backup of this file is rewritten without them; a backup that cannot be read "
        "is erased.",
        *what_redaction_does(texts, kept),
    ]


def what_redaction_does(
    texts: list[redaction.Mention] | None, kept: frozenset[int] = frozenset()
) -> list[str]:
    """Every stored text that names the member, and how it will read once they are forgotten
    (those in `kept`, by place in `texts`, said to hold the word: left as they are)."""
    if texts is None:
        return ["Looking for other texts that name them…"]
    if not texts:
        return ["Their name appears in no other text, so no other text changes."]
    changed = len(texts) - len(kept)
    return [
        f'Their name becomes "another member" in {counted(changed, "text", "texts")}:',
        *(
            f"  – {mention.where}: “{mention.before}” stays: the word, not them"
            if i in kept
            else f"  – {mention.where}: “{mention.after}”"
            for i, mention in enumerate(texts)
        ),
    ]


def effects(lines: list[str]) -> Text:
    """The consequences as a list: a bullet each, indented lines under the one before."""
    return literal("\n".join(line if line[:1] == " " else f"• {line}" for line in lines))


class ForgetDialog(FormDialog[ForgetReport | None]):
    """Confirm, forget, report. Dismisses with the report, or None when nothing was done."""

    BINDINGS = [
        Binding("ctrl+s", "submit", "Forget for good", id="confirm-forget"),
        Binding("escape", "leave", "Cancel or close", id="close-forget"),
    ]
    ENTER_SUBMITS = False  # Enter in the name box forgets, below
    FORM_SUBJECT = "the name you typed"

    def __init__(self, member: Member) -> None:
        super().__init__()
        self.member = member
        self.report: ForgetReport | None = None
        self.working = False
        self.texts: list[redaction.Mention] | None = None
        """The free texts that name them, once a worker has found them."""
        self.looked = False
        """Whether the worker has finished looking (if it failed, `start` looks itself)."""

    def compose(self) -> ComposeResult:
        member = self.member
        name = member.display_name
        lines = what_forgetting_does(self.store, member, None)
        with VerticalScroll(classes="dialog", id="forget-dialog"):
            with Vertical(id="forget-confirm"):
                yield Static(literal(f"Forget {name}?"), classes="section-title")
                yield Static(
                    literal(
                        f"{name}, who joined on {dates.date(member.joined_on)}. "
                        "This happens straight away:"
                    ),
                    id="forget-who",
                )
                yield Static(effects(lines), id="forget-effects")
                yield Static(
                    literal(
                        f"Some of these may be a word, not {name} (SURVIVAL KIT). "
                        "Tick (Space) each that is the word here; it stays as it is:"
                    ),
                    classes="hint",
                    id="forget-words-hint",
                )
                yield TickList[int](id="forget-words", compact=True)
                yield Static(
                    "This cannot be undone. If they want a copy of what is kept, print their "
                    "own record first.",
                    id="forget-final",
                )
                yield Static(literal(f"Type {name} to confirm:"), classes="hint")
                yield Input(placeholder="their name", id="forget-name", compact=True)
                with Horizontal(classes="buttons"):
                    yield Button(
                        literal(f"Forget {name} for good"),
                        id="forget",
                        variant="error",
                        compact=True,
                        disabled=True,
                    )
                    yield Button("Cancel", id="cancel", compact=True)
            with Vertical(id="forget-done"):
                yield Static(literal(f"{name} has been forgotten"), classes="section-title")
                yield Static("", id="forget-report")
                with Horizontal(classes="buttons"):
                    yield Button("Close", id="close", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.query_one("#forget-done").display = False
        self.query_one("#forget-words-hint").display = False
        self.query_one("#forget-words").display = False
        self.query_one("#forget-name", Input).focus()
        self._find_texts(Snapshot.of(self.store))

    @dataclass
    class TextsFound(Message):
        """The free texts that name the member, found in a copy of the data."""

        texts: list[redaction.Mention] | None
        """None when they could not be read in the copy: forgetting then looks itself."""

    @work(thread=True, exit_on_error=False, group="forget-texts")
    def _find_texts(self, copy: Snapshot) -> None:
        """Every free text is read with the one name finder: in years of text, most of a
        second, so in a worker over a copy."""
        texts: list[redaction.Mention] | None
        try:
            texts = forgetting.texts_naming(copy.open(), self.member)
        except Exception:  # forgetting looks again itself, on the store
            texts = None
        self.post_message(self.TextsFound(texts))

    def on_forget_dialog_texts_found(self, message: TextsFound) -> None:
        self.texts, self.looked = message.texts, True
        askable = [
            (literal(f"“{mention.before}” is the word here"), i)
            for i, mention in enumerate(message.texts or ())
            if mention.may_be_word
        ]
        if askable:
            words = self.query_one("#forget-words", TickList)
            words.add_options(askable)
            words.styles.height = min(len(askable), 5)
            words.display = True
            self.query_one("#forget-words-hint").display = True
        self._show_effects()
        self._typed()

    def kept_as_words(self) -> frozenset[int]:
        """The texts (by place in `texts`) ticked as holding the word, not the member."""
        return frozenset(self.query_one("#forget-words", TickList).selected)

    @on(TickList.SelectedChanged, "#forget-words")
    def _show_effects(self) -> None:
        if self.texts is not None:
            lines = what_forgetting_does(self.store, self.member, self.texts, self.kept_as_words())
            self.query_one("#forget-effects", Static).update(effects(lines))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "submit":
            return self.report is None and not self.working
        return True

    def type_to_confirm(self) -> str:
        return f"Type {self.member.display_name} exactly as shown to confirm; nothing was done."

    def name_matches(self) -> bool:
        typed = " ".join(self.query_one("#forget-name", Input).value.split())
        return typed.casefold() == self.member.display_name.casefold()

    @on(Input.Changed, "#forget-name")
    def _typed(self) -> None:
        ready = self.name_matches() and self.looked and not self.working
        self.query_one("#forget", Button).disabled = not ready

    @on(Input.Submitted, "#forget-name")
    @on(Button.Pressed, "#forget")
    def action_forget(self) -> None:
        if self.report is not None or self.working:
            return
        if not self.name_matches():
            self.notify(self.type_to_confirm(), severity="warning")
            return
        if not self.looked:
            self.notify(
                "Still looking for the texts that name them, to show them first; nothing was "
                "done yet. Confirm again in a moment."
            )
            return
        self.working = True
        self.query_one("#forget", Button).disabled = True
        self.query_one("#forget-name", Input).disabled = True
        self.query_one("#cancel", Button).disabled = True
        self.refresh_bindings()
        self.vg.start_file_work(self._start)

    @dataclass
    class FilesRewritten(Message):
        """The data file is saved without them and every backup rewritten."""

        job: forgetting.Forgetting
        counts: tuple[int, int]

    @dataclass
    class Finished(Message):
        """The log entry is saved and the note that forgetting had started is gone."""

        report: ForgetReport

    @dataclass
    class Stopped(Message):
        """A step failed: what was done and what is left, in the core's words."""

        reason: str

    def _start(self) -> None:
        """Erase in memory and write the intent (quick, on the UI thread), then the files."""
        try:
            texts = self.texts or []
            words = [key for i in sorted(self.kept_as_words()) for key in texts[i].word_keys]
            job = forgetting.start(self.store, self.member.id, self.texts, words=words)
        except VoicesGroupError as error:
            self.vg.file_work_done()
            self._failed(str(error))
            return
        self._write_files(job)

    @work(thread=True, exit_on_error=False, group="forget")
    def _write_files(self, job: forgetting.Forgetting) -> None:
        """The data file saved and every backup rewritten; reads no record."""
        try:
            counts = forgetting.write_files(job)
        except Exception as error:  # a message for a person, never a crash
            self.post_message(self.Stopped(str(error)))
        else:
            self.post_message(self.FilesRewritten(job, counts))

    def on_forget_dialog_files_rewritten(self, message: FilesRewritten) -> None:
        forgetting.note_done(self.store, message.counts)
        self._finish(message.job, message.counts)

    @work(thread=True, exit_on_error=False, group="forget")
    def _finish(self, job: forgetting.Forgetting, counts: tuple[int, int]) -> None:
        """The log entry saved, the intent removed, then the report."""
        try:
            forgetting.finish(job, counts)
            report = forgetting.final_report(job, counts)
        except Exception as error:  # a message for a person, never a crash
            self.post_message(self.Stopped(str(error)))
        else:
            self.post_message(self.Finished(report))

    def on_forget_dialog_finished(self, message: Finished) -> None:
        self.vg.file_work_done()
        self._done(message.report)

    def on_forget_dialog_stopped(self, message: Stopped) -> None:
        self.vg.file_work_done()
        self._failed(message.reason)

    def _failed(self, message: str) -> None:
        self.working = False
        self.query_one("#forget-name", Input).disabled = False
        self.query_one("#cancel", Button).disabled = False
        self._typed()
        self.refresh_bindings()
        self.notify(f"Forgetting did not finish: {message}", title="Not finished", severity="error")

    def _done(self, report: ForgetReport) -> None:
        self.working = False
        self.report = report
        self.query_one("#forget-report", Static).update(literal(self.describe(report)))
        self.query_one("#forget-confirm").display = False
        self.query_one("#forget-done").display = True
        self.query_one("#close", Button).focus()
        self.refresh_bindings()

    def describe(self, report: ForgetReport) -> str:
        """The report in plain words."""
        name = self.member.display_name
        erased = counted(report.backups_erased, "unreadable backup", "unreadable backups")
        lines = [
            "• Every personal record was erased; their attendance is now anonymous counts; "
            "their name is gone from strategies.",
            f"• Backups: {counted(report.backups_rewritten, 'backup', 'backups')} rewritten "
            f"without them, {erased} erased.",
        ]
        if report.redacted:
            lines.append(
                f'• Their name now reads "another member" in: {"; ".join(report.redacted)}.'
            )
        else:
            lines.append(f"• The name {name} appeared in no other stored text.")
        return "\n".join(lines)

    def submit_form(self) -> bool:
        if self.report is None and not self.working and not self.name_matches():
            raise ValueError(self.type_to_confirm())
        self.action_forget()
        return False  # the dialog stays to report what was done

    def form_changed(self) -> bool:
        return self.report is None and not self.working and super().form_changed()

    @on(Button.Pressed, "#cancel")
    @on(Button.Pressed, "#close")
    def _close_pressed(self) -> None:
        self.action_leave()

    def leave_form(self) -> None:
        if self.working:
            return
        self.dismiss(self.report)
