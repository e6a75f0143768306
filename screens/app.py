"""The voicesgroup Textual app: opens the store, shows the home screen, saves off the UI thread."""

from __future__ import annotations

import datetime as dt
import gc
import threading
import time
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from screens.themes import CALM, HIGH_CONTRAST
from voicesgroup.errors import PassphraseNeeded, StoreError, VoicesGroupError
from voicesgroup.store import Store

if TYPE_CHECKING:
    from screens.unlock_screen import Opened

STYLESHEET = Path(__file__).resolve().parent / "voicesgroup.tcss"
IDLE_CHECK_SECONDS = 15


class VoicesGroupApp(App[None]):
    """A calm app for running peer support groups; everything stays on this laptop."""

    CSS_PATH = STYLESHEET
    TITLE = "voicesgroup"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("f1", "help", "Help", id="help"),
        Binding("f2", "settings", "Settings", id="settings", show=False),
        Binding("ctrl+t", "toggle_contrast", "High contrast", id="contrast", show=False),
        Binding("ctrl+l", "lock", "Lock now", id="lock", show=False),
        Binding("ctrl+q", "quit", "Quit", id="quit"),
    ]

    def __init__(
        self,
        db_path: Path,
        *,
        demo: bool = False,
        store: Store | None = None,
        today: Callable[[], dt.date] | None = None,
        idle_clock: Callable[[], float] = time.monotonic,
        session_clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        super().__init__()
        self.db_path = db_path
        self.demo = demo
        self.store: Store = store  # type: ignore[assignment]  # set in on_mount when None
        self.startup_error: str | None = None
        self._today = today or dt.date.today
        self.idle_clock = idle_clock
        self.session_clock = session_clock
        """Wall-clock time for sessions' timers; None means the real time (tests freeze it)."""
        self._last_activity = idle_clock()
        self.failed_unlocks = 0
        self._save_lock = threading.Lock()
        self.register_theme(CALM)
        self.register_theme(HIGH_CONTRAST)
        # Set without the watcher, which re-parses and re-applies every rule: before the
        # first parse that only doubles the start-up work. The first parse takes the
        # theme's colours from these variables; CALM is dark like Textual's default, so
        # nothing else the watcher sets would differ.
        self.set_reactive(VoicesGroupApp.theme, CALM.name)
        self.stylesheet.set_variables(self.get_css_variables())

    def today(self) -> dt.date:
        """Today's date (tests freeze it)."""
        return self._today()

    def on_mount(self) -> None:
        if self.store is not None:
            self._begin()
            return
        try:
            self.store = Store.open(self.db_path)
        except PassphraseNeeded:
            from screens.unlock_screen import UnlockScreen

            self.push_screen(UnlockScreen(self.db_path), self._unlocked)
            return
        except VoicesGroupError as error:
            self.startup_error = str(error)
            self.exit()
            return
        self._begin()

    def _unlocked(self, opened: Opened | None) -> None:
        if opened is None:
            self.exit()
            return
        self.store = opened.store
        self._begin()
        if opened.failed_attempts:
            self.record_failed_unlocks(opened.failed_attempts)

    def record_failed_unlocks(self, count: int) -> None:
        """Failed unlocks are written to the audit log once the file is open again."""
        self.attempt(lambda: self.store.audit("failed unlock", f"{count} attempt(s) before this"))

    def _begin(self) -> None:
        from screens.home_screen import HomeScreen

        # The loaded data lives as long as the app: keeping it out of the garbage
        # collector's sweeps keeps key presses as quick with ten years of data as with none.
        gc.freeze()

        self.store.storage.autosave = False
        if self.demo:
            self.sub_title = "demo data — nothing here is real"
        elif self.store.read_only:
            self.sub_title = "read-only: this file's permissions allow no changes"
        for sentence in self.store.finished_on_open:
            self.notify(sentence, title="Finished from last time", timeout=12)
        self.push_screen(HomeScreen())
        self.note_activity()
        self.set_interval(IDLE_CHECK_SECONDS, self._lock_if_idle)
        if self.store.created and not self.demo:
            from screens.dialogs.passphrase_dialog import PassphraseDialog

            self.push_screen(PassphraseDialog(first_run=True))

    # -- idle lock -----------------------------------------------------------------------

    def note_activity(self) -> None:
        self._last_activity = self.idle_clock()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown):
            self.note_activity()
        await super().on_event(event)

    def _lock_if_idle(self) -> None:
        from screens.dialogs.idle_lock_dialog import IdleLockDialog

        minutes = self.store.settings().idle_lock_minutes
        idle = self.idle_clock() - self._last_activity
        if idle >= minutes * 60 and not isinstance(self.screen, IdleLockDialog):
            self.lock_now()

    def action_lock(self) -> None:
        """Lock at once (e.g. before leaving the laptop)."""
        self.lock_now()

    def lock_now(self) -> None:
        from screens.dialogs.idle_lock_dialog import IdleLockDialog

        if not isinstance(self.screen, IdleLockDialog):
            self.push_screen(IdleLockDialog())

    def on_unmount(self) -> None:
        if self.store is not None and not self.store.closed:
            try:
                with self._save_lock:
                    if self.store.unsaved:
                        self.store.save()
            except StoreError as error:
                self.startup_error = str(error)
            self.store.close()

    # -- saving --------------------------------------------------------------------------

    def changed(self) -> None:
        """Call after changing the store: writes it to disk in a worker thread."""
        self._save_in_background()

    @work(thread=True, exit_on_error=False, group="save")
    def _save_in_background(self) -> None:
        try:
            with self._save_lock:
                if self.store.unsaved:
                    self.store.save()
        except StoreError as error:
            self.call_from_thread(self.notify, str(error), title="Not saved", severity="error")

    def attempt(self, change: Callable[[], object]) -> bool:
        """Run a change to the store; show a refusal as a message. True when it happened."""
        try:
            change()
        except VoicesGroupError as error:
            self.notify(str(error), title="Not saved", severity="warning", timeout=8)
            return False
        self.changed()
        return True

    def _fatal_error(self) -> None:
        """End with one sentence, never Textual's traceback: it prints every local variable,
        and those hold members' records. (Errors of our own end through `__rich__` instead.)"""
        import sys

        error = sys.exc_info()[1]
        kind = f" ({type(error).__name__})" if error is not None else ""
        self.bell()
        self._exit_renderables.append(
            f"voicesgroup: something unexpected went wrong{kind} and the app has closed. "
            "Nothing more was changed; please report this."
        )
        self._close_messages_no_wait()

    # -- keys and commands ---------------------------------------------------------------

    def action_help(self) -> None:
        from screens.dialogs.help_dialog import HelpDialog

        if not isinstance(self.screen, HelpDialog):
            self.push_screen(HelpDialog(self.screen))

    def action_settings(self) -> None:
        from screens.settings_screen import SettingsScreen

        if self.store is not None and not isinstance(self.screen, SettingsScreen):
            self.push_screen(SettingsScreen())

    def action_toggle_contrast(self) -> None:
        self.theme = CALM.name if self.theme == HIGH_CONTRAST.name else HIGH_CONTRAST.name

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every key action of the current screen is in the palette, plus the app's own."""
        seen: set[str] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            # Widget-level keys (cursor moves, copy) are not actions a person looks up.
            if active.node not in (screen, self) or not binding.description:
                continue
            if not active.enabled or binding.description in seen:
                continue
            seen.add(binding.description)
            help_text = binding.tooltip or f"{binding.description} ({active.binding.key})"
            yield SystemCommand(
                binding.description,
                help_text,
                partial(self.run_action, binding.action, active.node),
            )
        yield SystemCommand(
            "High contrast theme",
            "Switch between the calm and high-contrast looks",
            self.action_toggle_contrast,
        )
        yield from super().get_system_commands(screen)
