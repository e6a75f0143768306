"""The calm screen that asks for the passphrase before anything is shown."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Checkbox, Input, Static

from screens.access import AppAccess
from screens.widgets.tick_marks import TickBox
from voicesgroup.errors import VoicesGroupError, WrongPassphrase
from voicesgroup.store import Store


@dataclass(frozen=True)
class Opened:
    """The unlocked store, and how many tries failed first (for the audit log)."""

    store: Store
    failed_attempts: int


class UnlockScreen(AppAccess, Screen[Opened]):
    """Opens an encrypted data file; dismisses with the open store."""

    HELP_TITLE = "Unlock"
    HELP = (
        "This data file is protected by a passphrase. If it is forgotten, the coordinator's "
        "recovery key opens it instead. Nobody else can open it."
    )
    BINDINGS = [Binding("ctrl+q", "app.quit", "Quit", id="quit-unlock")]

    def __init__(self, db_path: Path) -> None:
        super().__init__()
        self.db_path = db_path
        self.failed_attempts = 0

    def compose(self) -> ComposeResult:
        with Center(), Vertical(id="unlock", classes="dialog"):
            yield Static("This laptop's group data is locked.", classes="section-title")
            yield Static("Type the passphrase and press Enter.", id="unlock-hint", classes="hint")
            yield Input(password=True, id="secret", placeholder="passphrase")
            yield TickBox("Use the recovery key instead", id="use-recovery")
            yield Static("", id="unlock-message")

    @on(Checkbox.Changed, "#use-recovery")
    def _switch(self, event: Checkbox.Changed) -> None:
        secret = self.query_one("#secret", Input)
        secret.password = not event.value
        secret.placeholder = "recovery key, e.g. ABCD-EFGH-…" if event.value else "passphrase"
        secret.focus()

    @on(Input.Submitted, "#secret")
    def _submitted(self, event: Input.Submitted) -> None:
        if not event.value:
            return
        self.query_one("#unlock-message", Static).update("Opening…")
        event.input.disabled = True
        self._open(event.value, self.query_one("#use-recovery", Checkbox).value)

    @dataclass
    class OpenFinished(Message):
        """The worker tried to open the file: the store, or why not (`refused` is a wrong
        passphrase or key; anything else ends the app with that sentence)."""

        store: Store | None
        refused: str | None = None
        problem: str | None = None

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _open(self, secret: str, is_recovery_key: bool) -> None:
        # The key derivation takes most of a second on purpose: off the UI thread. The thread
        # only opens; what follows happens on the UI thread, when the message arrives.
        try:
            if is_recovery_key:
                store = Store.open(self.db_path, recovery_key=secret)
            else:
                store = Store.open(self.db_path, passphrase=secret)
        except WrongPassphrase as error:
            self.post_message(self.OpenFinished(None, refused=str(error)))
        except VoicesGroupError as error:
            self.post_message(self.OpenFinished(None, problem=str(error)))
        else:
            self.post_message(self.OpenFinished(store))

    def on_unlock_screen_open_finished(self, message: OpenFinished) -> None:
        if message.store is not None:
            self.dismiss(Opened(message.store, self.failed_attempts))
        elif message.refused is not None:
            self._refused(message.refused)
        else:
            self._cannot_open(message.problem or "The data file could not be opened.")

    def _refused(self, message: str) -> None:
        self.failed_attempts += 1
        self.query_one("#unlock-message", Static).update(f"! {message}")
        secret = self.query_one("#secret", Input)
        secret.disabled = False
        secret.value = ""
        secret.focus()

    def _cannot_open(self, message: str) -> None:
        self.vg.startup_error = message
        self.app.exit()
