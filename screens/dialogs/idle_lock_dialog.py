"""After a while without a key, everything is hidden until the passphrase is given again."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from screens.access import AppAccess
from voicesgroup.store import passphrase as protection

if TYPE_CHECKING:
    from voicesgroup.store.crypto import Unlocked


class IdleLockDialog(AppAccess, ModalScreen[None]):
    """Covers the whole screen; closing it returns exactly to where things were."""

    BINDINGS = [Binding("ctrl+q", "app.quit", "Quit", id="quit-locked")]

    def __init__(self, *, idle: bool = True) -> None:
        super().__init__()
        self.failures = 0
        self.idle = idle
        """Locked because nobody used it (rather than by Ctrl+L)."""

    def compose(self) -> ComposeResult:
        encrypted = self.store.encrypted
        with Vertical(id="idle-lock", classes="dialog"):
            yield Static(
                "Locked while nobody was using it." if self.idle else "Locked with Ctrl+L.",
                classes="section-title",
            )
            if encrypted:
                yield Static("Type the passphrase and press Enter to carry on.", classes="hint")
                yield Input(password=True, id="secret", placeholder="passphrase")
            else:
                yield Static(
                    "Press Enter to carry on. (Set a passphrase in Settings to lock it properly.)",
                    classes="hint",
                )
                yield Input(id="secret", placeholder="press Enter", password=True)
            yield Static("", id="lock-message")

    @on(Input.Submitted, "#secret")
    def _submitted(self, event: Input.Submitted) -> None:
        event.input.disabled = True
        self._check(self.store.path, self.store.unlocked, event.value)

    @dataclass
    class PassphraseChecked(Message):
        """The worker tried the passphrase (slow on purpose): whether it opens the file."""

        opened: bool

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _check(self, path: Path, unlocked: Unlocked | None, secret: str) -> None:
        # The file and its key are taken on the UI thread; the worker reads no store.
        self.post_message(self.PassphraseChecked(protection.opens(path, unlocked, secret)))

    def on_idle_lock_dialog_passphrase_checked(self, message: PassphraseChecked) -> None:
        opened = message.opened
        if opened:
            self.vg.note_activity()
            if self.failures:
                self.vg.record_failed_unlocks(self.failures)
            self.dismiss()
            return
        self.failures += 1
        self.vg.failed_unlocks += 1
        self.query_one("#lock-message", Static).update("! That passphrase does not open this file.")
        secret = self.query_one("#secret", Input)
        secret.disabled = False
        secret.value = ""
        secret.focus()
