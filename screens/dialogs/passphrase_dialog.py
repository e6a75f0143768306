"""Set or change the passphrase; shows the recovery key once, with a plain warning."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from voicesgroup.errors import VoicesGroupError
from voicesgroup.store import passphrase as protection

MIN_LENGTH = 8
NO_RECOVERY = (
    "A forgotten passphrase cannot be recovered by anyone. The recovery key shown next is the "
    "only way back in: the coordinator keeps it on paper, away from this laptop."
)


class PassphraseDialog(ModalScreen[bool]):
    """`first_run` words it as an offer that can be declined."""

    BINDINGS = [Binding("escape", "cancel", "Not now", id="cancel-passphrase")]

    def __init__(self, *, first_run: bool = False) -> None:
        super().__init__()
        self.first_run = first_run
        self.changing = False

    def compose(self) -> ComposeResult:
        self.changing = self.app.store.encrypted
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
            yield Input(password=True, id="first", placeholder="new passphrase (8 or more)")
            yield Input(password=True, id="again", placeholder="the same again")
            yield Static("", id="passphrase-message")
            with Horizontal(classes="buttons"):
                yield Button("Set passphrase", id="set", variant="primary", compact=True)
                if self.changing:
                    yield Button("Remove passphrase", id="remove", compact=True)
                yield Button("Not now", id="cancel", compact=True)

    def action_cancel(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#remove")
    def _remove(self) -> None:
        self.query_one("#passphrase-message", Static).update("Decrypting…")
        self._apply(None)

    @on(Input.Submitted, "#first")
    def _next(self) -> None:
        self.query_one("#again", Input).focus()

    @on(Input.Submitted, "#again")
    @on(Button.Pressed, "#set")
    def _set(self) -> None:
        first = self.query_one("#first", Input).value
        again = self.query_one("#again", Input).value
        message = self.query_one("#passphrase-message", Static)
        if len(first) < MIN_LENGTH:
            message.update(f"! A passphrase needs at least {MIN_LENGTH} characters.")
        elif first != again:
            message.update("! The two passphrases differ.")
        else:
            message.update("Encrypting… this takes a moment.")
            self.query_one("#set", Button).disabled = True
            self._apply(first)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _apply(self, passphrase: str | None) -> None:
        """Derive the new key; a new recovery key is shown and confirmed before converting."""
        store = self.app.store
        try:
            if passphrase is None:
                change = protection.prepare_remove(store)
            elif self.changing:
                change = protection.prepare_change(store, passphrase)
            else:
                change = protection.prepare_set(store, passphrase)
        except VoicesGroupError as error:
            self.app.call_from_thread(self._failed, str(error))
            return
        if change.recovery_key is None:
            self._convert(change)
        else:
            self.app.call_from_thread(self._confirm, change)

    def _confirm(self, change: protection.PassphraseChange) -> None:
        def confirmed(written_down: bool | None) -> None:
            if written_down:
                self.query_one("#passphrase-message", Static).update("Encrypting…")
                self._convert_in_background(change)
            else:
                self.notify("Nothing was changed: the file stays without a passphrase.")
                self.dismiss(False)

        self.app.push_screen(RecoveryKeyDialog(change.recovery_key or ""), confirmed)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _convert_in_background(self, change: protection.PassphraseChange) -> None:
        self._convert(change)

    def _convert(self, change: protection.PassphraseChange) -> None:
        """Convert the file and every backup (all or none), under the app's save lock."""
        app = self.app
        try:
            with app._save_lock:  # type: ignore[attr-defined]  # no save may run half-way
                protection.apply(app.store, change)
        except VoicesGroupError as error:
            app.call_from_thread(self._failed, str(error))
        else:
            app.call_from_thread(self._done)

    def _failed(self, message: str) -> None:
        self.query_one("#passphrase-message", Static).update(f"! {message}")
        self.query_one("#set", Button).disabled = False

    def _done(self) -> None:
        self.app.changed()
        self.notify("Done: the data file and every backup have been rewritten.")
        self.dismiss(True)


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
