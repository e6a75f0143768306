"""The voicesgroup Textual app: opens the store, shows the home screen, saves off the UI thread."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from screens.themes import CALM, HIGH_CONTRAST
from voicesgroup.errors import StoreError, VoicesGroupError
from voicesgroup.store import Store

STYLESHEET = Path(__file__).resolve().parent / "voicesgroup.tcss"


class VoicesGroupApp(App[None]):
    """A calm app for running peer support groups; everything stays on this laptop."""

    CSS_PATH = STYLESHEET
    TITLE = "voicesgroup"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("f1", "help", "Help", id="help"),
        Binding("ctrl+t", "toggle_contrast", "High contrast", id="contrast", show=False),
        Binding("ctrl+q", "quit", "Quit", id="quit"),
    ]

    def __init__(
        self,
        db_path: Path,
        *,
        demo: bool = False,
        store: Store | None = None,
        today: Callable[[], dt.date] | None = None,
    ) -> None:
        super().__init__()
        self.db_path = db_path
        self.demo = demo
        self.store: Store = store  # type: ignore[assignment]  # set in on_mount when None
        self.startup_error: str | None = None
        self._today = today or dt.date.today
        self._save_lock = threading.Lock()
        self.register_theme(CALM)
        self.register_theme(HIGH_CONTRAST)
        self.theme = CALM.name

    def today(self) -> dt.date:
        """Today's date (tests freeze it)."""
        return self._today()

    def on_mount(self) -> None:
        if self.store is None:
            try:
                self.store = Store.open(self.db_path)
            except VoicesGroupError as error:
                self.startup_error = str(error)
                self.exit()
                return
        self.store.storage.autosave = False
        if self.demo:
            self.sub_title = "demo data — nothing here is real"
        from screens.home_screen import HomeScreen

        self.push_screen(HomeScreen())

    def on_unmount(self) -> None:
        if self.store is not None:
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

    # -- keys and commands ---------------------------------------------------------------

    def action_help(self) -> None:
        from screens.dialogs.help_dialog import HelpDialog

        if not isinstance(self.screen, HelpDialog):
            self.push_screen(HelpDialog(self.screen))

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
