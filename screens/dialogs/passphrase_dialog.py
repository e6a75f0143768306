"""Set or change the passphrase; shows the recovery key once, with a plain warning.

The app's one pattern for threads: the store is asked and changed here, on the UI thread
(`request_*`, `begin`, `settle` or `undo`); one worker derives the key (Argon2id, slow on
purpose) and another rewrites the files, and each posts a message with what it made.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from screens.access import AppAccess
from voicesgroup.errors import VoicesGroupError
from voicesgroup.store import passphrase as protection

NO_RECOVERY = (
    "A forgotten passphrase cannot be recovered by anyone. The recovery key shown next is the "
    "only way back in: the coordinator keeps it on paper, away from this laptop."
)


class PassphraseDialog(AppAccess, ModalScreen[bool]):
    """`first_run` words it as an offer that can be declined."""

    BINDINGS = [Binding("escape", "cancel", "Not now", id="cancel-passphrase")]

    def __init__(self, *, first_run: bool = False) -> None:
        super().__init__()
        self.first_run = first_run
        self.changing = False
        self.busy = False
        """A key is being made or the files converted: another Enter starts nothing."""
        self.converting = False
        """Files are being rewritten: the dialog stays until that has ended."""

    def compose(self) -> ComposeResult:
        self.changing = self.store.encrypted
        title = "Change the passphrase" if self.changing else "Protect this laptop's data"
        with Vertical(classes="dialog", id="passphrase-dialog"):
            yield Static(title, classes="section-title")
            if self.first_run:
                yield Static(
                    "Recommended: with a passphrase, nothing about the groups can be read if "
                    "this laptop is lost.",
                    classes="hint",
                )
            yield Static(NO_RECOVERY, classes="wording", id="no-recovery")
            yield Input(
                password=True,
                id="first",
                placeholder=f"new passphrase ({protection.MIN_LENGTH} or more)",
            )
            yield Input(password=True, id="again", placeholder="the same again")
            yield Static("", id="passphrase-message")
            with Horizontal(classes="buttons"):
                yield Button("Set passphrase", id="set", variant="primary", compact=True)
                if self.changing:
                    yield Button("Remove passphrase", id="remove", compact=True)
                yield Button("Not now", id="cancel", compact=True)

    def action_cancel(self) -> None:
        if not self.converting:
            self.dismiss(False)

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.action_cancel()

    @on(Button.Pressed, "#remove")
    def _remove(self) -> None:
        self.query_one("#passphrase-message", Static).update("Decrypting…")
        self._ask(None)

    @on(Input.Submitted, "#first")
    def _next(self) -> None:
        self.query_one("#again", Input).focus()

    @on(Input.Submitted, "#again")
    @on(Button.Pressed, "#set")
    def _set(self) -> None:
        first = self.query_one("#first", Input).value
        again = self.query_one("#again", Input).value
        message = self.query_one("#passphrase-message", Static)
        problem = protection.passphrase_problem(first)
        if problem is not None:
            message.update(f"! {problem}")
        elif first != again:
            message.update("! The two passphrases differ.")
        else:
            message.update("Encrypting… this takes a moment.")
            self.query_one("#set", Button).disabled = True
            self._ask(first)

    # -- the work: asked here, derived and converted in workers, applied here ---------------

    @dataclass
    class KeyDerived(Message):
        """The new key is made; nothing is converted yet."""

        change: protection.PassphraseChange

    @dataclass
    class Converted(Message):
        """Every file is under the new key; `data_blob` is what the data file now holds."""

        conversion: protection.Conversion
        data_blob: bytes

    @dataclass
    class Stopped(Message):
        """Nothing was done (`undo`: the log entry in memory is taken back), or the change
        stopped half-way and is finished the next time the file is opened."""

        reason: str
        conversion: protection.Conversion | None = None
        undo: bool = False

    def _ask(self, passphrase: str | None) -> None:
        """Whether the file may take the change (quick), then the key in a worker."""
        if self.busy:
            return
        store = self.store
        try:
            if passphrase is None:
                request = protection.request_remove(store)
            elif self.changing:
                request = protection.request_change(store, passphrase)
            else:
                request = protection.request_set(store, passphrase)
        except VoicesGroupError as error:
            self._failed(str(error))
            return
        self.busy = True
        self._derive(request)

    @work(thread=True, exit_on_error=False, group="passphrase-key")
    def _derive(self, request: protection.KeyRequest) -> None:
        """Derive the new key; a new recovery key is shown and confirmed before converting."""
        try:
            change = protection.derive(request)
        except VoicesGroupError as error:
            self.post_message(self.Stopped(str(error)))
        except Exception as error:  # a message for a person, never a crash
            self.post_message(self.Stopped(f"The key could not be made: {error}"))
        else:
            self.post_message(self.KeyDerived(change))

    def on_passphrase_dialog_key_derived(self, message: KeyDerived) -> None:
        change = message.change
        if change.recovery_key is None:
            self._convert(change)
            return

        def confirmed(written_down: bool | None) -> None:
            if written_down:
                self.query_one("#passphrase-message", Static).update("Encrypting…")
                self._convert(change)
            else:
                self.notify("Nothing was changed: the file stays without a passphrase.")
                self.dismiss(False)

        self.app.push_screen(RecoveryKeyDialog(change.recovery_key), confirmed)

    def _convert(self, change: protection.PassphraseChange) -> None:
        """Once no save is running: the log entry in memory, then every file in a worker."""

        def begin() -> None:
            try:
                conversion = protection.begin(self.store, change)
            except VoicesGroupError as error:
                self.vg.file_work_done()
                self._failed(str(error))
                return
            self._convert_files(conversion)

        self.converting = True
        for button in self.query(Button):
            button.disabled = True
        self.vg.start_file_work(begin)

    # Never `exclusive`: a conversion is not cancelled half-way by anything.
    @work(thread=True, exit_on_error=False, group="passphrase-files")
    def _convert_files(self, conversion: protection.Conversion) -> None:
        """Convert the file and every backup (all or none); reads no record."""
        try:
            data_blob = protection.convert_files(conversion)
        except protection.NotConverted as error:
            self.post_message(self.Stopped(str(error), conversion, undo=True))
        except VoicesGroupError as error:
            self.post_message(self.Stopped(str(error), conversion))
        except Exception as error:  # a message for a person, never a crash
            reason = f"The passphrase was not changed: {error}. Nothing was changed."
            self.post_message(self.Stopped(reason, conversion, undo=True))
        else:
            self.post_message(self.Converted(conversion, data_blob))

    def on_passphrase_dialog_converted(self, message: Converted) -> None:
        protection.settle(self.store, message.conversion, message.data_blob)
        self.converting = False
        self.vg.file_work_done()
        self.vg.changed()  # anything changed meanwhile, now under the new key
        self.notify("Done: the data file and every backup have been rewritten.")
        self.dismiss(True)

    def on_passphrase_dialog_stopped(self, message: Stopped) -> None:
        if message.conversion is not None:
            if message.undo:
                protection.undo(self.store, message.conversion)
            self.vg.file_work_done()
        self._failed(message.reason)

    def _failed(self, message: str) -> None:
        self.busy = self.converting = False
        self.query_one("#passphrase-message", Static).update(f"! {message}")
        for button in self.query(Button):
            button.disabled = False


class RecoveryKeyDialog(ModalScreen[bool]):
    """The recovery key, shown once, before anything is encrypted; True once written down."""

    BINDINGS = [Binding("escape", "not_now", "Not now", id="close-recovery")]

    def __init__(self, recovery_key: str) -> None:
        super().__init__()
        self._recovery_key = recovery_key

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="recovery-dialog"):
            yield Static("Write down this recovery key", classes="section-title")
            yield Static(
                "It is shown only now. It opens the data if the passphrase is forgotten; keep "
                "it on paper, somewhere safe, away from this laptop. Nothing is encrypted "
                "until you say it is written down.",
                classes="hint",
            )
            yield Static(self._recovery_key, id="recovery-key", classes="wording")
            yield Button("I have written it down", id="done", variant="primary", compact=True)

    @on(Button.Pressed, "#done")
    def _done(self) -> None:
        self.dismiss(True)

    def action_not_now(self) -> None:
        self.dismiss(False)
