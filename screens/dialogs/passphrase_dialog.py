"""Set or change the passphrase; shows the recovery key once, with a plain warning."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from voicesgroup.errors import VoicesGroupError

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
        store = self.app.store
        try:
            if passphrase is None:
                store.remove_passphrase()
                recovery_key = None
            elif self.changing:
                store.change_passphrase(passphrase)
                recovery_key = None
            else:
                recovery_key = store.set_passphrase(passphrase)
        except VoicesGroupError as error:
            self.app.call_from_thread(self._failed, str(error))
        else:
            self.app.call_from_thread(self._done, recovery_key)

    def _failed(self, message: str) -> None:
        self.query_one("#passphrase-message", Static).update(f"! {message}")
        self.query_one("#set", Button).disabled = False

    def _done(self, recovery_key: str | None) -> None:
        self.app.changed()
        if recovery_key is None:
            self.notify("Done. The file on disk has been rewritten.")
            self.dismiss(True)
            return
        self.app.push_screen(RecoveryKeyDialog(recovery_key), lambda _: self.dismiss(True))


class RecoveryKeyDialog(ModalScreen[None]):
    """The recovery key, shown once."""

    BINDINGS = [Binding("escape", "dismiss", "Done", id="close-recovery")]

    def __init__(self, recovery_key: str) -> None:
        super().__init__()
        self._recovery_key = recovery_key

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="recovery-dialog"):
            yield Static("Write down this recovery key", classes="section-title")
            yield Static(
                "It is shown only now. It opens the data if the passphrase is forgotten; keep "
                "it on paper, somewhere safe, away from this laptop.",
                classes="hint",
            )
            yield Static(self._recovery_key, id="recovery-key", classes="wording")
            yield Button("I have written it down", id="done", variant="primary", compact=True)

    @on(Button.Pressed, "#done")
    def _done(self) -> None:
        self.dismiss()
